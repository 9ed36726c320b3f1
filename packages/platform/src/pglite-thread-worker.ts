// The embedded database's own thread (pglite-thread.ts): opens PGlite here and answers the queries
// the process sends, one message each way per query.
import { parentPort, workerData } from "node:worker_threads";
import { openPGlite } from "./pglite.ts";
import type { TemplateOptions } from "./pglite-template.ts";
import type { ThreadReply, ThreadRequest } from "./pglite-thread.ts";

const port = parentPort!;
const { dataDir, template } = workerData as { dataDir: string | undefined; template: TemplateOptions };

try {
  const db = await openPGlite(dataDir, template);
  port.on("message", (request: ThreadRequest) => {
    const reply = (message: ThreadReply) => port.postMessage(message);
    if (request.kind === "close") {
      void db.close().then(
        () => reply({ id: request.id, rows: [] }),
        (error: unknown) => reply({ id: request.id, error: plainError(error) }),
      );
      return;
    }
    db.query(request.text, request.params).then(
      (result) => reply({ id: request.id, rows: result.rows, affectedRows: result.affectedRows }),
      (error: unknown) => reply({ id: request.id, error: plainError(error) }),
    );
  });
  port.postMessage({ id: 0, rows: [] } satisfies ThreadReply);
} catch (error) {
  port.postMessage({ id: 0, error: plainError(error) } satisfies ThreadReply);
}

/** The error's message and own fields (code, severity, detail, constraint, ...), which clone. */
function plainError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields: Record<string, unknown> = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(error)) {
    if (value === undefined || typeof value === "function") continue;
    if (typeof value === "object" && value !== null) continue;
    fields[key] = value;
  }
  return fields;
}
