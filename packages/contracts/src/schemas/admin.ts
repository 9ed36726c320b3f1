import { Type } from "@sinclair/typebox";
import { DateTime, StringEnum, Strict } from "./common.ts";

/** Operations for admins (API.md, Operations); the admin service checks the role. */
export const ProjectionPath = Strict({ name: Type.String({ minLength: 1, maxLength: 100 }) });
export const ParkedStreamPath = Strict({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  streamId: Type.String({ minLength: 1, maxLength: 200 }),
});

export const ProjectionList = Type.Object({
  projections: Type.Array(
    Type.Object({
      name: Type.String(),
      position: Type.Optional(Type.String()),
      rebuilding: Type.Optional(Type.Boolean({ description: "Only for projections that can be rebuilt." })),
      lagEvents: Type.Optional(Type.Integer({ minimum: 0 })),
      parkedStreams: Type.Optional(
        Type.Integer({
          minimum: 0,
          description: "Streams whose events are skipped since one failed to apply.",
        }),
      ),
      error: Type.Optional(Type.String({ description: "Why this read model did not answer." })),
    }),
  ),
});
export const RebuildStarted = Type.Object({ name: Type.String(), accepted: Type.Boolean() });

const ParkedEvent = Type.Object({
  eventId: Type.String(),
  eventType: Type.String(),
  streamVersion: Type.Integer(),
  position: Type.String(),
  error: Type.Optional(Type.String()),
  parkedAt: DateTime(),
});
export const ParkedStreams = Type.Object({
  name: Type.String(),
  streams: Type.Array(
    Type.Object({
      streamId: Type.String(),
      parkedAt: DateTime(),
      error: Type.String(),
      events: Type.Array(ParkedEvent),
    }),
  ),
});
export const RetryOutcome = Type.Object(
  {
    name: Type.String(),
    streamId: Type.String(),
    outcome: StringEnum(["applied", "failed"] as const),
    events: Type.Optional(Type.Integer({ description: "Events applied (outcome applied)." })),
    parkedEvents: Type.Optional(Type.Integer({ description: "Events still parked (outcome failed)." })),
    error: Type.Optional(Type.String({ description: "Why they failed again (outcome failed)." })),
  },
  {
    description:
      'outcome "applied": the parked events were applied and the stream is live again; outcome "failed": they failed again and stay parked, with the error.',
  },
);
