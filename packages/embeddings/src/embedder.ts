/**
 * The port every embedding adapter implements. A model name identifies the vector space: vectors
 * of different models are never compared, and a change of model rebuilds the vectors from the log.
 */
export interface Embedder {
  /** Stable identifier of the vector space, e.g. "use-lite-512" or "openai/text-embedding-3-small@512". */
  readonly model: string;
  readonly dimensions: number;
  /**
   * One vector per text, in order. Implementations batch internally. `ownerId` names whose texts
   * these are, so a cache in front keeps each user's vectors apart (see cached-embedder.ts);
   * adapters of a model ignore it.
   */
  embed(texts: readonly string[], ownerId?: string): Promise<number[][]>;
  close(): Promise<void>;
}
