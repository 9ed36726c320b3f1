export { attachmentService, type AttachmentServiceOptions } from "./attachment.service.ts";
export { sanitizeFilename, contentDisposition } from "./domain/filename.ts";
export { attachmentDecider, type AttachmentCommand, type AttachmentState } from "./domain/attachment.ts";
export { attachmentIndex, attachmentIndexMigrations } from "./adapters/attachment-index.ts";
