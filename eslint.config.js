// One lint set-up for the whole workspace: ESLint's and typescript-eslint's recommended rules.
// Formatting is prettier's job, so no stylistic rules here.
import { globSync, readFileSync } from "node:fs";
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Units (each service, projection and the gateway) meet only on the broker and in the log
// (docs/ARCHITECTURE.md): none imports another unit's code, by package name or by a relative path
// out of its own folder; what they share lives in packages/. Packages import no unit either, so
// shared code never depends on a unit. Tests follow the same rule: their own unit and packages/*.
// Units sit two folders below the root (services/<name>/) or one (gateway/).
const unitFolders = ["services/*", "projections/*", "gateway"];
// The units' package names, read from their package.json files so that a renamed unit stays covered.
const unitPackages = globSync(unitFolders.map((unit) => `${unit}/package.json`)).map(
  (file) => JSON.parse(readFileSync(file, "utf8")).name,
);
const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
const OTHER_UNITS = {
  regex: `^(${unitPackages.map(escapeRegex).join("|")})(/.*)?$`,
  message: "Units share code only through packages/ (docs/ARCHITECTURE.md).",
};
// A file `depth` folders into its unit leaves it with depth + 1 steps up.
const restrictImports = (patterns) => ({ "no-restricted-imports": ["error", { patterns }] });
const importBoundaries = [
  ...[1, 2, 3, 4, 5].map((depth) => ({
    files: unitFolders.map((unit) => `${unit}/${"*/".repeat(depth)}*.ts`),
    rules: restrictImports([
      OTHER_UNITS,
      {
        regex: `^(\\.\\./){${depth + 1},}`,
        message: "Import another unit or package by its package name, not by a path out of this unit.",
      },
    ]),
  })),
  { files: ["packages/**/*.ts"], rules: restrictImports([OTHER_UNITS]) },
];

export default tseslint.config(
  { ignores: ["**/node_modules/**", "data/**", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Unused arguments named with a leading underscore are deliberate (e.g. Moleculer hook signatures).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  ...importBoundaries,
  {
    // The exceptions. embedded.ts is the composition root of the embedded mode: it puts every unit
    // on one broker. The test harness in packages/testing (like stack.ts) hands tests the one other
    // unit they run against: search-read-model.ts the search projection for the search service's
    // tests, identity-service.ts the real identity service that answers the gateway test's logins.
    files: [
      "packages/launcher/src/embedded.ts",
      "packages/testing/src/search-read-model.ts",
      "packages/testing/src/identity-service.ts",
    ],
    rules: { "no-restricted-imports": "off" },
  },
  {
    // Tests read JSON answers loosely and use chai's property assertions (`.to.be.true`).
    files: ["**/test/**/*.ts", "tests/src/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-expressions": "off",
    },
  },
);
