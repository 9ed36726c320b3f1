import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { expect } from "chai";
import { DISTRIBUTED_PROCESSES, REPO_ROOT, entryPath } from "@second-brain/launcher";
import { createTestDatabase, type TestDatabase } from "@second-brain/testing";
import { eventually } from "../src/api-client.ts";
import { tcpRelay, type TcpRelay } from "../src/tcp-relay.ts";

/** Longer than a process that gives up on a refused connection takes to exit. */
const DOWN_MS = 3_000;

// A process started while PostgreSQL is unreachable (a deploy, a crashed process restarted, a
// machine booting) must wait for it and start by itself once it answers, not exit: an
// orchestrator would hold a crash-looping process down for its restart back-off, minutes after
// PostgreSQL is back. PostgreSQL stands behind a TCP relay here, so "down" (the port refuses
// connections) and "back" need no exclusive hold on the machine's server.
describe("a service process started while PostgreSQL is unreachable (distributed)", function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let relay: TcpRelay;
  let child: ChildProcess | undefined;

  before(async () => {
    database = await createTestDatabase("sb_startwait");
    relay = await tcpRelay("127.0.0.1", Number(new URL(database.url).port || 5432), { closed: true });
  });

  after(async () => {
    child?.kill("SIGKILL");
    await relay?.close();
    await database?.drop();
  });

  it("waits while connections are refused and starts within seconds of PostgreSQL's return", async () => {
    const url = new URL(database.url);
    url.port = String(relay.port);
    const output: string[] = [];
    child = spawn(process.execPath, [entryPath(DISTRIBUTED_PROCESSES.tag)], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        SB_MODE: "distributed",
        DATABASE_URL: url.toString(),
        SB_NAMESPACE: `test-${randomBytes(4).toString("hex")}`,
        REDIS_PREFIX: `sb-test-${randomBytes(4).toString("hex")}:`,
        JWT_SECRET: randomBytes(32).toString("base64"),
        MASTER_KEY: randomBytes(32).toString("base64"),
        LOG_LEVEL: "info",
        SB_PARENT_PID: String(process.pid),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [child.stdout!, child.stderr!])
      createInterface({ input: stream }).on("line", (line) => output.push(line));
    let exitCode: number | null = null;
    child.once("exit", (code) => (exitCode = code));

    await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
    expect(exitCode, `exited while PostgreSQL was unreachable:\n${output.join("\n")}`).to.equal(null);
    expect(output.join("\n")).to.contain("PostgreSQL is not reachable; waiting for it before starting");

    const returnedAt = Date.now();
    await relay.open();
    await eventually(
      async () => (output.some((line) => line.includes('"message":"started"')) ? true : undefined),
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message} (exit code ${exitCode}):\n${output.slice(-20).join("\n")}`);
    });
    // The pause between attempts grows to 5 s at most.
    expect(Date.now() - returnedAt, "from PostgreSQL's return to started (ms)").to.be.below(20_000);
    expect(exitCode).to.equal(null);
  });
});
