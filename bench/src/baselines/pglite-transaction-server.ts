import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { inTransaction, pglitePool } from "@second-brain/platform";

// The embedded mode's floor for a write: a bare node:http server on PGlite (in DATA_DIR) doing one
// two-statement transaction per request (BEGIN; INSERT; INSERT; COMMIT: an event and its stream's
// position), with no framework, broker, validation or encryption in between. GET answers "ready"
// at once, for timing a cold start. PGlite as it comes: on the server's own thread, running initdb
// in a new folder (Second Brain's embedded mode gives it a thread of its own and starts new folders
// from a copy: packages/platform/src/pglite-thread.ts, pglite-template.ts).
const db = pglitePool(
  await PGlite.create({
    ...(process.env.DATA_DIR ? { dataDir: process.env.DATA_DIR } : {}),
    extensions: { vector },
  }),
);
await db.query(
  "CREATE TABLE IF NOT EXISTS bench_events (id uuid PRIMARY KEY, stream uuid NOT NULL, data text NOT NULL, at timestamptz NOT NULL)",
);
await db.query("CREATE TABLE IF NOT EXISTS bench_streams (stream uuid PRIMARY KEY, version int NOT NULL)");
const server = createServer((req, res) => {
  if (req.method === "GET") return void res.writeHead(200).end("ready");
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const id = randomUUID();
    inTransaction(db, async (client) => {
      await client.query("INSERT INTO bench_events VALUES ($1, $1, $2, now())", [
        id,
        Buffer.concat(chunks).toString(),
      ]);
      await client.query("INSERT INTO bench_streams VALUES ($1, 1)", [id]);
    }).then(
      () => res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id })),
      () => res.writeHead(500).end(),
    );
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.("ready"));
process.on("SIGTERM", () => server.close(() => db.end().then(() => process.exit(0))));
