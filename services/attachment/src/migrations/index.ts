import type { Migration } from "@second-brain/platform";
import { createAttachmentIndex } from "./2026_12_01_0001_create_attachment_index.ts";
import { useProjectionCheckpoints } from "./2026_12_02_0001_use_projection_checkpoints.ts";
import { addAttachmentSizes } from "./2026_12_03_0001_add_attachment_sizes.ts";

/** The attachment index's tables (component "attachment"). */
export const attachmentIndexMigrations: Migration[] = [
  createAttachmentIndex,
  useProjectionCheckpoints,
  addAttachmentSizes,
];
