import type { ActionParams } from "moleculer";

/** Shapes only ($$strict refuses unknown fields); names and colours are checked by the domain. */
export const listParams: ActionParams = { $$strict: true };

export const updateParams: ActionParams = {
  $$strict: true,
  tag: { type: "string" },
  name: { type: "string", optional: true },
  color: { type: "string", optional: true, nullable: true },
  parent: { type: "string", optional: true, nullable: true },
};

export const mergeParams: ActionParams = {
  $$strict: true,
  tag: { type: "string" },
  into: { type: "string" },
};
