import { sessionSchemas } from "@second-brain/contracts/schemas";

/** The session actions' params, declared once in packages/contracts/src/schemas/session.ts. */
export const startParams = sessionSchemas.StartSessionParams;
export const listParams = sessionSchemas.SessionListParams;
export const idParams = sessionSchemas.SessionIdParams;
export const addMessageParams = sessionSchemas.AddMessageParams;
export const updateParams = sessionSchemas.UpdateSessionParams;
