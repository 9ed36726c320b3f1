export {
  CHECKPOINTS_TABLE,
  CheckpointMovedError,
  compareAndSetCheckpoint,
  countParkedStreams,
  createCheckpointsTable,
  ensureCheckpoint,
  migrateProjectionTables,
  projectionMigrations,
  readCheckpoint,
  readParkedStreams,
  setCheckpoint,
} from "./checkpoints.ts";
export { listParkedEvents, PARKED_EVENTS_TABLE, type ParkedEvent } from "./parked-events.ts";
export * from "./project-batch.ts";
export { projectOrPark, type ConsumerState, type ParkingHooks } from "./project-or-park.ts";
export { retryParkedStream, type RetryOutcome } from "./retry-parked.ts";
export {
  startProjection,
  type ProjectionLogger,
  type ProjectionOptions,
  type RunningProjection,
} from "./start-projection.ts";
export type { ProjectionStatus, RetryParkedResult } from "./read-model-admin.ts";
export { isTransientError } from "./transient-errors.ts";
