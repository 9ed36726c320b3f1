import type { Context, ServiceSchema } from "moleculer";
import {
  DEFAULT_QUOTAS,
  PreconditionRequiredError,
  ValidationError,
  memoryStreamId,
  type AttachmentRef,
  type CallMeta,
  type Caller,
  type Limits,
  type Memory,
  type MemoryUsage,
  type Quotas,
} from "@second-brain/contracts";
import type { EventStore } from "@second-brain/event-store";
import {
  callInfoOf,
  callerOf,
  appErrorsMixin,
  createLogger,
  optionalCall,
  type Keyring,
} from "@second-brain/platform";
import { createMemory, type CreateMemoryBody } from "./application/create-memory.ts";
import type { MemoryDeps, UsageOf } from "./application/deps.ts";
import { usageCache } from "./application/usage-cache.ts";
import { handleCommand, type HandleOptions } from "./application/handle-command.ts";
import { linkMemory } from "./application/link-memory.ts";
import { readAsOf, readCurrent, readHistory, type MemoryHistory } from "./application/read-history.ts";
import type { EditMemory, MemoryCommand } from "./domain/decide.ts";
import { memorySchemas } from "@second-brain/contracts/schemas";

export interface MemoryServiceDeps {
  store: EventStore;
  keyring: Keyring;
  limits: Limits;
  /** Absent: DEFAULT_QUOTAS. */
  quotas?: Quotas;
  now?: () => Date;
}

type Ctx<Params> = Context<Params, CallMeta>;
type IdParams = { id: string };

/** How long a write's answer waits for its memory's attachments before answering without them. */
const ATTACHMENTS_TIMEOUT_MS = 2_000;
/** How long a write waits for the owner's usage before going ahead without the per-user quotas. */
const USAGE_TIMEOUT_MS = 2_000;

/**
 * The memory write side on the broker: params → command → application → result. Rules live in
 * the domain; the error hook of appErrorsMixin turns AppErrors into Moleculer errors.
 */
