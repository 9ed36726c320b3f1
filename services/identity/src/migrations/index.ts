import type { Migration } from "@second-brain/platform";
import { createUsers } from "./2026_01_01_000_create_users.ts";
import { addSignInSessions } from "./2026_12_03_0001_add_sign_in_sessions.ts";
import { createApiKeys } from "./2026_12_03_0002_create_api_keys.ts";

/** The identity service's own tables (component "identity"). */
export const identityMigrations: Migration[] = [createUsers, addSignInSessions, createApiKeys];
