import { loadConfig, runMigrations } from "@second-brain/platform";
import { openResources } from "@second-brain/runtime";
import { grantAdmin } from "./application/grant-admin.ts";
import { identityMigrations } from "./migrations/index.ts";

// An operator's command, run on the server with the deployment's configuration:
//   node services/identity/src/grant-admin.command.ts <email>
// It opens the same database the services use; in the embedded mode the server must be stopped
// first (one process per data folder).
const email = process.argv[2];
if (!email) {
  console.error("usage: node services/identity/src/grant-admin.command.ts <email>");
  process.exit(2);
}
const resources = await openResources(loadConfig());
try {
  await runMigrations(resources.pool, "identity", identityMigrations);
  const granted = await grantAdmin(resources.pool, email);
  if (!granted) {
    console.error(`No account has the email ${email}.`);
    process.exitCode = 1;
  } else {
    console.log(
      `${email} is now admin (user ${granted.userId}); its next login or token refresh carries the role.`,
    );
  }
} finally {
  await resources.close();
}
