import { expect } from "chai";
import fc from "fast-check";
import { ValidationError } from "../src/errors.ts";
import { DEFAULT_LIMITS } from "../src/limits.ts";
import * as schemas from "../src/schemas/index.ts";
import {
  assertValid,
  compileCheck,
  isDeclaredSchema,
  memorySchemas,
  sessionSchemas,
  identitySchemas,
} from "../src/schemas/index.ts";

describe("schema validation errors", () => {
  const listQuery = compileCheck(memorySchemas.MemoryListQuery, { coerce: true });
  const create = compileCheck(memorySchemas.CreateMemoryParams);

  it("names the field, what was sent and what is allowed", () => {
    expect(listQuery({ status: "nonsense" })).to.deep.equal([
      { field: "status", message: 'must be one of draft, active, archived; sent "nonsense"' },
    ]);
    expect(compileCheck(sessionSchemas.AddMessageBody)({ role: "bot", content: "hi" })).to.deep.equal([
      { field: "role", message: 'must be one of user, assistant; sent "bot"' },
    ]);
    expect(create({ content: "x", colour: "red" })).to.deep.equal([
      {
        field: "colour",
        message:
          "is not a known field; known fields are content, title, type, status, tags, importance, confidence, metadata, sourceUrl, sessionId",
      },
    ]);
    expect(
      create({ content: "x", tags: ["ok", 7], importance: 2, filters: {} }).map((p) => p.field),
    ).to.deep.equal(["filters", "tags[1]", "importance"]);
  });

  it("reports every bad field once, and a body that is not an object as `body`", () => {
    expect(create({ content: " ", importance: 3, tags: [""] }).map((p) => p.field)).to.have.members([
      "content",
      "importance",
      "tags[0]",
    ]);
    expect(create([1])).to.deep.equal([{ field: "body", message: "must be a JSON object; sent an array" }]);
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, index) => [`k${index}`, 1]));
    expect(create({ content: "x", ...many })).to.have.length(20);
  });

  it("never echoes a long value: it says how long it was", () => {
    const [problem] = compileCheck(identitySchemas.RegisterBody)({
      email: `${"a@a.".repeat(4_000)} x`,
      password: "long enough",
    });
    expect(problem).to.deep.equal({ field: "email", message: "must be at most 254 characters; sent 16002" });
  });

  it("converts query strings to the declared types and refuses what does not convert", () => {
    const query: Record<string, unknown> = { limit: "20", tag: "x" };
    expect(listQuery(query)).to.deep.equal([]);
    expect(query).to.deep.equal({ limit: 20, tag: "x" });
    for (const limit of ["", "ten", "-1", "1e3", ["1", "2"]])
      expect(
        listQuery({ limit }).map((p) => p.field),
        String(limit),
      ).to.deep.equal(["limit"]);
  });

  it("throws one ValidationError whose message names the first field", () => {
    expect(() => assertValid(create, { content: 1, type: "x" }))
      .to.throw(ValidationError)
      .with.property("message", "content must be a string; sent 1 (and 1 more).");
  });

  it("names any refused enum value and the allowed ones (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }).filter((value) => !["draft", "active", "archived"].includes(value)),
        (status) => {
          const [problem] = listQuery({ status });
          expect(problem?.field).to.equal("status");
          expect(problem?.message).to.include(JSON.stringify(status)).and.include("draft, active, archived");
        },
      ),
    );
  });

  // Checks compile on their first use (validate.ts), so a schema Ajv refuses would surface only
  // when its route is first called: every declared schema is compiled here instead.
  it("compiles every schema the API declares, as body, as query and with configured limits", () => {
    const declared = Object.entries(schemas)
      .filter(([name]) => name.endsWith("Schemas"))
      .flatMap(([namespace, members]) =>
        Object.entries(members as Record<string, unknown>).map(([name, schema]) => ({
          name: `${namespace}.${name}`,
          schema,
        })),
      )
      .filter(({ schema }) => isDeclaredSchema(schema));
    expect(declared.length).to.be.greaterThan(40);
    for (const { name, schema } of declared) {
      if (!isDeclaredSchema(schema)) continue;
      for (const options of [{}, { coerce: true }, { limits: DEFAULT_LIMITS }]) {
        expect(() => compileCheck(schema, options)({}), name).not.to.throw();
      }
    }
  });
});
