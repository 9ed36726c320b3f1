import { Worker } from "node:worker_threads";
import type { TemplateOptions } from "./pglite-template.ts";
import type { EmbeddedDatabase } from "./sql.ts";

/**
 * PGlite on a thread of its own. In the process itself, PostgreSQL's WebAssembly ran on the same
 * thread as every service and the gateway: SQL was about two thirds of the embedded process's CPU
 * per create, and the process used one core of two (docs/benchmarks.md). On its own thread it runs
 * beside them; each query costs one message each way (structured clone: dates, bytes and arrays
 * arrive as they left).
 */
export type ThreadRequest =
  { kind: "query"; id: number; text: string; params: unknown[] | undefined } | { kind: "close"; id: number };

export type ThreadReply =
  | { id: number; rows: unknown[]; affectedRows?: number | undefined }
  | { id: number; error: Record<string, unknown> };

export async function openPGliteThread(
  dataDir: string | undefined,
  template: TemplateOptions,
): Promise<EmbeddedDatabase> {
  const worker = new Worker(new URL("./pglite-thread-worker.ts", import.meta.url), {
    workerData: { dataDir, template },
  });
  const waiting = new Map<number, { resolve(reply: ThreadReply): void; reject(error: Error): void }>();
  let nextId = 1;
  let exited: Error | undefined;
  worker.on("message", (reply: ThreadReply) => {
    const caller = waiting.get(reply.id);
    waiting.delete(reply.id);
    caller?.resolve(reply);
  });
  // The thread can stop at any time (an uncaught error, running out of memory, terminate()): every
  // query waiting for it, and every later one, fails with the same error that says so. An uncaught
  // error arrives before the exit and says more than the exit code, so the first reason is kept.
  const failAll = (reason: string, cause?: Error) => {
    exited ??= new Error(`The embedded database's thread stopped (${reason}).`, { cause });
    for (const caller of waiting.values()) caller.reject(exited);
    waiting.clear();
  };
  worker.on("error", (error) => failAll(error.message, error));
  worker.on("exit", (code) => failAll(`exit code ${code}`));

  const replyTo = (id: number): Promise<ThreadReply> =>
    new Promise((resolve, reject) => {
      if (exited) return reject(exited);
      waiting.set(id, { resolve, reject });
    });
  const ask = (request: ThreadRequest): Promise<ThreadReply> => {
    const reply = replyTo(request.id);
    if (!exited) worker.postMessage(request);
    return reply;
  };
  const answered = <Row>(reply: ThreadReply): { rows: Row[]; affectedRows?: number } => {
    if ("error" in reply) throw Object.assign(new Error(String(reply.error.message)), reply.error);
    return {
      rows: reply.rows as Row[],
      ...(reply.affectedRows !== undefined ? { affectedRows: reply.affectedRows } : {}),
    };
  };

  // The thread says when PGlite is open (id 0), or why it could not open it.
  const opened = await replyTo(0).catch((error: Error) => ({ id: 0, error: { message: error.message } }));
  if ("error" in opened) {
    await worker.terminate();
    answered(opened);
  }
  return {
    query: async <Row>(text: string, params?: unknown[]) =>
      answered<Row>(await ask({ kind: "query", id: nextId++, text, params })),
    close: async () => {
      // A thread that has already stopped has nothing left to close.
      if (exited) return;
      try {
        answered(await ask({ kind: "close", id: nextId++ }));
      } finally {
        await worker.terminate();
      }
    },
  };
}
