import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { ServiceBroker } from "moleculer";
import { loadConfig } from "@second-brain/platform";
import { gatewayPort, gatewayService } from "../src/index.ts";
import { inProcessSessionRevocations } from "@second-brain/auth";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/**
 * /docs as a reader sees it: headless Chromium loads the page, runs its script and the DOM it
 * ends with is read. Every host but the gateway's is unresolvable, so the page renders offline or
 * not at all. Needs Chromium (Debian's `chromium` package); where it is not installed the test is
 * skipped, and gateway.int.spec.ts still checks the page and its script over HTTP.
 */
describe("the docs page in a browser", function () {
  this.timeout(90_000);
  let broker: ServiceBroker;
  let profile: string;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`${CHROMIUM} is missing: run scripts/install-test-tools.sh`);
      this.skip();
    }
    profile = mkdtempSync(path.join(os.tmpdir(), "sb-docs-chromium-"));
    broker = new ServiceBroker({ logger: false });
    const config = { ...loadConfig({}), port: 0, logLevel: "error" };
    broker.createService(
      gatewayService({ config, jwtSecret: "x".repeat(43), revocations: inProcessSessionRevocations() }),
    );
    await broker.start();
  });

  after(async () => {
    await broker?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("renders the reference with identity first in its navigation", async () => {
    const { stdout: dom } = await promisify(execFile)(
      CHROMIUM,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        `--user-data-dir=${profile}`,
        "--virtual-time-budget=20000",
        "--dump-dom",
        `http://127.0.0.1:${gatewayPort(broker)}/docs`,
      ],
      { timeout: 80_000, maxBuffer: 64 * 1024 * 1024 },
    );
    const operations = [...dom.matchAll(/data-item-id="tag\/([^/"]+)\/operation\/([^"]+)"/g)].map(
      ([, tag, operation]) => `${tag}/${operation}`,
    );
    expect(operations.slice(0, 2), dom.slice(0, 2000)).to.deep.equal(["Identity/register", "Identity/login"]);
    expect(operations).to.include.members(["Memories/createMemory", "Operations/docs"]);
    expect(dom).to.include("/api/v1/memories/{id}/history");
  });
});
