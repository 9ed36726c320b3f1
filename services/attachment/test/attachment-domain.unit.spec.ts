import { expect } from "chai";
import type { AttachmentAddedData, AttachmentEvent } from "@second-brain/contracts";
import {
  decide,
  foldAttachment,
  type AttachmentCommand,
  type AttachmentEnvelope,
} from "../src/domain/attachment.ts";
import { contentDisposition, sanitizeFilename } from "../src/domain/filename.ts";

const added: AttachmentAddedData = {
  attachmentId: "a1",
  memoryId: "m1",
  filename: "plan.pdf",
  contentType: "application/pdf",
  size: 10,
  sha256: "ab",
  objectKey: "owner/a1",
};
const envelope = (event: AttachmentEvent): AttachmentEnvelope => ({
  ...event,
  metadata: { ownerId: "owner" },
});

/** given(events).when(command) → the events decided, or the error thrown. */
function given(events: AttachmentEvent[]) {
  const state = foldAttachment(events.map(envelope));
  return {
    when: (command: AttachmentCommand) => {
      try {
        return { events: decide(command, state), error: undefined };
      } catch (error) {
        return { events: undefined, error: error as { code?: string } };
      }
    },
  };
}

describe("attachment decider", () => {
  it("adds a new attachment, and refuses to add it twice", () => {
    const command: AttachmentCommand = { type: "AddAttachment", data: added };
    expect(given([]).when(command).events).to.deep.equal([{ type: "AttachmentAdded", data: added }]);
    expect(given([{ type: "AttachmentAdded", data: added }]).when(command).error?.code).to.equal(
      "ALREADY_EXISTS",
    );
  });

  it("deletes an attachment on request; a second request is a 404", () => {
    const remove: AttachmentCommand = {
      type: "DeleteAttachment",
      data: { attachmentId: "a1", memoryId: "m1", reason: "requested" },
    };
    const history: AttachmentEvent[] = [{ type: "AttachmentAdded", data: added }];
    expect(given(history).when(remove).events).to.deep.equal([
      { type: "AttachmentDeleted", data: { attachmentId: "a1", memoryId: "m1", reason: "requested" } },
    ]);
    const deleted: AttachmentEvent[] = [...history, { type: "AttachmentDeleted", data: remove.data }];
    expect(given(deleted).when(remove).error?.code).to.equal("NOT_FOUND");
    expect(given([]).when(remove).error?.code).to.equal("NOT_FOUND");
  });

  it("treats a repeated delete-with-the-memory as done (it is retried from the log)", () => {
    const cascade: AttachmentCommand = {
      type: "DeleteAttachment",
      data: { attachmentId: "a1", memoryId: "m1", reason: "memory-deleted" },
    };
    const deleted: AttachmentEvent[] = [
      { type: "AttachmentAdded", data: added },
      { type: "AttachmentDeleted", data: cascade.data },
    ];
    expect(given(deleted).when(cascade).events).to.deep.equal([]);
  });
});

describe("attachment file names", () => {
  it("keeps what a person recognises and drops paths, controls and direction overrides", () => {
    expect(sanitizeFilename("Résumé final (2).pdf")).to.equal("Résumé final (2).pdf");
    expect(sanitizeFilename("../../etc/passwd")).to.equal("passwd");
    expect(sanitizeFilename("C:\\Users\\me\\notes.txt")).to.equal("notes.txt");
    expect(sanitizeFilename("invoice\u202Efdp.exe")).to.equal("invoicefdp.exe");
    expect(sanitizeFilename("a\u0000b\nc.txt")).to.equal("abc.txt");
    expect(sanitizeFilename("...hidden")).to.equal("hidden");
    expect(sanitizeFilename("")).to.equal("file");
    expect(sanitizeFilename(undefined)).to.equal("file");
    expect([...sanitizeFilename("x".repeat(1000))]).to.have.length(255);
  });

  it("writes an RFC 6266 Content-Disposition with an ASCII fallback and the exact name", () => {
    expect(contentDisposition('say "hi".txt')).to.equal(
      `attachment; filename="say _hi_.txt"; filename*=UTF-8''say%20%22hi%22.txt`,
    );
    expect(contentDisposition("中文.pdf")).to.equal(
      `attachment; filename="__.pdf"; filename*=UTF-8''%E4%B8%AD%E6%96%87.pdf`,
    );
  });
});
