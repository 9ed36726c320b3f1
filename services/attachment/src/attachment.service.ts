import { attachmentSchemas } from "@second-brain/contracts/schemas";
import type { Context, ServiceSchema } from "moleculer";
import { type AttachmentRef, type CallMeta, type Caller } from "@second-brain/contracts";
import {
  callInfoOf,
  callerOf,
  appErrorsMixin,
  createLogger,
  readModelAdminMixin,
} from "@second-brain/platform";
import type { AttachmentDeps } from "./application/deps.ts";
import type { RunningProjection } from "@second-brain/projection";
import { followLog } from "./application/follow-log.ts";
import { attachmentsOfMemory } from "./application/list-attachments.ts";
import { deleteAttachment, downloadAttachment } from "./application/read-attachment.ts";
import {
  checkUploadTarget,
  uploadAttachment,
  type AttachmentView,
  type UploadInput,
} from "./application/upload-attachment.ts";

export interface AttachmentServiceOptions {
  deps: Omit<AttachmentDeps, "memoryExists">;
  /** Runs migrations and the like before the actions are served. */
  prepare?: () => Promise<void>;
  logLevel?: string;
  now?: () => Date;
}

type Meta = CallMeta & { $responseType?: string; $responseHeaders?: Record<string, string> };
type Ctx<Params> = Context<Params, Meta>;

/**
 * Attachments on the broker. The gateway streams an upload's bytes straight into the object store
 * (under `<ownerId>/staging/<uuid>`) and calls `upload` with the facts only: no file ever crosses
 * the broker, and a slow client is not bounded by the request timeout.
 */
export function attachmentService(options: AttachmentServiceOptions): ServiceSchema {
  const logger = createLogger("attachment", options.logLevel);
  const now = options.now ?? (() => new Date());
  let follower: RunningProjection | undefined;

  const depsFor = (ctx: Ctx<unknown>): AttachmentDeps => ({
    ...options.deps,
    memoryExists: async (caller: Caller, memoryId: string) => {
      try {
        await ctx.call("memory.get", { id: memoryId }, { meta: { caller } });
        return true;
      } catch (error) {
        if ((error as { code?: unknown }).code === 404) return false;
        throw error;
      }
    },
  });

  return {
    name: "attachment",
    mixins: [appErrorsMixin, readModelAdminMixin(() => follower ?? null)],
    actions: {
      /**
       * Asked by the gateway before it reads an upload's body: 404 when the memory is not the
       * caller's, 403 when the declared file cannot fit in the caller's attachmentBytes quota.
       */
      checkUpload: {
        params: attachmentSchemas.CheckUploadParams,
        handler: async (ctx: Ctx<{ memoryId: string; fileBytesAtLeast?: number }>) => {
          const { memoryId, fileBytesAtLeast } = ctx.params;
          await checkUploadTarget(depsFor(ctx), callerOf(ctx), memoryId, fileBytesAtLeast);
          return { memoryId };
        },
      },
      /** The bytes of the caller's live attachments, for the quotas (API.md, Quotas). */
      usage: {
        params: { $$strict: true },
        handler: async (ctx: Ctx<Record<string, never>>): Promise<{ attachmentBytes: number }> => ({
          attachmentBytes: await options.deps.index.liveBytesOf(callerOf(ctx).userId),
        }),
      },
      upload: {
        params: attachmentSchemas.UploadParams,
        handler: (ctx: Ctx<UploadInput>): Promise<AttachmentView> =>
          uploadAttachment(depsFor(ctx), ctx.params, { ...callInfoOf(ctx), now: now() }),
      },
      download: {
        params: attachmentSchemas.AttachmentIdParams,
        handler: async (ctx: Ctx<{ id: string }>): Promise<NodeJS.ReadableStream> => {
          const download = await downloadAttachment(depsFor(ctx), callerOf(ctx), ctx.params.id);
          ctx.meta.$responseType = download.contentType;
          ctx.meta.$responseHeaders = download.headers;
          return download.body;
        },
      },
      delete: {
        params: attachmentSchemas.AttachmentIdParams,
        handler: async (ctx: Ctx<{ id: string }>): Promise<{ id: string }> => {
          await deleteAttachment(depsFor(ctx), ctx.params.id, callInfoOf(ctx), now());
          follower?.wake();
          return { id: ctx.params.id };
        },
      },
      /** For the memory service: a memory's live attachments, to answer its writes as GET would. */
      ofMemory: {
        params: { $$strict: true, memoryId: { type: "uuid" } },
        handler: (ctx: Ctx<{ memoryId: string }>): Promise<AttachmentRef[]> =>
          attachmentsOfMemory(options.deps, callerOf(ctx), ctx.params.memoryId),
      },
    },
    async started() {
      await options.prepare?.();
      follower = await followLog({ ...options.deps, memoryExists: async () => true }, logger);
    },
    async stopped() {
      await follower?.stop();
    },
  };
}
