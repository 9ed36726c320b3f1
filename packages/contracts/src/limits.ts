/** Explicit limits (API.md). Defaults; configuration may change them (see platform config). */
export interface Limits {
  maxContentChars: number;
  maxTitleChars: number;
  maxBodyBytes: number;
  maxTags: number;
  maxTagChars: number;
  maxMetadataBytes: number;
  maxFileBytes: number;
  maxListLimit: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxContentChars: 100_000,
  maxTitleChars: 1_000,
  maxBodyBytes: 1024 * 1024,
  maxTags: 64,
  maxTagChars: 64,
  maxMetadataBytes: 64 * 1024,
  maxFileBytes: 100 * 1024 * 1024,
  maxListLimit: 100,
};

/**
 * How deeply a JSON request body may nest arrays and objects (the body itself is level 1). Not
 * configurable: it only bounds the recursion of the serialisers and parsers a request meets.
 */
export const MAX_JSON_DEPTH = 32;

/** Accounts (API.md, Identity): RFC 5321's 254 characters for an email, and a display name. */
export const MAX_EMAIL_CHARS = 254;
export const MAX_USER_NAME_CHARS = 200;
export const MIN_PASSWORD_CHARS = 8;
export const MAX_PASSWORD_CHARS = 1024;
/** Opaque tokens and cursors the API hands out; anything longer is not one of ours. */
export const MAX_TOKEN_CHARS = 512;

/** Search (API.md, Search): results per answer, and the length of a query. */
export const DEFAULT_SEARCH_RESULTS = 10;
export const MAX_SEARCH_RESULTS = 50;
export const MAX_SEARCH_QUERY_CHARS = 1000;
