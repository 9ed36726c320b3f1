/**
 * Measures the local embedder on this machine: cold start, throughput for short (8-word) and long
 * (50-word) texts, and resident memory. Run: node packages/embeddings/test/measure-local-embedder.ts
 * Texts are sent as concurrent single-text calls, as a busy service would, so batching is included.
 */
import { createLocalEmbedder } from "../src/local-embedder.ts";

const WORDS = (
  "meeting budget project deadline friday decided ship release customer feedback design review " +
  "memory note idea travel berlin train ticket doctor appointment recipe garden tomato sunday " +
  "quarterly revenue grew team hiring plan invoice paid laptop broken repair weekend hike lake"
).split(" ");

function sentence(words: number, seed: number): string {
  let state = seed * 2654435761;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    out.push(WORDS[state % WORDS.length]!);
  }
  return out.join(" ");
}

async function throughput(workers: number, words: number, count: number): Promise<number> {
  const embedder = createLocalEmbedder({ workers });
  await embedder.embed(Array.from({ length: workers * 2 }, (_, i) => sentence(words, -i - 1))); // load every worker
  const texts = Array.from({ length: count }, (_, i) => sentence(words, i));
  const started = performance.now();
  await Promise.all(texts.map((text) => embedder.embed([text])));
  const textsPerSecond = count / ((performance.now() - started) / 1000);
  await embedder.close();
  return textsPerSecond;
}

const rssMb = (): number => Math.round(process.memoryUsage().rss / 1e6);
const rssBefore = rssMb();
const started = performance.now();
const cold = createLocalEmbedder();
await cold.embed(["cold start"]);
const coldMs = performance.now() - started;
console.log(
  JSON.stringify({
    coldStartMs: Math.round(coldMs),
    modelLoadMs: Math.round(cold.stats().loadMs ?? 0),
    rssBeforeMb: rssBefore,
    rssAfterLoadMb: rssMb(),
  }),
);
await cold.embed(Array.from({ length: 64 }, (_, i) => sentence(50, i)));
console.log(JSON.stringify({ rssAfter64LongTextsMb: rssMb() }));
await cold.close();

for (const workers of [1, 2]) {
  for (const [words, count] of [
    [8, 600],
    [50, 120],
  ] as const) {
    const rate = await throughput(workers, words, count);
    console.log(
      JSON.stringify({ workers, words, count, textsPerSecond: Math.round(rate * 10) / 10, rssMb: rssMb() }),
    );
  }
}
