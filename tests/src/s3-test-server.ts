import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";

/**
 * A real S3-protocol server on loopback (s3rver) for the distributed stacks. It checks neither
 * signatures nor secrets: it proves the protocol, never access control.
 */
export interface S3TestServer {
  endpoint: string;
  /** Environment for a stack that keeps attachments here. */
  env: Record<string, string>;
  /** Files s3rver keeps for objects of the bucket (its metadata files excluded). */
  objectCount(): Promise<number>;
  /** Where s3rver keeps the objects and their metadata, as files. */
  directory: string;
  stop(): Promise<void>;
}

export async function startS3TestServer(bucket = "second-brain-test"): Promise<S3TestServer> {
  const directory = await mkdtemp(path.join(os.tmpdir(), "sb-s3rver-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    directory,
    env: {
      OBJECT_STORAGE: "s3",
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY: "S3RVER",
      S3_SECRET_KEY: "S3RVER",
    },
    objectCount: async () => {
      const files = await readdir(path.join(directory, bucket), { recursive: true }).catch(() => []);
      return files.filter((file) => String(file).endsWith("._S3rver_object")).length;
    },
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
