export { sessionService, toSession, type SessionServiceDeps } from "./session.service.ts";
export { sessionDecider, type SessionCommand } from "./domain/decide.ts";
export {
  evolveSession,
  foldSession,
  initialSessionState,
  type SessionFields,
  type SessionState,
} from "./domain/session.ts";
export { handleSessionCommand, readSession, sessionExists } from "./application/handle-command.ts";
export { sessionHandler, type SessionDeps } from "./application/session-stream.ts";
export { applySessionEvents, prefetchSessionKeys } from "./read-model/sessions.apply.ts";
export { evolveSessionMemory, evolveSessionRow } from "./read-model/sessions.evolve.ts";
export { migrateSessionsReadModel } from "./migrations/index.ts";
export { SESSIONS_CHECKPOINT } from "./read-model/sessions.read-model.ts";
export { startSessionsReadModel } from "./read-model/sessions.read-model.ts";
export { listSessions, sessionMemoryIds } from "./read-model/sessions.queries.ts";
