import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { loadConfig } from "../src/config.ts";
import { parseMasterKey } from "../src/keyring.ts";
import { loadOrCreateSecrets, resolveSecrets } from "../src/secrets.ts";

describe("secrets", () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), "sb-secrets-"))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("generates secrets once, owner-readable only, and reads them back", async () => {
    const dataDir = join(dir, "data");
    const first = await loadOrCreateSecrets(dataDir);
    expect(parseMasterKey(first.masterKey)).to.have.length(32);
    expect(first.jwtSecret.length).to.be.at.least(32);
    const file = join(dataDir, "secrets.json");
    expect((await stat(file)).mode & 0o777).to.equal(0o600);
    expect(await loadOrCreateSecrets(dataDir)).to.deep.equal(first);
    expect(JSON.parse(await readFile(file, "utf8"))).to.deep.equal(first);
  });

  it("gives every process starting at once the same secrets, never a half-written file", async () => {
    // The file must appear whole: a reader racing the writer once saw it empty (a JSON syntax error).
    for (let round = 0; round < 50; round++) {
      const dataDir = join(dir, `data-${round}`);
      const all = await Promise.all(Array.from({ length: 5 }, () => loadOrCreateSecrets(dataDir)));
      for (const secrets of all) expect(secrets).to.deep.equal(all[0]);
      expect(await readdir(dataDir), "no temporary file left behind").to.deep.equal(["secrets.json"]);
    }
  });

  it("embedded mode: the file, unless JWT_SECRET / MASTER_KEY are set", async () => {
    const fromFile = await resolveSecrets(loadConfig({ SB_DATA_DIR: dir }));
    expect(fromFile).to.deep.equal(await loadOrCreateSecrets(dir));
    const masterKey = randomBytes(32).toString("base64");
    const jwtSecret = "x".repeat(40);
    expect(
      await resolveSecrets(loadConfig({ SB_DATA_DIR: dir, MASTER_KEY: masterKey, JWT_SECRET: jwtSecret })),
    ).to.deep.equal({
      jwtSecret,
      masterKey,
    });
  });

  it("distributed mode: both must be configured", async () => {
    const error = await resolveSecrets(
      loadConfig({ SB_MODE: "distributed", SB_DATA_DIR: dir, JWT_SECRET: "y".repeat(40) }),
    ).catch((e: Error) => e);
    expect((error as Error).message).to.match(/MASTER_KEY must be set in distributed mode/);
    const both = await resolveSecrets(loadConfig({ SB_MODE: "distributed" })).catch((e: Error) => e);
    expect((both as Error).message).to.match(/JWT_SECRET and MASTER_KEY/);
    const bad = await resolveSecrets(
      loadConfig({ SB_MODE: "distributed", JWT_SECRET: "y".repeat(40), MASTER_KEY: "c2hvcnQ=" }),
    ).catch((e: Error) => e);
    expect((bad as Error).message).to.match(/32 bytes/);
  });
});
