import { randomUUID } from "node:crypto";
import { expect } from "chai";
import { DEFAULT_LIMITS, START_OF_LOG, memoryStreamId, type Caller } from "@second-brain/contracts";
import type { EventStore } from "@second-brain/event-store";
import { inTransaction, type Keyring } from "@second-brain/platform";
import { eventMetadata, openTestEventLog, waitUntil, type TestEventLog } from "@second-brain/testing";
import { handleSessionCommand, sessionExists } from "../src/application/handle-command.ts";
import type { SessionDeps } from "../src/application/session-stream.ts";
import { applySessionEvents, prefetchSessionKeys } from "../src/read-model/sessions.apply.ts";
import { migrateSessionsReadModel } from "../src/migrations/index.ts";
import { listSessions, sessionMemoryIds } from "../src/read-model/sessions.queries.ts";
import { startSessionsReadModel } from "../src/read-model/sessions.read-model.ts";

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe("sessions read model (PostgreSQL)", function () {
  this.timeout(60_000);
  let log: TestEventLog;
  let store: EventStore;
  let keyring: Keyring;
  let deps: SessionDeps;
  const alice: Caller = { userId: `alice-${randomUUID()}`, role: "user" };
  // Each call is a command of its own; one that reuses a command id is a retry of it.
  const info = (commandId: string = randomUUID()) => ({ caller: alice, correlationId: "c", commandId });
  const now = () => new Date();

  before(async () => {
    log = await openTestEventLog("sb_sessions");
    ({ store, keyring } = log);
    await migrateSessionsReadModel(log.pool);
    await keyring.ensureKey(alice.userId);
    deps = { store, keyring, limits: DEFAULT_LIMITS };
  });
  after(async () => {
    await log?.close();
  });

  async function startSession(title: string): Promise<string> {
    const sessionId = randomUUID();
    await handleSessionCommand(
      deps,
      { type: "StartSession", data: { sessionId, title }, metadata: { now: now() } },
      info(),
    );
    return sessionId;
  }
  async function appendMemory(memoryId: string, type: string, data: object, expectedVersion: number) {
    const metadata = eventMetadata(alice.userId);
    await store.appendToStream(
      memoryStreamId(memoryId),
      [{ id: randomUUID(), type, data: { memoryId, ...data }, metadata }],
      { expectedVersion },
    );
  }
  const rows = async () =>
    (await log.pool.query("SELECT * FROM sessions ORDER BY id")).rows.concat(
      (await log.pool.query("SELECT * FROM session_memories ORDER BY memory_id")).rows,
    );

  it("stores personal content encrypted in the log", async () => {
    const sessionId = await startSession("Secret plan");
    const [event] = await store.readStream(`session-${sessionId}`);
    expect(JSON.stringify(event!.data)).to.not.contain("Secret plan");
    expect(await sessionExists(deps, alice, sessionId)).to.equal(true);
    expect(await sessionExists(deps, { userId: "someone-else", role: "user" }, sessionId)).to.equal(false);
    expect(await sessionExists(deps, alice, randomUUID())).to.equal(false);
  });

  it("applies a repeated delivery without changing anything", async () => {
    const sessionId = await startSession("Trip");
    await handleSessionCommand(
      deps,
      {
        type: "AddMessage",
        data: { sessionId, messageId: randomUUID(), role: "user", content: "hi" },
        metadata: { now: now() },
      },
      info(),
    );
    const [m1, m2] = [randomUUID(), randomUUID()];
    await appendMemory(m1, "MemoryCreated", { sessionId, tags: [] }, 0);
    await appendMemory(m2, "MemoryCreated", { sessionId, tags: [] }, 0);
    await appendMemory(m2, "MemoryDeleted", {}, 1);
    let events = await store.readAll({ after: START_OF_LOG, limit: 1000 });
    // The log holds back events while older transactions anywhere on the server may still commit.
    await waitUntil(
      async () => (events = await store.readAll({ after: START_OF_LOG, limit: 1000 })).length === 6,
    );
    const keys = await prefetchSessionKeys(keyring, events);
    await inTransaction(log.pool, (client) => applySessionEvents(client, events, keys));
    const once = await rows();
    await inTransaction(log.pool, (client) => applySessionEvents(client, events, keys));
    await inTransaction(log.pool, (client) => applySessionEvents(client, events.slice(2, 4), keys));
    expect(await rows()).to.deep.equal(once);
    expect(await sessionMemoryIds(log.pool, alice.userId, sessionId)).to.deep.equal([m1]);
    const page = await listSessions(log.pool, alice.userId, {});
    expect(page.items.find((s) => s.id === sessionId)).to.include({
      title: "Trip",
      messageCount: 1,
      version: 2,
    });
    await log.pool.query("TRUNCATE sessions, session_memories");
  });

  it("catches up from its checkpoint after a restart", async () => {
    const first = await startSessionsReadModel({
      pool: log.pool,
      store,
      keyring,
      logger: quiet,
      project: true,
    });
    await waitUntil(async () => (await listSessions(log.pool, alice.userId, {})).items.length === 2);
    await first!.stop();
    const later = await startSession("While stopped");
    const second = await startSessionsReadModel({
      pool: log.pool,
      store,
      keyring,
      logger: quiet,
      project: true,
    });
    await waitUntil(async () =>
      (await listSessions(log.pool, alice.userId, {})).items.some((s) => s.id === later),
    );
    expect((await listSessions(log.pool, alice.userId, {})).items.map((s) => s.title)).to.deep.equal([
      "While stopped",
      "Trip",
      "Secret plan",
    ]);
    await second!.stop();
  });

  it("appends a command once however often it is delivered, and answers as its first attempt did", async () => {
    const sessionId = await startSession("Retried");
    const commandId = randomUUID();
    const addMessage = (content: string) =>
      handleSessionCommand(
        deps,
        {
          type: "AddMessage",
          data: { sessionId, messageId: randomUUID(), role: "user", content },
          metadata: { now: now() },
        },
        info(commandId),
      );
    const twins = await Promise.all([1, 2, 3].map(() => addMessage("once")));
    for (const twin of twins) expect(twin).to.deep.equal(twins[0]);
    await handleSessionCommand(
      deps,
      { type: "CloseSession", data: { sessionId }, metadata: { now: now() } },
      info(),
    );
    // Delivered again after the session was closed: still the first attempt's answer, not a 409.
    const late = await addMessage("once");
    expect(late).to.deep.equal(twins[0]);
    expect(late.messages.map((message) => message.content)).to.deep.equal(["once"]);
    expect((await store.readStream(`session-${sessionId}`)).map((event) => event.type)).to.deep.equal([
      "SessionStarted",
      "SessionMessageAdded",
      "SessionClosed",
    ]);
  });

  it("stores every one of many messages sent at once: they carry no version, so none is a 409", async () => {
    const sessionId = await startSession("Busy");
    const contents = Array.from({ length: 12 }, (_, index) => `message ${index}`);
    await Promise.all(
      contents.map((content) =>
        handleSessionCommand(
          deps,
          {
            type: "AddMessage",
            data: { sessionId, messageId: randomUUID(), role: "user", content },
            metadata: { now: now() },
          },
          info(),
        ),
      ),
    );
    const events = await store.readStream(`session-${sessionId}`);
    expect(events.filter((event) => event.type === "SessionMessageAdded")).to.have.length(contents.length);
  });
});
