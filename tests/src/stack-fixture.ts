import { startStack, type Stack } from "@second-brain/testing";
import { createTestDatabase, type TestDatabase } from "@second-brain/testing";
import { ApiClient } from "./api-client.ts";
import { startS3TestServer, type S3TestServer } from "./s3-test-server.ts";

export type RunMode = "embedded" | "distributed";
export const RUN_MODES: readonly RunMode[] = ["embedded", "distributed"];

export interface StackFixture {
  stack: Stack;
  /** The distributed mode's own database (undefined in the embedded mode). */
  database: TestDatabase | undefined;
  /** The distributed mode's S3-protocol server, when `options.s3` asked for one. */
  s3: S3TestServer | undefined;
  /** A client holding a freshly registered user's token. */
  api: ApiClient;
}

export interface StackFixtureOptions {
  /** Embedded: the data folder to keep the data in (the caller removes it). */
  dataDir?: string;
  /** Distributed: keep attachments in an S3-protocol server of the suite's own. */
  s3?: boolean;
}

/**
 * Runs Second Brain in `mode` for the enclosing `describe`: on a database of its own in the
 * distributed mode, with one registered user; stopped afterwards. An embedded stack keeps its data
 * in `options.dataDir` when given (the caller removes it). When a test fails, the last
 * lines the processes printed are shown with it.
 */
export function useStack(
  mode: RunMode,
  env: Record<string, string> = {},
  options: StackFixtureOptions = {},
): StackFixture {
  const fixture = {} as StackFixture;
  before(async () => {
    fixture.database = mode === "distributed" ? await createTestDatabase("sb_e2e") : undefined;
    fixture.s3 = mode === "distributed" && options.s3 ? await startS3TestServer() : undefined;
    fixture.stack = await startStack({
      mode,
      env: { ...env, ...fixture.s3?.env },
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(fixture.database ? { databaseUrl: fixture.database.url } : {}),
    });
    fixture.api = new ApiClient(fixture.stack.baseUrl);
    await fixture.api.registerUser();
  });
  after(async () => {
    await fixture.stack?.stop();
    await fixture.database?.drop();
    await fixture.s3?.stop();
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed")
      console.log(fixture.stack.recentOutput().split("\n").slice(-60).join("\n"));
  });
  return fixture;
}
