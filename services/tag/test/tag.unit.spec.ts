import { expect } from "chai";
import {
  DEFAULT_LIMITS,
  IllegalStateError,
  NotFoundError,
  ValidationError,
  type TagEvent,
} from "@second-brain/contracts";
import { DeciderSpecification } from "@second-brain/testing";
import { tagSettingsDecider, type StyleTag, type TagSettingsEvent } from "../src/domain/tag.ts";
import { checkStyling } from "../src/domain/rules.ts";
import {
  retaggedTags,
  tagOperationDecider,
  type TagOperationCommand,
  type TagOperationEvent,
} from "../src/domain/tag-operation.ts";

const metadata = { now: new Date("2026-02-01T10:00:00.000Z") };
const style = (data: Partial<StyleTag["data"]>): StyleTag => ({
  type: "StyleTag",
  data: { name: "work", ancestorsOfParent: [], known: true, ...data },
  metadata,
});
const styled: TagSettingsEvent = {
  type: "TagStyled",
  data: { name: "work", color: "#ff0000", parent: null },
};

describe("tag settings decider", () => {
  const given = DeciderSpecification.for(tagSettingsDecider());

  it("sets a colour (lower-cased) and a parent, keeping what is not sent", () => {
    given([])
      .when(style({ color: "#FF0000" }))
      .then([styled]);
    given([styled])
      .when(style({ parent: " Projects " }))
      .then([{ type: "TagStyled", data: { name: "work", color: "#ff0000", parent: "projects" } }]);
    given([styled])
      .when(style({ color: "#ff0000" }))
      .then([]);
  });

  it("refuses bad colours, empty or long parents, and cycles", () => {
    given([])
      .when(style({ color: "red", parent: "" }))
      .thenThrows(ValidationError, (bad) => expect((bad as ValidationError).details).to.have.length(2));
    given([])
      .when(style({ parent: "x".repeat(65) }))
      .thenThrows(ValidationError);
    given([])
      .when(style({ parent: "work" }))
      .thenThrows(ValidationError);
    given([])
      .when(style({ parent: "a", ancestorsOfParent: ["b", "work"] }))
      .thenThrows(ValidationError);
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
    given([])
      .when(style({ color: "#000000", known: false }))
      .thenThrows(NotFoundError);
  });

  it("retires a styled tag once", () => {
    const retire = { type: "RetireTag" as const, data: { name: "work", into: "job" }, metadata };
    const retiredEvent: TagEvent = { type: "TagRetired", data: { name: "work", into: "job" } };
    given([styled]).when(retire).then([retiredEvent]);
    given([styled, retiredEvent as TagSettingsEvent])
      .when(retire)
      .then([]);
    given([]).when(retire).then([]);
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

  const given = DeciderSpecification.for(tagOperationDecider);
  const start = (into: string): TagOperationCommand => ({
    type: "StartTagOperation",
    data: { operationId: "op", kind: "merge", from: "a", into, memoryIds: ["m1", "m2", "m1"] },
    metadata,
  });
  const mark = (memoryId: string): TagOperationCommand => ({
    type: "MarkMemoryRetagged",
    data: { memoryId },
    metadata,
  });
  const complete: TagOperationCommand = { type: "CompleteTagOperation", data: {}, metadata };
  const completedEvent: TagOperationEvent = { type: "TagOperationCompleted", data: { operationId: "op" } };

  it("starts with a de-duplicated work list, and never into itself", () => {
    given([]).when(start("b")).then([startedEvent]);
    given([]).when(start("a")).thenThrows(ValidationError);
  });

  it("ticks each memory off once (a repeated step emits nothing)", () => {
    given([startedEvent])
      .when(mark("m1"))
      .then([done("m1")]);
    given([startedEvent, done("m1")])
      .when(mark("m1"))
      .then([]);
    given([startedEvent]).when(mark("other")).then([]);
  });

  it("completes only when every memory is done, once", () => {
    given([startedEvent, done("m1")])
      .when(complete)
      .thenThrows(IllegalStateError);
    given([startedEvent, done("m1"), done("m2")])
      .when(complete)
      .then([completedEvent]);
    given([startedEvent, done("m1"), done("m2"), completedEvent])
      .when(complete)
      .then([]);
  });

  it("replaces the tag in place, merging duplicates, and leaves memories without it alone", () => {
    expect(retaggedTags(["x", "a", "y"], "a", "b")).to.deep.equal(["x", "b", "y"]);
    expect(retaggedTags(["b", "a"], "a", "b")).to.deep.equal(["b"]);
    expect(retaggedTags(["x"], "a", "b")).to.equal(null);
  });
});
