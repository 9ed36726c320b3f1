import { expect } from "chai";
import {
  AlreadyExistsError,
  NotFoundError,
  type AttachmentAddedData,
  type AttachmentEvent,
} from "@second-brain/contracts";
import { DeciderSpecification } from "@second-brain/testing";
import { attachmentDecider, type AttachmentCommand } from "../src/domain/attachment.ts";
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
const metadata = { now: new Date("2026-02-01T10:00:00.000Z") };
const given = DeciderSpecification.for(attachmentDecider, { ownerId: "owner" });

describe("attachment decider", () => {
  it("adds a new attachment, and refuses to add it twice", () => {
    const command: AttachmentCommand = { type: "AddAttachment", data: added, metadata };
    given([])
      .when(command)
      .then([{ type: "AttachmentAdded", data: added }]);
    given([{ type: "AttachmentAdded", data: added }])
      .when(command)
      .thenThrows(AlreadyExistsError, (error) =>
        expect((error as { code?: string }).code).to.equal("ALREADY_EXISTS"),
      );
  });

  it("deletes an attachment on request; a second request is a 404", () => {
    const remove: AttachmentCommand = {
      type: "DeleteAttachment",
      data: { attachmentId: "a1", reason: "requested" },
      metadata,
    };
    const history: AttachmentEvent[] = [{ type: "AttachmentAdded", data: added }];
    given(history)
      .when(remove)
      .then([
        { type: "AttachmentDeleted", data: { attachmentId: "a1", memoryId: "m1", reason: "requested" } },
      ]);
    const deleted: AttachmentEvent[] = [
      ...history,
      { type: "AttachmentDeleted", data: { attachmentId: "a1", memoryId: "m1", reason: "requested" } },
    ];
    const notFound = (error: Error) => expect((error as { code?: string }).code).to.equal("NOT_FOUND");
    given(deleted).when(remove).thenThrows(NotFoundError, notFound);
    given([]).when(remove).thenThrows(NotFoundError, notFound);
  });

  it("treats a repeated delete-with-the-memory as done (it is retried from the log)", () => {
    const cascade: AttachmentCommand = {
      type: "DeleteAttachment",
      data: { attachmentId: "a1", reason: "memory-deleted" },
      metadata,
    };
    const deleted: AttachmentEvent[] = [
      { type: "AttachmentAdded", data: added },
      { type: "AttachmentDeleted", data: { ...cascade.data, memoryId: "m1" } },
    ];
    given(deleted).when(cascade).then([]);
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
