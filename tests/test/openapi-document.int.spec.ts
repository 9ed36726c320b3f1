import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect } from "chai";
import ts from "typescript";
import { openApiDocument } from "@second-brain/gateway";

const run = promisify(execFile);
const bin = (name: string) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));

/**
 * The served document as third-party tools meet it: Redocly's linter finds no error in it, and the
 * client openapi-typescript generates from it compiles and is usable without hand edits.
 */
describe("the OpenAPI document with third-party tools", function () {
  this.timeout(120_000);
  const folder = mkdtempSync(path.join(os.tmpdir(), "sb-openapi-"));
  const documentFile = path.join(folder, "openapi.json");
  before(() => writeFileSync(documentFile, JSON.stringify(openApiDocument)));
  after(() => rm(folder, { recursive: true, force: true }));

  it("passes @redocly/cli lint without errors", async () => {
    const { stdout } = await run(bin("redocly"), ["lint", documentFile, "--format=json"], {
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
    const report = JSON.parse(stdout) as {
      totals: { errors: number };
      problems: { severity: string; message: string; location: { pointer: string }[] }[];
    };
    const errors = report.problems
      .filter((problem) => problem.severity === "error")
      .map((problem) => `${problem.location[0]?.pointer}: ${problem.message}`);
    expect(errors).to.deep.equal([]);
    expect(report.totals.errors).to.equal(0);
  });

  it("gives an openapi-typescript client that compiles and types requests and answers usefully", async () => {
    await run(bin("openapi-typescript"), [documentFile, "--output", path.join(folder, "api.ts")]);
    writeFileSync(
      path.join(folder, "usage.ts"),
      `import type { components, paths } from "./api.ts";
type Json<T> = T extends { content: { "application/json": infer Body } } ? Body : never;
type Create = paths["/api/v1/memories"]["post"];

// A memory with only its content: every other field is optional.
export const create: Json<Create["requestBody"]> = { content: "remember the milk" };
// The answer is the memory, typed.
export const read = (memory: Json<Create["responses"][201]>): string | null => memory.title;

// History events carry their data as an object of fields, not as an object that holds nothing.
type History = Json<paths["/api/v1/memories/{id}/history"]["get"]["responses"][200]>;
export const data: History["events"][number]["data"] = { title: "a", tags: ["x"] };

// Errors have one shape.
export const failure: components["schemas"]["Error"] = { error: { code: "VALIDATION_FAILED", message: "x" } };
`,
    );
    const program = ts.createProgram([path.join(folder, "usage.ts")], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      allowImportingTsExtensions: true,
      skipLibCheck: false,
      types: [],
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    expect(problems).to.deep.equal([]);
  });
});
