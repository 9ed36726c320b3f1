import { mkdir } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import type { EventStore } from "@second-brain/event-store";
import {
  inProcessSessionRevocations,
  lazySessionRevocations,
  redisSessionRevocations,
  type SessionRevocations,
} from "@second-brain/auth";
import type { Embedder } from "@second-brain/embeddings";
import { countAppends, createPostgresEventStore, migrateEventStore } from "@second-brain/event-store";
import {
  createLogger,
  createMemoryCache,
  createRedisCache,
  isInfrastructureFailure,
  createSqlKeyring,
  keyringMigrations,
  lockDataFolder,
  openEmbeddedDatabase,
  lazyObjectStore,
  openFolderObjectStore,
  parseMasterKey,
  postgresPool,
  rateLimitedWarn,
  POSTGRES_TIMEOUTS,
  resolveSecrets,
  runMigrations,
  type Cache,
  type Config,
  type Keyring,
  type ObjectStore,
  type SqlPool,
} from "@second-brain/platform";

/**
 * Everything a service needs from the outside world, opened once per process from configuration.
 * In the embedded mode one set is shared by every service on the broker; in the distributed mode
 * each process opens its own.
 */
export interface Resources {
  config: Config;
  jwtSecret: string;
  pool: SqlPool;
  store: EventStore;
  keyring: Keyring;
  cache: Cache;
  /** Revoked sign-in sessions, asked by the gateway on every request (packages/auth). */
  revocations: SessionRevocations;
  /**
   * The configured embedder behind the SQL embedding cache, opened on first use and then shared by
   * every service of the process (the local model costs ~300 MB, so the embedded mode loads it once).
   */
  embedder(): Promise<Embedder>;
  /** Attachment bytes: a folder under the data folder, or MinIO / any S3 (config.objectStorage). */
  objects: ObjectStore;
  close(): Promise<void>;
}

/**
 * How often a caught-up log follower reads the log with no append notice. Every append wakes the
 * followers (in the process at once; in other processes by NOTIFY on a LISTEN connection that,
 * reconnected, wakes them too), and events held back by an append in flight are polled for every
 * 20 ms, so this poll only bounds the delay after a lost notice. At 100 ms, the six followers'
 * polls were most of the quarter of a core both modes spent while idle (docs/benchmarks.md).
 */
const IDLE_POLL_MS = 1_000;

export async function openResources(config: Config): Promise<Resources> {
  const secrets = await resolveSecrets(config);
  const pool =
    config.mode === "embedded" ? await openEmbedded(config) : await openPostgres(config.databaseUrl);
  const store = countAppends(
    config.eventStoreUrl
      ? await openEventStoreDb(config.eventStoreUrl)
      : createPostgresEventStore(pool, {
          ...(config.mode === "distributed" ? { listenUrl: config.databaseUrl } : {}),
          pollIntervalMs: IDLE_POLL_MS,
        }),
  );
  if (!config.eventStoreUrl) await migrateEventStore(pool);
  await runMigrations(pool, "keyring", keyringMigrations);
  const keyring = createSqlKeyring(pool, parseMasterKey(secrets.masterKey));
  const cache =
    config.mode === "embedded"
      ? createMemoryCache({ maxBytes: config.cacheMaxBytes })
      : createRedisCache(config.redisUrl, config.redisPrefix);
  // Embedded: one set in the process, shared by the identity service and the gateway.
  const revocations =
    config.mode === "embedded"
      ? inProcessSessionRevocations()
      : lazySessionRevocations(() =>
          redisSessionRevocations(config.redisUrl, config.redisPrefix, {
            onError: rateLimitedWarn(createLogger("revocations")),
          }),
        );
  let embedder: Promise<Embedder> | undefined;
  return {
    config,
    jwtSecret: secrets.jwtSecret,
    pool,
    store,
    keyring,
    cache,
    revocations,
    // A failed open (PostgreSQL unreachable for the cache's migration) is retried on the next use:
    // kept, it would fail every search and every search-index batch until a restart.
    embedder: () =>
      (embedder ??= openEmbedder(config, pool).catch((error: unknown) => {
        embedder = undefined;
        throw error;
      })),
    objects: lazyObjectStore(() => openObjectStore(config)),
    close: async () => {
      if (embedder) await (await embedder.catch(() => undefined))?.close();
      await store.close();
      await cache.close();
      await revocations.close();
      await pool.end();
    },
  };
}

