import type * as Minio from "minio";

/**
 * Uploads a stream of unknown length with at most two parts in memory: parts are read, sent and
 * released one after the other, so a 1 GiB upload costs the same memory as a 10 MiB one. A body
 * that fits in one part is a single PUT. On any failure the multipart upload is aborted, so
 * nothing (not even invisible parts) is left behind.
 *
 * Done here rather than with the client's putObject, which looks for an earlier upload of the
 * same key to resume (wrong for us, and not served by every S3 implementation) and never hears
 * of an error on the body it pipes.
 */
export async function uploadInParts(
  client: Minio.Client,
  bucket: string,
  key: string,
  body: NodeJS.ReadableStream,
  contentType: string,
  partSize: number,
): Promise<void> {
  const buffers = takePartBuffers(partSize);
  try {
    await uploadParts(client, bucket, key, readParts(body, buffers), contentType);
  } finally {
    givePartBuffersBack(buffers);
  }
}

async function uploadParts(
  client: Minio.Client,
  bucket: string,
  key: string,
  parts: AsyncGenerator<Buffer>,
  contentType: string,
): Promise<void> {
  const first = await parts.next();
  const firstPart = first.done ? Buffer.alloc(0) : first.value;
  const second = first.done ? first : await parts.next();
  if (second.done) {
    await client.putObject(bucket, key, firstPart, firstPart.length, { "Content-Type": contentType });
    return;
  }

  const uploadId = await client.initiateNewMultipartUpload(bucket, key, { "Content-Type": contentType });
  try {
    const etags: { part: number; etag: string }[] = [];
    const send = async (payload: Buffer) => {
      const part = etags.length + 1;
      const { etag } = await client.uploadPart(
        { bucketName: bucket, objectName: key, uploadID: uploadId, partNumber: part, headers: {} },
        payload,
      );
      etags.push({ part, etag });
    };
    await send(firstPart);
    await send(second.value);
    for (let next = await parts.next(); !next.done; next = await parts.next()) await send(next.value);
    await client.completeMultipartUpload(bucket, key, uploadId, etags);
  } catch (error) {
    await client.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
    throw error;
  }
}

/**
 * Part buffers of finished uploads, kept for the next ones: an upload then touches no new memory
 * (a fresh 2 × 5 MB per upload would grow the process until the collector returns the old ones).
 * A few are kept, enough for the usual number of concurrent uploads; more are allocated at need.
 */
const idlePartBuffers: Buffer[][] = [];
const MAX_IDLE_PART_BUFFERS = 4;

function takePartBuffers(size: number): [Buffer, Buffer] {
  const pooled = idlePartBuffers.pop();
  if (pooled && pooled[0]!.length === size) return pooled as [Buffer, Buffer];
  // Filled now, so that their memory is committed once, not bit by bit during some later upload.
  return [Buffer.allocUnsafeSlow(size).fill(0), Buffer.allocUnsafeSlow(size).fill(0)];
}

function givePartBuffersBack(buffers: [Buffer, Buffer]): void {
  if (idlePartBuffers.length < MAX_IDLE_PART_BUFFERS) idlePartBuffers.push(buffers);
}

/**
 * The body in parts of exactly the buffers' size (the last one shorter); pulls only when asked.
 * The parts are views of the two buffers used in turn, so a part stays intact until the one after
 * next is asked for (the caller reads one part ahead).
 */
async function* readParts(body: NodeJS.ReadableStream, buffers: [Buffer, Buffer]): AsyncGenerator<Buffer> {
  const size = buffers[0].length;
  let turn = 0;
  let filled = 0;
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    let bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    while (bytes.length > 0) {
      const take = Math.min(size - filled, bytes.length);
      bytes.copy(buffers[turn]!, filled, 0, take);
      filled += take;
      bytes = bytes.subarray(take);
      if (filled === size) {
        yield buffers[turn]!;
        turn = 1 - turn;
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buffers[turn]!.subarray(0, filled);
}
