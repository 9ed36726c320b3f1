import { judge, windowAt, type Verdict, type WindowRule } from "../domain/sliding-window.ts";
import type { CounterStore } from "./rate-limit-store.ts";

/**
 * Subjects whose previous window's count is remembered, per rule (a few MB at most, whatever the
 * number of addresses a client sends from); past that, it is read from the store every time.
 */
const REMEMBERED_SUBJECTS = 20_000;

/**
 * A sliding-window limit (domain/sliding-window.ts) on rate-limiter-flexible counters. Its own
 * limiters count in fixed windows that start at a key's first request, which lets a client send
 * twice the limit across a window's end; here each clock-aligned window has its own key, counted
 * with `penalty` (one atomic increment). A key lives two windows, so it is still there as "previous".
 *
 * The previous window's count is read from the store once per subject and window, not on every
 * request: a window that has ended no longer changes, and the read (a MULTI of GET and PTTL) was a
 * seventh of a distributed gateway's CPU under load. The one count it can miss is a request another
 * gateway was still counting as the window ended, which the sliding estimate's own error dwarfs.
 *
 * Every request is counted, refused ones too: a client that keeps sending past its limit stays
 * refused until it waits as long as Retry-After says.
 */
export function slidingWindowLimiter(store: CounterStore, name: string, rule: WindowRule, now: () => number) {
  const counters = store.counters(name, Math.ceil((2 * rule.windowMs) / 1000));
  const ended = endedWindowCounts();
  return async (subject: string): Promise<Verdict> => {
    if (rule.limit <= 0) return { allowed: true };
    const position = windowAt(now(), rule.windowMs);
    const previousIndex = position.index - 1;
    return store.failOpen(
      async () => {
        const [current, previous] = await Promise.all([
          counters.penalty(`${subject}:${position.index}`, 1),
          ended.get(subject, previousIndex) ??
            counters.get(`${subject}:${previousIndex}`).then((counted) => {
              const count = counted?.consumedPoints ?? 0;
              ended.set(subject, previousIndex, count);
              return count;
            }),
        ]);
        return judge(rule, { current: current.consumedPoints, previous }, position);
      },
      { allowed: true } as Verdict,
    );
  };
}

/** The counts of one ended window by subject; a later window replaces them all. */
function endedWindowCounts() {
  let index = Number.NaN;
  let counts = new Map<string, number>();
  return {
    get: (subject: string, windowIndex: number) => (windowIndex === index ? counts.get(subject) : undefined),
    set: (subject: string, windowIndex: number, count: number) => {
      if (windowIndex < index) return;
      if (windowIndex > index || Number.isNaN(index)) {
        index = windowIndex;
        counts = new Map();
      }
      if (counts.size < REMEMBERED_SUBJECTS) counts.set(subject, count);
    },
  };
}
