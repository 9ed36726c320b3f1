import { randomUUID } from "node:crypto";
import { ServiceBroker } from "moleculer";
import type { CallMeta, Caller } from "@second-brain/contracts";
import { keyedCommandId, SchemaValidator } from "@second-brain/platform";
import { memoryService, type MemoryServiceDeps } from "../../src/memory.service.ts";

/** A broker running only the memory service, and a caller-scoped `call` for the tests. */
export interface MemoryBroker {
  broker: ServiceBroker;
  call<T = unknown>(
    caller: Caller | undefined,
    action: string,
    params: object,
    meta?: Omit<CallMeta, "caller">,
  ): Promise<T>;
  stop(): Promise<void>;
}

export async function startMemoryBroker(deps: MemoryServiceDeps): Promise<MemoryBroker> {
  const broker = new ServiceBroker({
    logger: false,
    validator: new SchemaValidator(),
    namespace: `memory-test-${randomUUID()}`,
  });
  broker.createService(memoryService(deps));
  await broker.start();
  return {
    broker,
    call: (caller, action, params, meta = {}) =>
      broker.call(`memory.${action}`, params, {
        meta: { ...keyedCommand(caller, action, meta), ...meta, ...(caller ? { caller } : {}) },
      }),
    stop: () => broker.stop(),
  };
}

/** Like the gateway, the command of a call sent with an Idempotency-Key is the caller's key. */
function keyedCommand(caller: Caller | undefined, action: string, meta: Omit<CallMeta, "caller">) {
  if (meta.idempotencyKey === undefined || caller === undefined) return {};
  return { commandId: keyedCommandId(caller.userId, `memory.${action}`, meta.idempotencyKey) };
}

/** What a rejected broker call carries (Moleculer rebuilds AppErrors as MoleculerClientError). */
export interface CallError {
  name: string;
  code: number;
  type: string;
  data: unknown;
  message: string;
}

export async function rejectionOf(promise: Promise<unknown>): Promise<CallError> {
  try {
    await promise;
  } catch (error) {
    return error as CallError;
  }
  throw new Error("expected the call to be refused");
}
