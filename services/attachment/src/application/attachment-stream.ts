import {
  ATTACHMENT_EVENT_SCHEMA_VERSION,
  ATTACHMENT_PERSONAL_FIELDS,
  NotFoundError,
  UnauthenticatedError,
  attachmentStreamId,
  type AttachmentEventType,
  type Caller,
  type NewEvent,
} from "@second-brain/contracts";
import { commandEventIds, decryptFields, encryptFields, eventsUpToOwnAppend } from "@second-brain/platform";
import {
  decide,
  foldAttachment,
  type AttachmentCommand,
  type AttachmentState,
} from "../domain/attachment.ts";
import type { AttachmentDeps, RequestInfo } from "./deps.ts";

const personalFields = (type: string) => ATTACHMENT_PERSONAL_FIELDS[type as AttachmentEventType] ?? [];

export interface LoadedAttachment {
  version: number;
  state: AttachmentState;
  /** The ids of the stream's events, oldest first. */
  eventIds: string[];
}

/** The attachment's stream, decrypted. Someone else's (or an erased owner's) attachment is a 404. */
export async function loadAttachment(
  deps: Pick<AttachmentDeps, "store" | "keyring">,
  caller: Caller | "system",
  attachmentId: string,
): Promise<LoadedAttachment> {
  const recorded = await deps.store.readStream(attachmentStreamId(attachmentId));
  if (recorded.length === 0) return { version: 0, state: null, eventIds: [] };
  const ownerId = recorded[0]!.metadata.ownerId;
  if (caller !== "system" && ownerId !== caller.userId) throw new NotFoundError("Attachment");
  const key = await deps.keyring.getKey(ownerId);
  if (key === undefined) throw new NotFoundError("Attachment");
  const events = recorded.map((event) => ({
    ...event,
    data: decryptFields(event.data as object, personalFields(event.type), key),
  }));
  return {
    version: recorded[recorded.length - 1]!.streamVersion,
    state: foldAttachment(events),
    eventIds: recorded.map((event) => event.id),
  };
}

/**
 * Decide on the loaded state and append with its version: a concurrent change is a 409, not a
 * merge. The event ids are derived from the command id (unless given), and a command whose events
 * are already in the stream, a retry, appends nothing and succeeds as its first attempt did.
 */
export async function runAttachmentCommand(
  deps: Pick<AttachmentDeps, "store" | "keyring">,
  loaded: LoadedAttachment,
  command: AttachmentCommand,
  ownerId: string,
  info: Omit<RequestInfo, "caller"> & { actor: string; eventId?: string },
): Promise<number> {
  const streamId = attachmentStreamId(command.data.attachmentId);
  const ownIds = loaded.eventIds.map((id) => ({ id }));
  if (eventsUpToOwnAppend(ownIds, info.commandId, streamId)) return 0;
  const events = decide(command, loaded.state);
  if (events.length === 0) return 0;
  const ids = commandEventIds(info.commandId, streamId, events.length);
  const key = await deps.keyring.getKey(ownerId);
  if (key === undefined) throw new UnauthenticatedError("This account no longer exists.");
  const toAppend: NewEvent[] = events.map((event, index) => ({
    id: info.eventId ?? ids[index]!,
    type: event.type,
    data: encryptFields(event.data, personalFields(event.type), key),
    metadata: {
      actor: info.actor,
      ownerId,
      correlationId: info.correlationId,
      causationId: info.commandId,
      occurredAt: info.now.toISOString(),
      schemaVersion: ATTACHMENT_EVENT_SCHEMA_VERSION,
    },
  }));
  await deps.store.appendToStream(streamId, toAppend, { expectedVersion: loaded.version });
  return events.length;
}
