import { execFile } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { Redis } from "ioredis";
import { openEmbeddedDatabase, type SqlPool } from "@second-brain/platform";
import { registerAdmin } from "../src/admin-client.ts";
import { ApiClient, eventually } from "../src/api-client.ts";
import { useStack, type RunMode } from "../src/stack-fixture.ts";
import { checkedFetch } from "../src/openapi-responses.ts";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";

/**
 * A word that appears nowhere by chance: letters outside hexadecimal, so no id, hash or key in
 * hex can contain it, and too long to turn up in base64 ciphertext.
 */
function distinctiveWord(): string {
  const letters = "ghijklmnopqrstuvwxyz";
  return `qx${Array.from({ length: 14 }, () => letters[randomInt(letters.length)]).join("")}`;
}

// Erasure (ARCHITECTURE.md, invariant 5) leaves nothing of the user readable anywhere Second Brain
// keeps data: one distinctive sentence goes into every field a user can fill, and after the
// erasure it is in no database row, no cache key or value, no stored object and no log line.
for (const mode of ["embedded", "distributed"] as RunMode[]) {
  describe(`an erased user's words are nowhere afterwards (${mode})`, function () {
    this.timeout(240_000);
    const redisPrefix = `sb-test-${randomBytes(4).toString("hex")}:`;
    const dataDir = mode === "embedded" ? mkdtempSync(path.join(os.tmpdir(), "sb-erase-all-")) : undefined;
    const fixture = useStack(
      mode,
      { REDIS_PREFIX: redisPrefix, LOG_LEVEL: "debug" },
      { s3: true, ...(dataDir ? { dataDir } : {}) },
    );
    // After the fixture's own hook has stopped the stack.
    after(async () => {
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it("writes the sentence into every field, erases the user, and finds it nowhere", async () => {
      const word = distinctiveWord();
      const sentence = `the ${word} sings of violet harbours`;
      const user = new ApiClient(fixture.stack.baseUrl);
      const { password } = await user.registerUser();
      const ok = (answer: { status: number; body: unknown }, status = 201) =>
        expect(answer.status, JSON.stringify(answer.body)).to.equal(status);

      const session = await user.request("POST", "/api/v1/sessions", {
        title: sentence,
        context: { [word]: sentence },
      });
      ok(session);
      ok(
        await user.request("POST", `/api/v1/sessions/${session.body.id}/messages`, {
          role: "user",
          content: sentence,
        }),
        200,
      );
      const memory = await user.request("POST", "/api/v1/memories", {
        title: sentence,
        content: `${sentence}. ${sentence}.`,
        tags: [sentence],
        metadata: { [word]: sentence },
        sourceUrl: `https://example.com/${word}`,
        sessionId: session.body.id,
      });
      ok(memory);
      const other = await user.request("POST", "/api/v1/memories", { content: `about ${sentence}` });
      ok(other);
      ok(
        await user.request("POST", `/api/v1/memories/${memory.body.id}/links`, {
          targetId: other.body.id,
          type: sentence,
        }),
        200,
      );
      ok(
        await user.request("PATCH", `/api/v1/tags/${encodeURIComponent(sentence)}`, { color: "#123456" }),
        200,
      );
      const form = new FormData();
      form.append("file", new Blob([`${sentence}\n`], { type: "text/plain" }), `${word}.txt`);
      const uploaded = await checkedFetch(
        `${fixture.stack.baseUrl}/api/v1/memories/${memory.body.id}/attachments`,
        { method: "POST", headers: { authorization: `Bearer ${user.token}` }, body: form },
      );
      expect(uploaded.status, await uploaded.clone().text()).to.equal(201);
      // Searched for until found: the search index, its embeddings and the caches all hold it.
      await eventually(async () => {
        const found = await user.request("POST", "/api/v1/search", { query: sentence, mode: "hybrid" });
        return found.body.results?.length > 0 ? true : undefined;
      }, 60_000);
      const read = await user.request("GET", `/api/v1/memories/${memory.body.id}`);
      expect(read.body.attachments).to.have.length(1);
      await eventually(async () => {
        const tags = await user.request("GET", "/api/v1/tags");
        return tags.body.some?.((tag: { name: string }) => tag.name === sentence) ? true : undefined;
      });

      ok(await user.request("DELETE", "/api/v1/users/me", { password }), 202);

      // Read models, caches and files are purged as the erasure reaches each of them: once every
      // read model has caught up with the log (an admin sees where each stands), nothing is left.
      const admin = await registerAdmin(fixture.stack);
      const caughtUp = () =>
        eventually(async () => {
          const status = await admin.request("GET", "/api/v1/admin/projections");
          const all = status.body.projections as { lagEvents?: number; rebuilding?: boolean }[];
          return all.length >= 6 && all.every((p) => p.lagEvents === 0 && p.rebuilding !== true)
            ? true
            : undefined;
        }, 60_000);
      await caughtUp();
      expect(await leftovers(word)).to.deep.equal([]);

      // Every read model can still be rebuilt from the log afterwards.
      ok(await admin.request("POST", "/api/v1/admin/projections/memories/rebuild"), 202);
      await caughtUp();
      expect(await leftovers(word)).to.deep.equal([]);
    });

    /** Every place that still holds `word`, named. */
    async function leftovers(word: string): Promise<string[]> {
      const found: string[] = [];
      found.push(...fixture.stack.linesContaining(word).map((line) => `log: ${line.slice(0, 200)}`));
      const objectsDir = fixture.s3 ? fixture.s3.directory : path.join(fixture.stack.dataDir, "objects");
      found.push(...(await filesContaining(objectsDir, word)).map((file) => `object: ${file}`));
      if (fixture.database) {
        const dump = await pgDump(fixture.database.url);
        found.push(
          ...dump
            .split("\n")
            .filter((line) => line.includes(word))
            .map((line) => `row: ${line}`),
        );
        found.push(...(await redisEntriesContaining(redisPrefix, word)).map((key) => `redis: ${key}`));
      } else {
        found.push(...(await embeddedRowsContaining(word)).map((row) => `row: ${row}`));
      }
      return found;
    }

    /**
     * The embedded database, read with SQL while the process is stopped (PGlite allows one
     * process): every row of every table, as text.
     */
    async function embeddedRowsContaining(word: string): Promise<string[]> {
      await fixture.stack.kill("embedded");
      const pool = await openEmbeddedDatabase(path.join(fixture.stack.dataDir, "pgdata"));
      try {
        return await rowsContaining(pool, word);
      } finally {
        await pool.end();
        fixture.stack.start("embedded");
        await fixture.stack.waitReady();
      }
    }
  });
}

async function rowsContaining(pool: SqlPool, word: string): Promise<string[]> {
  const { rows: tables } = await pool.query<{ name: string }>(
    `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
  );
  const found: string[] = [];
  for (const { name } of tables) {
    const { rows } = await pool.query<{ row: string }>(
      `SELECT t::text AS row FROM ${name} t WHERE strpos(t::text, $1) > 0`,
      [word],
    );
    found.push(...rows.map((row) => `${name} ${row.row.slice(0, 200)}`));
  }
  return found;
}

async function pgDump(url: string): Promise<string> {
  const { stdout } = await promisify(execFile)("pg_dump", ["--data-only", "--no-owner", url], {
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout;
}

async function redisEntriesContaining(prefix: string, word: string): Promise<string[]> {
  const redis = new Redis(REDIS_URL);
  try {
    const found: string[] = [];
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<
      string[]
    >) {
      for (const key of keys) {
        const value = (await redis.type(key)) === "string" ? await redis.get(key) : "";
        if (key.includes(word) || value?.includes(word)) found.push(key);
      }
    }
    return found;
  } finally {
    redis.disconnect();
  }
}

async function filesContaining(directory: string, word: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (file.includes(word) || (await readFile(file)).includes(word)) found.push(file);
  }
  return found;
}
