import * as Minio from "minio";
import type { ObjectStore } from "../ports.ts";
import { assertObjectKey } from "./object-keys.ts";
import { uploadInParts } from "./s3-multipart-upload.ts";

export interface S3ObjectStoreOptions {
  /** e.g. http://127.0.0.1:9000 (MinIO) or https://s3.eu-west-1.amazonaws.com */
  endpoint: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  region: string;
}

/** The smallest part S3 accepts: an upload holds about one part in memory. */
const PART_SIZE = 5 * 1024 * 1024;

/** Objects in MinIO or any S3 (the distributed mode); creates the bucket when it is missing. */
export async function openS3ObjectStore(options: S3ObjectStoreOptions): Promise<ObjectStore> {
  const url = new URL(options.endpoint);
  const useSSL = url.protocol === "https:";
  const client = new Minio.Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    region: options.region,
    pathStyle: true,
  });
  const { bucket } = options;
  await ensureBucket(client, bucket, options.region);

  return {
    async put(key, body, _size, contentType) {
      assertObjectKey(key);
      await uploadInParts(client, bucket, key, body, contentType, PART_SIZE);
    },
    async get(key) {
      assertObjectKey(key);
      try {
        return await client.getObject(bucket, key);
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async signedUrl(key, expiresInSeconds) {
      assertObjectKey(key);
      return client.presignedGetObject(bucket, key, expiresInSeconds);
    },
    async delete(key) {
      assertObjectKey(key);
      await client.removeObject(bucket, key);
    },
    async deleteFolder(folder) {
      assertObjectKey(folder);
      const listed = client.listObjectsV2(bucket, `${folder}/`, true);
      let names: string[] = [];
      for await (const item of listed as AsyncIterable<{ name?: string }>) {
        if (item.name) names.push(item.name);
        // DeleteObjects takes at most 1,000 keys per request.
        if (names.length === 1000) {
          await client.removeObjects(bucket, names);
          names = [];
        }
      }
      if (names.length > 0) await client.removeObjects(bucket, names);
    },
    async exists(key) {
      assertObjectKey(key);
      try {
        await client.statObject(bucket, key);
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },
    async move(from, to) {
      assertObjectKey(from);
      assertObjectKey(to);
      // S3 has no rename: a server-side copy (no bytes through this process), then the delete.
      await client.copyObject(
        new Minio.CopySourceOptions({ Bucket: bucket, Object: from }),
        new Minio.CopyDestinationOptions({ Bucket: bucket, Object: to }),
      );
      await client.removeObject(bucket, from);
    },
  };
}

async function ensureBucket(client: Minio.Client, bucket: string, region: string): Promise<void> {
  if (await client.bucketExists(bucket)) return;
  try {
    await client.makeBucket(bucket, region);
  } catch (error) {
    // Another process created it between our check and our request.
    const code = (error as { code?: string }).code;
    if (code !== "BucketAlreadyOwnedByYou" && code !== "BucketAlreadyExists") throw error;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === "NoSuchKey" || code === "NotFound" || code === "NoSuchObject";
}
