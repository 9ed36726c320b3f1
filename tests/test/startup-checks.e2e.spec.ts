import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import {
  DISTRIBUTED_PROCESSES,
  EMBEDDED_ENTRY,
  REPO_ROOT,
  entryPath,
} from "@second-brain/launcher/processes";
import { useStack, type RunMode } from "../src/stack-fixture.ts";

/** An address of this machine other than loopback, where a server on every interface answers. */
const outsideAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((address) => address && !address.internal && address.family === "IPv4")?.address;

/** Whether anything answers HTTP at `host:port` (a refused connection is false). */
async function answersAt(host: string, port: string): Promise<boolean> {
  try {
    const response = await fetch(`http://${host}:${port}/health/live`, { signal: AbortSignal.timeout(5000) });
    return response.status === 200;
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === "ECONNREFUSED") return false;
    throw error;
  }
}

// What a start refuses, and where it listens, in both run modes: a token signing secret under 32
// bytes stops the start with one line naming JWT_SECRET; the embedded server is reachable from
// this machine only unless HOST says otherwise, and the distributed gateway (a container's) from
// anywhere.
describe("startup checks", function () {
  this.timeout(120_000);

  for (const [mode, entry] of [
    ["embedded", EMBEDDED_ENTRY],
    ["distributed", DISTRIBUTED_PROCESSES.gateway],
  ] as const) {
    it(`refuses a JWT_SECRET under 32 bytes (${mode})`, async () => {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), "sb-startup-"));
      const secret = "s3cret-".repeat(4); // 28 bytes
      try {
        const failure = await promisify(execFile)(process.execPath, [entryPath(entry)], {
          cwd: REPO_ROOT,
          env: {
            ...process.env,
            SB_MODE: mode,
            SB_DATA_DIR: dataDir,
            PORT: "0",
            JWT_SECRET: secret,
            MASTER_KEY: randomBytes(32).toString("base64"),
          },
          timeout: 60_000,
        }).then(
          () => expect.fail("the start should have been refused"),
          (error: { code?: number; stdout: string; stderr: string }) => error,
        );
        expect(failure.code).to.equal(1);
        const output = `${failure.stdout}${failure.stderr}`;
        expect(output).to.contain("cannot start");
        expect(output).to.contain("JWT_SECRET must be at least 32 bytes");
        expect(output).not.to.contain(secret);
        expect(output, "one line, not a stack dump").not.to.contain("    at ");
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  }

  const listens: [RunMode, Record<string, string>, boolean][] = [
    ["embedded", {}, false],
    ["embedded", { HOST: "0.0.0.0" }, true],
    ["distributed", {}, true],
  ];
  for (const [mode, env, outside] of listens) {
    describe(`${mode} with ${env.HOST ? `HOST=${env.HOST}` : "HOST unset"}`, () => {
      const fixture = useStack(mode, env);
      it(`answers on 127.0.0.1${outside ? " and on every interface" : " only"}`, async function () {
        const port = new URL(fixture.stack.baseUrl).port;
        expect(await answersAt("127.0.0.1", port)).to.equal(true);
        if (!outsideAddress) this.skip(); // a machine with no other interface
        expect(await answersAt(outsideAddress, port), outsideAddress).to.equal(outside);
      });
    });
  }
});
