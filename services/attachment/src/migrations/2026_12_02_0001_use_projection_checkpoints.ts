import type { Migration } from "@second-brain/platform";
import { createCheckpointsTable } from "@second-brain/projection";

export const useProjectionCheckpoints: Migration = {
  // The log follower moved onto the shared projection consumer and its checkpoints table.
  name: "2026_12_02_0001_use_projection_checkpoints",
  up: async (client) => {
    await createCheckpointsTable(client);
    await client.query("DROP TABLE attachment_checkpoints");
  },
  down: async (client) => {
    await client.query("CREATE TABLE attachment_checkpoints (name text PRIMARY KEY, position text NOT NULL)");
  },
};
