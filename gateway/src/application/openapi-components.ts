import {
  adminSchemas,
  apiKeySchemas,
  attachmentSchemas,
  ErrorBody,
  identitySchemas,
  memorySchemas,
  opsSchemas,
  searchSchemas,
  sessionSchemas,
  tagSchemas,
  type TSchema,
} from "@second-brain/contracts/schemas";

/**
 * The schemas /openapi.json names under components.schemas, so that generated clients get one
 * type per concept (Memory, Session, …) instead of one per place it appears. Everything else is
 * written inline where it is used.
 */
export const NAMED_SCHEMAS: Record<string, TSchema> = {
  Error: ErrorBody,
  User: identitySchemas.User,
  Me: identitySchemas.Me,
  Usage: identitySchemas.Usage,
  TokenPair: identitySchemas.TokenPair,
  Registration: identitySchemas.Registration,
  RegisterRequest: identitySchemas.RegisterBody,
  LoginRequest: identitySchemas.LoginBody,
  RefreshRequest: identitySchemas.RefreshBody,
  Erasure: identitySchemas.Erasure,
  ApiKey: apiKeySchemas.ApiKey,
  CreatedApiKey: apiKeySchemas.CreatedApiKey,
  ApiKeyList: apiKeySchemas.ApiKeyList,
  CreateApiKeyRequest: apiKeySchemas.CreateApiKeyBody,
  Memory: memorySchemas.Memory,
  MemoryLink: memorySchemas.MemoryLink,
  AttachmentRef: memorySchemas.AttachmentRef,
  MemoryList: memorySchemas.MemoryList,
  MemoryHistory: memorySchemas.MemoryHistory,
  MemoryHistoryEvent: memorySchemas.MemoryHistoryEvent,
  CreateMemoryRequest: memorySchemas.CreateMemoryBody,
  EditMemoryRequest: memorySchemas.EditMemoryBody,
  SetTagsRequest: memorySchemas.SetTagsBody,
  LinkRequest: memorySchemas.LinkBody,
  SearchRequest: searchSchemas.SearchBody,
  SearchResults: searchSchemas.SearchResults,
  Session: sessionSchemas.Session,
  SessionSummary: sessionSchemas.SessionSummary,
  SessionMessage: sessionSchemas.SessionMessage,
  SessionList: sessionSchemas.SessionList,
  StartSessionRequest: sessionSchemas.StartSessionBody,
  UpdateSessionRequest: sessionSchemas.UpdateSessionBody,
  AddMessageRequest: sessionSchemas.AddMessageBody,
  Tag: tagSchemas.Tag,
  UpdatedTag: tagSchemas.UpdatedTag,
  TagOperation: tagSchemas.TagOperation,
  UpdateTagRequest: tagSchemas.UpdateTagBody,
  MergeTagRequest: tagSchemas.MergeTagBody,
  Attachment: attachmentSchemas.Attachment,
  ProjectionList: adminSchemas.ProjectionList,
  RebuildStarted: adminSchemas.RebuildStarted,
  ParkedStreams: adminSchemas.ParkedStreams,
  RetryOutcome: adminSchemas.RetryOutcome,
  Readiness: opsSchemas.Readiness,
  HealthDetails: opsSchemas.HealthDetails,
};

const nameOf = new Map<object, string>(Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [schema, name]));

/**
 * `schema` as plain JSON for the document: a named schema becomes its $ref (inside the schema too),
 * unless `inline` asks for the schema itself (its entry under components).
 */
export function documentSchema(schema: unknown, inline = false): unknown {
  if (Array.isArray(schema)) return schema.map((item) => documentSchema(item));
  if (schema === null || typeof schema !== "object") return schema;
  const name = nameOf.get(schema);
  if (name && !inline) return { $ref: `#/components/schemas/${name}` };
  // Object.entries skips TypeBox's symbol keys: what is left is JSON Schema.
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, documentSchema(value)]));
}

export function componentSchemas(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [name, documentSchema(schema, true)]),
  );
}
