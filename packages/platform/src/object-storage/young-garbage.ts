import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

type Collect = (options: { type: "minor" | "major" }) => void;

/**
 * Node's HTTP parser hands every chunk of a request body over in a fresh buffer. Streamed on,
 * each one is garbage at once, but V8 frees such off-heap memory only when it collects, and it
 * collects for off-heap growth alone only after tens of megabytes: a 50 MB upload through a quiet
 * process (the gateway) would grow it by up to 50 MB. A minor collection every few megabytes
 * (a scavenge of the young generation, well under a millisecond here) keeps an upload flat.
 *
 * The collector is reached as V8 exposes it to a context made after --expose-gc is set; the flag
 * changes nothing else (a process started with it already has `gc`).
 */
const collect: Collect | undefined = (() => {
  const existing = (globalThis as { gc?: Collect }).gc;
  if (existing) return existing;
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as Collect;
  } catch {
    return undefined; // no collector: memory is still bounded, only by V8's own schedule
  }
})();

export function collectYoungGarbage(): void {
  collect?.({ type: "minor" });
}
