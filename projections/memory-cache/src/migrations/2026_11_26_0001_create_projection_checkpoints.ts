import type { SqlClient } from "@second-brain/platform";
import { createCheckpointsTable } from "@second-brain/projection";

/**
 * The checkpoints table is shared by the projections of one database; whichever migrates first
 * creates it, so every projection creates it only if it is missing.
 */
export const createProjectionCheckpoints = {
  name: "2026_11_26_0001_create_projection_checkpoints",
  async up(client: SqlClient): Promise<void> {
    await createCheckpointsTable(client);
  },
  async down(client: SqlClient): Promise<void> {
    await client.query(`DELETE FROM projection_checkpoints WHERE name = 'cache'`);
  },
};
