import {
  ATTACHMENT_EVENT_SCHEMA_VERSION,
  ATTACHMENT_PERSONAL_FIELDS,
  NotFoundError,
  type AttachmentEvent,
} from "@second-brain/contracts";
import { commandHandler, type CommandHandler } from "@second-brain/command-handling";
import { attachmentDecider, type AttachmentCommand, type AttachmentState } from "../domain/attachment.ts";
import type { AttachmentDeps } from "./deps.ts";

/**
 * The command path of attachment streams (see @second-brain/command-handling). Someone else's
 * (or an erased owner's) attachment is a 404.
 */
export function attachmentHandler(
  deps: Pick<AttachmentDeps, "store" | "keyring">,
): CommandHandler<AttachmentCommand, AttachmentEvent, AttachmentState> {
  return commandHandler({
    decider: attachmentDecider,
    store: deps.store,
    schemaVersion: ATTACHMENT_EVENT_SCHEMA_VERSION,
    notFound: () => new NotFoundError("Attachment"),
    encryption: { keyring: deps.keyring, personalFields: ATTACHMENT_PERSONAL_FIELDS },
  });
}
