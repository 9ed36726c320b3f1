export { createPostgresEventStore, type PostgresEventStoreOptions } from "./postgres-event-store.ts";
export { findStoredAppend, isUniqueViolation } from "./append-events.ts";
export { readLog, readStreamEvents, readStreamVersion, type LogRead } from "./read-events.ts";
export { migrateEventStore, EVENT_STORE_SCHEMA, EVENTS_CHANNEL } from "./schema.ts";
export type { Queryable } from "./event-rows.ts";
