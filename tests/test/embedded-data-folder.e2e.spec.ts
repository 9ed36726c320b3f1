import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { expect } from "chai";
import { EMBEDDED_ENTRY, REPO_ROOT, entryPath } from "@second-brain/launcher";
import { startStack, type Stack } from "@second-brain/testing";
import { ApiClient } from "../src/api-client.ts";

// PGlite takes no lock of its own: a second embedded process on the same data folder used to start,
// acknowledge writes beside the first, and leave a database that aborted PGlite at the next start
// (every memory lost). The second process must refuse to start instead, and a folder whose process
// was killed must open again.
describe("two embedded processes on one data folder", function () {
  this.timeout(180_000);
  let dataDir: string;
  let stacks: Stack[] = [];

  before(async () => (dataDir = await mkdtemp(path.join(os.tmpdir(), "sb-folder-"))));
  after(async () => {
    for (const stack of stacks) await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("the second refuses to start; after the first is killed, the folder opens with everything", async () => {
    const first = await startStack({ mode: "embedded", dataDir });
    stacks = [first];
    const api = new ApiClient(first.baseUrl);
    const user = await api.registerUser();
    const before = await api.request("POST", "/api/v1/memories", { content: "written before the second" });
    expect(before.status).to.equal(201);

    const second = await runToExit(dataDir, 30_000);
    expect(second.code, `the second process:\n${second.output}`).to.not.equal(null);
    expect(second.code).to.not.equal(0);
    expect(second.output).to.match(/is in use by Second Brain process \d+/);

    const after = await api.request("POST", "/api/v1/memories", { content: "written after the second" });
    expect(after.status, "the first keeps serving").to.equal(201);

    // A killed process leaves its lock behind; the next start takes it over.
    await first.kill("embedded", "SIGKILL");
    const next = await startStack({ mode: "embedded", dataDir });
    stacks = [next];
    const again = new ApiClient(next.baseUrl);
    const login = await again.request("POST", "/api/v1/auth/login", {
      email: user.email,
      password: user.password,
    });
    expect(login.status).to.equal(200);
    again.token = login.body.accessToken;
    for (const memory of [before, after])
      expect((await again.request("GET", `/api/v1/memories/${memory.body.id}`)).status).to.equal(200);
  });
});

/** Starts one more embedded process on `dataDir` and waits for it to exit (code null: still running). */
async function runToExit(
  dataDir: string,
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [entryPath(EMBEDDED_ENTRY)], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      SB_MODE: "embedded",
      SB_DATA_DIR: dataDir,
      PORT: "0",
      LOG_LEVEL: "warn",
      SB_PARENT_PID: String(process.pid),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    createInterface({ input: stream }).on("line", (line) => lines.push(line));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(null);
    }, timeoutMs);
    child.once("exit", (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  return { code, output: lines.join("\n") };
}
