export * from "./database.ts";
export * from "./hashed-embedder.ts";
export * from "./stack.ts";
export * from "./memory-events.ts";
