import { Type } from "@sinclair/typebox";
import {
  MAX_EMAIL_CHARS,
  MAX_PASSWORD_CHARS,
  MAX_TOKEN_CHARS,
  MAX_USER_NAME_CHARS,
  MIN_PASSWORD_CHARS,
} from "../limits.ts";
import { DateTime, Nullable, StringEnum, Strict, Uuid } from "./common.ts";

/** Accounts and tokens (API.md, Identity). */
export const RegisterBody = Strict({
  email: Type.String({
    format: "email",
    maxLength: MAX_EMAIL_CHARS,
    description: "Stored trimmed and lower-cased: one account per address, whatever its case.",
  }),
  password: Type.String({ minLength: MIN_PASSWORD_CHARS, maxLength: MAX_PASSWORD_CHARS }),
  name: Type.Optional(Nullable(Type.String({ maxLength: MAX_USER_NAME_CHARS }))),
});
export const LoginBody = Strict({
  email: Type.String({ minLength: 1, maxLength: MAX_EMAIL_CHARS }),
  password: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_CHARS }),
});
export const RefreshBody = Strict({
  refreshToken: Type.String({ minLength: 1, maxLength: MAX_TOKEN_CHARS }),
});

export const User = Type.Object({
  id: Uuid(),
  email: Type.String(),
  name: Nullable(Type.String()),
  role: StringEnum(["user", "admin"] as const),
  createdAt: DateTime(),
});
/** One per-user quota and how much of it the user takes (API.md, Quotas). */
const Counted = (description: string) =>
  Type.Object(
    {
      used: Nullable(
        Type.Integer({
          minimum: 0,
          description: "null when the service that counts it cannot answer just now.",
        }),
      ),
      limit: Nullable(Type.Integer({ minimum: 1, description: "null when there is no quota." })),
    },
    { description },
  );
/** A quota on each memory or session rather than on the user. */
const PerItem = (description: string) =>
  Type.Object(
    { limit: Nullable(Type.Integer({ minimum: 1, description: "null when there is no quota." })) },
    { description },
  );
export const Usage = Type.Object({
  memories: Counted("Live (not deleted) memories."),
  storedBytes: Counted("UTF-8 bytes of the live memories' titles, contents and metadata (as JSON)."),
  attachmentBytes: Counted("Bytes of the live attachments, each counted at its size."),
  editsPerMemory: PerItem("Events in one memory's history; deleting is always allowed."),
  messagesPerSession: PerItem("Messages in one session."),
});
export const Me = Type.Object({
  ...User.properties,
  usage: Usage,
});
export const TokenPair = Type.Object({
  accessToken: Type.String({ description: "Send as `Authorization: Bearer <accessToken>`." }),
  refreshToken: Type.String({ description: "Single use: each refresh returns a new one." }),
  expiresIn: Type.Integer({ description: "Seconds until the access token expires." }),
});
export const Registration = Type.Object({ user: User, ...TokenPair.properties });
export const Erasure = Type.Object({ erased: Uuid({ description: "The erased user's id." }) });

/** A registration's one answer, the same for a new and a taken email (API.md, Identity). */
export const RegistrationAccepted = Type.Object({
  status: Type.Literal("accepted"),
  message: Type.String(),
});
export const ChangePasswordBody = Strict({
  currentPassword: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_CHARS }),
  newPassword: Type.String({ minLength: MIN_PASSWORD_CHARS, maxLength: MAX_PASSWORD_CHARS }),
});
export const EraseBody = Strict({
  password: Type.String({
    minLength: 1,
    maxLength: MAX_PASSWORD_CHARS,
    description: "The account's password: erasure cannot be undone.",
  }),
});
export const BootstrapAdminBody = Strict({
  token: Type.String({
    minLength: 1,
    maxLength: MAX_TOKEN_CHARS,
    description: "The one-time token the identity service logged at start while no admin existed.",
  }),
});
export const AdminGranted = Type.Object({
  user: User,
  accessToken: Type.String({ description: "An access token of the same session, with the admin role." }),
  expiresIn: Type.Integer({ description: "Seconds until the access token expires." }),
});
/** Internal: the gateway asks when its revocation set cannot answer. */
export const SessionStatusParams = Strict({ sessionId: Uuid() });
