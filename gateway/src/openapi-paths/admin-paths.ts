const errorRef = { $ref: "#/components/schemas/Error" };
const errorResponses = Object.fromEntries(
  [401, 403, 404, 429, 503].map((status) => [String(status), { $ref: `#/components/responses/E${status}` }]),
);

/** OpenAPI path items of the admin routes (routes/admin-routes.ts). */
export const ADMIN_PATHS: Record<string, unknown> = {
  "/api/v1/admin/projections": {
    get: {
      operationId: "listProjections",
      summary: "Where each projection stands in the log (admin)",
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
                        rebuilding: { type: "boolean" },
                        lagEvents: { type: "integer" },
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
};
