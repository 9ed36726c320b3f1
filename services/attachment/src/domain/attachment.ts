import {
  AlreadyExistsError,
  NotFoundError,
  type AttachmentAddedData,
  type AttachmentDeletedData,
  type AttachmentEvent,
} from "@second-brain/contracts";

/** An attachment as its events make it. Pure: no I/O, time and ids arrive in the commands. */
export type AttachmentState = (AttachmentAddedData & { ownerId: string; deleted: boolean }) | null;

export interface AttachmentEnvelope {
  type: string;
  data: unknown;
  metadata: { ownerId: string };
}

export function evolve(state: AttachmentState, event: AttachmentEnvelope): AttachmentState {
  const typed = event as AttachmentEvent & AttachmentEnvelope;
  switch (typed.type) {
    case "AttachmentAdded":
      return { ...typed.data, ownerId: event.metadata.ownerId, deleted: false };
    case "AttachmentDeleted":
      return state === null ? state : { ...state, deleted: true };
    default:
      return state; // events of later schema versions this code does not know
  }
}

export const foldAttachment = (events: AttachmentEnvelope[]): AttachmentState =>
  events.reduce<AttachmentState>(evolve, null);

export type AttachmentCommand =
  | { type: "AddAttachment"; data: AttachmentAddedData }
  | { type: "DeleteAttachment"; data: AttachmentDeletedData };

export function decide(command: AttachmentCommand, state: AttachmentState): AttachmentEvent[] {
  switch (command.type) {
    case "AddAttachment":
      if (state !== null) throw new AlreadyExistsError("This attachment already exists.");
      return [{ type: "AttachmentAdded", data: command.data }];
    case "DeleteAttachment":
      if (state === null || state.deleted) {
        // Deleting along with the memory is retried from the log: a repeat changes nothing.
        if (command.data.reason === "memory-deleted") return [];
        throw new NotFoundError("Attachment");
      }
      return [{ type: "AttachmentDeleted", data: { ...command.data, memoryId: state.memoryId } }];
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${(unknown as { type: string }).type}`);
    }
  }
}
