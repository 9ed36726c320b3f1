import type { ActionParams } from "moleculer";

/**
 * Moleculer validator schemas of the memory actions. They check shapes only (types, UUIDs, no
 * unknown fields); the domain checks the rules (lengths, ranges, enums) so that every rule has one
 * home and one wording. The gateway sends the HTTP body fields plus the `id` from the path.
 */
const optionalString = { type: "string", optional: true } as const;
const optionalNullableString = { type: "string", optional: true, nullable: true } as const;
const optionalNumber = { type: "number", optional: true } as const;
const optionalObject = { type: "object", optional: true } as const;
const memoryId = { type: "uuid" } as const;

export const createParams: ActionParams = {
  $$strict: true,
  title: optionalNullableString,
  content: { type: "string" },
  type: optionalString,
  status: optionalString,
  tags: { type: "array", items: "string", optional: true },
  importance: optionalNumber,
  confidence: optionalNumber,
  metadata: optionalObject,
  sourceUrl: optionalNullableString,
  sessionId: { type: "uuid", optional: true, nullable: true },
};

export const editParams: ActionParams = {
  $$strict: true,
  id: memoryId,
  title: optionalNullableString,
  content: optionalString,
  type: optionalString,
  status: optionalString,
  importance: optionalNumber,
  confidence: optionalNumber,
  metadata: optionalObject,
  sourceUrl: optionalNullableString,
};

export const setTagsParams: ActionParams = {
  $$strict: true,
  id: memoryId,
  tags: { type: "array", items: "string" },
};

export const linkParams: ActionParams = {
  $$strict: true,
  id: memoryId,
  targetId: { type: "uuid" },
  type: { type: "string" },
};

export const idParams: ActionParams = { $$strict: true, id: memoryId };

export const asOfParams: ActionParams = { $$strict: true, id: memoryId, asOf: { type: "string" } };
