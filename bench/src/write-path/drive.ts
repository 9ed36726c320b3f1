import autocannon from "autocannon";
import { percentile } from "../load.ts";
import { registerUser } from "../search/api.ts";
import { noteStream } from "./corpus.ts";

export interface DriveResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  /** 2xx answers. */
  completed: number;
}

export type NextRequest = () => { headers: Record<string, string>; body: string };

/** Drives POSTs to `url` from `connections` keep-alive connections, each request built afresh. */
export async function drive(
  url: string,
  connections: number,
  seconds: number,
  next: NextRequest,
): Promise<DriveResult> {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [{ method: "POST", setupRequest: (request) => ({ ...request, ...next() }) }],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
    completed: result["2xx"],
  };
}

/** Distinct notes, spread round-robin over `tokens` (one per user). */
export function notesOf(tokens: readonly string[], seed: number): NextRequest {
  const nextNote = noteStream(seed);
  let turn = 0;
  return () => ({
    headers: {
      authorization: `Bearer ${tokens[turn++ % tokens.length]}`,
      "content-type": "application/json",
    },
    body: JSON.stringify(nextNote()),
  });
}

export async function registerUsers(baseUrl: string, count: number): Promise<string[]> {
  const users = await Promise.all(Array.from({ length: count }, () => registerUser(baseUrl)));
  return users.map((user) => user.accessToken);
}

export interface LagResult {
  p50: number;
  p99: number;
  samples: number;
  /** Creates and list requests the sampler added to the load. */
  creates: number;
  lists: number;
}

const POLL_MS = 5;
const PAUSE_MS = 200;

/**
 * Read-model lag while the load runs: a user of its own creates a note (distinct, from its own
 * stream), then lists its newest memory until the note is there, 5 ms apart at first and then a
 * tenth of the time waited so far (the figure stays within ~10%); the time from the 201 to that
 * list is one sample. One sample every ~200 ms, so the sampler's lists stay a small part
 * of the load.
 */
export async function sampleLag(baseUrl: string, token: string, stopAt: number): Promise<LagResult> {
  const next = notesOf([token], 7_777);
  const lags: number[] = [];
  let lists = 0;
  while (Date.now() < stopAt) {
    const request = next();
    const res = await fetch(`${baseUrl}/api/v1/memories`, { method: "POST", ...request });
    if (res.status !== 201) throw new Error(`lag probe create answered ${res.status}: ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    const created = performance.now();
    for (;;) {
      lists++;
      const list = await fetch(`${baseUrl}/api/v1/memories?limit=1`, { headers: request.headers });
      const { items } = (await list.json()) as { items: { id: string }[] };
      if (items[0]?.id === id) break;
      const waited = performance.now() - created;
      await new Promise((resolve) => setTimeout(resolve, Math.max(POLL_MS, waited / 10)));
    }
    lags.push(performance.now() - created);
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  }
  return {
    p50: percentile(lags, 50),
    p99: percentile(lags, 99),
    samples: lags.length,
    creates: lags.length,
    lists,
  };
}
