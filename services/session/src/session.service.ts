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

  /** Runs the command `type` with `data`, made now, and answers with the session it leaves. */
  const run = async <T extends SessionCommand["type"]>(
    ctx: Ctx<unknown>,
    type: T,
    data: Extract<SessionCommand, { type: T }>["data"],
  ): Promise<Session> => {
    const command = { type, data, metadata: { now: now() } } as SessionCommand;
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
          run(ctx, "StartSession", {
            // Derived from the command, so a retried start finds the session it made.
            sessionId: derivedId(commandIdOf(ctx), "session"),
            title: ctx.params.title,
            context: ctx.params.context,
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
          run(ctx, "AddMessage", {
            sessionId: ctx.params.id,
            messageId: derivedId(commandIdOf(ctx), "message"),
            role: ctx.params.role,
            content: ctx.params.content,
          }),
      },
      update: {
        params: sessionSchemas.UpdateSessionParams,
        handler: (ctx: Ctx<IdParams & { title?: string | null; context?: object }>) => {
          const { id, ...changes } = ctx.params;
          return run(ctx, "UpdateSession", { sessionId: id, ...changes });
        },
      },
      close: {
        params: sessionSchemas.SessionIdParams,
        handler: (ctx: Ctx<IdParams>) => run(ctx, "CloseSession", { sessionId: ctx.params.id }),
      },
      reopen: {
        params: sessionSchemas.SessionIdParams,
        handler: (ctx: Ctx<IdParams>) => run(ctx, "ReopenSession", { sessionId: ctx.params.id }),
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
