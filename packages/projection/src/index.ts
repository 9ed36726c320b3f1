export {
  CHECKPOINTS_TABLE,
  CheckpointMovedError,
  compareAndSetCheckpoint,
  createCheckpointsTable,
  ensureCheckpoint,
  readCheckpoint,
  setCheckpoint,
} from "./checkpoints.ts";
export { projectBatch, type BatchHandlers, type BatchTarget, type ProjectedBatch } from "./project-batch.ts";
export {
  startProjection,
  type ProjectionLogger,
  type ProjectionOptions,
  type RunningProjection,
} from "./start-projection.ts";
