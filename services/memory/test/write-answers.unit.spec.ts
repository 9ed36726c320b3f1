import { expect } from "chai";
import { DEFAULT_LIMITS, type AttachmentRef, type Caller, type Memory } from "@second-brain/contracts";
import {
  createInMemoryEventStore,
  createInMemoryKeyring,
  type InMemoryEventStore,
} from "@second-brain/testing";
import { startMemoryBroker, type MemoryBroker } from "./support/memory-broker.ts";

const alice: Caller = { userId: "alice", role: "user" };
const file: AttachmentRef = {
  id: "a1",
  filename: "plan.pdf",
  contentType: "application/pdf",
  size: 3,
  sha256: "ab",
};

/**
 * A write answers with the memory as GET shows it, attachments included (they are the attachment
 * service's), and a write that is stored is never failed by that service.
 */
describe("memory write answers (in-process broker with a stand-in attachment service)", () => {
  let memory: MemoryBroker;
  let store: InMemoryEventStore;
  let attachments: (memoryId: string, caller: Caller | undefined) => Promise<AttachmentRef[]>;

  beforeEach(async () => {
    store = createInMemoryEventStore();
    memory = await startMemoryBroker({
      store,
      keyring: createInMemoryKeyring(["alice"]),
      limits: DEFAULT_LIMITS,
    });
    memory.broker.createService({
      name: "attachment",
      actions: {
        ofMemory: (ctx) =>
          attachments(
            (ctx.params as { memoryId: string }).memoryId,
            (ctx.meta as { caller?: Caller }).caller,
          ),
      },
    });
    await memory.broker.waitForServices("attachment");
  });
  afterEach(() => memory.stop());

  const create = () => memory.call<Memory>(alice, "create", { content: "with a file" });

  it("lists the caller's attachments of the memory in every write answer", async () => {
    const asked: [string, string | undefined][] = [];
    attachments = async (memoryId, caller) => {
      asked.push([memoryId, caller?.userId]);
      return [file];
    };
    const { id } = await create();
    const answers = [
      await memory.call<Memory>(alice, "edit", { id, title: "Plan" }, { ifMatch: 1 }),
      await memory.call<Memory>(alice, "setTags", { id, tags: ["plans"] }),
      await memory.call<Memory>(alice, "archive", { id }),
      await memory.call<Memory>(alice, "restore", { id }),
    ];
    for (const answer of answers) expect(answer.attachments).to.deep.equal([file]);
    expect(asked).to.deep.equal(Array(4).fill([id, "alice"]));
  });

  it("lists them in a retried create's answer too, and asks nothing for a new memory", async () => {
    const asked: string[] = [];
    attachments = async (memoryId) => {
      asked.push(memoryId);
      return [file];
    };
    const first = await memory.call<Memory>(
      alice,
      "create",
      { content: "retried" },
      { idempotencyKey: "k1" },
    );
    expect(first.attachments).to.deep.equal([]);
    expect(asked).to.deep.equal([]);
    // The file was added after the first answer; the retry answers the memory as it is now.
    const retried = await memory.call<Memory>(
      alice,
      "create",
      { content: "retried" },
      { idempotencyKey: "k1" },
    );
    expect(retried).to.deep.include({ id: first.id, version: 1, attachments: [file] });
    expect(asked).to.deep.equal([first.id]);
    expect(store.log.map((event) => event.type)).to.deep.equal(["MemoryCreated"]);
  });

  it("answers a stored write without attachments when the attachment service fails", async () => {
    attachments = async () => {
      throw new Error("the attachment index is unreachable");
    };
    const { id } = await create();
    const archived = await memory.call<Memory>(alice, "archive", { id });
    expect(archived).to.deep.include({ status: "archived", version: 2, attachments: [] });
    expect(store.log.map((event) => event.type)).to.deep.equal(["MemoryCreated", "MemoryArchived"]);
  });
});
