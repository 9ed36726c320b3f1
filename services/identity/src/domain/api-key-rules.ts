import {
  API_KEY_SCOPES,
  DEFAULT_API_KEY_SCOPES,
  type ApiKeyScope,
  type FieldProblem,
} from "@second-brain/contracts";

/**
 * What a new key's fields must be beyond their schema (which bounds the name's length, the scopes'
 * values and the date's format): a name is one line of text, and a key expires in the future.
 */
// Tab, line feed and carriage return (the only C0 characters the API's text rule lets through),
// DEL and the C1 controls: a label shown in a list has no use for them.
const NOT_IN_A_NAME = /[\t\n\r\u007f-\u009f]/;

export function apiKeyNameProblem(name: string): FieldProblem | undefined {
  if (NOT_IN_A_NAME.test(name))
    return { field: "name", message: "must be one line without tabs or control characters" };
  if (name.trim() === "")
    return { field: "name", message: "must contain a character that is not white space" };
  return undefined;
}

/** The expiry as a Date, or the problem with it: unparseable, or not after `now`. */
export function apiKeyExpiry(
  expiresAt: string | undefined,
  now: number,
): { expiresAt: Date | null } | { problem: FieldProblem } {
  if (expiresAt === undefined) return { expiresAt: null };
  const time = Date.parse(expiresAt);
  if (Number.isNaN(time))
    return {
      problem: {
        field: "expiresAt",
        message: "must be a date and time (ISO 8601, e.g. 2026-01-31T12:00:00Z)",
      },
    };
  if (time <= now) return { problem: { field: "expiresAt", message: "must be in the future" } };
  return { expiresAt: new Date(time) };
}

/** The scopes asked for, in the canonical order, or the default ones. */
export function requestedScopes(scopes: readonly ApiKeyScope[] | undefined): ApiKeyScope[] {
  const wanted = new Set(scopes ?? DEFAULT_API_KEY_SCOPES);
  return API_KEY_SCOPES.filter((scope) => wanted.has(scope));
}

/** A key is used at most this often as far as `lastUsedAt` knows: one write per key per interval. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export function shouldRecordUse(lastUsedAt: Date | null, now: number): boolean {
  return lastUsedAt === null || now - lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS;
}
