import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { expect } from "chai";
import {
  NotFoundError,
  PayloadTooLargeError,
  QuotaExceededError,
  ValidationError,
} from "@second-brain/contracts";
import type { CallInfo, ObjectStore } from "@second-brain/platform";
import { createInMemoryEventStore, createInMemoryKeyring } from "@second-brain/testing";
import type { AttachmentIndex } from "../src/read-model/attachment-index.ts";
import type { AttachmentDeps } from "../src/application/deps.ts";
import {
  checkUploadTarget,
  uploadAttachment,
  type UploadInput,
} from "../src/application/upload-attachment.ts";

/** Objects in a map: enough to see which keys an upload leaves behind. */
function mapObjectStore(): ObjectStore & { keys(): string[] } {
  const objects = new Map<string, string>();
  return {
    keys: () => [...objects.keys()].sort(),
    put: async (key) => void objects.set(key, "bytes"),
    get: async (key) => (objects.has(key) ? Readable.from([objects.get(key)!]) : undefined),
    delete: async (key) => void objects.delete(key),
    deleteFolder: async (folder) => {
      for (const key of [...objects.keys()]) if (key.startsWith(`${folder}/`)) objects.delete(key);
    },
    exists: async (key) => objects.has(key),
    move: async (from, to) => {
      if (!objects.has(from)) throw new Error(`no object ${from}`);
      objects.set(to, objects.get(from)!);
      objects.delete(from);
    },
  };
}

const ownerId = randomUUID();
const sha256 = "a".repeat(64);

function setup(
  options: { memoryExists?: boolean; existingObject?: string; liveBytes?: number; quota?: number } = {},
) {
  const objects = mapObjectStore();
  const store = createInMemoryEventStore();
  const appended = store.log;
  const deps: AttachmentDeps = {
    pool: {} as AttachmentDeps["pool"], // the upload path never touches it
    store,
    keyring: createInMemoryKeyring([ownerId]),
    objects,
    index: {
      objectWithHash: async () => options.existingObject,
      recordAdded: async () => undefined,
      liveBytesOf: async () => options.liveBytes ?? 0,
    } as unknown as AttachmentIndex,
    limits: { maxFileBytes: 1000 },
    quotas: { attachmentBytes: options.quota ?? 0 },
    memoryExists: async () => options.memoryExists ?? true,
  };
  const info: CallInfo & { now: Date } = {
    caller: { userId: ownerId } as CallInfo["caller"],
    correlationId: "c",
    commandId: "k",
    now: new Date(0),
  };
  return { objects, appended, deps, info };
}

async function staged(objects: ObjectStore, owner = ownerId): Promise<string> {
  const key = `${owner}/staging/${randomUUID()}`;
  await objects.put(key, Readable.from([]), 0, "x/y");
  return key;
}

const input = (stagedKey: string, size = 10): UploadInput => ({
  memoryId: randomUUID(),
  filename: "notes.txt",
  stagedKey,
  size,
  sha256,
  contentType: "text/plain; charset=utf-8",
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail("expected a failure"),
    (error: unknown) => error,
  );
}

describe("uploadAttachment (a staged upload)", () => {
  it("moves the staged object to <ownerId>/<attachmentId> and records the facts", async () => {
    const { objects, appended, deps, info } = setup();
    const key = await staged(objects);
    const view = await uploadAttachment(deps, input(key), info);
    expect(objects.keys()).to.deep.equal([`${ownerId}/${view.id}`]);
    expect(view).to.include({
      filename: "notes.txt",
      size: 10,
      sha256,
      contentType: "text/plain; charset=utf-8",
    });
    expect(appended).to.have.length(1);
  });

  it("answers a retry of a recorded upload with the same attachment, recorded once", async () => {
    const { objects, appended, deps, info } = setup();
    const upload = input(await staged(objects));
    const first = await uploadAttachment(deps, upload, info);
    // The same command again (a broker retry): its staged object is gone by now.
    expect(await uploadAttachment(deps, upload, info)).to.deep.equal(first);
    expect(appended).to.have.length(1);
    expect(objects.keys()).to.deep.equal([`${ownerId}/${first.id}`]);
    // Another command is another attachment.
    const other = await uploadAttachment(deps, input(await staged(objects)), { ...info, commandId: "k2" });
    expect(other.id).to.not.equal(first.id);
    expect(appended).to.have.length(2);
  });

  it("points at the owner's existing object with the same bytes and drops the staged one", async () => {
    const { objects, deps, info } = setup({ existingObject: `${ownerId}/earlier` });
    await objects.put(`${ownerId}/earlier`, Readable.from([]), 0, "x/y");
    const key = await staged(objects);
    await uploadAttachment(deps, input(key), info);
    expect(objects.keys()).to.deep.equal([`${ownerId}/earlier`]);
  });

  it("refuses another owner's staged object, and leaves it alone", async () => {
    const { objects, deps, info } = setup();
    const theirs = await staged(objects, randomUUID());
    for (const stagedKey of [theirs, `${ownerId}/staging/../x`, `${ownerId}/other`, `${ownerId}/staging/`]) {
      expect(await failure(uploadAttachment(deps, input(stagedKey), info)), stagedKey).to.be.instanceOf(
        ValidationError,
      );
    }
    expect(objects.keys()).to.deep.equal([theirs]);
  });

  it("refuses a file over the limit with 413 and deletes the staged object", async () => {
    const { objects, deps, info } = setup();
    const key = await staged(objects);
    expect(await failure(uploadAttachment(deps, input(key, 1001), info))).to.be.instanceOf(
      PayloadTooLargeError,
    );
    expect(objects.keys()).to.deep.equal([]);
  });

  it("refuses a file over the attachmentBytes quota with 403, records nothing and deletes the staged object", async () => {
    const { objects, appended, deps, info } = setup({ liveBytes: 95, quota: 100 });
    const refused = await failure(uploadAttachment(deps, input(await staged(objects), 6), info));
    expect(refused).to.be.instanceOf(QuotaExceededError);
    expect((refused as QuotaExceededError).details).to.deep.equal({
      quota: "attachmentBytes",
      limit: 100,
      used: 95,
    });
    expect(objects.keys()).to.deep.equal([]);
    expect(appended).to.deep.equal([]);
    await uploadAttachment(deps, input(await staged(objects), 5), info);
    expect(appended).to.have.length(1);
  });

  it("refuses before the body a declared file that cannot fit, and takes any size with the quota off", async () => {
    const { deps, info } = setup({ liveBytes: 95, quota: 100 });
    const memoryId = randomUUID();
    expect(await failure(checkUploadTarget(deps, info.caller, memoryId, 6))).to.be.instanceOf(
      QuotaExceededError,
    );
    await checkUploadTarget(deps, info.caller, memoryId, 5);
    await checkUploadTarget(deps, info.caller, memoryId);
    const off = setup({ liveBytes: 95, quota: 0 });
    await checkUploadTarget(off.deps, info.caller, memoryId, 10_000);
  });

  it("answers 404 for a missing memory and deletes the staged object", async () => {
    const { objects, appended, deps, info } = setup({ memoryExists: false });
    const key = await staged(objects);
    expect(await failure(uploadAttachment(deps, input(key), info))).to.be.instanceOf(NotFoundError);
    expect(objects.keys()).to.deep.equal([]);
    expect(appended).to.deep.equal([]);
  });

  it("answers 400 when the staged object is gone", async () => {
    const { deps, info } = setup();
    const key = `${ownerId}/staging/${randomUUID()}`;
    expect(await failure(uploadAttachment(deps, input(key), info))).to.be.instanceOf(ValidationError);
  });
});
