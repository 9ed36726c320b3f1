import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { Busboy, type BusboyHeaders } from "@fastify/busboy";
import {
  AppError,
  PayloadTooLargeError,
  refuseForbiddenText,
  UnavailableError,
  ValidationError,
} from "@second-brain/contracts";
import { stageUpload, type ObjectStore, type StagedUpload } from "@second-brain/platform";

/** The boundary parameter of a Content-Type, quoted or not; the pieces are bounded, so it is linear. */
const BOUNDARY = /;\s*boundary=(?:"([^"]*)"|([^;\s]*))/i;

/** Room for the multipart boundaries and part headers around the file itself. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/**
 * The least the file of a multipart request whose Content-Length says `declared` can be: what a
 * check before the body (a quota) may hold against it. Undefined without a declared length
 * (a chunked upload); such a body is checked once staged, at its real size.
 */
export function fileBytesAtLeast(req: IncomingMessage): number | undefined {
  const declared = String(req.headers["content-length"] ?? "");
  if (!/^\d{1,15}$/.test(declared)) return undefined;
  return Math.max(0, Number(declared) - MULTIPART_OVERHEAD_BYTES);
}

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
  // busboy throws on an empty boundary or one over 256 characters, and never finds an empty one.
  const boundary = BOUNDARY.exec(String(req.headers["content-type"]));
  const length = (boundary?.[1] ?? boundary?.[2] ?? "").length;
  if (length < 1 || length > 70) {
    throw new ValidationError("The multipart boundary must be 1 to 70 characters (RFC 2046).", [
      { field: "Content-Type", message: "needs a boundary of 1 to 70 characters" },
    ]);
  }
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxFileBytes + MULTIPART_OVERHEAD_BYTES) {
    throw new PayloadTooLargeError(`The file is larger than ${maxFileBytes} bytes.`);
  }
}

/** What an upload became once staged: where its bytes wait, and what they turned out to be. */
export interface ReceivedUpload extends StagedUpload {
  stagedKey: string;
  filename: string | undefined;
}

interface UploadOptions {
  objects: ObjectStore | undefined;
  ownerId: string;
  maxFileBytes: number;
}

/**
 * Streams the one file of a multipart/form-data body into the object store's staging area (at the
 * store's pace: the client is slowed down, nothing piles up in memory, and no broker timeout runs
 * meanwhile) and answers what was staged once the whole body has been read. The file must come in
 * the field `file`; form fields are ignored, so nothing in the body can stand in for a path
 * parameter. A failed upload leaves no staged object, and the rest of its body is drained.
 */
export function receiveUpload(req: IncomingMessage, options: UploadOptions): Promise<ReceivedUpload> {
  checkMultipartRequest(req, options.maxFileBytes);
  return new Promise((resolve, reject) => {
    let staging: Promise<ReceivedUpload> | undefined;
    let settled = false;
    // One file, cut off one byte past the limit (so staging sees that it is too large), no fields.
    const busboy = Busboy({
      headers: req.headers as BusboyHeaders,
      limits: { files: 1, fields: 0, parts: 2, fileSize: options.maxFileBytes + 1 },
    });
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(busboy);
      req.resume();
      // A file staged before the body turned out bad (e.g. no closing boundary) is dropped.
      staging?.then(({ stagedKey }) => options.objects?.delete(stagedKey)).catch(() => undefined);
      reject(isCutShortMultipart(error) ? uploadCutShort() : error);
    };
    busboy.on("file", (fieldname, file, filename) => {
      staging = stageFile(req, file, fieldname, filename, options);
      staging.catch((error: unknown) => {
        file.resume();
        fail(error);
      });
    });
    busboy.on("finish", () => {
      // busboy does not take a part for a file when, e.g., its file name holds a line break.
      if (!staging) return fail(fileMissing());
      staging.then((received) => {
        if (settled) return;
        settled = true;
        resolve(received);
      }, fail);
    });
    busboy.on("error", fail);
    req.pipe(busboy);
  });
}

async function stageFile(
  req: IncomingMessage,
  file: Readable,
  fieldname: string,
  filename: string | undefined,
  options: UploadOptions,
): Promise<ReceivedUpload> {
  if (fieldname !== "file") {
    throw new ValidationError("The file must be sent in the multipart field `file`.", [
      { field: "file", message: "is required" },
    ]);
  }
  // The file name is the one string of an upload: the text rule holds for it before a byte is staged.
  if (filename !== undefined) refuseForbiddenText(filename, "filename");
  if (!options.objects) throw new UnavailableError("Uploads are not available.");
  const stagedKey = `${options.ownerId}/staging/${randomUUID()}`;
  // A client that goes away mid-upload leaves busboy's file stream waiting forever: end it.
  const onClose = () => {
    if (!req.complete) file.destroy(uploadCutShort());
  };
  req.once("close", onClose);
  try {
    const staged = await stageUpload(options.objects, stagedKey, file, { maxBytes: options.maxFileBytes });
    return { ...staged, stagedKey, filename };
  } finally {
    req.off("close", onClose);
  }
}

function fileMissing(): ValidationError {
  return new ValidationError("The request must be multipart/form-data with the file in the field `file`.", [
    { field: "file", message: "is required" },
  ]);
}

/**
 * A multipart body that stops before its closing boundary: the client went away mid-upload, sent
 * a boundary the body does not use, or sent no parts at all. busboy reports these as plain errors,
 * which would otherwise be answered (and logged) as a server failure.
 */
function uploadCutShort(): ValidationError {
  return new ValidationError(
    "The multipart body ended before its closing boundary (the boundary must be the one in Content-Type).",
    [{ field: "file", message: "ended before the closing multipart boundary" }],
  );
}

/** busboy's own words for a body that ends early, on the form as a whole or on one part. */
function isCutShortMultipart(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return (
    error instanceof Error &&
    !(error instanceof AppError) &&
    typeof message === "string" &&
    /unexpected end of multipart data$/i.test(message)
  );
}
