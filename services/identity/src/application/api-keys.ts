import {
  AlreadyExistsError,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
  type ApiKeyGrant,
  type ApiKeyScope,
  type Caller,
  type FieldProblem,
} from "@second-brain/contracts";
import { apiKeySecretMatches, generateApiKey, mayGrantScopes, parseApiKey } from "@second-brain/auth";
import { derivedId, type SqlPool } from "@second-brain/platform";
import {
  deleteApiKey,
  findApiKey,
  findApiKeyCredential,
  insertApiKey,
  listApiKeys as listStoredApiKeys,
  touchApiKey,
  type StoredApiKey,
} from "../adapters/api-key-store.ts";
import { isUniqueViolation } from "../adapters/identity-store.ts";
import {
  apiKeyExpiry,
  apiKeyNameProblem,
  LAST_USED_RESOLUTION_MS,
  requestedScopes,
  shouldRecordUse,
} from "../domain/api-key-rules.ts";

export interface ApiKeyDeps {
  pool: SqlPool;
  /** Milliseconds since the epoch. */
  now: () => number;
}

export interface CreateApiKeyCommand {
  name: string;
  scopes?: ApiKeyScope[];
  expiresAt?: string;
}

export interface CreatedApiKey extends Omit<StoredApiKey, "lastUsedAt"> {
  key: string;
}

/** Lookup ids are 40 random bits: a clash is rare, and a few fresh draws settle it. */
const LOOKUP_ATTEMPTS = 3;

/**
 * Creates a key for the caller; the answer is the only place the key ever appears. The key's id
 * comes from the command id, so a retry of a creation that was stored is recognised (409: its key
 * was shown once and cannot be shown again) rather than making a second key.
 */
export async function createApiKey(
  deps: ApiKeyDeps,
  caller: Caller | undefined,
  command: CreateApiKeyCommand,
  commandId: string,
): Promise<CreatedApiKey> {
  if (!caller) throw new UnauthenticatedError();
  const now = deps.now();
  const expiry = apiKeyExpiry(command.expiresAt, now);
  const problems = [apiKeyNameProblem(command.name), "problem" in expiry ? expiry.problem : undefined].filter(
    (problem): problem is FieldProblem => problem !== undefined,
  );
  if (problems.length > 0)
    throw new ValidationError(`${problems[0]!.field} ${problems[0]!.message}.`, problems);
  const scopes = requestedScopes(command.scopes);
  if (!mayGrantScopes(caller.role, scopes))
    throw new ForbiddenError("Only admins may create a key with the admin scope.");

  const id = derivedId(commandId, "api-key");
  for (let attempt = 1; ; attempt++) {
    const generated = generateApiKey();
    const row = {
      id,
      lookupId: generated.lookupId,
      userId: caller.userId,
      name: command.name.trim(),
      scopes,
      secretHash: generated.secretHash,
      createdAt: new Date(now),
      expiresAt: "expiresAt" in expiry ? expiry.expiresAt : null,
    };
    try {
      await insertApiKey(deps.pool, row);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (await findApiKey(deps.pool, caller.userId, id))
        throw new AlreadyExistsError("This request already created a key; a key is shown only once.");
      if (attempt < LOOKUP_ATTEMPTS) continue;
      throw error;
    }
    return {
      id,
      name: row.name,
      scopes,
      prefix: generated.prefix,
      key: generated.key,
      createdAt: row.createdAt.toISOString(),
      expiresAt: row.expiresAt?.toISOString() ?? null,
    };
  }
}

export async function listApiKeys(
  deps: ApiKeyDeps,
  caller: Caller | undefined,
): Promise<{ items: StoredApiKey[] }> {
  if (!caller) throw new UnauthenticatedError();
  return { items: await listStoredApiKeys(deps.pool, caller.userId) };
}

/** Revoking deletes the key: the next request with it, on any gateway, is a 401. */
export async function revokeApiKey(deps: ApiKeyDeps, caller: Caller | undefined, id: string): Promise<void> {
  if (!caller) throw new UnauthenticatedError();
  if (!(await deleteApiKey(deps.pool, caller.userId, id))) throw new NotFoundError("The API key");
}

const REFUSED = "The API key is invalid, expired or revoked.";

/**
 * Who a key speaks for and what it may do, read from the database on every request (nothing is
 * cached, so a revocation or expiry holds at once for every gateway). Every refusal is the same
 * 401, whatever the reason.
 */
export async function authenticateApiKey(deps: ApiKeyDeps, key: string): Promise<ApiKeyGrant> {
  const parsed = parseApiKey(key);
  if (!parsed) throw new UnauthenticatedError(REFUSED);
  const credential = await findApiKeyCredential(deps.pool, parsed.lookupId);
  if (!credential || !apiKeySecretMatches(parsed.secret, credential.secretHash))
    throw new UnauthenticatedError(REFUSED);
  const now = deps.now();
  if (credential.expiresAt && credential.expiresAt.getTime() <= now) throw new UnauthenticatedError(REFUSED);
  if (shouldRecordUse(credential.lastUsedAt, now)) {
    // A failed write loses one "last used" mark, never the request: the next use records it.
    await touchApiKey(deps.pool, credential.id, new Date(now), new Date(now - LAST_USED_RESOLUTION_MS)).catch(
      () => undefined,
    );
  }
  return {
    keyId: credential.id,
    userId: credential.userId,
    role: credential.role,
    scopes: credential.scopes,
  };
}
