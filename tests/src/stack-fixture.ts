import { startStack, type Stack } from "@second-brain/testing";
import { createTestDatabase, type TestDatabase } from "@second-brain/testing";
import { ApiClient } from "./api-client.ts";

export type RunMode = "embedded" | "distributed";
export const RUN_MODES: readonly RunMode[] = ["embedded", "distributed"];

export interface StackFixture {
  stack: Stack;
  /** The distributed mode's own database (undefined in the embedded mode). */
  database: TestDatabase | undefined;
  /** A client holding a freshly registered user's token. */
  api: ApiClient;
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
  options: { dataDir?: string } = {},
): StackFixture {
  const fixture = {} as StackFixture;
  before(async () => {
    fixture.database = mode === "distributed" ? await createTestDatabase("sb_e2e") : undefined;
    fixture.stack = await startStack({
      mode,
      env,
      ...options,
      ...(fixture.database ? { databaseUrl: fixture.database.url } : {}),
    });
    fixture.api = new ApiClient(fixture.stack.baseUrl);
    await fixture.api.registerUser();
  });
  after(async () => {
    await fixture.stack?.stop();
    await fixture.database?.drop();
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed")
      console.log(fixture.stack.recentOutput().split("\n").slice(-40).join("\n"));
  });
  return fixture;
}
