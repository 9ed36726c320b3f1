import type { Migration } from "@second-brain/platform";
import { createUsers } from "./2026_01_01_000_create_users.ts";
import { createApiKeys } from "./2026_12_03_0001_create_api_keys.ts";

/** The identity service's own tables (component "identity"). */
export const identityMigrations: Migration[] = [createUsers, createApiKeys];
