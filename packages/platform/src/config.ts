import { cleanEnv, EnvError, makeValidator, str } from "envalid";
import { DEFAULT_LIMITS, DEFAULT_QUOTAS, type Limits, type Quotas } from "@second-brain/contracts";
import { defaultListenHost, jwtSecret } from "./startup-validators.ts";

/**
 * The one configuration loader. Every setting comes from an environment variable (the table in
 * README.md, "Configuration"); nothing is chosen by editing code.
 */
export type RunMode = "embedded" | "distributed";

export interface Config {
  mode: RunMode;
  port: number;
  /** The address the gateway listens on (startup-validators.ts: defaultListenHost). */
  host: string;
  /** Embedded mode: where PGlite, secrets and attachments live. */
  dataDir: string;
  /** Distributed mode: the PostgreSQL holding the event store (unless EVENTSTORE_URL) and read models. */
  databaseUrl: string;
  /** When set, events go to EventStoreDB instead of PostgreSQL. */
  eventStoreUrl: string | undefined;
  redisUrl: string;
  /** Prefix of every Redis key, so deployments (and test runs) can share one Redis. */
  redisPrefix: string;
  /** Embedded mode: the most the in-process cache holds, in bytes (least recently used go first). */
  cacheMaxBytes: number;
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
  /**
   * scrypt parameters for new password hashes; unset: OWASP's (packages/auth/src/password.ts).
   * Only tests set cheaper ones, explicitly.
   */
  passwordScrypt: { N: number; r: number; p: number } | undefined;
  limits: Limits;
  /** What one user may keep (docs/API.md, "Quotas"); 0 turns a quota off. */
  quotas: Quotas;
  rateLimits: RateLimitsConfig;
  embeddings: EmbeddingsConfig;
  objectStorage: ObjectStorageConfig;
}

/**
 * Request rates and login backoff (docs/API.md, "Rate limits"). A count of 0 turns its rule off.
 * Request rules are sliding windows: per user (authenticated requests), per client IP for
 * requests without a token, and per client IP over every request as a ceiling.
 */
export interface RateLimitsConfig {
  userPerMinute: number;
  /** API-key callers, once keys authenticate requests. */
  apiKeyPerMinute: number;
  ipPerMinute: number;
  anonymousPerMinute: number;
  registrationsPerHour: number;
  /** Failed logins of one email from one IP within 15 minutes that block that pair for 15 minutes. */
  loginFailuresPerAccountAndIp: number;
  /** Failed logins from one IP within an hour that block the IP's logins for an hour. */
  loginFailuresPerIp: number;
  /** Failed logins of one email within an hour after which it is slowed, never locked. */
  loginFailuresPerAccount: number;
  /** A slowed email takes one login attempt per this many seconds from a place it never logged in from. */
  loginSlowdownSeconds: number;
  /** Proxies in front of the gateway whose X-Forwarded-For entries are trusted; 0 trusts none. */
  trustProxyHops: number;
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

/** A whole number of at least 0, read as `Number()` reads it. */
const count = makeValidator<number>((raw) => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new EnvError(`must be a non-negative integer, got "${raw}"`);
  }
  return value;
});

/** One of a few words. */
function oneOf<T extends string>(allowed: readonly T[]) {
  return makeValidator<T>((raw) => {
    if (!(allowed as readonly string[]).includes(raw)) {
      throw new EnvError(`must be one of ${allowed.join(", ")}, got "${raw}"`);
    }
    return raw as T;
  });
}

/** `N=<power of two>,r=<n>,p=<n>`, e.g. `N=65536,r=8,p=2`. */
const scryptParams = makeValidator<{ N: number; r: number; p: number }>((raw) => {
  const match = /^N=(\d{1,7}),r=(\d{1,2}),p=(\d{1,2})$/.exec(raw);
  const [N, r, p] = (match?.slice(1) ?? []).map(Number) as [number, number, number];
  if (!match || N < 2 || N > 1 << 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16)
    throw new EnvError(`must be N=<power of two up to 1048576>,r=<1-32>,p=<1-16>, got "${raw}"`);
  return { N, r, p };
});