/** Imported only when EVENTSTORE_URL chooses it: its gRPC client is a large module graph. */
async function openEventStoreDb(url: string): Promise<EventStore> {
  const { createEventStoreDbEventStore } = await import("@second-brain/event-store/eventstoredb");
  return createEventStoreDbEventStore(url);
}

/** Loaded on demand: processes that never embed never load a model. */
async function openEmbedder(config: Config, pool: SqlPool): Promise<Embedder> {
  const embeddings = await import("@second-brain/embeddings");
  await runMigrations(pool, embeddings.EMBEDDING_CACHE_COMPONENT, embeddings.embeddingCacheMigrations);
  return embeddings.createCachedEmbedder(
    await embeddings.embedderFromConfig(config),
    embeddings.createSqlEmbeddingCache(pool),
  );
}

async function openObjectStore(config: Config): Promise<ObjectStore> {
  const settings = config.objectStorage;
  if (settings.provider === "folder") return openFolderObjectStore(path.resolve(config.dataDir, "objects"));
  if (!settings.s3Endpoint || !settings.s3AccessKey || !settings.s3SecretKey) {
    throw new Error("OBJECT_STORAGE=s3 needs S3_ENDPOINT, S3_ACCESS_KEY and S3_SECRET_KEY.");
  }
  // Imported only when chosen: the S3 client (minio) is a large module graph most setups never use.
  const { openS3ObjectStore } = await import("@second-brain/platform/s3");
  return openS3ObjectStore({
    endpoint: settings.s3Endpoint,
    bucket: settings.s3Bucket,
    accessKey: settings.s3AccessKey,
    secretKey: settings.s3SecretKey,
    region: settings.s3Region,
  });
}

async function openEmbedded(config: Config): Promise<SqlPool> {
  const dir = path.resolve(config.dataDir, "pgdata");
  await mkdir(dir, { recursive: true });
  // One process per data folder: a second one would corrupt the database (lockDataFolder).
  const release = await lockDataFolder(config.dataDir);
  const pool = await openEmbeddedDatabase(dir).catch(async (error: unknown) => {
    await release();
    throw error;
  });
  return {
    ...pool,
    end: async () => {
      await pool.end();
      await release();
    },
  };
}

/** Opens the configured database, creating it first when the server has no such database yet. */
async function openPostgres(url: string): Promise<SqlPool> {
  try {
    await waitForPostgres(url);
  } catch (error) {
    if ((error as { code?: string }).code !== "3D000") throw error;
    const name = decodeURIComponent(new URL(url).pathname.slice(1));
    const admin = new URL(url);
    admin.pathname = "/postgres";
    await withClient(admin.toString(), (client) =>
      client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`).catch((e: { code?: string }) => {
        if (e.code !== "42P04") throw e; // another process created it first
      }),
    );
  }
  return postgresPool(url);
}

/** Pause between attempts to reach PostgreSQL at startup: doubling from the first to the last. */
const POSTGRES_STARTUP_BACKOFF_MS = { first: 250, last: 5_000 } as const;

/**
 * Connects once, waiting while the server is unreachable, shutting down or still starting. A
 * process started while PostgreSQL is down (a deploy, a crashed process restarted, the whole
 * machine booting) then comes up by itself within one pause of the server's return, instead of
 * exiting: an orchestrator's restart back-off would hold it down for minutes after PostgreSQL is
 * back. Every other error (a wrong password, a missing database) is thrown at once.
 */
async function waitForPostgres(url: string): Promise<void> {
  const warn = rateLimitedWarn(createLogger("postgres"));
  for (let pause: number = POSTGRES_STARTUP_BACKOFF_MS.first; ;) {
    try {
      return await withClient(url, () => Promise.resolve());
    } catch (error) {
      if (!isInfrastructureFailure(error)) throw error;
      warn("PostgreSQL is not reachable; waiting for it before starting", error);
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, POSTGRES_STARTUP_BACKOFF_MS.last);
    }
  }
}

async function withClient(url: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url, ...POSTGRES_TIMEOUTS });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
