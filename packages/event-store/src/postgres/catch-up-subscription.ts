import type { LogPosition } from "@second-brain/contracts";
import type { SubscribeOptions, Subscription } from "../event-store.ts";
import type { LogRead } from "./read-events.ts";

export interface CatchUpSource {
  /** The events after `after`; after a short read, whether events behind them are held back (polled for often). */
  read(after: LogPosition, limit: number): Promise<LogRead>;
  /** Registers a callback for "something may have been appended"; returns how to unregister. */
  onAppendNotice?: (notice: () => void) => () => void;
  pollIntervalMs: number;
  /** The short poll used while events are held back; default 20 ms. */
  heldBackPollMs?: number;
  /** The pause after a failed read or batch; it doubles with each failure in a row, up to maxRetryDelayMs. */
  retryDelayMs: number;
  /** Default 10 s. */
  maxRetryDelayMs?: number;
  /**
   * After handling a short batch, wait at least this long before reading again even if notices
   * arrive, so that under load events gather into fewer, larger batches (one transaction each for
   * the subscriber) instead of one read and one transaction per append. Default 10 ms.
   */
  settleMs?: number;
  /**
   * The wait grows with the time the last read and batch took, up to this: a subscriber whose
   * batches take long (a loaded machine) reads less often and gets more events per read, so its
   * fixed cost per batch (a read, a transaction, a checkpoint) is spread over more events, while an
   * idle one still answers within the short wait. Default 100 ms.
   */
  maxSettleMs?: number;
}

const DEFAULT_MAX_RETRY_DELAY_MS = 10_000;

/**
 * Reads the log from the checkpoint in batches and hands each to the subscriber. When caught up it
 * sleeps until an append notice, a wake() or the poll interval, whichever comes first. The poll
 * stays on even with notices: a transaction that rolls back sends none, yet it may have been what
 * held newer events back.
 */
export function startCatchUp(source: CatchUpSource, options: SubscribeOptions): Subscription {
  const batchSize = options.batchSize ?? 100;
  let checkpoint = options.after;
  let stopping = false;
  // Set by a notice that arrives while a read is running, so it is not lost before the next sleep.
  let noticed = false;
  let cutSleepShort: (() => void) | null = null;

  const sleep = (ms: number, wakeOnNotice: boolean) =>
    new Promise<void>((resolve) => {
      if (stopping || (wakeOnNotice && noticed)) return resolve();
      const finish = () => {
        clearTimeout(timer);
        cutSleepShort = null;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      cutSleepShort = () => {
        if (stopping || wakeOnNotice) finish();
      };
    });

  const notice = () => {
    noticed = true;
    cutSleepShort?.();
  };
  const stopListening = source.onAppendNotice?.(notice);

  const run = async () => {
    let failuresInARow = 0;
    while (!stopping) {
      noticed = false;
      let caughtUp = true;
      let heldBack: boolean;
      let handled = false;
      const started = performance.now();
      try {
        const { events, heldBack: eventsHeldBack } = await source.read(checkpoint, batchSize);
        if (events.length > 0 && !stopping) {
          await options.handle(events);
          checkpoint = events[events.length - 1]!.position;
          caughtUp = events.length < batchSize;
          handled = true;
        }
        heldBack = caughtUp && eventsHeldBack;
      } catch (error) {
        reportError(options, error);
        // Not cut short by notices: a failing handler must not be retried in a tight loop, and one
        // that keeps failing (a database that is down) is tried less and less often.
        const delay = source.retryDelayMs * 2 ** Math.min(failuresInARow++, 16);
        await sleep(Math.min(delay, source.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS), false);
        continue;
      }
      failuresInARow = 0;
      if (caughtUp && handled) {
        const tookMs = performance.now() - started;
        await sleep(Math.min(Math.max(source.settleMs ?? 10, tookMs), source.maxSettleMs ?? 100), false);
      }
      if (caughtUp) {
        const pollMs = heldBack
          ? Math.min(source.heldBackPollMs ?? 20, source.pollIntervalMs)
          : source.pollIntervalMs;
        await sleep(pollMs, true);
      }
    }
    stopListening?.();
  };
  const running = run();

  return {
    wake: notice,
    stop: async () => {
      stopping = true;
      cutSleepShort?.();
      await running;
    },
  };
}

function reportError(options: SubscribeOptions, error: unknown): void {
  try {
    options.onError?.(error);
  } catch {
    // An error reporter that throws must not end the subscription.
  }
}
