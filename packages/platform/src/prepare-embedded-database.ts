// Run by `pnpm install` (the root package's postinstall): builds the empty database that new
// embedded databases start from (pglite-template.ts), so that the first `pnpm start` does not have
// to. Never fails the install: without the copy, the first start builds it, or runs initdb itself.
// Skipped where SB_MODE=distributed (the container image sets it before installing): no process
// there opens an embedded database.
import { emptyDatabaseTemplate, templatePath } from "./pglite-template.ts";

if (process.env.SB_MODE !== "distributed") {
  const ready = await emptyDatabaseTemplate().catch(() => undefined);
  console.log(
    ready
      ? `Second Brain: new embedded databases start from ${await templatePath()}`
      : "Second Brain: could not keep an empty-database copy in the cache folder; the first start will build one.",
  );
}
