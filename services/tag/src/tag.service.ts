import type { Context, ServiceBroker, ServiceSchema } from "moleculer";
import { type CallMeta, type Tag } from "@second-brain/contracts";
import {
  callInfoOf,
  callerOf,
  appErrorsMixin,
  createLogger,
  readModelAdminMixin,
} from "@second-brain/platform";
import { brokerMemoryCommands } from "./adapters/broker-memory-commands.ts";
import { startOperationSupervisor, type OperationSupervisor } from "./application/operation-supervisor.ts";
import { tagNameOf } from "./application/style-tag.ts";
import { updateTag, type UpdateTagRequest } from "./application/update-tag.ts";
import type { MemoryCommands, TagDeps } from "./application/deps.ts";
import { startTagOperation, type TagOperationResult } from "./application/tag-operation-runner.ts";
import { startTagsReadModel, type TagsReadModel } from "./read-model/tags.read-model.ts";
import { listTags } from "./read-model/tags.queries.ts";
import { tagSchemas } from "@second-brain/contracts/schemas";

export interface TagServiceDeps extends Omit<TagDeps, "memories"> {
  now?: () => Date;
  /** The memory commands; by default the memory service over this service's broker. */
  memories?: MemoryCommands;
  /** How long a rename or merge request waits for the operation before answering "running". */
  waitMs?: number;
  resumeIntervalMs?: number;
}

type Ctx<Params> = Context<Params, CallMeta>;

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
    const operationId = await startTagOperation(deps, callInfoOf(ctx), kind, from, into, now());
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
    mixins: [appErrorsMixin, readModelAdminMixin(() => readModel)],
    actions: {
      list: {
        params: tagSchemas.TagListParams,
        handler: (ctx: Ctx<Record<string, never>>): Promise<Tag[]> =>
          listTags(ready().deps.pool, callerOf(ctx).userId),
      },
      update: {
        params: tagSchemas.UpdateTagParams,
        handler: (ctx: Ctx<UpdateTagRequest>) =>
          updateTag(ready().deps, callInfoOf(ctx), ctx.params, now(), (from, into) =>
            retag(ctx, "rename", from, into),
          ),
      },
      merge: {
        params: tagSchemas.MergeTagParams,
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
    async started(this: { broker: ServiceBroker }) {
      deps = {
        store: serviceDeps.store,
        pool: serviceDeps.pool,
        keyring: serviceDeps.keyring,
        limits: serviceDeps.limits,
        memories: serviceDeps.memories ?? brokerMemoryCommands(this.broker),
      };
      readModel = await startTagsReadModel({ ...deps, logger });
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
