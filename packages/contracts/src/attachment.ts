/** Attachments: files kept with a memory. Their facts are events; their bytes live in an object store. */

export const attachmentStreamId = (attachmentId: string): string => `attachment-${attachmentId}`;
export const ATTACHMENT_STREAM_PREFIX = "attachment-";

export interface AttachmentAddedData {
  attachmentId: string;
  memoryId: string;
  /** Personal content: encrypted with the owner's data key at rest. */
  filename: string;
  /** Sniffed from the bytes, never taken from the client. */
  contentType: string;
  size: number;
  sha256: string;
  /** Where the bytes are; one object may back several attachments of one owner (dedupe by hash). */
  objectKey: string;
}

export interface AttachmentDeletedData {
  attachmentId: string;
  memoryId: string;
  /** Why: the owner asked, or the memory it belonged to was deleted. */
  reason: "requested" | "memory-deleted";
}

export type AttachmentEvent =
  | { type: "AttachmentAdded"; data: AttachmentAddedData }
  | { type: "AttachmentDeleted"; data: AttachmentDeletedData };

export type AttachmentEventType = AttachmentEvent["type"];

export const ATTACHMENT_PERSONAL_FIELDS: Record<AttachmentEventType, readonly string[]> = {
  AttachmentAdded: ["filename", "contentType", "sha256"],
  AttachmentDeleted: [],
};

export const ATTACHMENT_EVENT_SCHEMA_VERSION = 1;
