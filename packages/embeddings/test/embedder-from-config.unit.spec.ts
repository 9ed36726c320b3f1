import { expect } from "chai";
import { loadConfig } from "@second-brain/platform";
import { embedderFromConfig } from "../src/embedder-from-config.ts";

describe("embedder from config", () => {
  it("chooses the local model by default, without loading it", async () => {
    const embedder = await embedderFromConfig(loadConfig({}));
    expect(embedder.model).to.equal("use-lite-512");
    expect(embedder.dimensions).to.equal(512);
    await embedder.close();
  });

  it("chooses OpenAI with the configured model and dimensions", async () => {
    const embedder = await embedderFromConfig(
      loadConfig({
        EMBEDDINGS_PROVIDER: "openai",
        OPENAI_API_KEY: "sk-test",
        OPENAI_EMBEDDING_MODEL: "text-embedding-3-large",
        OPENAI_EMBEDDING_DIMENSIONS: "256",
      }),
    );
    expect(embedder.model).to.equal("openai/text-embedding-3-large@256");
    expect(embedder.dimensions).to.equal(256);
    await embedder.close();
  });

  it("refuses OpenAI without a key and names the variable", async () => {
    const refused = await embedderFromConfig(loadConfig({ EMBEDDINGS_PROVIDER: "openai" })).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused)
      .to.be.an("error")
      .with.property("message")
      .that.matches(/OPENAI_API_KEY/);
  });
});
