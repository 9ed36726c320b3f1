import { mkdir } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import type { EventStore } from "@second-brain/event-store";
import {
  createEventStoreDbEventStore,
  createPostgresEventStore,
  migrateEventStore,
} from "@second-brain/event-store";
import {
  createMemoryCache,
  createRedisCache,
  createSqlKeyring,
  keyringMigrations,
  openEmbeddedDatabase,
  parseMasterKey,
  postgresPool,
  resolveSecrets,
  runMigrations,
  type Cache,
  type Config,
  type Keyring,
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
  close(): Promise<void>;
}

export async function openResources(config: Config): Promise<Resources> {
  const secrets = await resolveSecrets(config);
  const pool =
    config.mode === "embedded" ? await openEmbedded(config) : await openPostgres(config.databaseUrl);
  const store = config.eventStoreUrl
    ? createEventStoreDbEventStore(config.eventStoreUrl)
    : createPostgresEventStore(pool, config.mode === "distributed" ? { listenUrl: config.databaseUrl } : {});
  if (!config.eventStoreUrl) await migrateEventStore(pool);
  await runMigrations(pool, "keyring", keyringMigrations);
  const keyring = createSqlKeyring(pool, parseMasterKey(secrets.masterKey));
  const cache =
    config.mode === "embedded" ? createMemoryCache() : createRedisCache(config.redisUrl, config.redisPrefix);
  return {
    config,
    jwtSecret: secrets.jwtSecret,
    pool,
    store,
    keyring,
    cache,
    close: async () => {
      await store.close();
      await cache.close();
      await pool.end();
    },
  };
}

async function openEmbedded(config: Config): Promise<SqlPool> {
  const dir = path.resolve(config.dataDir, "pgdata");
  await mkdir(dir, { recursive: true });
  return openEmbeddedDatabase(dir);
}

/** Opens the configured database, creating it first when the server has no such database yet. */
async function openPostgres(url: string): Promise<SqlPool> {
  try {
    await withClient(url, () => Promise.resolve());
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

async function withClient(url: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
