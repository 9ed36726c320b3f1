import type { Context, ServiceBroker, ServiceSchema } from "moleculer";
import {
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
  type CallMeta,
  type Caller,
  type Tag,
} from "@second-brain/contracts";
import { appErrorsMixin, createLogger } from "@second-brain/platform";
import { brokerMemoryCommands } from "./adapters/broker-memory-commands.ts";
import { startOperationSupervisor, type OperationSupervisor } from "./application/operation-supervisor.ts";
import { styleTag, tagNameOf } from "./application/style-tag.ts";
import type { MemoryCommands, TagDeps, TagRequestInfo } from "./application/tag-deps.ts";
import { startTagOperation, type TagOperationResult } from "./application/tag-operation-runner.ts";
import { startTagsReadModel, type TagsReadModel } from "./read-model/tags.read-model.ts";
import { ancestorsOf, findTag, listTags } from "./read-model/tags.queries.ts";
import { checkStyling } from "./domain/tag-rules.ts";
import { listParams, mergeParams, updateParams } from "./tag-params.ts";

export interface TagServiceDeps extends Omit<TagDeps, "memories"> {
  now?: () => Date;
  /** The memory commands; by default the memory service over this service's broker. */
  memories?: MemoryCommands;
  /** How long a rename or merge request waits for the operation before answering "running". */
  waitMs?: number;
  resumeIntervalMs?: number;
}

type Ctx<Params> = Context<Params, CallMeta>;
type UpdateParams = { tag: string; name?: string; color?: string | null; parent?: string | null };

/** A rename answers within the broker's request timeout (10 s); longer ones finish in the background. */
const DEFAULT_WAIT_MS = 7_000;

/** Tags on the broker: counts from the read model, settings and re-tagging as commands. */
export function tagService(serviceDeps: TagServiceDeps): ServiceSchema {
  const now = serviceDeps.now ?? (() => new Date());
  const logger = createLogger("tag");
  let deps: TagDeps | null = null;
  let readModel: TagsReadModel | null = null;
  let supervisor: OperationSupervisor | null = null;

  const ready = (): { deps: TagDeps; supervisor: OperationSupervisor } => {
    if (!deps || !supervisor) throw new Error("The tag service is not started.");
    return { deps, supervisor };
  };

  /** Starts a rename or merge and waits for it a while; it always finishes, answered or not. */
  const retag = async (ctx: Ctx<unknown>, kind: "rename" | "merge", from: string, into: string) => {
    const { deps, supervisor } = ready();
    const operationId = await startTagOperation(deps, requestInfo(ctx), kind, from, into, now());
    let progress: TagOperationResult | null = null;
    const finished = supervisor.run(operationId, (p) => (progress = p));
    const waited = await Promise.race([
      finished.then(
        (result) => result,
        () => null,
      ),
      new Promise<null>((resolve) =>
        setTimeout(() => resolve(null), serviceDeps.waitMs ?? DEFAULT_WAIT_MS).unref(),
      ),
    ]);
    return (
      waited ?? progress ?? { id: operationId, kind, from, into, status: "running", total: 0, retagged: 0 }
    );
  };

  return {
    name: "tag",
    mixins: [appErrorsMixin],
    actions: {
      list: {
        params: listParams,
        handler: (ctx: Ctx<Record<string, never>>): Promise<Tag[]> =>
          listTags(ready().deps.pool, callerOf(ctx).userId),
      },
      update: {
        params: updateParams,
        handler: async (ctx: Ctx<UpdateParams>) => {
          const { deps } = ready();
          const from = tagNameOf(ctx.params.tag, "name", deps);
          const into = ctx.params.name === undefined ? from : tagNameOf(ctx.params.name, "name", deps);
          const styling = { ...pick(ctx.params, "color"), ...pick(ctx.params, "parent") };
          const parent = typeof styling.parent === "string" ? styling.parent.trim().toLowerCase() : null;
          const ancestors = parent ? await ancestorsOf(deps.pool, callerOf(ctx).userId, parent) : [];
          const problems = checkStyling(into, styling, ancestors, deps.limits);
          if (problems.length > 0) throw new ValidationError("The tag is not valid.", problems);
          let operation: TagOperationResult | undefined;
          if (into !== from) operation = await retag(ctx, "rename", from, into);
          if (Object.keys(styling).length === 0) {
            const tag = await findTag(deps.pool, callerOf(ctx).userId, into);
            if (!tag && !operation) throw new NotFoundError("Tag");
            return { ...(tag ?? { name: into, count: 0 }), ...(operation ? { operation } : {}) };
          }
          const known = operation !== undefined;
          const tag = await styleTag(deps, requestInfo(ctx), into, styling, now(), known);
          return { ...tag, ...(operation ? { operation } : {}) };
        },
      },
      merge: {
        params: mergeParams,
        handler: (ctx: Ctx<{ tag: string; into: string }>) => {
          const { deps } = ready();
          return retag(
            ctx,
            "merge",
            tagNameOf(ctx.params.tag, "name", deps),
            tagNameOf(ctx.params.into, "into", deps),
          );
        },
      },
    },
    events: {
      "log.appended": { handler: () => readModel?.wake() },
    },
    async started(this: { broker: ServiceBroker }) {
      deps = {
        store: serviceDeps.store,
        pool: serviceDeps.pool,
        limits: serviceDeps.limits,
        memories: serviceDeps.memories ?? brokerMemoryCommands(this.broker),
      };
      readModel = await startTagsReadModel({ pool: deps.pool, store: deps.store, logger });
      supervisor = startOperationSupervisor(deps, now, logger, serviceDeps.resumeIntervalMs);
    },
    async stopped() {
      await supervisor?.stop();
      await readModel?.stop();
      supervisor = null;
      readModel = null;
    },
  };
}

function pick<T extends object, K extends keyof T>(object: T, key: K): Partial<Pick<T, K>> {
  return object[key] === undefined ? {} : ({ [key]: object[key] } as Partial<Pick<T, K>>);
}

function callerOf(ctx: Ctx<unknown>): Caller {
  const caller = ctx.meta.caller;
  if (!caller || typeof caller.userId !== "string" || caller.userId === "") throw new UnauthenticatedError();
  return caller;
}

function requestInfo(ctx: Ctx<unknown>): TagRequestInfo {
  return {
    caller: callerOf(ctx),
    correlationId: ctx.requestID ?? ctx.meta.requestId ?? ctx.id,
    commandId: ctx.id,
  };
}
