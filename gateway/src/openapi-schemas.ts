import { MEMORY_TYPES, VISIBLE_MEMORY_STATUSES } from "@second-brain/contracts";

/** JSON Schemas (OpenAPI 3.1 dialect) of the bodies in API.md. */
const uuid = { type: "string", format: "uuid" };
const time = { type: "string", format: "date-time" };
const unit = { type: "number", minimum: 0, maximum: 1 };
const nullableString = { type: ["string", "null"] };
const tag = { type: "string", minLength: 1, maxLength: 64 };
const metadata = { type: "object", additionalProperties: true };

export const schemas = {
  Error: {
    type: "object",
    required: ["error"],
    properties: {
      error: {
        type: "object",
        required: ["code", "message"],
        properties: {
          code: { type: "string", pattern: "^[A-Z][A-Z0-9_]*$", examples: ["VALIDATION_FAILED"] },
          message: { type: "string" },
          details: {
            description: "For VALIDATION_FAILED, one entry per field; for VERSION_CONFLICT, currentVersion.",
          },
        },
      },
    },
  },
  User: {
    type: "object",
    required: ["id", "email", "name", "role", "createdAt"],
    properties: {
      id: uuid,
      email: { type: "string", format: "email" },
      name: nullableString,
      role: { enum: ["user", "admin"] },
      createdAt: time,
    },
  },
  TokenPair: {
    type: "object",
    required: ["accessToken", "refreshToken", "expiresIn"],
    properties: {
      accessToken: { type: "string", description: "Send as `Authorization: Bearer <accessToken>`." },
      refreshToken: { type: "string", description: "Single use: each refresh returns a new one." },
      expiresIn: { type: "integer", description: "Seconds until the access token expires." },
    },
  },
  Registration: {
    allOf: [
      { $ref: "#/components/schemas/TokenPair" },
      { type: "object", required: ["user"], properties: { user: { $ref: "#/components/schemas/User" } } },
    ],
  },
  RegisterRequest: {
    type: "object",
    additionalProperties: false,
    required: ["email", "password"],
    properties: {
      email: { type: "string", format: "email" },
      password: { type: "string", minLength: 8, maxLength: 1024 },
      name: nullableString,
    },
  },
  LoginRequest: {
    type: "object",
    additionalProperties: false,
    required: ["email", "password"],
    properties: { email: { type: "string" }, password: { type: "string" } },
  },
  RefreshRequest: {
    type: "object",
    additionalProperties: false,
    required: ["refreshToken"],
    properties: { refreshToken: { type: "string" } },
  },
  MemoryLink: {
    type: "object",
    required: ["targetId", "type"],
    properties: { targetId: uuid, type: { type: "string" } },
  },
  Attachment: {
    type: "object",
    required: ["id", "filename", "contentType", "size", "sha256"],
    properties: {
      id: uuid,
      filename: { type: "string" },
      contentType: { type: "string" },
      size: { type: "integer" },
      sha256: { type: "string" },
    },
  },
  Memory: {
    type: "object",
    required: [
      "id",
      "version",
      "title",
      "content",
      "type",
      "status",
      "tags",
      "importance",
      "confidence",
      "links",
      "sourceUrl",
      "sessionId",
      "attachments",
      "metadata",
      "createdAt",
      "updatedAt",
    ],
    properties: {
      id: uuid,
      version: { type: "integer", description: "The stream version; send it back in If-Match." },
      title: nullableString,
      content: { type: "string" },
      type: { enum: [...MEMORY_TYPES] },
      status: { enum: [...VISIBLE_MEMORY_STATUSES] },
      tags: { type: "array", items: { type: "string" } },
      importance: unit,
      confidence: unit,
      links: { type: "array", items: { $ref: "#/components/schemas/MemoryLink" } },
      sourceUrl: { type: ["string", "null"], format: "uri" },
      sessionId: { type: ["string", "null"], format: "uuid" },
      attachments: { type: "array", items: { $ref: "#/components/schemas/Attachment" } },
      metadata,
      createdAt: time,
      updatedAt: time,
    },
  },
  CreateMemoryRequest: {
    type: "object",
    additionalProperties: false,
    required: ["content"],
    properties: {
      content: { type: "string", minLength: 1, maxLength: 100_000 },
      title: nullableString,
      type: { enum: [...MEMORY_TYPES], default: "semantic" },
      tags: { type: "array", items: tag, maxItems: 64 },
      importance: unit,
      confidence: unit,
      metadata,
      sourceUrl: { type: ["string", "null"], format: "uri" },
      sessionId: { type: ["string", "null"], format: "uuid" },
    },
  },
  EditMemoryRequest: {
    type: "object",
    additionalProperties: false,
    minProperties: 1,
    properties: {
      content: { type: "string", minLength: 1, maxLength: 100_000 },
      title: nullableString,
      type: { enum: [...MEMORY_TYPES] },
      status: { enum: ["draft", "active"] },
      importance: unit,
      confidence: unit,
      metadata,
      sourceUrl: { type: ["string", "null"], format: "uri" },
    },
  },
  SetTagsRequest: {
    type: "object",
    additionalProperties: false,
    required: ["tags"],
    properties: { tags: { type: "array", items: tag, maxItems: 64 } },
  },
  LinkRequest: {
    type: "object",
    additionalProperties: false,
    required: ["targetId", "type"],
    properties: { targetId: uuid, type: { type: "string", minLength: 1 } },
  },
  MemoryList: {
    type: "object",
    required: ["items", "nextCursor"],
    properties: {
      items: { type: "array", items: { $ref: "#/components/schemas/Memory" } },
      nextCursor: nullableString,
    },
  },
  MemoryHistory: {
    type: "object",
    required: ["events"],
    properties: {
      events: {
        type: "array",
        description: "Oldest first.",
        items: {
          type: "object",
          required: ["id", "type", "version", "occurredAt", "actor", "data"],
          properties: {
            id: uuid,
            type: { type: "string" },
            version: { type: "integer" },
            occurredAt: time,
            actor: { type: "string" },
            data: { type: "object" },
          },
        },
      },
    },
  },
  Readiness: {
    type: "object",
    required: ["status"],
    properties: { status: { enum: ["ok", "unavailable"] } },
  },
  HealthDetails: {
    type: "object",
    required: ["status", "services"],
    properties: {
      status: { enum: ["ok", "degraded", "down"] },
      services: {
        type: "object",
        additionalProperties: {
          type: "object",
          required: ["status", "dependencies"],
          properties: {
            status: { enum: ["ok", "degraded", "down"] },
            dependencies: { type: "object", additionalProperties: { enum: ["ok", "down"] } },
            readModels: {
              type: "object",
              additionalProperties: {
                type: "object",
                required: ["status", "parkedStreams"],
                properties: {
                  status: { enum: ["ok", "degraded"] },
                  parkedStreams: { type: "integer", minimum: 0 },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;
