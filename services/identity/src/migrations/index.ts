import type { Migration } from "@second-brain/platform";
import { createUsers } from "./2026_01_01_000_create_users.ts";

/** The identity service's own tables (component "identity"). */
export const identityMigrations: Migration[] = [createUsers];
