import { randomBytes, randomUUID } from "node:crypto";
import { checkedFetch } from "./openapi-responses.ts";

/** One create the load sent, as its client saw it. */
export interface CreateRecord {
  key: string;
  /** A word found only in this memory's content, for search. */
  word: string;
  startedAt: number;
  endedAt: number;
  /** The HTTP status, or 0 when no response came (connection refused, reset, or our own abort). */
  status: number;
  retryAfter: string | null;
  code: string | undefined;
  /** The created memory's id, on a 2xx. */
  id: string | undefined;
  /** Why no response came, when none did. */
  failure: string | undefined;
}

export interface CreateLoadOptions {
  baseUrl: string;
  token: string;
  /** Clients, each sending one create at a time. */
  clients: number;
  /** Pause after each answer, so the load is steady rather than as fast as possible. */
  pauseMs: number;
  /** A request still unanswered after this long is aborted and recorded as a failure. */
  abortAfterMs: number;
}

export interface CreateLoad {
  readonly records: readonly CreateRecord[];
  stop(): Promise<CreateRecord[]>;
}

/**
 * A steady stream of creates through the REST API, as several independent clients would send
 * them: each with its own Idempotency-Key and distinct content, every answer recorded with its
 * time, status and Retry-After.
 */
export function startCreateLoad(options: CreateLoadOptions): CreateLoad {
  const records: CreateRecord[] = [];
  let running = true;
  const client = async () => {
    while (running) {
      records.push(await createOnce(options));
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  };
  const clients = Array.from({ length: options.clients }, () => client());
  return {
    records,
    stop: async () => {
      running = false;
      await Promise.all(clients);
      return records;
    },
  };
}

/** Sends one create: a new one, or a retry of `earlier` with its Idempotency-Key and content. */
export async function createOnce(
  options: Omit<CreateLoadOptions, "clients" | "pauseMs">,
  earlier?: Pick<CreateRecord, "key" | "word">,
): Promise<CreateRecord> {
  const key = earlier?.key ?? randomUUID();
  const word = earlier?.word ?? `w${randomBytes(8).toString("hex")}`;
  const startedAt = Date.now();
  try {
    const response = await checkedFetch(`${options.baseUrl}/api/v1/memories`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${options.token}`,
        "idempotency-key": key,
      },
      body: JSON.stringify({ content: `steady load ${word}` }),
      signal: AbortSignal.timeout(options.abortAfterMs),
    });
    const body = (await response.json().catch(() => undefined)) as
      { id?: string; error?: { code?: string } } | undefined;
    return {
      key,
      word,
      startedAt,
      endedAt: Date.now(),
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
      code: body?.error?.code,
      id: response.ok ? body?.id : undefined,
      failure: undefined,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return {
      key,
      word,
      startedAt,
      endedAt: Date.now(),
      status: 0,
      retryAfter: null,
      code: undefined,
      id: undefined,
      failure: cause ?? (error as Error).name,
    };
  }
}
