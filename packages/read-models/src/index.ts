export * from "./memory-record.ts";
export * from "./memories-table.ts";
export * from "./search-tables.ts";
export * from "./cache-keys.ts";
export * from "./memory-event-decoder.ts";
export * from "./stream-order.ts";
export * from "./memory-ddl.ts";
