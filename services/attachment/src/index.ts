export { attachmentService, type AttachmentServiceOptions } from "./attachment.service.ts";
export { sanitizeFilename, contentDisposition } from "./domain/filename.ts";
export { attachmentDecider, type AttachmentCommand, type AttachmentState } from "./domain/attachment.ts";
export { attachmentIndex } from "./read-model/attachment-index.ts";
export { attachmentIndexMigrations } from "./migrations/index.ts";
