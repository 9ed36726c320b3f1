import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { ObjectStore } from "../ports.ts";
import { assertObjectKey } from "./object-keys.ts";

/**
 * A temporary file this old belongs to a put that will never finish: its process was killed mid-
 * upload. A put in progress writes to its file all the time, and no request lasts this long.
 */
export const ABANDONED_PUT_AGE_MS = 60 * 60 * 1000;

/**
 * Objects as files under one folder (the embedded mode). A put writes to a temporary file and
 * renames it into place, so a reader never sees half an object and a failed put leaves nothing.
 * A put cut off by a killed process leaves its temporary file; opening the store removes those.
 */
export async function openFolderObjectStore(root: string): Promise<ObjectStore> {
  const base = path.resolve(root);
  const incoming = path.join(base, ".incoming");
  await mkdir(incoming, { recursive: true });
  await removeAbandonedPuts(incoming);
  const fileOf = (key: string) => {
    assertObjectKey(key);
    return path.join(base, ...key.split("/"));
  };

  return {
    async put(key, body) {
      const target = fileOf(key);
      const temporary = path.join(incoming, randomUUID());
      try {
        await pipeline(body, createWriteStream(temporary, { flags: "wx" }));
        await mkdir(path.dirname(target), { recursive: true });
        await rename(temporary, target);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
    async get(key) {
      const file = fileOf(key);
      if (!(await isFile(file))) return undefined;
      return createReadStream(file);
    },
    async delete(key) {
      await rm(fileOf(key), { force: true });
    },
    async deleteFolder(folder) {
      await rm(fileOf(folder), { recursive: true, force: true });
    },
    async exists(key) {
      return isFile(fileOf(key));
    },
    async move(from, to) {
      const source = fileOf(from);
      const target = fileOf(to);
      await mkdir(path.dirname(target), { recursive: true });
      await rename(source, target);
    },
  };
}

async function removeAbandonedPuts(incoming: string): Promise<void> {
  const cutoff = Date.now() - ABANDONED_PUT_AGE_MS;
  for (const name of await readdir(incoming)) {
    const file = path.join(incoming, name);
    // Another process may finish (rename) or remove its put meanwhile: a missing file is fine.
    const modified = await stat(file).then(
      (info) => info.mtimeMs,
      () => Date.now(),
    );
    if (modified < cutoff) await rm(file, { force: true });
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return false;
    throw error;
  }
}