export function memoryService(serviceDeps: MemoryServiceDeps): ServiceSchema {
  const deps: MemoryDeps = {
    store: serviceDeps.store,
    keyring: serviceDeps.keyring,
    limits: serviceDeps.limits,
    quotas: serviceDeps.quotas ?? DEFAULT_QUOTAS,
  };
  const quotas = serviceDeps.quotas ?? DEFAULT_QUOTAS;
  const now = serviceDeps.now ?? (() => new Date());
  const logger = createLogger("memory");

  /**
   * The memory as GET shows it, attachments included: they are streams of their own, which the
   * attachment service keeps. The write is done by now, so an attachment service that cannot
   * answer does not turn it into a failure (a retry would only repeat it): the answer then lists
   * no attachments, and GET still shows them.
   */
  const withAttachments = async (ctx: Ctx<unknown>, memory: Memory): Promise<Memory> => {
    const attachments = await optionalCall<AttachmentRef[]>(
      ctx,
      "attachment.ofMemory",
      { memoryId: memory.id },
      {
        caller: callerOf(ctx),
        timeoutMs: ATTACHMENTS_TIMEOUT_MS,
        logger,
        warning: "cannot list the memory's attachments; answering without them",
      },
    );
    return attachments ? { ...memory, attachments } : memory;
  };

  /**
   * The caller's usage as the memories read model counts it (reused briefly far from the limits:
   * application/usage-cache.ts). A write never depends on the read side being up: when it cannot
   * answer, the write goes ahead unchecked (API.md, Quotas).
   */
  const usage = usageCache(quotas);
  const usageOf = (ctx: Ctx<unknown>): UsageOf =>
    usage.reuse(async (caller) => {
      if (quotas.memories === 0 && quotas.storedBytes === 0) return undefined;
      return optionalCall<MemoryUsage>(
        ctx,
        "memory-views.usage",
        {},
        {
          caller,
          timeoutMs: USAGE_TIMEOUT_MS,
          logger,
          warning: "cannot read the owner's usage; writing without the per-user quotas",
        },
      );
    });

  /**
   * Runs a command on an existing memory; If-Match is required for edits and optional otherwise.
   * The owner's kept usage is read afresh after it: an edit or a deletion changes the counts.
   */
  const run = async (ctx: Ctx<IdParams>, command: MemoryCommand, ifMatch: "required" | "optional") => {
    const memory = await handleCommand(
      deps,
      memoryStreamId(ctx.params.id),
      command,
      handleOptions(ctx, ifMatch),
    );
    usage.forget(callerOf(ctx).userId);
    return withAttachments(ctx, memory);
  };

  return {
    name: "memory",
    mixins: [appErrorsMixin],
    actions: {
      create: {
        params: memorySchemas.CreateMemoryParams,
        handler: async (ctx: Ctx<CreateMemoryBody>): Promise<Memory> => {
          const idempotencyKey = ctx.meta.idempotencyKey;
          // Asked of the session service as the caller, so only the caller's sessions count.
          const sessionExists = (caller: Caller, id: string) =>
            ctx.call<boolean, { id: string }>("session.exists", { id }, { meta: { caller } });
          const { memory, retried } = await createMemory(
            { ...deps, sessionExists, usageOf: usageOf(ctx) },
            { ...ctx.params },
            {
              ...callInfoOf(ctx),
              now: now(),
              ...(idempotencyKey ? { idempotencyKey } : {}),
            },
          );
          if (!retried) usage.created(callerOf(ctx).userId, memory);
          // A new memory has no attachments yet; one an earlier attempt made may have some by now.
          return retried ? withAttachments(ctx, memory) : memory;
        },
      },
      edit: {
        params: memorySchemas.EditMemoryParams,
        handler: async (ctx: Ctx<EditMemory["data"] & IdParams>): Promise<Memory> => {
          const { id, ...changes } = ctx.params;
          // Only an edit that may grow the memory needs the owner's stored bytes.
          const grows =
            quotas.storedBytes > 0 && ["title", "content", "metadata"].some((field) => field in changes);
          const usage = grows ? await usageOf(ctx)(callerOf(ctx)) : undefined;
          return run(
            ctx,
            {
              type: "EditMemory",
              data: { ...changes, memoryId: id, ...(usage ? { usage } : {}) },
              metadata: { now: now() },
            },
            "required",
          );
        },
      },
      setTags: {
        params: memorySchemas.SetTagsParams,
        handler: (ctx: Ctx<IdParams & { tags: string[] }>): Promise<Memory> =>
          run(
            ctx,
            {
              type: "SetTags",
              data: { memoryId: ctx.params.id, tags: ctx.params.tags },
              metadata: { now: now() },
            },
            "optional",
          ),
      },
      link: {
        params: memorySchemas.LinkParams,
        handler: async (ctx: Ctx<IdParams & { targetId: string; type: string }>): Promise<Memory> =>
          withAttachments(
            ctx,
            await linkMemory(
              deps,
              {
                type: "LinkMemory",
                data: { memoryId: ctx.params.id, targetId: ctx.params.targetId, linkType: ctx.params.type },
                metadata: { now: now() },
              },
              handleOptions(ctx, "optional"),
            ),
          ),
      },
      archive: {
        params: memorySchemas.MemoryIdParams,
        handler: (ctx: Ctx<IdParams>): Promise<Memory> =>
          run(
            ctx,
            { type: "ArchiveMemory", data: { memoryId: ctx.params.id }, metadata: { now: now() } },
            "optional",
          ),
      },
      restore: {
        params: memorySchemas.MemoryIdParams,
        handler: (ctx: Ctx<IdParams>): Promise<Memory> =>
          run(
            ctx,
            { type: "RestoreMemory", data: { memoryId: ctx.params.id }, metadata: { now: now() } },
            "optional",
          ),
      },
      delete: {
        params: memorySchemas.MemoryIdParams,
        handler: async (ctx: Ctx<IdParams>): Promise<{ id: string; version: number }> => {
          const command: MemoryCommand = {
            type: "DeleteMemory",
            data: { memoryId: ctx.params.id },
            metadata: { now: now() },
          };
          const deleted = await handleCommand(
            deps,
            memoryStreamId(ctx.params.id),
            command,
            handleOptions(ctx, "optional"),
          );
          usage.forget(callerOf(ctx).userId);
          return { id: deleted.id, version: deleted.version };
        },
      },
      get: {
        params: memorySchemas.MemoryIdParams,
        handler: (ctx: Ctx<IdParams>): Promise<Memory> => readCurrent(deps, callerOf(ctx), ctx.params.id),
      },
      history: {
        params: memorySchemas.MemoryIdParams,
        handler: (ctx: Ctx<IdParams>): Promise<MemoryHistory> =>
          readHistory(deps, callerOf(ctx), ctx.params.id),
      },
      getAsOf: {
        params: memorySchemas.AsOfParams,
        handler: (ctx: Ctx<IdParams & { asOf: string }>): Promise<Memory> =>
          readAsOf(deps, callerOf(ctx), ctx.params.id, parseTime("asOf", ctx.params.asOf)),
      },
    },
  };
}

function handleOptions(ctx: Ctx<unknown>, ifMatch: "required" | "optional"): HandleOptions {
  const info = callInfoOf(ctx);
  const expectedVersion = parseIfMatch(ctx.meta.ifMatch);
  if (expectedVersion === undefined && ifMatch === "required") throw new PreconditionRequiredError();
  return expectedVersion === undefined ? info : { ...info, expectedVersion };
}

/** The gateway sends If-Match as a number; a digit string is accepted too. */
function parseIfMatch(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const version = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof version === "number" && Number.isSafeInteger(version) && version >= 0) return version;
  throw new ValidationError("The If-Match header is not a version.", [
    { field: "If-Match", message: "If-Match must be the memory's version, a whole number" },
  ]);
}

function parseTime(field: string, text: string): Date {
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) {
    throw new ValidationError("The time is not valid.", [
      { field, message: `${field} must be an ISO-8601 time` },
    ]);
  }
  return time;
}
