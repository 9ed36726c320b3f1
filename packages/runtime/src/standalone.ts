import os from "node:os";
import { ServiceBroker, type ServiceSchema } from "moleculer";
import { brokerOptions, createLogger, loadConfig, startTelemetry, type Config } from "@second-brain/platform";
import { erasureMixin } from "./erasure-mixin.ts";
import { healthMixin } from "./health.ts";
import { openResources, type Resources } from "./resources.ts";

export type ServiceFactory = (resources: Resources) => ServiceSchema;

/**
 * Runs services on a broker of their own, joined to the others through the configured transporter:
 * what a container or one process of `pnpm start:distributed` runs. SIGTERM and SIGINT stop it
 * cleanly (in-flight requests finish, subscriptions stop after their batch).
 */
export async function runServices(name: string, factories: ServiceFactory[]): Promise<void> {
  const config = configOrExit(name);
  const logger = createLogger(name, config.logLevel);
  const stopTelemetry = await startTelemetry(name);
  // Until the broker runs there is nothing to stop cleanly; the watch starts first because opening
  // the resources waits as long as PostgreSQL is unreachable.
  let onParentExit: () => void = () => process.exit(0);
  exitWithParent(() => onParentExit());
  const resources = await openResources(config).catch((error: unknown) => {
    // What stops a start (the data folder in use, a missing setting, a wrong password) is said in
    // one line an operator can act on, not as an uncaught exception's stack dump.
    const { name: kind, message, stack } = error instanceof Error ? error : new Error(String(error));
    logger.error("cannot start", { error: { name: kind, message } });
    logger.debug("cannot start: stack", { stack });
    process.exit(1);
  });
  const broker = new ServiceBroker(brokerOptions(config, `${name}-${os.hostname()}-${process.pid}`));
  for (const factory of factories) {
    const schema = factory(resources);
    broker.createService({
      ...schema,
      mixins: [...(schema.mixins ?? []), healthMixin(resources), erasureMixin(resources)],
    });
  }
  await broker.start();
  logger.info("started", { mode: config.mode, pid: process.pid });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping", { signal });
    await broker.stop();
    await resources.close();
    await stopTelemetry();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
  onParentExit = () => void stop("parent exited");
}

/**
 * The configuration, or one line naming each bad variable and an exit: a start refused for a
 * setting is the operator's to fix, not an uncaught exception's stack dump.
 */
function configOrExit(name: string): Config {
  try {
    return loadConfig();
  } catch (error) {
    const { name: kind, message } = error instanceof Error ? error : new Error(String(error));
    createLogger(name, "info").error("cannot start", { error: { name: kind, message } });
    process.exit(1);
  }
}

/**
 * A process started by the launcher (or a test stack) stops when that parent dies, even by
 * SIGKILL: an orphan would keep serving its namespace with stale configuration.
 */
function exitWithParent(stop: () => void): void {
  const parent = Number(process.env.SB_PARENT_PID);
  if (!Number.isInteger(parent) || parent <= 1) return;
  const timer = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      clearInterval(timer);
      stop();
    }
  }, 1000);
  timer.unref();
}
