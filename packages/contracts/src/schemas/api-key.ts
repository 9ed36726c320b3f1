import { Type } from "@sinclair/typebox";
import { API_KEY_SCOPES, MAX_API_KEY_NAME_CHARS } from "../api-key.ts";
import { MAX_TOKEN_CHARS } from "../limits.ts";
import { DateTime, Nullable, StringEnum, Strict, Uuid } from "./common.ts";
import { NON_BLANK } from "./validate.ts";

/** API keys (API.md, Identity): created, listed and revoked by their owner with an access token. */
const Scope = StringEnum(API_KEY_SCOPES);
const SCOPES_TEXT =
  "`read`: every GET and search; `write`: every change to the owner's data; `admin`: the admin routes (admins only). No scope lets a key manage keys, change the password or erase the account.";
const Scopes = (description = SCOPES_TEXT) =>
  Type.Array(Scope, { minItems: 1, maxItems: API_KEY_SCOPES.length, uniqueItems: true, description });

export const CreateApiKeyBody = Strict({
  name: Type.String({
    minLength: 1,
    maxLength: MAX_API_KEY_NAME_CHARS,
    pattern: NON_BLANK,
    description: "A label for the owner; one line (no tab or line break), stored trimmed.",
  }),
  scopes: Type.Optional(Scopes(`${SCOPES_TEXT} Default: read and write.`)),
  expiresAt: Type.Optional(
    DateTime({ maxLength: 64, description: "When the key stops working; in the future. Default: never." }),
  ),
});

export const ApiKeyIdParams = Strict({ id: Uuid() });

/** A key as its owner sees it in a list: never the key itself. */
export const ApiKey = Type.Object({
  id: Uuid(),
  name: Type.String(),
  scopes: Scopes(),
  prefix: Type.String({
    description: "The key's first characters (`sb_` and its lookup id), to recognise it by.",
    examples: ["sb_k3x9q2ab"],
  }),
  createdAt: DateTime(),
  expiresAt: Nullable(DateTime()),
  lastUsedAt: Nullable(
    DateTime({
      description:
        "When the key last authenticated a request, to the minute (updated at most once a minute).",
    }),
  ),
});

/** The answer to a creation: the key, shown this once. */
export const CreatedApiKey = Type.Object({
  id: Uuid(),
  name: Type.String(),
  scopes: Scopes(),
  prefix: Type.String(),
  key: Type.String({ description: "Send as `X-API-Key: <key>`. Shown only in this answer; store it now." }),
  createdAt: DateTime(),
  expiresAt: Nullable(DateTime()),
});

export const ApiKeyList = Type.Object({ items: Type.Array(ApiKey) });

/** The identity service's internal action that the gateway calls for a request with `X-API-Key`. */
export const AuthenticateApiKeyParams = Strict({
  key: Type.String({ minLength: 1, maxLength: MAX_TOKEN_CHARS }),
});
