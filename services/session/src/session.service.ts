import type { Context, ServiceSchema } from "moleculer";
import {
  DEFAULT_MESSAGE_PAGE_LIMIT,
  type CallMeta,
  type Session,
  type SessionMessagePage,
} from "@second-brain/contracts";
import {
  callInfoOf,
  callerOf,
  appErrorsMixin,
  commandIdOf,
  createLogger,
  derivedId,
  readModelAdminMixin,
  type SqlPool,
} from "@second-brain/platform";
import { handleSessionCommand, readSession, sessionExists } from "./application/handle-command.ts";
import { readMessagePage, type MessagePageRequest } from "./application/read-message-page.ts";
import type { SessionDeps } from "./application/session-stream.ts";
import { pageOf } from "./domain/message-pages.ts";
import type { SessionCommand } from "./domain/decide.ts";
import type { SessionFields } from "./domain/session.ts";
import { startSessionsReadModel, type SessionsReadModel } from "./read-model/sessions.read-model.ts";
import {
  listSessions,
  sessionMemoryIds,
  type ListSessionsOptions,
  type SessionPage,
} from "./read-model/sessions.queries.ts";
import { sessionSchemas } from "@second-brain/contracts/schemas";

export interface SessionServiceDeps extends SessionDeps {
  pool: SqlPool;
  now?: () => Date;
  /** Set false to serve without projecting (tests that drive the read model themselves). */
  project?: boolean;
}

type Ctx<Params> = Context<Params, CallMeta>;
type IdParams = { id: string };

/** Sessions on the broker: params → command → application; the read model answers lists. */
export function sessionService(deps: SessionServiceDeps): ServiceSchema {
  const now = deps.now ?? (() => new Date());
  const logger = createLogger("session");
  let readModel: SessionsReadModel | null = null;

  const run = async (ctx: Ctx<unknown>, command: SessionCommand): Promise<Session> => {
    const state = await handleSessionCommand(deps, command, callInfoOf(ctx));
    return toSession(state, await sessionMemoryIds(deps.pool, state.ownerId, state.id));
  };

  return {
    name: "session",
    mixins: [appErrorsMixin, readModelAdminMixin(() => readModel)],
    actions: {
      start: {
        params: sessionSchemas.StartSessionParams,
        handler: (ctx: Ctx<{ title?: string | null; context?: object }>) =>
          run(ctx, {
            type: "StartSession",
            // Derived from the command, so a retried start finds the session it made.
            data: {
              sessionId: derivedId(commandIdOf(ctx), "session"),
              title: ctx.params.title,
              context: ctx.params.context,
            },
            metadata: { now: now() },
          }),
      },
      list: {
        params: sessionSchemas.SessionListParams,
        handler: (ctx: Ctx<ListSessionsOptions>): Promise<SessionPage> =>
          listSessions(deps.pool, callerOf(ctx).userId, ctx.params),
      },
      get: {
        params: sessionSchemas.SessionIdParams,
        handler: async (ctx: Ctx<IdParams>): Promise<Session> => {
          const state = await readSession(deps, callerOf(ctx), ctx.params.id);
          return toSession(state, await sessionMemoryIds(deps.pool, state.ownerId, state.id));
        },
      },
      messages: {
        params: sessionSchemas.SessionMessagesParams,
        handler: (ctx: Ctx<IdParams & MessagePageRequest>): Promise<SessionMessagePage> => {
          const { id, ...request } = ctx.params;
          return readMessagePage(deps, callerOf(ctx), id, request);
        },
      },
      addMessage: {
        params: sessionSchemas.AddMessageParams,
        handler: (ctx: Ctx<IdParams & { role: string; content: string }>) =>
          run(ctx, {
            type: "AddMessage",
            data: {
              sessionId: ctx.params.id,
              messageId: derivedId(commandIdOf(ctx), "message"),
              role: ctx.params.role,
              content: ctx.params.content,
            },
            metadata: { now: now() },
          }),
      },
      update: {
        params: sessionSchemas.UpdateSessionParams,
        handler: (ctx: Ctx<IdParams & { title?: string | null; context?: object }>) => {
          const { id, ...changes } = ctx.params;
          return run(ctx, {
            type: "UpdateSession",
            data: { sessionId: id, ...changes },
            metadata: { now: now() },
          });
        },
      },
      close: {
        params: sessionSchemas.SessionIdParams,
        handler: (ctx: Ctx<IdParams>) =>
          run(ctx, { type: "CloseSession", data: { sessionId: ctx.params.id }, metadata: { now: now() } }),
      },
      reopen: {
        params: sessionSchemas.SessionIdParams,
        handler: (ctx: Ctx<IdParams>) =>
          run(ctx, { type: "ReopenSession", data: { sessionId: ctx.params.id }, metadata: { now: now() } }),
      },
      /** For other services: does `id` name one of the caller's sessions? */
      exists: {
        params: sessionSchemas.SessionIdParams,
        handler: (ctx: Ctx<IdParams>): Promise<boolean> => sessionExists(deps, callerOf(ctx), ctx.params.id),
      },
    },
    async started() {
      readModel = await startSessionsReadModel({ ...deps, logger, project: deps.project !== false });
    },
    async stopped() {
      await readModel?.stop();
      readModel = null;
    },
  };
}

/** The session's answer: its latest page of messages and a cursor to the ones before. */
export function toSession(state: SessionFields, memoryIds: string[]): Session {
  const latest = pageOf(state.messages, DEFAULT_MESSAGE_PAGE_LIMIT);
  return {
    id: state.id,
    version: state.version,
    title: state.title,
    context: state.context,
    status: state.status,
    messageCount: state.messages.length,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    messages: latest.items,
    messagesCursor: latest.nextCursor,
    memoryIds,
  };
}
