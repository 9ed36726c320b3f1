import { attachmentSchemas as schemas } from "@second-brain/contracts/schemas";
import { defineRoute, locationIn } from "../route.ts";

const tag = "Attachments";
const byId = { path: schemas.AttachmentIdParams };

export const ATTACHMENT_ROUTES = [
  defineRoute({
    id: "uploadAttachment",
    apiKeyScope: "write",
    method: "POST",
    path: "/memories/:id/attachments",
    action: "attachment.upload",
    tag,
    summary: "Attach a file to one of the caller's memories",
    description:
      "The file is streamed through to storage, never held whole in memory. Files over the configured limit (MAX_FILE_BYTES, default 100 MiB) are refused with 413 and nothing is stored. Another user's or a missing memory is refused (404) before a byte of the file is read. A file that would take the caller over the attachmentBytes quota is refused with 403 QUOTA_EXCEEDED and not kept: before a byte is read when Content-Length shows it cannot fit, else once it has arrived (API.md, Quotas). The same bytes attached twice by one owner are stored once (and count twice against the quota).",
    multipart: { schema: schemas.UploadForm },
    checkBeforeBody: "attachment.checkUpload",
    status: 201,
    request: byId,
    fromPath: { memoryId: "id" },
    response: { description: "Attached.", schema: schemas.Attachment },
    location: locationIn("attachments"),
    errors: [403],
  }),
  defineRoute({
    id: "downloadAttachment",
    apiKeyScope: "read",
    method: "GET",
    path: "/attachments/:id",
    action: "attachment.download",
    tag,
    summary: "The attachment's bytes",
    description:
      "Streamed with Content-Type (the type sniffed from the first bytes), Content-Length and Content-Disposition. An attachment of a deleted memory is gone (404).",
    request: byId,
    fromPath: { id: "id" },
    response: { description: "The bytes.", download: schemas.DOWNLOAD_CONTENT_TYPES },
  }),
  defineRoute({
    id: "deleteAttachment",
    apiKeyScope: "write",
    method: "DELETE",
    path: "/attachments/:id",
    action: "attachment.delete",
    tag,
    summary: "Delete an attachment",
    status: 204,
    request: byId,
    fromPath: { id: "id" },
    response: { description: "Deleted." },
    errors: [409],
  }),
];
