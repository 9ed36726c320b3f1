/**
 * Retries with capped exponential backoff and full jitter (a random delay between zero and the
 * exponential ceiling), so that many clients throttled at once do not come back in lockstep. A
 * server's Retry-After is a floor: retrying sooner only earns another refusal.
 */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 means try once. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export type RetryVerdict = { retry: false } | { retry: true; retryAfterMs: number | undefined };

export interface RetryHooks {
  classify(error: unknown): RetryVerdict;
  sleep?(ms: number): Promise<void>;
  random?(): number;
  onRetry?(info: { attempt: number; delayMs: number; error: unknown }): void;
}

export class RetriesExhaustedError extends Error {
  readonly attempts: number;
  constructor(attempts: number, cause: unknown) {
    super(`Gave up after ${attempts} attempts.`);
    this.attempts = attempts;
    this.cause = cause;
  }
}

/** Longest Retry-After honoured; a larger one is treated as this, so a caller never hangs for hours. */
export const MAX_RETRY_AFTER_MS = 60_000;

export function backoffDelayMs(
  retry: number,
  policy: RetryPolicy,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  const jittered = Math.round(random() * ceiling);
  if (retryAfterMs === undefined) return jittered;
  return Math.min(MAX_RETRY_AFTER_MS, retryAfterMs) + Math.round(random() * policy.baseDelayMs);
}

/** Reads `retry-after-ms` (OpenAI's) or `retry-after` (seconds or an HTTP date). */
export function parseRetryAfterMs(
  header: (name: string) => string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const millis = header("retry-after-ms");
  if (millis && Number.isFinite(Number(millis))) return Math.max(0, Number(millis));
  const value = header("retry-after");
  if (!value) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.max(0, Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Runs `attempt` until it succeeds, the error is not retryable (rethrown as is), or the retries
 * are spent (a RetriesExhaustedError whose cause is the last error).
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  hooks: RetryHooks,
  attempt: (attemptNumber: number) => Promise<T>,
): Promise<T> {
  const sleep = hooks.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      const verdict = hooks.classify(error);
      if (!verdict.retry) throw error;
      if (attemptNumber > policy.maxRetries) throw new RetriesExhaustedError(attemptNumber, error);
      const delayMs = backoffDelayMs(attemptNumber - 1, policy, verdict.retryAfterMs, hooks.random);
      hooks.onRetry?.({ attempt: attemptNumber, delayMs, error });
      await sleep(delayMs);
    }
  }
}
