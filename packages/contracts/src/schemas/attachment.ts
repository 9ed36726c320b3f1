import { Type } from "@sinclair/typebox";
import { IdParams, Strict, Uuid } from "./common.ts";

/** Attachments (API.md, Attachments). */
export const UploadForm = Type.Object({ file: Type.String({ format: "binary" }) });

/** What the gateway hands the attachment service once the upload is staged (multipart-body.ts). */
export const UploadParams = Strict({
  memoryId: Uuid(),
  filename: Type.Optional(Type.String({ maxLength: 1024 })),
  stagedKey: Type.String({ minLength: 1, maxLength: 200 }),
  size: Type.Integer({ minimum: 0 }),
  sha256: Type.String({ pattern: "^[0-9a-f]{64}$" }),
  contentType: Type.String({ minLength: 1, maxLength: 200 }),
});
/**
 * What the gateway asks before it reads an upload's body: may the caller attach to this memory a
 * file of at least `fileBytesAtLeast` bytes (known from a declared Content-Length)?
 */
export const CheckUploadParams = Strict({
  memoryId: Uuid(),
  fileBytesAtLeast: Type.Optional(Type.Integer({ minimum: 0 })),
});
export const AttachmentIdParams = IdParams;

export const Attachment = Type.Object({
  id: Uuid(),
  memoryId: Uuid(),
  filename: Type.String({ description: "The client's file name, without any path; at most 255 characters." }),
  contentType: Type.String({
    description: "Sniffed from the file's first bytes; the client's type and the extension are ignored.",
  }),
  size: Type.Integer({ minimum: 0, description: "Bytes." }),
  sha256: Type.String({ pattern: "^[0-9a-f]{64}$" }),
});

/**
 * What a download answers as Content-Type: whatever packages/platform sniffed from the file's first
 * bytes (object-storage/content-type.ts) — any of the well over a hundred binary formats `file-type`
 * recognises, `text/plain; charset=utf-8`, or application/octet-stream — so the document says any
 * type. Downloads are always `Content-Disposition: attachment` with `nosniff`, so no type is
 * rendered in the API's origin.
 */
export const DOWNLOAD_CONTENT_TYPES = ["*/*"] as const;
