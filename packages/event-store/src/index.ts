export * from "./event-store.ts";
export * from "./count-appends.ts";
export * from "./postgres/index.ts";
