import { QuotaExceededError } from "./errors.ts";

/**
 * Per-user and per-item quotas (API.md, Quotas): how much one user may keep, so that no one
 * account can fill the machine. Each is configuration; 0 turns a quota off.
 */
export interface Quotas {
  /** Live (not deleted) memories per user. */
  memories: number;
  /** UTF-8 bytes of a user's live memories: title + content + metadata as JSON (storedBytesOf). */
  storedBytes: number;
  /** Bytes of a user's live attachments, each counted at its own size. */
  attachmentBytes: number;
  /** Events in one memory's stream. */
  editsPerMemory: number;
  /** Messages in one session. */
  messagesPerSession: number;
}

export type QuotaName = keyof Quotas;

/** A user's live memories and their stored bytes, as the memories read model counts them. */
export interface MemoryUsage {
  memories: number;
  storedBytes: number;
}

export const DEFAULT_QUOTAS: Quotas = {
  memories: 100_000,
  storedBytes: 1024 * 1024 * 1024,
  attachmentBytes: 10 * 1024 * 1024 * 1024,
  editsPerMemory: 10_000,
  messagesPerSession: 5_000,
};

/** A quota as clients see it: null when it is off. */
export const quotaLimit = (limit: number): number | null => (limit === 0 ? null : limit);

/** Refuses (403 QUOTA_EXCEEDED) adding `adding` to `used` when that goes over `limit` (0: no quota). */
export function checkQuota(quota: QuotaName, limit: number, used: number, adding: number): void {
  if (limit > 0 && adding > 0 && used + adding > limit) throw new QuotaExceededError(quota, limit, used);
}

/** What a memory counts against the storedBytes quota: UTF-8 bytes of title, content and metadata JSON. */
export function storedBytesOf(memory: {
  title?: string | null;
  content: string;
  metadata?: unknown;
}): number {
  return (
    Buffer.byteLength(memory.title ?? "") +
    Buffer.byteLength(memory.content) +
    Buffer.byteLength(JSON.stringify(memory.metadata ?? {}))
  );
}
