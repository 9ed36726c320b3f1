/**
 * Ports of the platform adapters. Each is implemented by an in-process adapter (embedded mode) and
 * a server-backed one (distributed mode); the composition roots pick one from configuration.
 */

/** A key-value cache scoped by the adapter's key prefix. Values are JSON. */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  delete(...keys: string[]): Promise<void>;
  /** Deletes every key that starts with `prefix` (an erased user's); failures are thrown, as for delete. */
  deletePrefix(prefix: string): Promise<void>;
  /** Throws when the cache server cannot be reached (readiness); in-process caches omit it. */
  ping?(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Per-user data keys for personal content (crypto-shredding). Keys are stored wrapped with the
 * master key; destroying a user's key makes everything encrypted with it unreadable for good.
 */
export interface Keyring {
  /** Creates the user's key if it does not exist yet; idempotent. */
  ensureKey(userId: string): Promise<void>;
  /** The user's key, or undefined once destroyed (or never created). */
  getKey(userId: string): Promise<Buffer | undefined>;
  destroyKey(userId: string): Promise<void>;
  /** Drops this process's cached copy of the user's key (told by another process's erasure). */
  forget?(userId: string): void;
}

/** Where attachment bytes live: a local folder (embedded) or MinIO / any S3 (distributed). */
export interface ObjectStore {
  /** Stores the stream's bytes under `key`; resolves when they are durable. */
  put(key: string, body: NodeJS.ReadableStream, size: number | undefined, contentType: string): Promise<void>;
  /** The bytes, or undefined when there is no such object. */
  get(key: string): Promise<NodeJS.ReadableStream | undefined>;
  /** A short-lived URL to download directly, when the store supports one. */
  signedUrl?(key: string, expiresInSeconds: number): Promise<string>;
  delete(key: string): Promise<void>;
  /** Deletes every object under the folder `folder/` (an erased owner's); nothing there is fine. */
  deleteFolder(folder: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /**
   * Puts the object under `from` at `to` (replacing what was there) and removes `from`. Not
   * atomic on every store: after a crash both may exist, never neither. Fails when `from` is missing.
   */
  move(from: string, to: string): Promise<void>;
}
