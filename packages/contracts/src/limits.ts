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
