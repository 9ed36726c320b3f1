const errorRef = { $ref: "#/components/schemas/Error" };
const errorResponses = Object.fromEntries(
  [401, 403, 404, 429, 503].map((status) => [String(status), { $ref: `#/components/responses/E${status}` }]),
);

const nameParameter = { name: "name", in: "path", required: true, schema: { type: "string" } };
const parkedEventSchema = {
  type: "object",
  properties: {
    eventId: { type: "string" },
    eventType: { type: "string" },
    streamVersion: { type: "integer" },
    position: { type: "string" },
    error: { type: "string" },
    parkedAt: { type: "string", format: "date-time" },
  },
};

/** OpenAPI path items of the admin routes (routes/admin-routes.ts). */
export const ADMIN_PATHS: Record<string, unknown> = {
  "/api/v1/admin/projections": {
    get: {
      operationId: "listProjections",
      summary: "Where each read model stands in the log, and its parked streams (admin)",
      tags: ["Operations"],
      responses: {
        "200": {
          description: "Each projection's checkpoint and how many events it still has to apply.",
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: {
                  projections: {
                    type: "array",
                    items: {
                      type: "object",
                      properties: {
                        name: { type: "string" },
                        position: { type: "string" },
                        rebuilding: {
                          type: "boolean",
                          description: "Only for projections that can be rebuilt.",
                        },
                        lagEvents: { type: "integer" },
                        parkedStreams: {
                          type: "integer",
                          description: "Streams whose events are skipped since one failed to apply.",
                        },
                        error: { type: "string", description: "Why this read model did not answer." },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        ...errorResponses,
      },
    },
  },
  "/api/v1/admin/projections/{name}/rebuild": {
    post: {
      operationId: "rebuildProjection",
      summary: "Rebuild a projection from position 0 into fresh storage, then swap it in (admin)",
      tags: ["Operations"],
      parameters: [{ name: "name", in: "path", required: true, schema: { type: "string" } }],
      responses: {
        "202": {
          description: "The rebuild started.",
          content: { "application/json": { schema: { type: "object" } } },
        },
        default: { description: "Error", content: { "application/json": { schema: errorRef } } },
        ...errorResponses,
      },
    },
  },
  "/api/v1/admin/projections/{name}/parked": {
    get: {
      operationId: "listParkedStreams",
      summary: "The read model's parked streams and their events, in order (admin)",
      tags: ["Operations"],
      parameters: [nameParameter],
      responses: {
        "200": {
          description:
            "Each parked stream with the event that failed first (its error) and the events recorded behind it.",
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: {
                  name: { type: "string" },
                  streams: {
                    type: "array",
                    items: {
                      type: "object",
                      properties: {
                        streamId: { type: "string" },
                        parkedAt: { type: "string", format: "date-time" },
                        error: { type: "string" },
                        events: { type: "array", items: parkedEventSchema },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        ...errorResponses,
      },
    },
  },
  "/api/v1/admin/projections/{name}/parked/{streamId}/retry": {
    post: {
      operationId: "retryParkedStream",
      summary: "Re-apply a parked stream once the cause is fixed (admin)",
      tags: ["Operations"],
      parameters: [
        nameParameter,
        { name: "streamId", in: "path", required: true, schema: { type: "string", maxLength: 200 } },
      ],
      responses: {
        "200": {
          description:
            'outcome "applied": the parked events were applied and the stream is live again; outcome "failed": they failed again and stay parked, with the error.',
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: {
                  name: { type: "string" },
                  streamId: { type: "string" },
                  outcome: { type: "string", enum: ["applied", "failed"] },
                  events: { type: "integer", description: "Events applied (outcome applied)." },
                  parkedEvents: { type: "integer", description: "Events still parked (outcome failed)." },
                  error: { type: "string", description: "Why they failed again (outcome failed)." },
                },
              },
            },
          },
        },
        ...errorResponses,
      },
    },
  },
};
