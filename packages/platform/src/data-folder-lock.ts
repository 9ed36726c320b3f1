import { randomBytes } from "node:crypto";
import { link, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { createFileWhole } from "./file-created-whole.ts";

/** Who holds a data folder: the process and a nonce that tells this holding from any other. */
interface Holder {
  pid: number;
  nonce: string;
}

export class DataFolderInUseError extends Error {
  constructor(dir: string, file: string, pid: number) {
    super(
      `The data folder ${dir} is in use by Second Brain process ${pid}. Stop that process first ` +
        `(two processes on one folder corrupt its database); if no such process runs, remove ${file}.`,
    );
    this.name = "DataFolderInUseError";
  }
}

/**
 * Takes the embedded mode's data folder for this process alone, or throws DataFolderInUseError.
 * PGlite takes no lock of its own: a second process opening the same folder runs, acknowledges
 * writes, and leaves a database that no longer opens. The lock file appears whole
 * (createFileWhole). A process that died without releasing it (SIGKILL, power loss) leaves a stale
 * file, taken over at the next start when its pid no longer runs.
 * Returns the release, which removes the file if it is still this process's.
 */
export async function lockDataFolder(dir: string): Promise<() => Promise<void>> {
  const file = join(dir, "second-brain.lock");
  const mine: Holder = { pid: process.pid, nonce: randomBytes(8).toString("hex") };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await createFileWhole(file, JSON.stringify(mine))) {
      return async () => {
        if ((await readHolder(file))?.nonce === mine.nonce) await unlink(file).catch(() => undefined);
      };
    }
    const holder = await readHolder(file);
    if (holder && runs(holder.pid)) throw new DataFolderInUseError(dir, file, holder.pid);
    // Stale, or unreadable (an edit by hand).
    // Move it aside and take it only if what was moved is the stale holding just read: a process
    // that took the folder meanwhile gets its file back.
    const aside = `${file}.${mine.nonce}.stale`;
    await rename(file, aside).catch(() => undefined);
    const moved = await readHolder(aside);
    if (moved && moved.nonce !== holder?.nonce) await link(aside, file).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
  }
  throw new Error(`Could not take the data folder ${dir}: ${file} keeps changing.`);
}

async function readHolder(file: string): Promise<Holder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as Partial<Holder>;
    return typeof parsed.pid === "number" && typeof parsed.nonce === "string"
      ? { pid: parsed.pid, nonce: parsed.nonce }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a process with this pid runs. Our own pid is a previous run's (a container restarted
 * gives its process the same pid); EPERM means it runs under another user.
 */
function runs(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
