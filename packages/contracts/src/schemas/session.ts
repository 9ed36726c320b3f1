import { Type } from "@sinclair/typebox";
import { MAX_TOKEN_CHARS } from "../limits.ts";
import { MESSAGE_ROLES, SESSION_STATUSES } from "../session.ts";
import { NON_BLANK } from "./validate.ts";
import { limitedBy } from "./with-limits.ts";
import { DateTime, IdParams, JsonObject, Nullable, StringEnum, Strict, Uuid } from "./common.ts";

/** Sessions (API.md, Sessions): title and message lengths follow the memory limits. */
const Title = Nullable(
  Type.String({
    ...limitedBy("maxTitleChars"),
    description: "Trimmed; an empty title means none.",
  }),
);
const Context = JsonObject({ description: "String keys to JSON values, at most 64 KiB as JSON." });

const sessionFields = { title: Type.Optional(Title), context: Type.Optional(Context) };
export const StartSessionBody = Strict(sessionFields);
export const UpdateSessionBody = Strict(sessionFields);
export const AddMessageBody = Strict({
  role: StringEnum(MESSAGE_ROLES),
  content: Type.String({ minLength: 1, ...limitedBy("maxContentChars"), pattern: NON_BLANK }),
});
export const SessionListQuery = Strict({
  status: Type.Optional(StringEnum(SESSION_STATUSES)),
  limit: Type.Optional(Type.Integer({ minimum: 1, ...limitedBy("maxListLimit") })),
  cursor: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: MAX_TOKEN_CHARS,
      description: "nextCursor of the previous page.",
    }),
  ),
});
export const SessionMessagesQuery = Strict({
  limit: Type.Optional(
    Type.Integer({ minimum: 1, ...limitedBy("maxListLimit"), description: "Default 50." }),
  ),
  cursor: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: MAX_TOKEN_CHARS,
      description: "messagesCursor of the session, or nextCursor of the previous page.",
    }),
  ),
});

/** The session actions' params: the body's fields plus the session id from the path. */
export const StartSessionParams = StartSessionBody;
export const SessionListParams = SessionListQuery;
export const SessionIdParams = IdParams;
export const UpdateSessionParams = Strict({ id: Uuid(), ...sessionFields });
export const AddMessageParams = Strict({ id: Uuid(), ...AddMessageBody.properties });
export const SessionMessagesParams = Strict({ id: Uuid(), ...SessionMessagesQuery.properties });

const summaryFields = {
  id: Uuid(),
  version: Type.Integer({ minimum: 1 }),
  title: Nullable(Type.String()),
  context: JsonObject(),
  status: StringEnum(SESSION_STATUSES),
  messageCount: Type.Integer({ minimum: 0 }),
  createdAt: DateTime(),
  updatedAt: DateTime(),
};
export const SessionSummary = Type.Object(summaryFields);
export const SessionMessage = Type.Object({
  id: Uuid(),
  role: StringEnum(MESSAGE_ROLES),
  content: Type.String(),
  createdAt: DateTime(),
});
export const Session = Type.Object({
  ...summaryFields,
  messages: Type.Array(SessionMessage, {
    description: "The latest messages (at most 50), the oldest of them first.",
  }),
  messagesCursor: Nullable(
    Type.String({ description: "Reads the messages before these (GET …/messages?cursor=); null when none." }),
  ),
  memoryIds: Type.Array(Uuid(), { description: "The memories created in this session." }),
});
export const SessionList = Type.Object({
  items: Type.Array(SessionSummary),
  nextCursor: Nullable(Type.String()),
});
export const SessionMessagePage = Type.Object({
  items: Type.Array(SessionMessage, { description: "Oldest first." }),
  nextCursor: Nullable(Type.String({ description: "Reads the messages before these; null when none." })),
});
