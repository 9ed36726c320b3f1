export * from "./event-store.ts";
export * from "./postgres/index.ts";
export * from "./eventstoredb/index.ts";
