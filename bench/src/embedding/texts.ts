import { embeddingText } from "@second-brain/search-index";
import { noteStream } from "../write-path/corpus.ts";

/** The seed of the notes both halves of the bench use, so the floor embeds what the projection does. */
export const NOTES_SEED = 1;

/**
 * The local embedder cuts every text to this many characters before the model sees it
 * (packages/embeddings/src/local-embedder.ts, `maxChars`' default); the floor cuts the same way,
 * so that both embed texts of the same lengths.
 */
export const MODEL_INPUT_CHARS = 2_000;

/** What the model gets for each of those notes when the search projection embeds it. */
export function modelInputs(seed = NOTES_SEED): () => string {
  const next = noteStream(seed);
  return () => {
    const note = next();
    return embeddingText({ title: note.title ?? null, content: note.content }).slice(0, MODEL_INPUT_CHARS);
  };
}
