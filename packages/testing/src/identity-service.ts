/**
 * The identity service for the gateway's tests: they register and log in through the real one
 * rather than a stand-in. Kept here, with the other harness code, so that no unit's tests import
 * another unit.
 */
export { identityService } from "@second-brain/identity-service";
