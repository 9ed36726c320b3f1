export * from "./access-token.ts";
export * from "./password.ts";
export * from "./token-hash.ts";
export * from "./session-revocations.ts";
export * from "./api-key.ts";
