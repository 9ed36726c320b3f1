import type { Context, ServiceSchema } from "moleculer";
import { UnauthenticatedError, ValidationError, type CallMeta, type Caller } from "@second-brain/contracts";
import { appErrorsMixin, createLogger } from "@second-brain/platform";
import type { AttachmentDeps, RequestInfo } from "./application/deps.ts";
import { followLog, type LogFollower } from "./application/follow-log.ts";
import { deleteAttachment, downloadAttachment } from "./application/read-attachment.ts";
import { uploadAttachment, type AttachmentView } from "./application/upload-attachment.ts";

export interface AttachmentServiceOptions {
  deps: Omit<AttachmentDeps, "memoryExists">;
  /** Runs migrations and the like before the actions are served. */
  prepare?: () => Promise<void>;
  logLevel?: string;
  now?: () => Date;
}

type Meta = CallMeta & { $responseType?: string; $responseHeaders?: Record<string, string> };
type Ctx<Params> = Context<Params, Meta>;

/** Params of the upload as moleculer-web's multipart alias sends them (the file is ctx.stream). */
interface UploadParams {
  memoryId: string;
  $fieldname?: unknown;
  $filename?: unknown;
}

/**
 * Attachments on the broker. The upload arrives as a Moleculer stream (chunked over the AMQP
 * transporter in the distributed mode), so no process ever holds a whole file.
 */
export function attachmentService(options: AttachmentServiceOptions): ServiceSchema {
  const logger = createLogger("attachment", options.logLevel);
  const now = options.now ?? (() => new Date());
  let follower: LogFollower | undefined;

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
    mixins: [appErrorsMixin],
    actions: {
      upload: {
        // Multipart metadata fields ($filename, $mimetype, ...) come along; only these are read.
        params: { memoryId: { type: "uuid" } },
        handler: (ctx: Ctx<UploadParams>): Promise<AttachmentView> => {
          const body = (ctx as unknown as { stream?: NodeJS.ReadableStream | null }).stream;
          if (!body) {
            throw new ValidationError("The request has no file.", [
              { field: "file", message: "is required" },
            ]);
          }
          return uploadAttachment(
            depsFor(ctx),
            {
              memoryId: ctx.params.memoryId,
              fieldname: typeof ctx.params.$fieldname === "string" ? ctx.params.$fieldname : "",
              filename: typeof ctx.params.$filename === "string" ? ctx.params.$filename : undefined,
              body,
            },
            requestInfo(ctx, now()),
          );
        },
      },
      download: {
        params: { $$strict: true, id: { type: "uuid" } },
        handler: async (ctx: Ctx<{ id: string }>): Promise<NodeJS.ReadableStream> => {
          const download = await downloadAttachment(depsFor(ctx), callerOf(ctx), ctx.params.id);
          ctx.meta.$responseType = download.contentType;
          ctx.meta.$responseHeaders = download.headers;
          return download.body;
        },
      },
      delete: {
        params: { $$strict: true, id: { type: "uuid" } },
        handler: async (ctx: Ctx<{ id: string }>): Promise<{ id: string }> => {
          await deleteAttachment(depsFor(ctx), ctx.params.id, requestInfo(ctx, now()));
          follower?.wake();
          return { id: ctx.params.id };
        },
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

function callerOf(ctx: Ctx<unknown>): Caller {
  const caller = ctx.meta.caller;
  if (!caller || typeof caller.userId !== "string" || caller.userId === "") throw new UnauthenticatedError();
  return caller;
}

function requestInfo(ctx: Ctx<unknown>, now: Date): RequestInfo {
  return {
    caller: callerOf(ctx),
    correlationId: ctx.requestID ?? ctx.meta.requestId ?? ctx.id,
    commandId: ctx.id,
    now,
  };
}
