import { Type } from "@sinclair/typebox";
import { Nullable, StringEnum, Strict, Uuid } from "./common.ts";
import { TagName } from "./memory.ts";
import { limitedBy } from "./with-limits.ts";

/** Tags (API.md, Tags): names are trimmed and lower-cased, like the tags on memories. */
const Color = Nullable(
  Type.String({ pattern: "^#[0-9a-fA-F]{6}$", description: "#rrggbb, or null for none." }),
);

export const TagPath = Strict({ name: TagName });
export const UpdateTagBody = Strict({
  name: Type.Optional(TagName),
  color: Type.Optional(Color),
  parent: Type.Optional(Nullable(Type.String(limitedBy("maxTagChars")))),
});
export const MergeTagBody = Strict({ into: TagName });

/** The tag actions' params: the tag from the path travels as `tag`, so a body's `name` cannot stand in for it. */
export const TagListParams = Strict({});
export const UpdateTagParams = Strict({ tag: TagName, ...UpdateTagBody.properties });
export const MergeTagParams = Strict({ tag: TagName, into: TagName });

export const TagOperation = Type.Object(
  {
    id: Uuid(),
    kind: StringEnum(["rename", "merge"] as const),
    from: Type.String(),
    into: Type.String(),
    status: StringEnum(["running", "completed"] as const),
    total: Type.Integer({ minimum: 0 }),
    retagged: Type.Integer({ minimum: 0 }),
  },
  {
    description:
      'A rename or merge: every memory carrying the tag is re-tagged. It finishes even when the answer comes first (status "running"), including after a restart of the tag service.',
  },
);
const tagFields = {
  name: Type.String(),
  count: Type.Integer({ minimum: 0, description: "Draft, active and archived memories carrying it." }),
  parent: Type.Optional(Type.String()),
  color: Type.Optional(Type.String()),
};
export const Tag = Type.Object(tagFields);
export const TagList = Type.Array(Tag);
export const UpdatedTag = Type.Object({
  ...tagFields,
  operation: Type.Optional(TagOperation),
});
