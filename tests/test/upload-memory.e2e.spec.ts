import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect } from "chai";
import { useStack } from "../src/stack-fixture.ts";
import { checkedFetch } from "../src/openapi-responses.ts";

const FILE_BYTES = 50 * 1024 * 1024;
/** Well under the file's size: a process that buffered the upload would grow by 50 MB or more. */
const MAX_GROWTH_BYTES = 25 * 1024 * 1024;

async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kib) * 1024;
}

/**
 * Waits until no watched process has grown by more than 2 MB over the last second and a half
 * (or 30 s have passed), so that growth measured afterwards is the upload's own.
 */
async function settledResidentBytes(watched: [string, number][]): Promise<Map<string, number>> {
  const samples: Map<string, number>[] = [];
  const deadline = Date.now() + 30_000;
  for (;;) {
    const sample = new Map<string, number>();
    for (const [name, pid] of watched) sample.set(name, await residentBytes(pid));
    samples.push(sample);
    const window = samples.slice(-4);
    const steady =
      window.length === 4 &&
      watched.every(([name]) => {
        const values = window.map((one) => one.get(name)!);
        return Math.max(...values) - Math.min(...values) < 2 * 1024 * 1024;
      });
    if (steady || Date.now() > deadline) return sample;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

// A 50 MB upload streams through: the resident memory of every process it passes (the gateway
// and the attachment service, or the one embedded process) stays flat while it does.
for (const mode of ["embedded", "distributed"] as const) {
  describe(`a 50 MB upload keeps process memory flat (${mode})`, function () {
    this.timeout(180_000);
    const fixture = useStack(mode, { MAX_FILE_BYTES: String(FILE_BYTES + 1024) }, { s3: true });

    it("uploads 50 MB with RSS growth well under the file size, and the bytes arrive whole", async () => {
      const memory = await fixture.api.request("POST", "/api/v1/memories", { content: "a big file" });
      // The file is made first: generating 50 MB blocks this process for a while, and a block between
      // two requests can outlast the server's keep-alive wait, so the upload would be written to a
      // socket the server had already closed (EPIPE), a race of the client's, not of the server's.
      const bytes = randomBytes(FILE_BYTES);
      const form = new FormData();
      form.append("file", new Blob([bytes]), "big.bin");
      const watched = Object.entries(fixture.stack.pids()).filter(([name]) =>
        ["embedded", "gateway", "attachment"].includes(name),
      ) as [string, number][];
      // Warm up the path (module loading, first connections) so the baseline is steady.
      const warm = new FormData();
      warm.append("file", new Blob([randomBytes(1024)]), "warm.bin");
      await checkedFetch(`${fixture.stack.baseUrl}/api/v1/memories/${memory.body.id}/attachments`, {
        method: "POST",
        headers: { authorization: `Bearer ${fixture.api.token}` },
        body: warm,
      });

      // Creating the memory has the embeddings model load and run (in the embedded process, or
      // not at all in the watched ones): a semantic search loads it now, and the baseline is taken
      // once every watched process has settled, so that work is not counted as the upload's.
      await fixture.api.request("POST", "/api/v1/search", { query: "a big file", mode: "semantic" });
      const baseline = await settledResidentBytes(watched);
      const peak = new Map(baseline);
      const sampler = setInterval(() => {
        for (const [name, pid] of watched)
          residentBytes(pid).then(
            (bytes) => peak.set(name, Math.max(peak.get(name)!, bytes)),
            () => undefined,
          );
      }, 25);

      const response = await checkedFetch(
        `${fixture.stack.baseUrl}/api/v1/memories/${memory.body.id}/attachments`,
        {
          method: "POST",
          headers: { authorization: `Bearer ${fixture.api.token}` },
          body: form,
        },
      );
      clearInterval(sampler);
      const body = (await response.json()) as { id: string; size: number; sha256: string };
      expect(response.status, JSON.stringify(body)).to.equal(201);
      expect(body.size).to.equal(FILE_BYTES);
      expect(body.sha256).to.equal(createHash("sha256").update(bytes).digest("hex"));

      const growth = Object.fromEntries(
        watched.map(([name]) => [name, Math.round((peak.get(name)! - baseline.get(name)!) / 1024 / 1024)]),
      );
      console.log(
        `      RSS (${mode}): ` +
          watched
            .map(
              ([name]) =>
                `${name} ${Math.round(baseline.get(name)! / 1048576)} MB -> peak ${Math.round(peak.get(name)! / 1048576)} MB (+${growth[name]} MB)`,
            )
            .join("; "),
      );
      for (const [name] of watched)
        expect(peak.get(name)! - baseline.get(name)!, `${name} grew by ${growth[name]} MB`).to.be.below(
          MAX_GROWTH_BYTES,
        );

      const download = await checkedFetch(`${fixture.stack.baseUrl}/api/v1/attachments/${body.id}`, {
        headers: { authorization: `Bearer ${fixture.api.token}` },
      });
      const back = Buffer.from(await download.arrayBuffer());
      expect(createHash("sha256").update(back).digest("hex")).to.equal(body.sha256);
    });
  });
}
