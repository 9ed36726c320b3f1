/** Messages between the local embedder and its model worker threads. */
export interface EmbedRequest {
  id: number;
  texts: string[];
}

/** Vectors travel as one flat, transferred Float32Array (texts × dimensions) to avoid copying. */
export type EmbedReply =
  | { id: number; ok: true; vectors: Float32Array; loadMs: number | undefined }
  | { id: number; ok: false; message: string };

export const LOCAL_MODEL_NAME = "use-lite-512";
export const LOCAL_MODEL_DIMENSIONS = 512;
