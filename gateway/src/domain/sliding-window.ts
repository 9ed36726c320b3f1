/**
 * The sliding-window counter: requests are counted in fixed windows aligned to the clock, and a
 * request is judged on the current window's count plus the previous window's count weighted by how
 * much of the previous window the sliding window still covers. With an even spread of the previous
 * window's requests this is the exact sliding count; at worst it is off by the previous window's
 * unevenness, never by a whole window's worth, so a client cannot send twice the limit across a
 * window boundary as it can with plain fixed windows.
 *
 * Pure arithmetic, no clock and no store: the limiter (adapters/rate-limit.ts) gives it the counts.
 */
export interface WindowRule {
  /** Requests allowed in any window of `windowMs` (0: no limit). */
  limit: number;
  windowMs: number;
}

export interface WindowPosition {
  /** Which fixed window `now` falls in: floor(now / windowMs). */
  index: number;
  /** Milliseconds since that window began. */
  elapsedMs: number;
}

export function windowAt(nowMs: number, windowMs: number): WindowPosition {
  const index = Math.floor(nowMs / windowMs);
  return { index, elapsedMs: nowMs - index * windowMs };
}

export interface WindowCounts {
  /** Requests counted in the previous fixed window. */
  previous: number;
  /** Requests counted in the current one, this request included. */
  current: number;
}

/** Floating-point slack: a count that is the limit up to rounding is the limit. */
const ROUNDING = 1e-9;
const ROUNDING_MS = 1e-6;

export type Verdict = { allowed: true } | { allowed: false; retryAfterMs: number };

/** The estimated count of the sliding window that ends now. */
export function slidingCount(counts: WindowCounts, position: WindowPosition, windowMs: number): number {
  return counts.previous * (1 - position.elapsedMs / windowMs) + counts.current;
}

/**
 * Allowed while the sliding count is at most the limit. Refused: how long until a request would be
 * allowed again if the client sends nothing more, from the same estimate (the previous window's
 * weight falls as time passes; once the current window ends, its count becomes the previous one).
 */
export function judge(rule: WindowRule, counts: WindowCounts, position: WindowPosition): Verdict {
  const { limit, windowMs } = rule;
  if (limit <= 0 || slidingCount(counts, position, windowMs) <= limit + ROUNDING) return { allowed: true };
  // The next request adds one: it fits once weighted(previous) + current + 1 <= limit.
  const room = limit - 1;
  let waitMs: number;
  if (counts.current <= room) {
    // Within this window: wait until the previous window's weight has fallen enough.
    const fraction = 1 - (room - counts.current) / counts.previous;
    waitMs = fraction * windowMs - position.elapsedMs;
  } else {
    // Past this window: the current count becomes the previous one and must weigh little enough.
    const fraction = room <= 0 ? 1 : 1 - room / counts.current;
    waitMs = windowMs - position.elapsedMs + fraction * windowMs;
  }
  return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(waitMs - ROUNDING_MS)) };
}
