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
  const parts = readParts(body, partSize);
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
 * The body in parts of exactly `size` bytes (the last one shorter); pulls only when asked. The
 * parts are views of two buffers used in turn, so a part stays intact until the one after next is
 * asked for (the caller reads one part ahead), and an upload allocates 2 × `size` once instead of
 * a fresh part (garbage the collector may be slow to return) every `size` bytes.
 */
async function* readParts(body: NodeJS.ReadableStream, size: number): AsyncGenerator<Buffer> {
  const buffers = [Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(size)];
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
