import { judge, windowAt, type Verdict, type WindowRule } from "../domain/sliding-window.ts";
import type { CounterStore } from "./rate-limit-store.ts";

/**
 * A sliding-window limit (domain/sliding-window.ts) on rate-limiter-flexible counters. Its own
 * limiters count in fixed windows that start at a key's first request, which lets a client send
 * twice the limit across a window's end; here each clock-aligned window has its own key, counted
 * with `penalty` (one atomic increment), and the previous window's key is read beside it (`get`),
 * both in one Redis round trip. A key lives two windows, so it is still there as "previous".
 *
 * Every request is counted, refused ones too: a client that keeps sending past its limit stays
 * refused until it waits as long as Retry-After says.
 */
export function slidingWindowLimiter(store: CounterStore, name: string, rule: WindowRule, now: () => number) {
  const counters = store.counters(name, Math.ceil((2 * rule.windowMs) / 1000));
  return async (subject: string): Promise<Verdict> => {
    if (rule.limit <= 0) return { allowed: true };
    const position = windowAt(now(), rule.windowMs);
    return store.failOpen(
      async () => {
        const [current, previous] = await Promise.all([
          counters.penalty(`${subject}:${position.index}`, 1),
          counters.get(`${subject}:${position.index - 1}`),
        ]);
        const counts = { current: current.consumedPoints, previous: previous?.consumedPoints ?? 0 };
        return judge(rule, counts, position);
      },
      { allowed: true } as Verdict,
    );
  };
}
