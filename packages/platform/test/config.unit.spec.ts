import { expect } from "chai";
import fc from "fast-check";
import { DEFAULT_LIMITS, DEFAULT_QUOTAS } from "@second-brain/contracts";
import { loadConfig } from "../src/config.ts";

const failureOf = (env: NodeJS.ProcessEnv): string => {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  return expect.fail("expected the configuration to be refused");
};

describe("configuration", () => {
  it("has the documented defaults", () => {
    const config = loadConfig({});
    expect(config).to.deep.include({
      mode: "embedded",
      port: 3000,
      dataDir: "./data",
      databaseUrl: "postgres://postgres@127.0.0.1:5432/second_brain",
      eventStoreUrl: undefined,
      redisUrl: "redis://127.0.0.1:6379/0",
      redisPrefix: "sb:",
      rabbitmqUrl: "amqp://guest:guest@127.0.0.1:5672",
      namespace: "second-brain",
      amqpPrefetch: 100,
      jwtSecret: undefined,
      masterKey: undefined,
      accessTokenTtlSeconds: 3600,
      refreshTokenTtlSeconds: 2_592_000,
      logLevel: "info",
      passwordScrypt: undefined,
      limits: DEFAULT_LIMITS,
    });
    expect(config.quotas).to.deep.equal({
      memories: 100_000,
      storedBytes: 1024 ** 3,
      attachmentBytes: 10 * 1024 ** 3,
      editsPerMemory: 10_000,
      messagesPerSession: 5_000,
    });
    expect(config.quotas).to.deep.equal(DEFAULT_QUOTAS);
    expect(config.embeddings).to.deep.equal({
      provider: "local",
      openaiApiKey: undefined,
      openaiBaseUrl: undefined,
      openaiModel: "text-embedding-3-small",
      openaiDimensions: 512,
    });
    expect(config.objectStorage).to.deep.equal({
      provider: "folder",
      s3Endpoint: undefined,
      s3Bucket: "second-brain",
      s3AccessKey: undefined,
      s3SecretKey: undefined,
      s3Region: "us-east-1",
    });
  });

  it("reads every variable it documents", () => {
    const config = loadConfig({
      SB_MODE: "distributed",
      PORT: "8080",
      EVENTSTORE_URL: "esdb://es:2113",
      JWT_SECRET: "s".repeat(40),
      PASSWORD_SCRYPT_PARAMS: "N=1024,r=8,p=1",
      MAX_TAGS: "8",
      EMBEDDINGS_PROVIDER: "openai",
      OPENAI_EMBEDDING_DIMENSIONS: "256",
      S3_BUCKET: "files",
      QUOTA_MEMORIES_PER_USER: "3",
      QUOTA_STORED_BYTES_PER_USER: "0",
      QUOTA_ATTACHMENT_BYTES_PER_USER: "12345678901",
      QUOTA_EDITS_PER_MEMORY: "4",
      QUOTA_MESSAGES_PER_SESSION: "2",
    });
    expect(config).to.deep.include({
      mode: "distributed",
      port: 8080,
      eventStoreUrl: "esdb://es:2113",
      jwtSecret: "s".repeat(40),
      passwordScrypt: { N: 1024, r: 8, p: 1 },
    });
    expect(config.limits.maxTags).to.equal(8);
    expect(config.embeddings).to.include({ provider: "openai", openaiDimensions: 256 });
    expect(config.objectStorage).to.include({ provider: "s3", s3Bucket: "files" });
    expect(config.quotas).to.deep.equal({
      memories: 3,
      storedBytes: 0,
      attachmentBytes: 12_345_678_901,
      editsPerMemory: 4,
      messagesPerSession: 2,
    });
  });

  it("takes an empty variable as unset", () => {
    const config = loadConfig({ PORT: "", SB_MODE: "", JWT_SECRET: "", OBJECT_STORAGE: "" });
    expect(config).to.include({ port: 3000, mode: "embedded", jwtSecret: undefined });
    expect(config.objectStorage.provider).to.equal("folder");
  });

  it("reads any non-negative integer and names the variable and value it refuses", () => {
    fc.assert(
      fc.property(fc.nat(), (value) => {
        expect(loadConfig({ AMQP_PREFETCH: String(value) }).amqpPrefetch).to.equal(value);
      }),
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ max: -1 }).map(String), fc.constantFrom("1.5", "abc", "ten", "NaN", "-0.1")),
        (raw) => {
          expect(failureOf({ MAX_FILE_BYTES: raw })).to.equal(
            `Invalid configuration: MAX_FILE_BYTES must be a non-negative integer, got "${raw}".`,
          );
        },
      ),
    );
  });

  it("says what is allowed for a word outside its choices, and lists every bad value at once", () => {
    expect(failureOf({ SB_MODE: "cluster", OBJECT_STORAGE: "ftp", PORT: "http" })).to.equal(
      "Invalid configuration: " +
        'SB_MODE must be one of embedded, distributed, got "cluster"; ' +
        'PORT must be a non-negative integer, got "http"; ' +
        'OBJECT_STORAGE must be one of folder, s3, got "ftp".',
    );
    expect(failureOf({ EMBEDDINGS_PROVIDER: "cohere" })).to.contain(
      'EMBEDDINGS_PROVIDER must be one of local, openai, got "cohere"',
    );
  });

  it("refuses scrypt parameters it could not run, and knows no ADMIN_EMAILS any more", () => {
    for (const raw of ["N=1000,r=8,p=1", "N=2097152,r=8,p=1", "N=1024,r=0,p=1", "N=1024,r=8,p=17", "fast"])
      expect(failureOf({ PASSWORD_SCRYPT_PARAMS: raw })).to.contain(`PASSWORD_SCRYPT_PARAMS must be`);
    // An admin is made by an operator (the bootstrap token), never by claiming an email.
    expect(loadConfig({ ADMIN_EMAILS: "boss@example.com" })).to.not.have.property("adminEmails");
  });
});
