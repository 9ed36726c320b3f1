/**
 * How a read model reports itself in its service's health: degraded while any of its streams is
 * parked (their events are skipped until an admin re-applies them). It still serves.
 */
export interface ReadModelHealth {
  status: "ok" | "degraded";
  parkedStreams: number;
}
