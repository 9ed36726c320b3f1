import type { Config } from "@second-brain/platform";
import type { Embedder } from "./embedder.ts";
import { createLocalEmbedder } from "./local-embedder.ts";

/**
 * Picks the embedding adapter from configuration (EMBEDDINGS_PROVIDER). Neither adapter does any
 * work until first used: the local model loads on the first call, not here. The OpenAI client is
 * imported only when chosen, so a process on the local model never loads it.
 */
export async function embedderFromConfig(config: Config): Promise<Embedder> {
  const settings = config.embeddings;
  switch (settings.provider) {
    case "local":
      return createLocalEmbedder();
    case "openai": {
      if (!settings.openaiApiKey) {
        throw new Error(
          "EMBEDDINGS_PROVIDER=openai needs OPENAI_API_KEY to be set (or set EMBEDDINGS_PROVIDER=local).",
        );
      }
      const { createOpenAiEmbedder } = await import("./openai-embedder.ts");
      return createOpenAiEmbedder({
        apiKey: settings.openaiApiKey,
        ...(settings.openaiBaseUrl ? { baseUrl: settings.openaiBaseUrl } : {}),
        model: settings.openaiModel,
        dimensions: settings.openaiDimensions,
      });
    }
    default: {
      const unknown: never = settings.provider;
      throw new Error(`Unknown embeddings provider ${String(unknown)}`);
    }
  }
}
