import { createHash } from "node:crypto";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream";
import { PayloadTooLargeError } from "@second-brain/contracts";
import type { ObjectStore } from "../ports.ts";
import { SNIFF_BYTES, sniffContentType } from "./content-type.ts";
import { collectYoungGarbage } from "./young-garbage.ts";

/** What an upload turned out to be, learnt while it streamed into the store. */
export interface StagedUpload {
  size: number;
  /** Lowercase hex SHA-256 of the bytes. */
  sha256: string;
  /** Sniffed from the first bytes; a client's type is never trusted. */
  contentType: string;
}

/**
 * Streams an upload into the object store under `key` while counting, hashing and sniffing it.
 * Backpressure holds end to end (the source is read only as fast as the store takes bytes), so
 * memory use does not depend on the file's size. Past `maxBytes` it fails with 413; on any failure
 * nothing is left under `key`.
 */
export async function stageUpload(
  objects: ObjectStore,
  key: string,
  source: NodeJS.ReadableStream,
  options: { maxBytes: number },
): Promise<StagedUpload> {
  const meter = new MeteredStream(options.maxBytes);
  let contentType: string;
  try {
    const { head, body } = await peekHead(source, SNIFF_BYTES);
    contentType = await sniffContentType(head);
    pipeline(body, meter, () => undefined);
    await objects.put(key, meter, undefined, contentType);
  } catch (error) {
    await objects.delete(key).catch(() => undefined);
    if (meter.tooLarge || isTooLarge(error))
      throw new PayloadTooLargeError(`The file is larger than ${options.maxBytes} bytes.`);
    throw error;
  }
  return { size: meter.size, sha256: meter.sha256(), contentType };
}

/** A cut-off upstream (busboy's file size limit) arrives as an error on the stream. */
function isTooLarge(error: unknown): boolean {
  const { code, name, type } = (error ?? {}) as { code?: unknown; name?: unknown; type?: unknown };
  return code === 413 || name === "PayloadTooLarge" || type === "PAYLOAD_TOO_LARGE";
}

/**
 * Reads just enough of an upload to sniff its type, and hands back a stream that replays those
 * bytes followed by the rest, pulled on demand (nothing beyond the head is buffered here).
 */
export async function peekHead(
  source: NodeJS.ReadableStream,
  bytes: number,
): Promise<{ head: Buffer; body: Readable }> {
  const iterator = (source as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const buffered: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = typeof next.value === "string" ? Buffer.from(next.value) : next.value;
    buffered.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(buffered).subarray(0, bytes);
  async function* replay() {
    yield* buffered;
    buffered.length = 0;
    if (ended) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { head, body: Readable.from(replay(), { objectMode: false }) };
}

/** How often a streaming upload has the young garbage (the chunks it passed on) collected. */
const GC_EVERY_BYTES = 4 * 1024 * 1024;

/** Counts and hashes the bytes passing through; fails the stream once they pass `maxBytes`. */
export class MeteredStream extends Transform {
  size = 0;
  tooLarge = false;
  readonly #hash = createHash("sha256");
  readonly #maxBytes: number;

  constructor(maxBytes: number) {
    super();
    this.#maxBytes = maxBytes;
  }

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null, data?: Buffer) => void,
  ) {
    const before = this.size;
    this.size += chunk.length;
    if (Math.floor(before / GC_EVERY_BYTES) !== Math.floor(this.size / GC_EVERY_BYTES)) collectYoungGarbage();
    if (this.size > this.#maxBytes) {
      this.tooLarge = true;
      done(new Error(`The file is larger than ${this.#maxBytes} bytes.`));
      return;
    }
    this.#hash.update(chunk);
    done(null, chunk);
  }

  sha256(): string {
    return this.#hash.digest("hex");
  }
}
