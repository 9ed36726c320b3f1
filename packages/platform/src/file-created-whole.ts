import { link, unlink, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";

/**
 * Creates `file` with `text` unless it exists; false when it did. The file appears whole: it is
 * written and synced under a name of its own, then linked into place, so a process reading it at
 * the same moment, or a process killed halfway, never sees it empty or cut short. On a file system
 * without hard links it is created in place (exclusive, but visible while being written).
 */
export async function createFileWhole(file: string, text: string, mode = 0o600): Promise<boolean> {
  const draft = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(draft, text, { mode, flag: "wx", flush: true });
    await link(draft, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") throw error;
    try {
      await writeFile(file, text, { mode, flag: "wx", flush: true });
      return true;
    } catch (inPlace) {
      if ((inPlace as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw inPlace;
    }
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}
