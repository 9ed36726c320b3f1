import type { ObjectStore } from "../ports.ts";

/**
 * Opens the real store on first use. Every process gets `objects` in its resources, but only the
 * gateway (it stages uploads) and the attachment service touch it: the others never connect to
 * S3, and cannot fail to start when it is down. A failed open is retried on the next use.
 */
export function lazyObjectStore(open: () => Promise<ObjectStore>): ObjectStore {
  let opening: Promise<ObjectStore> | undefined;
  const store = () => {
    opening ??= open().catch((error: unknown) => {
      opening = undefined;
      throw error;
    });
    return opening;
  };
  return {
    put: async (key, body, size, contentType) => (await store()).put(key, body, size, contentType),
    get: async (key) => (await store()).get(key),
    signedUrl: async (key, expiresInSeconds) => {
      const opened = await store();
      if (!opened.signedUrl) throw new Error("This object store has no signed URLs.");
      return opened.signedUrl(key, expiresInSeconds);
    },
    delete: async (key) => (await store()).delete(key),
    deleteFolder: async (folder) => (await store()).deleteFolder(folder),
    exists: async (key) => (await store()).exists(key),
    move: async (from, to) => (await store()).move(from, to),
  };
}
