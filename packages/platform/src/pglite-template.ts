import { execFile } from "node:child_process";
import { openAsBlob } from "node:fs";
import { mkdir, open, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/**
 * A new embedded database starts from a copy of an empty one: PGlite's `initdb` output with pgvector
 * created, as a tarball in the user's cache folder. Run in the process itself, `initdb` takes 3–5 s
 * and leaves 150–190 MiB resident for as long as the process lives (a second WebAssembly instance
 * PGlite starts for it); loading the copy takes a fraction of that (docs/benchmarks.md). The copy is
 * built once per PGlite and pgvector version, by `pnpm install` or else by the first start, in a
 * child process whose memory is returned when it exits. It is kept unpacked (about 40 MB): read as a
 * file-backed Blob, it is copied once, by PGlite, where a gzipped one cost a quarter of a second more.
 */
export interface TemplateOptions {
  /** Where the copy is kept; `$XDG_CACHE_HOME/second-brain`, else `~/.cache/second-brain`. */
  cacheDir?: string;
}

const BUILD_SCRIPT = fileURLToPath(new URL("./pglite-template-build.ts", import.meta.url));
const run = promisify(execFile);
/** A tar archive is a whole number of 512-byte blocks and ends with two blocks of zeros. */
const TAR_BLOCK = 512;

export function defaultTemplateCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "second-brain");
}

/** The tarball's path: its name carries both versions, so an upgrade builds a new one. */
export async function templatePath(cacheDir = defaultTemplateCacheDir()): Promise<string> {
  const versions = await Promise.all([
    packageVersion("@electric-sql/pglite"),
    packageVersion("@electric-sql/pglite-pgvector"),
  ]);
  return path.join(cacheDir, `pglite-${versions[0]}-pgvector-${versions[1]}.tar`);
}

/**
 * The empty database to start from, built first when the cache has none; undefined when it can be
 * neither read nor built (a read-only home folder, say): the caller then lets PGlite run `initdb`.
 */
export async function emptyDatabaseTemplate(options: TemplateOptions = {}): Promise<Blob | undefined> {
  const file = await templatePath(options.cacheDir);
  if (await isWholeTarball(file)) return openAsBlob(file);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    // The builder writes to a file of its own and renames it into place, so processes that start
    // at once each build one and none reads a half-written copy.
    await run(process.execPath, [BUILD_SCRIPT, file], { timeout: 120_000 });
  } catch {
    return undefined;
  }
  return (await isWholeTarball(file)) ? openAsBlob(file) : undefined;
}

/**
 * Whether the file ends as a tar archive must: a copy cut short (a full disk, a damaged file) is
 * deleted here, so the next start builds it again, and never half-loaded into a data folder. A copy
 * that cannot be read (its folder's permissions, say) counts as none, so the caller falls back.
 */
async function isWholeTarball(file: string): Promise<boolean> {
  const size = await stat(file).then(
    (found) => found.size,
    () => undefined,
  );
  if (size === undefined) return false;
  const whole =
    size >= 2 * TAR_BLOCK &&
    size % TAR_BLOCK === 0 &&
    (await endsInZeroBlocks(file, size).catch(() => false));
  if (!whole) await rm(file, { force: true }).catch(() => undefined);
  return whole;
}

async function endsInZeroBlocks(file: string, size: number): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const { buffer } = await handle.read(Buffer.alloc(2 * TAR_BLOCK), 0, 2 * TAR_BLOCK, size - 2 * TAR_BLOCK);
    return buffer.every((byte) => byte === 0);
  } finally {
    await handle.close();
  }
}

async function packageVersion(name: string): Promise<string> {
  // The entry point is dist/index.js in both packages; their package.json lies one folder up.
  const entry = fileURLToPath(import.meta.resolve(name));
  const manifest = JSON.parse(
    await readFile(path.join(path.dirname(entry), "..", "package.json"), "utf8"),
  ) as {
    version: string;
  };
  return manifest.version;
}
