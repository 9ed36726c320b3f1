/**
 * Gathers items from concurrent callers into batches, because a model (local or remote) costs far
 * less per item in one call of many than in many calls of one. A batch leaves when it is full, or
 * `lingerMs` after the first waiting item arrived, or at once when a running batch finishes and
 * items have piled up behind it. At most `concurrency` batches run at a time.
 */
export interface BatchingQueueOptions<In, Out> {
  batchSize: number;
  lingerMs: number;
  concurrency: number;
  /** Must return one output per input, in order. */
  run(batch: In[]): Promise<Out[]>;
}

export interface BatchingQueue<In, Out> {
  /** Resolves with one output per item, in order; items may travel in different batches. */
  submit(items: readonly In[]): Promise<Out[]>;
  /** Items waiting for a batch (not counting those in running batches). */
  readonly waiting: number;
  readonly running: number;
}

interface Entry<In, Out> {
  item: In;
  resolve(out: Out): void;
  reject(error: unknown): void;
}

export function createBatchingQueue<In, Out>(options: BatchingQueueOptions<In, Out>): BatchingQueue<In, Out> {
  const { batchSize, lingerMs, concurrency, run } = options;
  if (!(batchSize >= 1) || !(concurrency >= 1)) throw new Error("batchSize and concurrency must be >= 1");
  const queue: Entry<In, Out>[] = [];
  let running = 0;
  let timer: NodeJS.Timeout | undefined;

  const clearTimer = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };

  const dispatch = (): void => {
    const batch = queue.splice(0, batchSize);
    if (batch.length === 0) return;
    running++;
    let outcome: Promise<Out[]>;
    try {
      outcome = run(batch.map((entry) => entry.item));
    } catch (error) {
      outcome = Promise.reject(error);
    }
    outcome
      .then((outputs) => {
        if (!Array.isArray(outputs) || outputs.length !== batch.length) {
          throw new Error(`A batch of ${batch.length} returned ${outputs?.length ?? "no"} results.`);
        }
        batch.forEach((entry, i) => entry.resolve(outputs[i]!));
      })
      .catch((error: unknown) => batch.forEach((entry) => entry.reject(error)))
      .finally(() => {
        running--;
        // Whatever queued behind this batch has already waited long enough.
        if (queue.length > 0) {
          clearTimer();
          dispatch();
        }
        schedule();
      });
  };

  const schedule = (): void => {
    while (running < concurrency && queue.length >= batchSize) dispatch();
    if (queue.length === 0) clearTimer();
    else if (running < concurrency && !timer) {
      timer = setTimeout(() => {
        timer = undefined;
        if (running < concurrency) dispatch();
        schedule();
      }, lingerMs);
    }
  };

  return {
    submit(items) {
      if (items.length === 0) return Promise.resolve([]);
      const results = items.map(
        (item) => new Promise<Out>((resolve, reject) => queue.push({ item, resolve, reject })),
      );
      schedule();
      return Promise.all(results);
    },
    get waiting() {
      return queue.length;
    },
    get running() {
      return running;
    },
  };
}
