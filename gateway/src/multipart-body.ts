import type { IncomingMessage } from "node:http";
import { PayloadTooLargeError, ValidationError } from "@second-brain/contracts";

/** Room for the multipart boundaries and part headers around the file itself. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/**
 * Checks an upload before a byte of it is read: it must be multipart/form-data, and a declared
 * length far beyond the file limit is refused at once (413). The file itself is streamed on.
 */
export function checkMultipartRequest(req: IncomingMessage, maxFileBytes: number): void {
  const type = String(req.headers["content-type"] ?? "").toLowerCase();
  if (!type.startsWith("multipart/form-data") || !/boundary=/.test(type)) {
    throw new ValidationError("The request must be multipart/form-data with the file in the field `file`.", [
      { field: "file", message: "is required" },
    ]);
  }
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxFileBytes + MULTIPART_OVERHEAD_BYTES) {
    throw new PayloadTooLargeError(`The file is larger than ${maxFileBytes} bytes.`);
  }
}

/**
 * busboy limits for moleculer-web's multipart aliases: one file, cut off one byte past the limit
 * (so the service sees that it is too large and answers 413), and no form fields, so nothing in
 * the body can stand in for a path parameter.
 */
export function multipartLimits(maxFileBytes: number) {
  return { limits: { files: 1, fields: 0, parts: 2, fileSize: maxFileBytes + 1 } };
}