/** A setting that may be left unset. */
const optional = () => str({ default: undefined });

/** Every variable, its type and default; envalid checks them all at once. */
const SPECS = {
  SB_MODE: oneOf<RunMode>(["embedded", "distributed"])({ default: "embedded" }),
  PORT: count({ default: 3000 }),
  HOST: optional(),
  SB_DATA_DIR: str({ default: "./data" }),
  DATABASE_URL: str({ default: "postgres://postgres@127.0.0.1:5432/second_brain" }),
  EVENTSTORE_URL: optional(),
  REDIS_URL: str({ default: "redis://127.0.0.1:6379/0" }),
  REDIS_PREFIX: str({ default: "sb:" }),
  CACHE_MAX_BYTES: count({ default: 64 * 1024 * 1024 }),
  RABBITMQ_URL: str({ default: "amqp://guest:guest@127.0.0.1:5672" }),
  SB_NAMESPACE: str({ default: "second-brain" }),
  AMQP_PREFETCH: count({ default: 100 }),
  JWT_SECRET: jwtSecret({ default: undefined }),
  MASTER_KEY: optional(),
  ACCESS_TOKEN_TTL_SECONDS: count({ default: 3600 }),
  REFRESH_TOKEN_TTL_SECONDS: count({ default: 30 * 24 * 3600 }),
  LOG_LEVEL: str({ default: "info" }),
  PASSWORD_SCRYPT_PARAMS: scryptParams({ default: undefined }),
  MAX_CONTENT_CHARS: count({ default: DEFAULT_LIMITS.maxContentChars }),
  MAX_BODY_BYTES: count({ default: DEFAULT_LIMITS.maxBodyBytes }),
  MAX_TAGS: count({ default: DEFAULT_LIMITS.maxTags }),
  MAX_FILE_BYTES: count({ default: DEFAULT_LIMITS.maxFileBytes }),
  QUOTA_MEMORIES_PER_USER: count({ default: DEFAULT_QUOTAS.memories }),
  QUOTA_STORED_BYTES_PER_USER: count({ default: DEFAULT_QUOTAS.storedBytes }),
  QUOTA_ATTACHMENT_BYTES_PER_USER: count({ default: DEFAULT_QUOTAS.attachmentBytes }),
  QUOTA_EDITS_PER_MEMORY: count({ default: DEFAULT_QUOTAS.editsPerMemory }),
  QUOTA_MESSAGES_PER_SESSION: count({ default: DEFAULT_QUOTAS.messagesPerSession }),
  RATE_LIMIT_USER_PER_MINUTE: count({ default: 600 }),
  RATE_LIMIT_API_KEY_PER_MINUTE: count({ default: 600 }),
  RATE_LIMIT_IP_PER_MINUTE: count({ default: 1200 }),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: count({ default: 60 }),
  RATE_LIMIT_REGISTRATIONS_PER_HOUR: count({ default: 10 }),
  LOGIN_FAILURES_PER_ACCOUNT_AND_IP: count({ default: 5 }),
  LOGIN_FAILURES_PER_IP: count({ default: 30 }),
  LOGIN_FAILURES_PER_ACCOUNT: count({ default: 10 }),
  LOGIN_SLOWDOWN_SECONDS: count({ default: 30 }),
  TRUST_PROXY_HOPS: count({ default: 0 }),
  EMBEDDINGS_PROVIDER: oneOf<EmbeddingsConfig["provider"]>(["local", "openai"])({ default: "local" }),
  OPENAI_API_KEY: optional(),
  OPENAI_BASE_URL: optional(),
  OPENAI_EMBEDDING_MODEL: str({ default: "text-embedding-3-small" }),
  OPENAI_EMBEDDING_DIMENSIONS: count({ default: 512 }),
  // Unset: `folder` in the embedded mode, `s3` in the distributed mode.
  OBJECT_STORAGE: oneOf<ObjectStorageConfig["provider"]>(["folder", "s3"])({ default: undefined }),
  S3_ENDPOINT: optional(),
  S3_BUCKET: str({ default: "second-brain" }),
  S3_ACCESS_KEY: optional(),
  S3_SECRET_KEY: optional(),
  S3_REGION: str({ default: "us-east-1" }),
};

