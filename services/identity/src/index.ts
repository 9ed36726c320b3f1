export { identityService, type IdentityServiceOptions } from "./identity.service.ts";
export { identityMigrations } from "./migrations/index.ts";
