import { DEFAULT_LIMITS, type Limits } from "@second-brain/contracts";

/**
 * The one configuration loader. Every setting comes from an environment variable (documented in
 * docs/configuration.md and the README); nothing is chosen by editing code.
 */
export type RunMode = "embedded" | "distributed";

export interface Config {
  mode: RunMode;
  port: number;
  /** Embedded mode: where PGlite, secrets and attachments live. */
  dataDir: string;
  /** Distributed mode: the PostgreSQL holding the event store (unless EVENTSTORE_URL) and read models. */
  databaseUrl: string;
  /** When set, events go to EventStoreDB instead of PostgreSQL. */
  eventStoreUrl: string | undefined;
  redisUrl: string;
  /** Prefix of every Redis key, so deployments (and test runs) can share one Redis. */
  redisPrefix: string;
  rabbitmqUrl: string;
  /** Moleculer namespace: nodes only see nodes of the same namespace. */
  namespace: string;
  /** Messages a service node takes from RabbitMQ before acknowledging (docs/floors.md: 1 serialises). */
  amqpPrefetch: number;
  /** HMAC secret for access tokens. Generated and kept in the data folder in embedded mode. */
  jwtSecret: string | undefined;
  /** 32-byte key (base64) that wraps every user's data key. Generated in embedded mode. */
  masterKey: string | undefined;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  logLevel: string;
  /** Accounts registered with one of these emails get the admin role (rebuilds, projection status). */
  adminEmails: readonly string[];
  limits: Limits;
  embeddings: EmbeddingsConfig;
  objectStorage: ObjectStorageConfig;
}

export interface EmbeddingsConfig {
  /** `local`: the offline model shipped in an npm package; `openai`: the OpenAI embeddings API. */
  provider: "local" | "openai";
  openaiApiKey: string | undefined;
  /** Another OpenAI-compatible endpoint (a proxy, or a stand-in in tests). */
  openaiBaseUrl: string | undefined;
  openaiModel: string;
  /** Requested vector size; the read models are built for this many dimensions. */
  openaiDimensions: number;
}

export interface ObjectStorageConfig {
  /** `folder` keeps files under the data folder (embedded default); `s3` uses MinIO or any S3. */
  provider: "folder" | "s3";
  s3Endpoint: string | undefined;
  s3Bucket: string;
  s3AccessKey: string | undefined;
  s3SecretKey: string | undefined;
  s3Region: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const mode = oneOf(env, "SB_MODE", ["embedded", "distributed"], "embedded");
  return {
    mode,
    port: int(env, "PORT", 3000),
    dataDir: env.SB_DATA_DIR ?? "./data",
    databaseUrl: env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/second_brain",
    eventStoreUrl: env.EVENTSTORE_URL || undefined,
    redisUrl: env.REDIS_URL ?? "redis://127.0.0.1:6379/0",
    redisPrefix: env.REDIS_PREFIX ?? "sb:",
    rabbitmqUrl: env.RABBITMQ_URL ?? "amqp://guest:guest@127.0.0.1:5672",
    namespace: env.SB_NAMESPACE ?? "second-brain",
    amqpPrefetch: int(env, "AMQP_PREFETCH", 100),
    jwtSecret: env.JWT_SECRET || undefined,
    masterKey: env.MASTER_KEY || undefined,
    accessTokenTtlSeconds: int(env, "ACCESS_TOKEN_TTL_SECONDS", 3600),
    refreshTokenTtlSeconds: int(env, "REFRESH_TOKEN_TTL_SECONDS", 30 * 24 * 3600),
    logLevel: env.LOG_LEVEL ?? "info",
    adminEmails: (env.ADMIN_EMAILS ?? "")
      .split(",")
      .map((email) => email.trim().toLowerCase())
      .filter((email) => email.length > 0),
    limits: {
      ...DEFAULT_LIMITS,
      maxContentChars: int(env, "MAX_CONTENT_CHARS", DEFAULT_LIMITS.maxContentChars),
      maxBodyBytes: int(env, "MAX_BODY_BYTES", DEFAULT_LIMITS.maxBodyBytes),
      maxTags: int(env, "MAX_TAGS", DEFAULT_LIMITS.maxTags),
      maxFileBytes: int(env, "MAX_FILE_BYTES", DEFAULT_LIMITS.maxFileBytes),
    },
    embeddings: {
      provider: oneOf(env, "EMBEDDINGS_PROVIDER", ["local", "openai"], "local"),
      openaiApiKey: env.OPENAI_API_KEY || undefined,
      openaiBaseUrl: env.OPENAI_BASE_URL || undefined,
      openaiModel: env.OPENAI_EMBEDDING_MODEL ?? "text-embedding-3-small",
      openaiDimensions: int(env, "OPENAI_EMBEDDING_DIMENSIONS", 512),
    },
    objectStorage: {
      provider: oneOf(env, "OBJECT_STORAGE", ["folder", "s3"], mode === "embedded" ? "folder" : "s3"),
      s3Endpoint: env.S3_ENDPOINT || undefined,
      s3Bucket: env.S3_BUCKET ?? "second-brain",
      s3AccessKey: env.S3_ACCESS_KEY || undefined,
      s3SecretKey: env.S3_SECRET_KEY || undefined,
      s3Region: env.S3_REGION ?? "us-east-1",
    },
  };
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function oneOf<T extends string>(
  env: NodeJS.ProcessEnv,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!(allowed as readonly string[]).includes(raw))
    throw new Error(`${name} must be one of ${allowed.join(", ")}`);
  return raw as T;
}