/**
 * Reads the configuration. An empty variable counts as unset. Every bad value is reported at once,
 * in one error that names each variable, the value given and what is allowed.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const given = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ""));
  const env = cleanEnv(given, SPECS, {
    reporter: ({ errors }) => {
      const problems = Object.entries(errors).map(([name, error]) => `${name} ${error?.message}`);
      if (problems.length > 0) throw new Error(`Invalid configuration: ${problems.join("; ")}.`);
    },
  });
  return {
    mode: env.SB_MODE,
    port: env.PORT,
    host: env.HOST ?? defaultListenHost(env.SB_MODE),
    dataDir: env.SB_DATA_DIR,
    databaseUrl: env.DATABASE_URL,
    eventStoreUrl: env.EVENTSTORE_URL,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    cacheMaxBytes: env.CACHE_MAX_BYTES,
    rabbitmqUrl: env.RABBITMQ_URL,
    namespace: env.SB_NAMESPACE,
    amqpPrefetch: env.AMQP_PREFETCH,
    jwtSecret: env.JWT_SECRET,
    masterKey: env.MASTER_KEY,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
    logLevel: env.LOG_LEVEL,
    passwordScrypt: env.PASSWORD_SCRYPT_PARAMS,
    limits: {
      ...DEFAULT_LIMITS,
      maxContentChars: env.MAX_CONTENT_CHARS,
      maxBodyBytes: env.MAX_BODY_BYTES,
      maxTags: env.MAX_TAGS,
      maxFileBytes: env.MAX_FILE_BYTES,
    },
    quotas: {
      memories: env.QUOTA_MEMORIES_PER_USER,
      storedBytes: env.QUOTA_STORED_BYTES_PER_USER,
      attachmentBytes: env.QUOTA_ATTACHMENT_BYTES_PER_USER,
      editsPerMemory: env.QUOTA_EDITS_PER_MEMORY,
      messagesPerSession: env.QUOTA_MESSAGES_PER_SESSION,
    },
    rateLimits: {
      userPerMinute: env.RATE_LIMIT_USER_PER_MINUTE,
      apiKeyPerMinute: env.RATE_LIMIT_API_KEY_PER_MINUTE,
      ipPerMinute: env.RATE_LIMIT_IP_PER_MINUTE,
      anonymousPerMinute: env.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
      registrationsPerHour: env.RATE_LIMIT_REGISTRATIONS_PER_HOUR,
      loginFailuresPerAccountAndIp: env.LOGIN_FAILURES_PER_ACCOUNT_AND_IP,
      loginFailuresPerIp: env.LOGIN_FAILURES_PER_IP,
      loginFailuresPerAccount: env.LOGIN_FAILURES_PER_ACCOUNT,
      loginSlowdownSeconds: env.LOGIN_SLOWDOWN_SECONDS,
      trustProxyHops: env.TRUST_PROXY_HOPS,
    },
    embeddings: {
      provider: env.EMBEDDINGS_PROVIDER,
      openaiApiKey: env.OPENAI_API_KEY,
      openaiBaseUrl: env.OPENAI_BASE_URL,
      openaiModel: env.OPENAI_EMBEDDING_MODEL,
      openaiDimensions: env.OPENAI_EMBEDDING_DIMENSIONS,
    },
    objectStorage: {
      provider: env.OBJECT_STORAGE ?? (env.SB_MODE === "embedded" ? "folder" : "s3"),
      s3Endpoint: env.S3_ENDPOINT,
      s3Bucket: env.S3_BUCKET,
      s3AccessKey: env.S3_ACCESS_KEY,
      s3SecretKey: env.S3_SECRET_KEY,
      s3Region: env.S3_REGION,
    },
  };
}
