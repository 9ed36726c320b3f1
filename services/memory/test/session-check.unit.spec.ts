import { randomUUID } from "node:crypto";
import { expect } from "chai";
import { DEFAULT_LIMITS, ValidationError, type Caller } from "@second-brain/contracts";
import { createMemory } from "../src/application/create-memory.ts";
import type { MemoryDeps } from "../src/application/deps.ts";
import {
  createInMemoryKeyring,
  createInMemoryEventStore,
  type InMemoryEventStore,
} from "@second-brain/testing";

// API.md: a memory's sessionId must name one of the caller's sessions (else 400). The check is a
// function the composition root injects (the session service over the broker).
describe("memory create: sessionId must name one of the caller's sessions", () => {
  const alice: Caller = { userId: "alice", role: "user" };
  const aliceSession = randomUUID();
  let store: InMemoryEventStore;
  let asked: [string, string][];
  let deps: MemoryDeps;

  beforeEach(() => {
    store = createInMemoryEventStore();
    asked = [];
    deps = {
      store,
      keyring: createInMemoryKeyring(["alice"]),
      limits: DEFAULT_LIMITS,
      sessionExists: async (caller, sessionId) => {
        asked.push([caller.userId, sessionId]);
        return caller.userId === "alice" && sessionId === aliceSession;
      },
    };
  });
  const create = (sessionId?: string) =>
    createMemory(
      deps,
      { content: "x", ...(sessionId ? { sessionId } : {}) },
      {
        caller: alice,
        correlationId: "c",
        commandId: "c",
        now: new Date("2026-01-01T00:00:00.000Z"),
      },
    ).then((outcome) => outcome.memory);

  it("accepts the caller's session and asks as the caller", async () => {
    const memory = await create(aliceSession);
    expect(memory.sessionId).to.equal(aliceSession);
    expect(asked).to.deep.equal([["alice", aliceSession]]);
  });

  it("refuses an unknown session with a 400 on sessionId and appends nothing", async () => {
    let thrown: unknown;
    await create(randomUUID()).catch((error: unknown) => (thrown = error));
    expect(thrown).to.be.instanceOf(ValidationError);
    expect((thrown as ValidationError).details).to.deep.equal([
      { field: "sessionId", message: "sessionId must name one of your sessions" },
    ]);
    expect(store.log).to.have.length(0);
  });

  it("does not ask when there is no sessionId", async () => {
    await create();
    expect(asked).to.deep.equal([]);
  });
});
