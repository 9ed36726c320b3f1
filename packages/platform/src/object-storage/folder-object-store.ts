import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { ObjectStore } from "../ports.ts";
import { assertObjectKey } from "./object-keys.ts";

/**
 * Objects as files under one folder (the embedded mode). A put writes to a temporary file and
 * renames it into place, so a reader never sees half an object and a failed put leaves nothing.
 */
export async function openFolderObjectStore(root: string): Promise<ObjectStore> {
  const base = path.resolve(root);
  const incoming = path.join(base, ".incoming");
  await mkdir(incoming, { recursive: true });
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

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return false;
    throw error;
  }
}
