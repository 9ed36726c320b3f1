export * from "./event-store.ts";
export * from "./postgres/index.ts";
