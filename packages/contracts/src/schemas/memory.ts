import { Type, type Static } from "@sinclair/typebox";
import { MEMORY_TYPES, VISIBLE_MEMORY_STATUSES } from "../memory.ts";
import { NON_BLANK } from "./validate.ts";
import { limitedBy } from "./with-limits.ts";
import { DateTime, IdParams, JsonObject, Nullable, StringEnum, Strict, Unit, Uuid } from "./common.ts";

/**
 * Memories (API.md, Memories). The limits a deployment configures are named, not fixed
 * (with-limits.ts); the domain holds memories to them as well (services/memory/src/domain/rules.ts).
 */

export const MAX_SOURCE_URL_CHARS = 2048;
export const MAX_LINK_TYPE_CHARS = 64;

const Content = Type.String({ minLength: 1, ...limitedBy("maxContentChars"), pattern: NON_BLANK });
const Title = Nullable(
  Type.String({ ...limitedBy("maxTitleChars"), description: "Trimmed; an empty title means none." }),
);
export const TagName = Type.String({ minLength: 1, ...limitedBy("maxTagChars"), pattern: NON_BLANK });
const Tags = Type.Array(TagName, {
  ...limitedBy("maxTags"),
  description: "Trimmed, lower-cased and de-duplicated.",
});
const MemoryTypeField = StringEnum(MEMORY_TYPES);
const SettableStatus = StringEnum(["draft", "active"] as const, {
  description: "archived and deleted have their own operations.",
});
const SourceUrl = Nullable(Type.String({ format: "uri", maxLength: MAX_SOURCE_URL_CHARS }));
const Metadata = JsonObject({ description: "String keys to JSON values, at most 64 KiB as JSON." });

export const CreateMemoryBody = Strict({
  content: Content,
  title: Type.Optional(Title),
  type: Type.Optional(StringEnum(MEMORY_TYPES, { description: "semantic when not given." })),
  status: Type.Optional(StringEnum(["draft", "active"] as const, { description: "active when not given." })),
  tags: Type.Optional(Tags),
  importance: Type.Optional(Unit({ description: "0.5 when not given." })),
  confidence: Type.Optional(Unit({ description: "1 when not given." })),
  metadata: Type.Optional(Metadata),
  sourceUrl: Type.Optional(SourceUrl),
  sessionId: Type.Optional(Nullable(Uuid({ description: "One of the caller's sessions." }))),
});

const editFields = {
  content: Type.Optional(Content),
  title: Type.Optional(Title),
  type: Type.Optional(MemoryTypeField),
  status: Type.Optional(SettableStatus),
  importance: Type.Optional(Unit()),
  confidence: Type.Optional(Unit()),
  metadata: Type.Optional(Metadata),
  sourceUrl: Type.Optional(SourceUrl),
};
export const EditMemoryBody = Strict(editFields);
export const SetTagsBody = Strict({ tags: Tags });
export const LinkBody = Strict({
  targetId: Uuid({ description: "Another of the caller's memories." }),
  type: Type.String({ minLength: 1, maxLength: MAX_LINK_TYPE_CHARS, pattern: NON_BLANK }),
});

/** The memory actions' params: the body's fields plus the memory id from the path. */
export const CreateMemoryParams = CreateMemoryBody;
export const EditMemoryParams = Strict({ id: Uuid(), ...editFields });
export const SetTagsParams = Strict({ id: Uuid(), tags: Tags });
export const LinkParams = Strict({ id: Uuid(), ...LinkBody.properties });
export const MemoryIdParams = IdParams;
export const AsOfParams = Strict({ id: Uuid(), asOf: DateTime() });

export const MemoryListQuery = Strict({
  tag: Type.Optional(Type.String({ minLength: 1, ...limitedBy("maxTagChars") })),
  type: Type.Optional(MemoryTypeField),
  status: Type.Optional(
    StringEnum(VISIBLE_MEMORY_STATUSES, { description: "Active memories unless asked otherwise." }),
  ),
  sessionId: Type.Optional(Uuid()),
  limit: Type.Optional(Type.Integer({ minimum: 1, ...limitedBy("maxListLimit") })),
  cursor: Type.Optional(
    Type.String({ minLength: 1, maxLength: 512, description: "nextCursor of the previous page." }),
  ),
});
export const AsOfQuery = Strict({
  asOf: Type.Optional(DateTime({ description: "The memory as it stood at this time, from its events." })),
});

export const MemoryLink = Type.Object({ targetId: Uuid(), type: Type.String() });
export const AttachmentRef = Type.Object({
  id: Uuid(),
  filename: Type.String(),
  contentType: Type.String(),
  size: Type.Integer({ minimum: 0 }),
  sha256: Type.String({ pattern: "^[0-9a-f]{64}$" }),
});

export const Memory = Type.Object({
  id: Uuid(),
  version: Type.Integer({ minimum: 1, description: "The stream version; send it back in If-Match." }),
  title: Nullable(Type.String()),
  content: Type.String(),
  type: MemoryTypeField,
  status: StringEnum(VISIBLE_MEMORY_STATUSES),
  tags: Type.Array(Type.String()),
  importance: Unit(),
  confidence: Unit(),
  links: Type.Array(MemoryLink),
  sourceUrl: Nullable(Type.String()),
  sessionId: Nullable(Uuid()),
  attachments: Type.Array(AttachmentRef),
  metadata: JsonObject(),
  createdAt: DateTime(),
  updatedAt: DateTime(),
});

export const MemoryList = Type.Object({
  items: Type.Array(Memory),
  nextCursor: Nullable(Type.String({ description: "Send as ?cursor= for the next page; null at the end." })),
});

export const MemoryHistoryEvent = Type.Object({
  id: Uuid(),
  type: Type.String({ examples: ["MemoryCreated", "MemoryEdited"] }),
  version: Type.Integer({ minimum: 1 }),
  occurredAt: DateTime(),
  actor: Type.String(),
  correlationId: Type.String(),
  causationId: Type.String(),
  data: JsonObject({ description: "The event's fields, as recorded (personal fields decrypted)." }),
});
export const MemoryHistory = Type.Object({
  events: Type.Array(MemoryHistoryEvent, { description: "Oldest first." }),
});

export type CreateMemoryBody = Static<typeof CreateMemoryBody>;
