import { expect } from "chai";
import { createOpenAiEmbedder, type OpenAiEmbedderOptions } from "../src/openai-embedder.ts";
import { EmbeddingUnavailableError } from "../src/embedding-errors.ts";
import { l2Normalize } from "../src/vector-math.ts";
import { startEmbeddingsStandIn, standInVector, type EmbeddingsStandIn } from "./embeddings-stand-in.ts";

describe("OpenAI embedder against a local stand-in of the API", function () {
  let standIn: EmbeddingsStandIn;

  beforeEach(async () => {
    standIn = await startEmbeddingsStandIn();
  });
  afterEach(async () => {
    await standIn.close();
  });

  const embedder = (overrides: Partial<OpenAiEmbedderOptions> = {}) =>
    createOpenAiEmbedder({
      apiKey: "sk-test",
      baseUrl: standIn.baseUrl,
      model: "text-embedding-3-small",
      dimensions: 16,
      timeoutMs: 2000,
      ...overrides,
    });

  const failureOf = (promise: Promise<unknown>): Promise<EmbeddingUnavailableError> =>
    promise.then(
      () => expect.fail("expected a failure"),
      (error: unknown) => {
        expect(error).to.be.instanceOf(EmbeddingUnavailableError);
        return error as EmbeddingUnavailableError;
      },
    );

  it("returns unit vectors in input order, named after model and dimensions", async () => {
    const subject = embedder();
    const vectors = await subject.embed(["alpha", "beta", ""]);
    expect(subject.model).to.equal("openai/text-embedding-3-small@16");
    expect(vectors).to.deep.equal([
      l2Normalize(standInVector("alpha", 16)),
      l2Normalize(standInVector("beta", 16)),
      l2Normalize(standInVector(" ", 16)),
    ]);
    const [request] = standIn.requests;
    expect(request).to.include({
      model: "text-embedding-3-small",
      dimensions: 16,
      authorization: "Bearer sk-test",
    });
    expect(request!.encodingFormat).to.equal("float");
  });

  it("sends 600 inputs as 3 requests and keeps their order", async () => {
    const texts = Array.from({ length: 600 }, (_, i) => `text number ${i}`);
    const vectors = await embedder({ batchSize: 256 }).embed(texts);
    expect(standIn.requests.map((request) => request.input.length)).to.deep.equal([256, 256, 88]);
    expect(standIn.requests.flatMap((request) => request.input)).to.have.members(texts);
    vectors.forEach((vector, i) => expect(vector).to.deep.equal(l2Normalize(standInVector(texts[i]!, 16))));
  });

  it("lets concurrent callers share one request", async () => {
    const subject = embedder();
    const [first, second] = await Promise.all([subject.embed(["a"]), subject.embed(["b", "c"])]);
    expect(standIn.requests).to.have.length(1);
    expect(first).to.have.length(1);
    expect(second).to.have.length(2);
  });

  it("retries 429 after the Retry-After the server asked for", async () => {
    standIn.script(
      { status: 429, headers: { "retry-after-ms": "150" } },
      { status: 429, headers: { "retry-after": "0.1" } },
    );
    const vectors = await embedder().embed(["x"]);
    expect(vectors).to.have.length(1);
    const times = standIn.requests.map((request) => request.at);
    expect(times).to.have.length(3);
    expect(times[1]! - times[0]!).to.be.at.least(140);
    expect(times[2]! - times[1]!).to.be.at.least(90);
  });

  it("retries 5xx with exponential backoff", async () => {
    standIn.script({ status: 500 }, { status: 503 }, { status: 502 });
    const vectors = await embedder().embed(["x"]);
    expect(vectors).to.have.length(1);
    expect(standIn.requests).to.have.length(4);
    // The client's backoff: 0.5 s, 1 s, 2 s, each less at most a quarter of jitter.
    const times = standIn.requests.map((request) => request.at);
    times.slice(1).forEach((at, i) => expect(at - times[i]!).to.be.at.least(375 * 2 ** i - 5));
  });

  it("gives up after maxRetries and says why", async () => {
    standIn.script({ status: 500 }, { status: 500 }, { status: 500 });
    const failure = await failureOf(embedder({ maxRetries: 2 }).embed(["x"]));
    expect(standIn.requests).to.have.length(3);
    expect(failure.attempts).to.equal(3);
    expect(failure.upstreamStatus).to.equal(500);
    expect(failure.status).to.equal(503);
  });

  it("never retries a 400", async () => {
    standIn.script({ status: 400, message: "input too long" });
    const failure = await failureOf(embedder().embed(["x"]));
    expect(standIn.requests).to.have.length(1);
    expect(failure.upstreamStatus).to.equal(400);
    expect(failure.message).to.contain("input too long");
  });

  it("never retries a 401", async () => {
    standIn.script({ status: 401, message: "bad key" });
    await failureOf(embedder().embed(["x"]));
    expect(standIn.requests).to.have.length(1);
  });

  it("times out a hanging response, then retries it", async () => {
    standIn.script("hang");
    const started = Date.now();
    const vectors = await embedder({ timeoutMs: 300 }).embed(["x"]);
    expect(vectors).to.have.length(1);
    expect(standIn.requests).to.have.length(2);
    expect(Date.now() - started).to.be.at.least(290);
  });

  it("fails a hanging response after the timeout when retries are spent", async () => {
    standIn.script("hang", "hang");
    const started = Date.now();
    const failure = await failureOf(embedder({ timeoutMs: 200, maxRetries: 1 }).embed(["x"]));
    const elapsed = Date.now() - started;
    expect(elapsed).to.be.within(390, 5000);
    expect(failure.upstreamStatus).to.equal(undefined);
    expect(failure.message).to.match(/timed out/i);
  });
});
