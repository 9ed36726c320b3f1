export * from "./database.ts";
export * from "./decider-specification.ts";
export * from "./in-memory-event-store.ts";
export * from "./in-memory-keyring.ts";
