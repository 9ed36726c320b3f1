// Builds the empty database that new embedded databases start from (pglite-template.ts), in a
// process of its own: `initdb`'s memory goes back to the system when this process exits.
// Usage: node pglite-template-build.ts <tarball path>
import { rename, rm, writeFile } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";

const target = process.argv[2];
if (!target) throw new Error("usage: pglite-template-build.ts <tarball path>");
const db = await PGlite.create({ extensions: { vector } });
await db.exec("CREATE EXTENSION IF NOT EXISTS vector");
const tarball = await db.dumpDataDir("none");
await db.close();
const partial = `${target}.${process.pid}.partial`;
try {
  await writeFile(partial, Buffer.from(await tarball.arrayBuffer()), { mode: 0o600 });
  await rename(partial, target);
} finally {
  await rm(partial, { force: true });
}
