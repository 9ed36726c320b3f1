import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import pg from "pg";

// The floor for a write: a bare node:http server doing one INSERT per request on the same
// PostgreSQL, with no framework, broker, validation or event store in between.
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query(
  "CREATE TABLE IF NOT EXISTS bench_inserts (id uuid PRIMARY KEY, owner_id uuid NOT NULL, content text NOT NULL, created_at timestamptz NOT NULL)",
);
const owner = randomUUID();
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const { content } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { content: string };
    const id = randomUUID();
    pool.query("INSERT INTO bench_inserts VALUES ($1, $2, $3, now())", [id, owner, content]).then(
      () => {
        res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id }));
      },
      () => res.writeHead(500).end(),
    );
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.("ready"));
process.on("SIGTERM", () => server.close(() => pool.end().then(() => process.exit(0))));
