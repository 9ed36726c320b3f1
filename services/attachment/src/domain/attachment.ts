import {
  AlreadyExistsError,
  NotFoundError,
  type AttachmentAddedData,
  type AttachmentDeletedData,
  type AttachmentEvent,
} from "@second-brain/contracts";
import type { Command, Decider, StreamEvent } from "@second-brain/command-handling";

/** An attachment as its events make it. Pure: no I/O, time and ids arrive in the commands. */
export type AttachmentState = (AttachmentAddedData & { ownerId: string; deleted: boolean }) | null;

export type AddAttachment = Command<"AddAttachment", AttachmentAddedData>;
/** The memory it belonged to is the attachment's own (its state), not the command's to say. */
export type DeleteAttachment = Command<"DeleteAttachment", Omit<AttachmentDeletedData, "memoryId">>;
export type AttachmentCommand = AddAttachment | DeleteAttachment;

function evolve(state: AttachmentState, event: StreamEvent<AttachmentEvent>): AttachmentState {
  switch (event.type) {
    case "AttachmentAdded":
      return { ...event.data, ownerId: event.metadata.ownerId, deleted: false };
    case "AttachmentDeleted":
      return state === null ? state : { ...state, deleted: true };
    default:
      return state; // events of later schema versions this code does not know
  }
}

function decide(command: AttachmentCommand, state: AttachmentState): AttachmentEvent[] {
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

export const attachmentDecider: Decider<AttachmentCommand, AttachmentEvent, AttachmentState> = {
  initialState: () => null,
  evolve,
  decide,
};
