import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
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

/**
 * busboy limits for moleculer-web's multipart aliases: one file, cut off one byte past the limit
 * (so the staging sees that it is too large and answers 413), and no form fields, so nothing in
 * the body can stand in for a path parameter.
 */
export function multipartLimits(maxFileBytes: number) {
  return { limits: { files: 1, fields: 0, parts: 2, fileSize: maxFileBytes + 1 } };
}

type CallOptions = { stream?: NodeJS.ReadableStream } & Record<string, unknown>;
type Call = (action: string, params?: unknown, options?: CallOptions) => Promise<unknown>;

/**
 * moleculer-web's multipart alias hands busboy's file stream to `ctx.call(action, params,
 * { stream })`. For this one request, that call stages the bytes in the object store first (at
 * the store's pace: the client is slowed down, nothing piles up in memory, and no broker timeout
 * runs meanwhile), then calls the action with the facts only: memoryId, filename, stagedKey, size,
 * sha256 and contentType. No file crosses the broker. A failed upload leaves no staged object.
 */
export function stageUploadBeforeCall(
  req: IncomingMessage,
  ctx: { call: unknown },
  options: { objects: ObjectStore | undefined; ownerId: string; maxFileBytes: number },
): void {
  const call = (ctx.call as Call).bind(ctx);
  ctx.call = async (action: string, params: Record<string, unknown> = {}, callOptions: CallOptions = {}) => {
    const { stream: file, ...rest } = callOptions;
    if (!file) return call(action, params, callOptions);
    const { $fieldname, $filename, $encoding: _encoding, $mimetype: _mimetype, ...fields } = params;
    if ($fieldname !== "file") {
      throw new ValidationError("The file must be sent in the multipart field `file`.", [
        { field: "file", message: "is required" },
      ]);
    }
    // The file name is the one string of an upload: the text rule holds for it before a byte is staged.
    if ($filename !== undefined) refuseForbiddenText($filename, "filename");
    if (!options.objects) throw new UnavailableError("Uploads are not available.");
    const stagedKey = `${options.ownerId}/staging/${randomUUID()}`;
    // A client that goes away mid-upload leaves busboy's file stream waiting forever: end it.
    const onClose = () => {
      if (!req.complete) (file as Readable).destroy(uploadCutShort());
    };
    req.once("close", onClose);
    let staged: StagedUpload;
    try {
      staged = await stageUpload(options.objects, stagedKey, file, { maxBytes: options.maxFileBytes });
    } finally {
      req.off("close", onClose);
    }
    try {
      const filename = typeof $filename === "string" ? $filename : undefined;
      return await call(action, { ...fields, filename, stagedKey, ...staged }, rest);
    } catch (error) {
      await options.objects.delete(stagedKey).catch(() => undefined);
      throw error;
    }
  };
}

/**
 * A multipart body that stops before its closing boundary: the client went away mid-upload, sent
 * a boundary the body does not use, or sent no parts at all. busboy reports these as plain errors,
 * which would otherwise be answered (and logged) as a server failure.
 */
export function uploadCutShort(): ValidationError {
  return new ValidationError(
    "The multipart body ended before its closing boundary (the boundary must be the one in Content-Type).",
    [{ field: "file", message: "ended before the closing multipart boundary" }],
  );
}

/** busboy's own words for a body that ends early, on the form as a whole or on one part. */
export function isCutShortMultipart(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return (
    error instanceof Error &&
    !(error instanceof AppError) &&
    typeof message === "string" &&
    /unexpected end of multipart data$/i.test(message)
  );
}
