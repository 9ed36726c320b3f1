import { expect } from "chai";
import {
  AlreadyExistsError,
  DEFAULT_LIMITS,
  DEFAULT_QUOTAS,
  IllegalStateError,
  NotFoundError,
  QuotaExceededError,
  ValidationError,
  type SessionEvent,
} from "@second-brain/contracts";
import { DeciderSpecification } from "@second-brain/testing";
import { sessionDecider, type SessionCommand } from "../src/domain/decide.ts";

const ID = "11111111-1111-4111-8111-111111111111";
const MESSAGE = "33333333-3333-4333-8333-333333333333";
const metadata = { now: new Date("2026-02-01T10:00:00.000Z") };
const started: SessionEvent = {
  type: "SessionStarted",
  data: { sessionId: ID, title: "Plan", context: { a: 1 } },
};
const closed: SessionEvent = { type: "SessionClosed", data: { sessionId: ID } };

const given = (events: SessionEvent[], limits = DEFAULT_LIMITS) =>
  DeciderSpecification.for(sessionDecider(limits), { ownerId: "alice" })(events);

const start = (data: { title?: unknown; context?: unknown } = {}): SessionCommand => ({
  type: "StartSession",
  data: { sessionId: ID, ...data },
  metadata,
});
const message = (role: unknown, content: unknown): SessionCommand => ({
  type: "AddMessage",
  data: { sessionId: ID, messageId: MESSAGE, role, content },
  metadata,
});
const update = (data: { title?: unknown; context?: unknown }): SessionCommand => ({
  type: "UpdateSession",
  data: { sessionId: ID, ...data },
  metadata,
});
const close: SessionCommand = { type: "CloseSession", data: { sessionId: ID }, metadata };
const reopen: SessionCommand = { type: "ReopenSession", data: { sessionId: ID }, metadata };

describe("session decider", () => {
  it("starts a session with a trimmed title and a context", () => {
    given([])
      .when(start({ title: "  Plan ", context: { a: 1 } }))
      .then([started]);
    given([])
      .when(start())
      .then([{ type: "SessionStarted", data: { sessionId: ID, title: null, context: {} } }]);
  });

  it("refuses a second start, a long title and a context that is not an object or too big", () => {
    given([started]).when(start()).thenThrows(AlreadyExistsError);
    given([])
      .when(start({ title: "x".repeat(DEFAULT_LIMITS.maxTitleChars + 1), context: [1] }))
      .thenThrows(ValidationError, ["title", "context"]);
    given([])
      .when(start({ context: { big: "x".repeat(DEFAULT_LIMITS.maxMetadataBytes) } }))
      .thenThrows(ValidationError, ["context"]);
  });

  it("adds messages from the user or the assistant", () => {
    given([started])
      .when(message("assistant", "Hello"))
      .then([
        {
          type: "SessionMessageAdded",
          data: { sessionId: ID, messageId: MESSAGE, role: "assistant", content: "Hello" },
        },
      ]);
  });

  it("refuses a bad role, empty or too long content, and messages to a closed or unknown session", () => {
    given([started]).when(message("system", " ")).thenThrows(ValidationError, ["role", "content"]);
    given([started])
      .when(message("user", "x".repeat(DEFAULT_LIMITS.maxContentChars + 1)))
      .thenThrows(ValidationError, ["content"]);
    given([started, closed]).when(message("user", "hi")).thenThrows(IllegalStateError);
    given([]).when(message("user", "hi")).thenThrows(NotFoundError);
  });

  it("refuses a message over the messagesPerSession quota, and takes any number with it off", () => {
    const many = (count: number): SessionEvent[] =>
      Array.from({ length: count }, (_, i) => ({
        type: "SessionMessageAdded",
        data: { sessionId: ID, messageId: `m${i}`, role: "user", content: "x" },
      }));
    const withQuota = (messagesPerSession: number, events: SessionEvent[]) =>
      DeciderSpecification.for(sessionDecider(DEFAULT_LIMITS, { messagesPerSession }), { ownerId: "alice" })(
        events,
      );
    withQuota(3, [started, ...many(2)])
      .when(message("user", "third"))
      .then([
        {
          type: "SessionMessageAdded",
          data: { sessionId: ID, messageId: MESSAGE, role: "user", content: "third" },
        },
      ]);
    withQuota(3, [started, ...many(3)])
      .when(message("user", "fourth"))
      .thenThrows(QuotaExceededError, (error) =>
        expect((error as QuotaExceededError).details).to.deep.equal({
          quota: "messagesPerSession",
          limit: 3,
          used: 3,
        }),
      );
    withQuota(0, [started, ...many(3)])
      .when(message("user", "fourth"))
      .then([
        {
          type: "SessionMessageAdded",
          data: { sessionId: ID, messageId: MESSAGE, role: "user", content: "fourth" },
        },
      ]);
    given([started, ...many(DEFAULT_QUOTAS.messagesPerSession)])
      .when(message("user", "one more"))
      .thenThrows(QuotaExceededError);
  });

  it("updates only what changes, and a no-op update emits nothing", () => {
    given([started])
      .when(update({ title: "Plan", context: { b: true } }))
      .then([{ type: "SessionUpdated", data: { sessionId: ID, context: { b: true } } }]);
    given([started])
      .when(update({ title: "Plan", context: { a: 1 } }))
      .then([]);
    given([started])
      .when(update({ title: null }))
      .then([{ type: "SessionUpdated", data: { sessionId: ID, title: null } }]);
  });

  it("closes and reopens, each idempotent", () => {
    given([started]).when(close).then([closed]);
    given([started, closed]).when(close).then([]);
    given([started, closed])
      .when(reopen)
      .then([{ type: "SessionReopened", data: { sessionId: ID } }]);
    given([started]).when(reopen).then([]);
    given([]).when(close).thenThrows(NotFoundError);
  });
});
