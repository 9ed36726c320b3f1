export * from "./database.ts";
export * from "./event-log.ts";
export * from "./hashed-embedder.ts";
export * from "./stack.ts";
export * from "./memory-events.ts";
export * from "./decider-specification.ts";
export * from "./in-memory-event-store.ts";
export * from "./in-memory-keyring.ts";
