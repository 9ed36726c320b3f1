import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import ApiGateway from "moleculer-web";
import { loadConfig } from "@second-brain/platform";
import { gatewayService } from "../src/index.ts";
import { inProcessSessionRevocations } from "@second-brain/auth";

const SOURCE = path.join(import.meta.dirname, "../src");

/**
 * moleculer-web's internals: its request pipeline (replaced or re-run), the endpoint it resolved,
 * its alias and route tables, and the context's `call` (patched per request). The gateway uses
 * what moleculer-web documents (routes, aliases with handler functions, onError, middleware mode).
 */
const INTERNALS =
  /\bhttpHandler\b|\bresolveAlias\b|\baliasHandler\b|\brouteHandler\b|\bcallAction\b|\bsendResponse\b|\$endpoint|\$action\b|this\.aliases\b|this\.routes\b|\.call\s*=[^=]|moleculer-web\/src/;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(path.join(folder, entry.name))
      : entry.name.endsWith(".ts")
        ? [path.join(folder, entry.name)]
        : [],
  );
}

describe("the gateway on moleculer-web's public API", () => {
  it("overrides none of moleculer-web's methods", () => {
    const schema = gatewayService({
      config: { ...loadConfig({}), port: 0 },
      jwtSecret: "x".repeat(43),
      revocations: inProcessSessionRevocations(),
    });
    const own = Object.keys(schema.methods ?? {});
    const theirs = Object.keys((ApiGateway as unknown as { methods: object }).methods);
    expect(theirs).to.include.members(["httpHandler", "resolveAlias", "errorHandler"]);
    expect(own.filter((name) => theirs.includes(name))).to.deep.equal([]);
  });

  it("reaches into none of its internals anywhere in gateway/src", () => {
    const files = sourceFiles(SOURCE);
    expect(files.length).to.be.greaterThan(10);
    const offending = files.flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .map((line, index) => ({ line, where: `${path.relative(SOURCE, file)}:${index + 1}` }))
        .filter(({ line }) => INTERNALS.test(line))
        .map(({ line, where }) => `${where}: ${line.trim()}`),
    );
    expect(offending).to.deep.equal([]);
    // The pattern itself catches what the gateway used to do.
    for (const line of [
      "req.$endpoint = endpoint;",
      "const found = this.resolveAlias(url, method);",
      "httpHandler(req, res, next) {",
      "ctx.call = async (action) => {};",
    ])
      expect(line).to.match(INTERNALS);
  });
});
