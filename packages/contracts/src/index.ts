export * from "./errors.ts";
export * from "./events.ts";
export * from "./memory.ts";
export * from "./limits.ts";
export * from "./actions.ts";
export * from "./session.ts";
export * from "./tag.ts";
export * from "./attachment.ts";
