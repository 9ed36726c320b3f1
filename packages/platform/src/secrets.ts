import { randomBytes } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "./config.ts";
import { createFileWhole } from "./file-created-whole.ts";
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
  // A process starting at the same moment must not read the file empty, nor may a process killed
  // halfway leave it empty for every later start: it appears whole, or another process's wins.
  if (await createFileWhole(file, JSON.stringify(fresh, null, 2) + "\n")) return fresh;
  const winner = await readSecrets(file);
  if (!winner) throw new Error(`${file} exists but cannot be read.`);
  return winner;
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
