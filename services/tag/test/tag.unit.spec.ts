import { expect } from "chai";
import {
  DEFAULT_LIMITS,
  IllegalStateError,
  NotFoundError,
  ValidationError,
  type TagEvent,
} from "@second-brain/contracts";
import {
  decideTagSettings,
  evolveTagSettings,
  type StyleTag,
  type TagSettingsState,
} from "../src/domain/tag.ts";
import { checkStyling } from "../src/domain/tag-rules.ts";
import {
  decideTagOperation,
  evolveTagOperation,
  retaggedTags,
  type TagOperationEvent,
  type TagOperationState,
} from "../src/domain/tag-operation.ts";

const settingsOf = (events: TagEvent[]): TagSettingsState =>
  events.reduce<TagSettingsState>(
    (state, event, index) => evolveTagSettings(state, event as never, index + 1),
    null,
  );
const operationOf = (events: TagOperationEvent[]): TagOperationState =>
  events.reduce<TagOperationState>(
    (state, event, index) => evolveTagOperation(state, event, index + 1),
    null,
  );

const style = (data: Partial<StyleTag["data"]>): StyleTag => ({
  type: "StyleTag",
  data: { name: "work", ancestorsOfParent: [], known: true, ...data },
});
const styled: TagEvent = { type: "TagStyled", data: { name: "work", color: "#ff0000", parent: null } };

function refused(run: () => unknown, errorClass: abstract new (...args: never[]) => Error): Error {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(errorClass);
    return error as Error;
  }
  throw new Error("expected the command to be refused");
}

describe("tag settings decider", () => {
  it("sets a colour (lower-cased) and a parent, keeping what is not sent", () => {
    expect(decideTagSettings(style({ color: "#FF0000" }), null)).to.deep.equal([styled]);
    expect(decideTagSettings(style({ parent: " Projects " }), settingsOf([styled]))).to.deep.equal([
      { type: "TagStyled", data: { name: "work", color: "#ff0000", parent: "projects" } },
    ]);
    expect(decideTagSettings(style({ color: "#ff0000" }), settingsOf([styled]))).to.deep.equal([]);
  });

  it("refuses bad colours, empty or long parents, and cycles", () => {
    const bad = refused(() => decideTagSettings(style({ color: "red", parent: "" }), null), ValidationError);
    expect((bad as ValidationError).details).to.have.length(2);
    refused(() => decideTagSettings(style({ parent: "x".repeat(65) }), null), ValidationError);
    refused(() => decideTagSettings(style({ parent: "work" }), null), ValidationError);
    refused(
      () => decideTagSettings(style({ parent: "a", ancestorsOfParent: ["b", "work"] }), null),
      ValidationError,
    );
  });

  it("checks a PATCH's colour and parent before a rename writes anything", () => {
    const fields = (problems: { field: string }[]) => problems.map((p) => p.field);
    expect(fields(checkStyling("job", { color: "green", parent: "job" }, [], DEFAULT_LIMITS))).to.deep.equal([
      "color",
      "parent",
    ]);
    expect(checkStyling("job", { color: null, parent: null }, [], DEFAULT_LIMITS)).to.deep.equal([]);
    expect(fields(checkStyling("job", { parent: "a" }, ["job"], DEFAULT_LIMITS))).to.deep.equal(["parent"]);
  });

  it("answers 404 for a tag neither in use nor styled", () => {
    refused(() => decideTagSettings(style({ color: "#000000", known: false }), null), NotFoundError);
  });

  it("retires a styled tag once", () => {
    const retire = { type: "RetireTag" as const, data: { name: "work", into: "job" } };
    expect(decideTagSettings(retire, settingsOf([styled]))).to.deep.equal([
      { type: "TagRetired", data: { name: "work", into: "job" } },
    ]);
    const retired = settingsOf([styled, { type: "TagRetired", data: { name: "work", into: "job" } }]);
    expect(decideTagSettings(retire, retired)).to.deep.equal([]);
    expect(decideTagSettings(retire, null)).to.deep.equal([]);
  });
});

describe("tag operation decider", () => {
  const startedEvent: TagOperationEvent = {
    type: "TagOperationStarted",
    data: { operationId: "op", kind: "merge", from: "a", into: "b", memoryIds: ["m1", "m2"] },
  };
  const done = (memoryId: string): TagOperationEvent => ({
    type: "TagOperationMemoryRetagged",
    data: { operationId: "op", memoryId },
  });

  it("starts with a de-duplicated work list, and never into itself", () => {
    const start = (into: string) =>
      decideTagOperation(
        {
          type: "StartTagOperation",
          data: { operationId: "op", kind: "merge", from: "a", into, memoryIds: ["m1", "m2", "m1"] },
        },
        null,
      );
    expect(start("b")).to.deep.equal([startedEvent]);
    refused(() => start("a"), ValidationError);
  });

  it("ticks each memory off once (a repeated step emits nothing)", () => {
    const mark = (memoryId: string) => ({ type: "MarkMemoryRetagged" as const, data: { memoryId } });
    expect(decideTagOperation(mark("m1"), operationOf([startedEvent]))).to.deep.equal([done("m1")]);
    expect(decideTagOperation(mark("m1"), operationOf([startedEvent, done("m1")]))).to.deep.equal([]);
    expect(decideTagOperation(mark("other"), operationOf([startedEvent]))).to.deep.equal([]);
  });

  it("completes only when every memory is done, once", () => {
    const complete = { type: "CompleteTagOperation" as const };
    refused(() => decideTagOperation(complete, operationOf([startedEvent, done("m1")])), IllegalStateError);
    const all = operationOf([startedEvent, done("m1"), done("m2")]);
    expect(decideTagOperation(complete, all)).to.deep.equal([
      { type: "TagOperationCompleted", data: { operationId: "op" } },
    ]);
    const completed = operationOf([
      startedEvent,
      done("m1"),
      done("m2"),
      ...decideTagOperation(complete, all),
    ]);
    expect(decideTagOperation(complete, completed)).to.deep.equal([]);
  });

  it("replaces the tag in place, merging duplicates, and leaves memories without it alone", () => {
    expect(retaggedTags(["x", "a", "y"], "a", "b")).to.deep.equal(["x", "b", "y"]);
    expect(retaggedTags(["b", "a"], "a", "b")).to.deep.equal(["b"]);
    expect(retaggedTags(["x"], "a", "b")).to.equal(null);
  });
});
