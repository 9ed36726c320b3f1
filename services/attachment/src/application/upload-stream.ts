import { createHash } from "node:crypto";
import { Readable, Transform } from "node:stream";

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
    this.size += chunk.length;
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
