import { expect } from "chai";
import fc from "fast-check";
import {
  IllegalStateError,
  NotFoundError,
  UnauthenticatedError,
  VersionConflictError,
  type Caller,
} from "@second-brain/contracts";
import { DecryptionError, commandEventIds, isEncrypted } from "@second-brain/platform";
import {
  createInMemoryEventStore,
  createInMemoryKeyring,
  type InMemoryEventStore,
} from "@second-brain/testing";
import {
  commandHandler,
  type Command,
  type CommandContext,
  type Decider,
  type DomainEvent,
} from "../src/index.ts";

/** A tally: the smallest aggregate with a personal field, a refusal and a no-op. */
type Added = DomainEvent<"Added", { amount: number; note: string | null }>;
type Add = Command<"Add", { amount: number; note?: string }>;
type Tally = { total: number; notes: string[]; version: number } | null;

const tally: Decider<Add, Added, Tally> = {
  initialState: () => null,
  decide: (command) => {
    if (command.data.amount < 0) throw new IllegalStateError("A tally only grows.");
    if (command.data.amount === 0) return [];
    return [{ type: "Added", data: { amount: command.data.amount, note: command.data.note ?? null } }];
  },
  evolve: (state, event) => ({
    total: (state?.total ?? 0) + event.data.amount,
    notes: event.data.note === null ? (state?.notes ?? []) : [...(state?.notes ?? []), event.data.note],
    version: event.streamVersion,
  }),
};

const alice: Caller = { userId: "alice", role: "user" };
const bob: Caller = { userId: "bob", role: "user" };
const now = new Date("2026-03-01T12:00:00.000Z");
const add = (amount: number, note?: string): Add => ({
  type: "Add",
  data: { amount, ...(note === undefined ? {} : { note }) },
  metadata: { now },
});
let commands = 0;
const context = (extra: Partial<CommandContext> = {}): CommandContext => ({
  caller: alice,
  correlationId: "request-1",
  commandId: `command-${++commands}`,
  ...extra,
});

