export * from "./errors.ts";
export * from "./events.ts";
export * from "./memory.ts";
export * from "./limits.ts";
export * from "./actions.ts";
