import { randomUUID } from "node:crypto";
import { expect } from "chai";
import fc from "fast-check";
import { DEFAULT_LIMITS, type Caller } from "@second-brain/contracts";
import type { EventStore } from "@second-brain/event-store";
import { openTestEventLog, type TestEventLog } from "@second-brain/testing";
import { handleSessionCommand } from "../src/application/handle-command.ts";
import { readMessagePage } from "../src/application/read-message-page.ts";
import type { SessionDeps } from "../src/application/session-stream.ts";
import type { SessionCommand } from "../src/domain/decide.ts";

type Step = "message" | "closeAndReopen" | "rename";

// Pages of a session's messages read from its stream: walked back from the latest they give every
// message once, in order, whatever else the stream holds, and a page reads only as many events as
// it needs however long the session is.
describe("pages of a session's messages (PostgreSQL)", function () {
  this.timeout(120_000);
  let log: TestEventLog;
  let deps: SessionDeps;
  /** Events each page read from the store (counted by wrapping readStream). */
  let eventsRead = 0;
  const alice: Caller = { userId: `alice-${randomUUID()}`, role: "user" };
  const info = () => ({ caller: alice, correlationId: "c", commandId: randomUUID() });

  before(async () => {
    log = await openTestEventLog("sb_message_pages");
    await log.keyring.ensureKey(alice.userId);
    const store: EventStore = Object.create(log.store) as EventStore;
    store.readStream = async (streamId, options) => {
      const events = await log.store.readStream(streamId, options);
      eventsRead += events.length;
      return events;
    };
    deps = { store, keyring: log.keyring, limits: DEFAULT_LIMITS };
  });
  after(() => log?.close());

  async function run(command: SessionCommand) {
    await handleSessionCommand(deps, command, info());
  }

  /** A session made of `steps`; returns its id and the messages' contents in order. */
  async function sessionOf(steps: readonly Step[]): Promise<{ sessionId: string; sent: string[] }> {
    const sessionId = randomUUID();
    const metadata = { now: new Date() };
    await run({ type: "StartSession", data: { sessionId }, metadata });
    const sent: string[] = [];
    for (const [index, step] of steps.entries()) {
      if (step === "message") {
        const content = `message ${index} <&>`;
        await run({
          type: "AddMessage",
          data: { sessionId, messageId: randomUUID(), role: "user", content },
          metadata,
        });
        sent.push(content);
      } else if (step === "closeAndReopen") {
        await run({ type: "CloseSession", data: { sessionId }, metadata });
        await run({ type: "ReopenSession", data: { sessionId }, metadata });
      } else {
        await run({ type: "UpdateSession", data: { sessionId, title: `title ${index}` }, metadata });
      }
    }
    return { sessionId, sent };
  }

  it("give every message once, in order, each page at most `limit` long and oldest first", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Step>("message", "message", "message", "closeAndReopen", "rename"), {
          maxLength: 30,
        }),
        fc.integer({ min: 1, max: 7 }),
        async (steps, limit) => {
          const { sessionId, sent } = await sessionOf(steps);
          const pages: string[][] = [];
          let cursor: string | undefined;
          do {
            const page = await readMessagePage(deps, alice, sessionId, {
              limit,
              ...(cursor ? { cursor } : {}),
            });
            expect(page.items.length).to.be.at.most(limit);
            if (page.nextCursor) expect(page.items.length).to.equal(limit);
            pages.unshift(page.items.map((message) => message.content));
            cursor = page.nextCursor ?? undefined;
          } while (cursor);
          expect(pages.flat()).to.deep.equal(sent);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("reads only the events of its page, not the whole session", async () => {
    const { sessionId, sent } = await sessionOf(Array<Step>(120).fill("message"));
    eventsRead = 0;
    const latest = await readMessagePage(deps, alice, sessionId, { limit: 10 });
    expect(latest.items.map((message) => message.content)).to.deep.equal(sent.slice(-10));
    // The session's first event (whose it is), the page, and one earlier message.
    expect(eventsRead).to.equal(1 + 10 + 1);
    eventsRead = 0;
    const earlier = await readMessagePage(deps, alice, sessionId, { limit: 10, cursor: latest.nextCursor! });
    expect(earlier.items.map((message) => message.content)).to.deep.equal(sent.slice(-20, -10));
    expect(eventsRead).to.equal(1 + 10 + 1);
  });

  it("is a 404 for another user's or no session, and a 400 for a cursor it did not hand out", async () => {
    const { sessionId } = await sessionOf(["message"]);
    const bob: Caller = { userId: `bob-${randomUUID()}`, role: "user" };
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => expect.fail("refused"),
        (error) => error,
      );
    expect((await failure(readMessagePage(deps, bob, sessionId, {}))).code).to.equal("NOT_FOUND");
    expect((await failure(readMessagePage(deps, alice, randomUUID(), {}))).code).to.equal("NOT_FOUND");
    const bad = await failure(readMessagePage(deps, alice, sessionId, { cursor: "eyJiZWZvcmUiOjB9" }));
    expect(bad.code).to.equal("VALIDATION_FAILED");
  });
});
