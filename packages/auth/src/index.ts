export * from "./access-token.ts";
export * from "./password.ts";
export * from "./token-hash.ts";
export * from "./api-key.ts";
