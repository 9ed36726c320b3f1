import { tagSchemas } from "@second-brain/contracts/schemas";

/** The tag actions' params, declared once in packages/contracts/src/schemas/tag.ts. */
export const listParams = tagSchemas.TagListParams;
export const updateParams = tagSchemas.UpdateTagParams;
export const mergeParams = tagSchemas.MergeTagParams;
