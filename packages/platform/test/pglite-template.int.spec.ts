import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { openEmbeddedDatabase } from "../src/pglite.ts";
import { templatePath } from "../src/pglite-template.ts";
import type { SqlPool } from "../src/sql.ts";

// A new embedded database starts from a copy of an empty one kept in a cache folder
// (src/pglite-template.ts); whatever happens to that copy, the database opened is a working one.
describe("new embedded databases from the empty-database copy", function () {
  this.timeout(120_000);
  let scratch: string;

  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), "sb-pglite-template-"));
  });

  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  async function usable(pool: SqlPool): Promise<void> {
    await pool.query("CREATE TABLE notes (id int PRIMARY KEY, embedding vector(3))");
    await pool.query("INSERT INTO notes VALUES (1, '[1,0,0]'), (2, '[0,1,0]')");
    const { rows } = await pool.query<{ id: number }>(
      "SELECT id FROM notes ORDER BY embedding <=> '[0.9,0.1,0]' LIMIT 1",
    );
    expect(rows).to.deep.equal([{ id: 1 }]);
  }

  it("builds the copy once, and every new folder starts empty from it and keeps its own data", async () => {
    const cacheDir = path.join(scratch, "cache");
    const first = await openEmbeddedDatabase(path.join(scratch, "a"), { cacheDir });
    await usable(first);
    await first.end();
    const copy = await templatePath(cacheDir);
    const built = await stat(copy);
    expect(await readdir(cacheDir)).to.deep.equal([path.basename(copy)]);

    const second = await openEmbeddedDatabase(path.join(scratch, "b"), { cacheDir });
    const { rows } = await second.query("SELECT 1 FROM pg_tables WHERE tablename = 'notes'");
    expect(rows, "a new folder holds nothing of another").to.have.length(0);
    await usable(second);
    await second.end();
    expect((await stat(copy)).mtimeMs, "the copy was not built again").to.equal(built.mtimeMs);

    const reopened = await openEmbeddedDatabase(path.join(scratch, "a"), { cacheDir });
    const { rows: kept } = await reopened.query<{ n: string }>("SELECT count(*)::text AS n FROM notes");
    expect(kept).to.deep.equal([{ n: "2" }]);
    await reopened.end();
  });

  it("serves an in-memory database from the same copy", async () => {
    const cacheDir = path.join(scratch, "cache");
    const pool = await openEmbeddedDatabase(undefined, { cacheDir });
    await usable(pool);
    await pool.end();
    expect(await readdir(cacheDir)).to.have.length(1);
  });

  it("replaces a damaged copy instead of loading it", async () => {
    const cacheDir = path.join(scratch, "cache");
    await (await openEmbeddedDatabase(undefined, { cacheDir })).end();
    const copy = await templatePath(cacheDir);
    // Cut short, as a damaged disk or a copy made by hand might leave it.
    const whole = await readFile(copy);
    await writeFile(copy, whole.subarray(0, whole.length >> 1));
    const pool = await openEmbeddedDatabase(path.join(scratch, "after"), { cacheDir });
    await usable(pool);
    await pool.end();
    // Rebuilt: not byte for byte the same (the files carry their times), but whole again.
    expect((await stat(copy)).size, "rebuilt whole").to.be.closeTo(whole.length, whole.length / 10);
  });

  it("still opens a working database when no copy can be kept", async () => {
    // A cache folder that cannot exist: its parent is a file.
    const blocker = path.join(scratch, "a-file");
    await writeFile(blocker, "");
    const pool = await openEmbeddedDatabase(path.join(scratch, "db"), {
      cacheDir: path.join(blocker, "cache"),
    });
    await usable(pool);
    await pool.end();
  });
});
