import { quotaLimit, type Quotas } from "@second-brain/contracts";

/** What the services that count them answered; a count whose service could not answer is absent. */
export interface CountedUsage {
  memories?: number;
  storedBytes?: number;
  attachmentBytes?: number;
}

/** GET /users/me's `usage` (API.md, Quotas): each count with its limit; null for unknown or off. */
export function usageView(quotas: Quotas, counted: CountedUsage) {
  const of = (name: keyof CountedUsage) => ({ used: counted[name] ?? null, limit: quotaLimit(quotas[name]) });
  return {
    memories: of("memories"),
    storedBytes: of("storedBytes"),
    attachmentBytes: of("attachmentBytes"),
    editsPerMemory: { limit: quotaLimit(quotas.editsPerMemory) },
    messagesPerSession: { limit: quotaLimit(quotas.messagesPerSession) },
  };
}
