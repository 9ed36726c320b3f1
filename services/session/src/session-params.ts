import type { ActionParams } from "moleculer";

/** Shapes only ($$strict refuses unknown fields); the domain checks the rules and limits. */
const sessionId = { type: "uuid" } as const;

export const startParams: ActionParams = {
  $$strict: true,
  title: { type: "string", optional: true, nullable: true },
  context: { type: "object", optional: true },
};

export const listParams: ActionParams = {
  $$strict: true,
  status: { type: "enum", values: ["open", "closed"], optional: true },
  limit: { type: "number", integer: true, min: 1, max: 100, convert: true, optional: true },
  cursor: { type: "string", min: 1, max: 512, optional: true },
};

export const idParams: ActionParams = { $$strict: true, id: sessionId };

export const addMessageParams: ActionParams = {
  $$strict: true,
  id: sessionId,
  role: { type: "string" },
  content: { type: "string" },
};

export const updateParams: ActionParams = {
  $$strict: true,
  id: sessionId,
  title: { type: "string", optional: true, nullable: true },
  context: { type: "object", optional: true },
};
