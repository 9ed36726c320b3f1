import { randomUUID } from "node:crypto";
import { ServiceBroker } from "moleculer";
import type { CallMeta, Caller } from "@second-brain/contracts";
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
  const broker = new ServiceBroker({ logger: false, namespace: `memory-test-${randomUUID()}` });
  broker.createService(memoryService(deps));
  await broker.start();
  return {
    broker,
    call: (caller, action, params, meta = {}) =>
      broker.call(`memory.${action}`, params, { meta: { ...meta, ...(caller ? { caller } : {}) } }),
    stop: () => broker.stop(),
  };
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
