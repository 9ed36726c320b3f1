import { inTransaction, type SqlPool } from "@second-brain/platform";
import { normalizeEmail } from "../domain/email.ts";
import { deleteBootstrapToken } from "../adapters/session-store.ts";

/**
 * An operator on the server makes an account admin (grant-admin.command.ts). The bootstrap token,
 * if one is outstanding, goes with it: an admin exists now. The account's access tokens keep the
 * role they were issued with until they are refreshed.
 */
export async function grantAdmin(pool: SqlPool, email: string): Promise<{ userId: string } | undefined> {
  return inTransaction(pool, async (client) => {
    const updated = await client.query<{ id: string }>(
      "UPDATE users SET role = 'admin' WHERE email = $1 RETURNING id",
      [normalizeEmail(email)],
    );
    const row = updated.rows[0];
    if (row) await deleteBootstrapToken(client);
    return row && { userId: row.id };
  });
}
