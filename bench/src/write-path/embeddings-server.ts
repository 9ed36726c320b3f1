import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { seededRandom } from "../search/corpus.ts";

// A stand-in for an OpenAI-compatible embeddings API (POST /v1/embeddings), in its own process
// as a deployment's provider would be elsewhere: deterministic vectors of the asked dimension,
// seeded by a hash of the text, so that the write path is measured without a model on its cores.
// Like a real model's, they gather around topics (50 random centres, each vector a centre plus
// noise, normalised): uniform random vectors are nearly equidistant, which no model produces and
// which makes an HNSW insert several times dearer than real data would.
const TOPICS = 50;
const centres = new Map<number, number[][]>();

function centresOf(dimensions: number): number[][] {
  let found = centres.get(dimensions);
  if (!found) {
    const random = seededRandom(dimensions);
    found = Array.from({ length: TOPICS }, () => Array.from({ length: dimensions }, () => random() * 2 - 1));
    centres.set(dimensions, found);
  }
  return found;
}

function vectorOf(text: string, dimensions: number): number[] {
  const random = seededRandom(createHash("sha1").update(text).digest().readUInt32BE(0));
  const centre = centresOf(dimensions)[Math.floor(random() * TOPICS)]!;
  const vector = centre.map((c) => c + 0.6 * (random() * 2 - 1));
  const norm = Math.hypot(...vector);
  return vector.map((x) => x / norm);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    if (req.method !== "POST" || req.url !== "/v1/embeddings") return void res.writeHead(404).end();
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
      input: string | string[];
      model: string;
      dimensions: number;
    };
    const input = typeof body.input === "string" ? [body.input] : body.input;
    const data = input.map((text, index) => ({
      object: "embedding",
      index,
      embedding: vectorOf(text, body.dimensions),
    }));
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        object: "list",
        model: body.model,
        data,
        usage: { prompt_tokens: 0, total_tokens: 0 },
      }),
    );
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.("ready"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
