import type { RecordedEvent } from "@second-brain/contracts";
import { purgeOwnerEmbeddings, type Embedder } from "@second-brain/embeddings";
import type { Keyring, SqlClient, SqlPool } from "@second-brain/platform";
import type { BatchHandlers, ProjectionLogger } from "@second-brain/projection";
import {
  decodeMemoryEvent,
  documentsTable,
  ownerStatsTable,
  prefetchKeys,
  SEARCH_MODELS_TABLE,
  StreamGapError,
  versionCheck,
  type SearchDocument,
} from "@second-brain/read-models";
import { embeddingText, evolveSearchDocument } from "./search.evolve.ts";
import {
  adjustOwnerCounts,
  deleteDocuments,
  loadDocuments,
  promoteToVectorIndex,
  purgeOwnerDocuments,
  upsertDocuments,
} from "./search.rows.ts";

export type { ProjectionLogger };

export interface SearchBatchTarget {
  pool: SqlPool;
  keyring: Keyring;
  embedder: Embedder;
  logger?: ProjectionLogger;
  /**
   * From how many documents an owner's rows enter the vector index (VECTOR_INDEX_FROM_DOCUMENTS);
   * null for never (the embedded mode, whose searches always scan exactly).
   */
  vectorIndexFrom: number | null;
}

/** The batch folded onto the documents, outside any transaction; written by writeSearchBatch. */
export interface SearchBatchPlan {
  stored: Map<string, SearchDocument>;
  docs: Map<string, SearchDocument | null>;
  changed: string[];
  erased: Set<string>;
  owners: Set<string>;
}

/**
 * One batch in three steps, so the slow part never holds a transaction open:
 * 1. (prepare) decrypt the events and fold them onto the documents as they stand (read without locks);
 * 2. (prepare) embed every new or re-worded text of the batch in ONE call (seconds on the local model);
 * 3. (apply) in the batch transaction, after the checkpoint compare-and-set: the rows and owner counts.
 * Reading before the transaction is safe because the checkpoint compare-and-set admits one writer
 * per position: if another instance wrote in between, the checkpoint moved and this batch rolls back.
 */
export function searchBatchHandlers(target: SearchBatchTarget): BatchHandlers<SearchBatchPlan> {
  return {
    prepare: (events) => planSearchBatch(target, events),
    apply: (client, _events, plan) => writeSearchBatch(client, target, plan),
  };
}

async function planSearchBatch(
  target: SearchBatchTarget,
  events: readonly RecordedEvent[],
): Promise<SearchBatchPlan> {
  const table = documentsTable(target.embedder.model);
  const keyOf = await prefetchKeys(target.keyring, events);
  const decoded = await Promise.all(events.map((event) => decodeMemoryEvent(event, keyOf)));
  const ids = [
    ...new Set(
      decoded.flatMap((d) => (d.kind === "memory" || d.kind === "attachment" ? [d.event.data.memoryId] : [])),
    ),
  ];
  const stored = await loadDocuments(target.pool, table, ids);
  const docs = new Map<string, SearchDocument | null>(stored);
  const erased = new Set<string>();
  const owners = new Set<string>();
  for (const item of decoded) {
    if (item.kind === "other") continue;
    if (item.kind === "erased") {
      erased.add(item.ownerId);
      owners.add(item.ownerId);
      continue;
    }
    const id = item.event.data.memoryId;
    const doc = docs.get(id) ?? null;
    if (item.kind === "attachment") {
      // Another stream's fact: the memory's version does not move, so there is no order to check.
      docs.set(id, evolveSearchDocument(doc, item.event));
      if (doc) owners.add(item.event.metadata.ownerId);
      continue;
    }
    const event = item.event;
    const check = versionCheck(doc, event.streamVersion);
    if (check === "applied") continue;
    if (check === "gap") throw new StreamGapError(id, doc!.version, event.streamVersion);
    docs.set(id, evolveSearchDocument(doc, event));
    owners.add(event.metadata.ownerId);
  }

  const changed = [...docs.keys()].filter((id) => docs.get(id) !== (stored.get(id) ?? null));
  for (const id of changed) {
    const doc = docs.get(id);
    if (doc && erased.has(doc.ownerId)) docs.set(id, null);
  }
  await embedMissing(target.embedder, changed.map((id) => docs.get(id)).filter(isDocument));
  return { stored, docs, changed, erased, owners };
}

async function writeSearchBatch(
  client: SqlClient,
  target: SearchBatchTarget,
  plan: SearchBatchPlan,
): Promise<void> {
  const model = target.embedder.model;
  const table = documentsTable(model);
  const stats = ownerStatsTable(model);
  if (plan.erased.size > 0) {
    // Every model's tables, not only this one's: a model switched away from keeps its table, and
    // no projection of its own follows the log for it any more.
    const { rows } = await client.query<{ model: string }>(`SELECT model FROM ${SEARCH_MODELS_TABLE}`);
    for (const ownerId of plan.erased) {
      await purgeOwnerEmbeddings(client, ownerId);
      for (const { model: each } of rows) {
        const removed = await purgeOwnerDocuments(
          client,
          documentsTable(each),
          ownerStatsTable(each),
          ownerId,
        );
        if (removed > 0)
          target.logger?.info("purged an erased owner's search documents", { ownerId, model: each, removed });
      }
    }
  }
  const deltas = new Map<string, number>();
  const upserts: SearchDocument[] = [];
  const deletes: string[] = [];
  for (const id of plan.changed) {
    const before = plan.stored.get(id);
    const doc = plan.docs.get(id) ?? null;
    const ownerId = doc?.ownerId ?? before?.ownerId;
    if (!ownerId || plan.erased.has(ownerId)) continue;
    if (doc) upserts.push(doc);
    else if (before) deletes.push(id);
    deltas.set(ownerId, (deltas.get(ownerId) ?? 0) + (doc ? 1 : 0) - (before ? 1 : 0));
  }
  await upsertDocuments(
    client,
    { table, statsTable: stats, binaryVectors: target.pool.kind === "postgres" },
    upserts,
  );
  await deleteDocuments(client, table, deletes);
  await adjustOwnerCounts(client, stats, deltas);
  const { vectorIndexFrom } = target;
  if (vectorIndexFrom === null) return;
  const grown = [...deltas].filter(([, delta]) => delta > 0).map(([ownerId]) => ownerId);
  const promoted = await promoteToVectorIndex(client, table, stats, grown, vectorIndexFrom);
  for (const ownerId of promoted)
    target.logger?.info("an owner's documents entered the vector index", { ownerId, model });
}

/**
 * Embeds each distinct text among documents that have no vector yet, one call per owner (the
 * embedding cache keeps each owner's vectors apart); the calls run together, so the model still
 * gets them in one batch.
 */
async function embedMissing(embedder: Embedder, docs: SearchDocument[]): Promise<void> {
  const pendingByOwner = new Map<string, SearchDocument[]>();
  for (const doc of docs) {
    if (doc.embedding !== null) continue;
    pendingByOwner.set(doc.ownerId, [...(pendingByOwner.get(doc.ownerId) ?? []), doc]);
  }
  await Promise.all(
    [...pendingByOwner].map(async ([ownerId, pending]) => {
      const texts = [...new Set(pending.map(embeddingText))];
      const vectors = await embedder.embed(texts, ownerId);
      const byText = new Map(texts.map((text, i) => [text, vectors[i]!]));
      for (const doc of pending) doc.embedding = byText.get(embeddingText(doc)) ?? null;
    }),
  );
}

function isDocument(doc: SearchDocument | null | undefined): doc is SearchDocument {
  return !!doc;
}