describe("command handler", () => {
  let store: InMemoryEventStore;
  let keyring: ReturnType<typeof createInMemoryKeyring>;
  let handler: ReturnType<typeof handlerOf>;
  const handlerOf = (exists?: (state: Tally) => boolean) =>
    commandHandler({
      decider: tally,
      store,
      schemaVersion: 7,
      notFound: () => new NotFoundError("Tally"),
      encryption: { keyring, personalFields: { Added: ["note"] } },
      ...(exists ? { exists } : {}),
    });

  beforeEach(() => {
    store = createInMemoryEventStore();
    keyring = createInMemoryKeyring(["alice", "bob"]);
    handler = handlerOf();
  });

  it("appends what the decider decides, with the request's metadata and ids from the command", async () => {
    const result = await handler.handle("tally-1", add(2, "first"), context({ commandId: "c1" }));
    expect(result).to.deep.equal({ state: { total: 2, notes: ["first"], version: 1 }, version: 1 });
    const [stored] = store.log;
    expect(stored!.id).to.equal(commandEventIds("c1", "tally-1", 1)[0]);
    expect(stored!.metadata).to.deep.equal({
      actor: "alice",
      ownerId: "alice",
      correlationId: "request-1",
      causationId: "c1",
      occurredAt: now.toISOString(),
      schemaVersion: 7,
    });
  });

  it("encrypts personal fields at rest and decrypts them on load", async () => {
    await handler.handle("tally-1", add(1, "a secret"), context());
    const stored = store.log[0]!.data as { amount: number; note: string };
    expect(isEncrypted(stored.note)).to.equal(true);
    expect(stored.amount).to.equal(1);
    const loaded = await handler.load("tally-1", alice);
    expect(loaded.events[0]!.data).to.deep.equal({ amount: 1, note: "a secret" });
    expect(loaded.state).to.deep.equal({ total: 1, notes: ["a secret"], version: 1 });
  });

  it("refuses to load a personal value moved into another event (each is bound to its own)", async () => {
    await handler.handle("tally-1", add(1, "first note"), context());
    await handler.handle("tally-1", add(2, "second note"), context());
    const [first, second] = store.log as { data: { note: string } }[];
    second!.data = { ...second!.data, note: first!.data.note };
    const refused = await handler.load("tally-1", alice).catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(DecryptionError);
  });

  it("answers a retried command as its first attempt did, appending nothing", async () => {
    const first = context();
    await handler.handle("tally-1", add(1), first);
    await handler.handle("tally-1", add(5), context());
    const retried = await handler.handle("tally-1", add(1), first);
    expect(retried).to.deep.equal({ state: { total: 1, notes: [], version: 1 }, version: 1 });
    expect(store.log).to.have.length(2);
  });

  it("lets twin attempts of one command that read the same version store it once", async () => {
    const twin = context();
    const answers = await Promise.all([
      handler.handle("tally-1", add(3), twin),
      handler.handle("tally-1", add(3), twin),
    ]);
    expect(answers[0]).to.deep.equal(answers[1]);
    expect(store.log).to.have.length(1);
  });

  it("appends nothing when the decider decides nothing, and passes its refusal on", async () => {
    await handler.handle("tally-1", add(1), context());
    expect(await handler.handle("tally-1", add(0), context())).to.deep.equal({
      state: { total: 1, notes: [], version: 1 },
      version: 1,
    });
    await rejection(handler.handle("tally-1", add(-1), context()), IllegalStateError);
    expect(store.log).to.have.length(1);
  });

  it("refuses an If-Match that is not the stream's version (409), and applies one that is", async () => {
    await handler.handle("tally-1", add(1), context());
    await rejection(handler.handle("tally-1", add(1), context({ expectedVersion: 0 })), VersionConflictError);
    const applied = await handler.handle("tally-1", add(1), context({ expectedVersion: 1 }));
    expect(applied.version).to.equal(2);
  });

  it("checks If-Match only against a state that exists for clients", async () => {
    handler = handlerOf((state) => state !== null && state.total < 10);
    await handler.handle("tally-1", add(10), context());
    // The stream is at version 1; a state that does not exist lets the decider answer instead.
    const result = await handler.handle("tally-1", add(1), context({ expectedVersion: 5 }));
    expect(result.version).to.equal(2);
  });

  it("decides again on the stream as it now is when writers without If-Match meet", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 8 }),
        async (amounts) => {
          store = createInMemoryEventStore();
          handler = handlerOf();
          await Promise.all(amounts.map((amount) => handler.handle("tally-1", add(amount), context())));
          const { state, version } = await handler.load("tally-1", alice);
          expect(version).to.equal(amounts.length);
          expect(state!.total).to.equal(amounts.reduce((sum, amount) => sum + amount, 0));
        },
      ),
      { numRuns: 20 },
    );
  });

  it("treats someone else's stream, or an erased owner's, as missing (404)", async () => {
    await handler.handle("tally-1", add(1), context());
    await rejection(handler.load("tally-1", bob), NotFoundError);
    await rejection(handler.handle("tally-1", add(1), context({ caller: bob })), NotFoundError);
    await keyring.destroyKey("alice");
    await rejection(handler.load("tally-1", alice), NotFoundError);
  });

  it("writes nothing for an owner whose key is gone", async () => {
    await keyring.destroyKey("alice");
    await rejection(handler.handle("tally-1", add(1), context()), UnauthenticatedError);
    expect(store.log).to.have.length(0);
  });

  it("lets the system act for a stream's owner, and uses event ids it is given", async () => {
    await handler.handle("tally-1", add(1), context());
    const system = context({ caller: "system", eventIds: ["00000000-0000-4000-8000-000000000001"] });
    const result = await handler.handle("tally-1", add(2, "from the log"), system);
    expect(result.state!.total).to.equal(3);
    const stored = store.log[1]!;
    expect(stored.id).to.equal("00000000-0000-4000-8000-000000000001");
    expect(stored.metadata).to.deep.include({ actor: "system", ownerId: "alice" });
    expect((await handler.load("tally-1", alice)).state!.notes).to.deep.equal(["from the log"]);
  });

  it("appends once on a loaded stream with decideAndAppend, and 409s when it moved on", async () => {
    const loaded = await handler.load("tally-1", alice);
    const moved = await handler.decideAndAppend(loaded, add(1), context());
    expect(moved.version).to.equal(1);
    await rejection(handler.decideAndAppend(loaded, add(1), context()), VersionConflictError);
    const next = await handler.decideAndAppend({ ...loaded, ...moved }, add(1), context());
    expect(next).to.deep.equal({ state: { total: 2, notes: [], version: 2 }, version: 2 });
  });
});

async function rejection(promise: Promise<unknown>, errorClass: abstract new (...args: never[]) => Error) {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(errorClass);
    return;
  }
  throw new Error(`expected a ${errorClass.name}`);
}
