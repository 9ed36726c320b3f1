import { randomBytes } from "node:crypto";
import { chmod, link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "./config.ts";
import { parseMasterKey } from "./keyring.ts";

export interface Secrets {
  jwtSecret: string;
  /** base64 of 32 bytes */
  masterKey: string;
}

/**
 * The embedded mode needs no setup: its secrets are generated on first start into
 * `<dataDir>/secrets.json` (readable by the owner only) and read back afterwards. Losing that file
 * loses every encrypted memory, so it is never overwritten.
 */
export async function loadOrCreateSecrets(dataDir: string): Promise<Secrets> {
  const file = join(dataDir, "secrets.json");
  const existing = await readSecrets(file);
  if (existing) return existing;
  await mkdir(dataDir, { recursive: true });
  const fresh: Secrets = {
    jwtSecret: randomBytes(48).toString("base64url"),
    masterKey: randomBytes(32).toString("base64"),
  };
  // The file must appear whole: a process starting at the same moment would otherwise read it
  // empty, and a process killed between creating and writing it would leave an empty file that no
  // later start can read. So it is written and synced under a name of its own, then linked into
  // place; link fails with EEXIST when another process got there first, whose secrets then win.
  const draft = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(draft, JSON.stringify(fresh, null, 2) + "\n", { mode: 0o600, flag: "wx", flush: true });
    await chmod(draft, 0o600);
    await link(draft, file);
    return fresh;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const winner = await readSecrets(file);
    if (!winner) throw new Error(`${file} exists but cannot be read.`, { cause: error });
    return winner;
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

async function readSecrets(file: string): Promise<Secrets | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<Secrets>;
  if (
    typeof parsed.jwtSecret !== "string" ||
    parsed.jwtSecret.length < 32 ||
    typeof parsed.masterKey !== "string"
  ) {
    throw new Error(`${file} is not a valid secrets file (needs jwtSecret and masterKey).`);
  }
  parseMasterKey(parsed.masterKey);
  return { jwtSecret: parsed.jwtSecret, masterKey: parsed.masterKey };
}

/**
 * The secrets to run with. Embedded mode: JWT_SECRET / MASTER_KEY when set, else the generated
 * file. Distributed mode: every process must share them, so both must be configured.
 */
export async function resolveSecrets(config: Config): Promise<Secrets> {
  if (config.mode === "distributed") {
    const missing = [
      ...(config.jwtSecret ? [] : ["JWT_SECRET"]),
      ...(config.masterKey ? [] : ["MASTER_KEY"]),
    ];
    if (missing.length > 0) {
      throw new Error(
        `${missing.join(" and ")} must be set in distributed mode (every process must share them; ` +
          `MASTER_KEY is 32 random bytes in base64, e.g. \`openssl rand -base64 32\`).`,
      );
    }
    parseMasterKey(config.masterKey!);
    return { jwtSecret: config.jwtSecret!, masterKey: config.masterKey! };
  }
  if (config.jwtSecret && config.masterKey) {
    parseMasterKey(config.masterKey);
    return { jwtSecret: config.jwtSecret, masterKey: config.masterKey };
  }
  const stored = await loadOrCreateSecrets(config.dataDir);
  const masterKey = config.masterKey ?? stored.masterKey;
  parseMasterKey(masterKey);
  return { jwtSecret: config.jwtSecret ?? stored.jwtSecret, masterKey };
}
