import { evolveMemory, type Memory, type MemoryFoldEvent } from "@second-brain/contracts";
import type { SearchDocument } from "@second-brain/read-models";

/**
 * Folds one event into a search document with the shared fold (packages/contracts/src/memory-fold.ts).
 * Pure, so a rebuild from position 0 gives the same rows; an event the document already reflects
 * leaves it unchanged. What search adds on top: `null` out means nothing is kept, since a deleted
 * memory leaves the table (search must never show it) and events of a memory the table does not
 * hold (deleted, or an erased owner's) are ignored; and a new text drops the vector, which would
 * rank the memory by what it used to say. Deleting instead of keeping a tombstone is safe because
 * rows and checkpoint commit together: an event is only ever re-applied when its batch did not
 * commit, and then the row was not deleted either.
 */
export function evolveSearchDocument(
  doc: SearchDocument | null,
  event: MemoryFoldEvent,
): SearchDocument | null {
  const folded = evolveMemory(doc, event);
  if (folded === doc) return doc;
  if (folded === null || folded.status === "deleted") return null;
  const sameText = doc !== null && embeddingText(folded) === embeddingText(doc);
  return { ...folded, embedding: sameText ? doc.embedding : null };
}

/**
 * What is embedded: title and content. Long contents are cut: sentence encoders read a bounded
 * window anyway (USE-lite's cost grows with length, OpenAI's models stop at 8k tokens), and the
 * start of a note says what it is about. Full text search still covers every word.
 */
export const MAX_EMBEDDED_CHARS = 4_000;

export function embeddingText(doc: Pick<Memory, "title" | "content">): string {
  const text = doc.title ? `${doc.title}\n${doc.content}` : doc.content;
  return text.length <= MAX_EMBEDDED_CHARS ? text : text.slice(0, MAX_EMBEDDED_CHARS);
}
