import { globSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { ESLint } from "eslint";
import { REPO_ROOT } from "@second-brain/launcher";

// The layout every unit keeps (docs/ARCHITECTURE.md, "Inside a unit"): its entry points at the top
// of src/, everything else in the folders named for what it is.
const UNIT_FOLDERS = ["services/*", "projections/*", "gateway"];
// An operator's command run on the server (grant-admin.command.ts) is an entry point too.
const TOP_LEVEL_FILES = /^(main|compose|index)\.ts$|^[a-z0-9-]+\.(service|command)\.ts$/;
const LAYERS = ["domain", "application", "adapters", "read-model", "migrations"];
// kebab-case, with at most one role after a dot (memories.apply.ts, tag.service.ts); a migration
// is named for when and what (2026_12_03_0001_add_status_before_archive.ts).
const FILE_NAME = /^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z]+(-[a-z]+)*)?\.ts$/;
const MIGRATION_NAME = /^(\d{4}_\d{2}_\d{2}_\d{3,4}_[a-z0-9_]+|index)\.ts$/;

const units = globSync(UNIT_FOLDERS, { cwd: REPO_ROOT }).filter((unit) =>
  statSync(path.join(REPO_ROOT, unit, "package.json"), { throwIfNoEntry: false }),
);
const filesUnder = (folder: string): string[] =>
  globSync("**/*.ts", { cwd: path.join(REPO_ROOT, folder) }).map((file) => path.join(folder, file));

describe("code layout", () => {
  it("finds every unit", () => {
    expect(units).to.include.members(["services/memory", "projections/memory-views", "gateway"]);
    expect(units).to.have.length.greaterThanOrEqual(10);
  });

  for (const unit of units) {
    it(`${unit} keeps the one layout: entry points on top, the rest in domain/, application/, adapters/, read-model/, migrations/`, () => {
      const src = path.join(REPO_ROOT, unit, "src");
      const misplaced = readdirSync(src, { withFileTypes: true })
        .filter((entry) =>
          entry.isDirectory() ? !LAYERS.includes(entry.name) : !TOP_LEVEL_FILES.test(entry.name),
        )
        .map((entry) => entry.name);
      expect(misplaced, "not in the layout").to.deep.equal([]);
      expect(readdirSync(src), "an entry point").to.include.members(["main.ts", "compose.ts", "index.ts"]);
    });

    it(`${unit} names its files one way`, () => {
      const badlyNamed = [
        ...filesUnder(path.join(unit, "src")),
        ...filesUnder(path.join(unit, "test")),
      ].filter((file) => {
        const name = path.basename(file);
        if (file.includes(`${path.sep}migrations${path.sep}`)) return !MIGRATION_NAME.test(name);
        return !FILE_NAME.test(name.replace(/\.(unit|int|e2e)\.spec\.ts$/, ".ts"));
      });
      expect(badlyNamed).to.deep.equal([]);
    });
  }
});

describe("import boundaries", function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: REPO_ROOT });
  const packageName = (unit: string): string =>
    JSON.parse(readFileSync(path.join(REPO_ROOT, unit, "package.json"), "utf8")).name;
  const problemsOf = async (code: string, filePath: string) => {
    const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, filePath) });
    return result!.messages.filter((message) => message.ruleId === "no-restricted-imports");
  };

  it("refuses, in every unit, an import of any other unit by its package name", async () => {
    for (const unit of units) {
      for (const other of units.filter((candidate) => candidate !== unit)) {
        const code = `import "${packageName(other)}";\n`;
        const problems = await problemsOf(code, `${unit}/src/application/probe.ts`);
        expect(problems, `${unit} importing ${other}`).to.have.length(1);
      }
    }
  });

  it("refuses a relative path out of the unit, and a unit imported from packages/", async () => {
    expect(
      await problemsOf(`import "../../../other/src/index.ts";\n`, "services/memory/src/domain/probe.ts"),
    ).to.have.length(1);
    expect(
      await problemsOf(`import "${packageName("services/memory")}";\n`, "packages/platform/src/probe.ts"),
    ).to.have.length(1);
  });

  it("lets a unit import packages/ and its own files", async () => {
    const code = `import "@second-brain/contracts";\nimport "../domain/decide.ts";\n`;
    expect(await problemsOf(code, "services/memory/src/application/probe.ts")).to.deep.equal([]);
  });
});
