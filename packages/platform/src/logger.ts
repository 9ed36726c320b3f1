import winston from "winston";
import { isSpanContextValid, trace } from "@opentelemetry/api";
import type { LoggerConfig } from "moleculer";
import { currentRequestContext } from "./request-context.ts";

/**
 * The one logger: one JSON object per line on stdout with timestamp, level, component and message,
 * plus the active trace/span ids and Moleculer request id when there are any, so a line can be
 * joined to its trace and to the request that caused it.
 */
const addContext = winston.format((info) => {
  const span = trace.getActiveSpan();
  const spanContext = span?.spanContext();
  if (spanContext && isSpanContextValid(spanContext)) {
    info.traceId = spanContext.traceId;
    info.spanId = spanContext.spanId;
  }
  const request = currentRequestContext();
  if (request?.requestID && info.requestID === undefined) info.requestID = request.requestID;
  return info;
});

export function jsonLogFormat(): winston.Logform.Format {
  return winston.format.combine(
    winston.format.timestamp(),
    winston.format.errors({ stack: true }),
    addContext(),
    winston.format.json(),
  );
}

/** `destination` exists for tests; everything else logs to stdout. */
export function createLogger(
  component: string,
  level: string = process.env.LOG_LEVEL ?? "info",
  destination: NodeJS.WritableStream = process.stdout,
): winston.Logger {
  return baseLogger(level, destination).child({ component });
}

function baseLogger(level: string, destination: NodeJS.WritableStream): winston.Logger {
  return winston.createLogger({
    level: toWinstonLevel(level),
    format: jsonLogFormat(),
    transports: [new winston.transports.Stream({ stream: destination })],
  });
}

const WINSTON_LEVELS = ["error", "warn", "info", "http", "verbose", "debug", "silly"] as const;
const MOLECULER_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace"] as const;
type MoleculerLevel = (typeof MOLECULER_LEVELS)[number];

/** LOG_LEVEL may be written in either vocabulary (winston's npm levels or Moleculer's). */
export function toWinstonLevel(level: string): string {
  if ((WINSTON_LEVELS as readonly string[]).includes(level)) return level;
  if (level === "fatal") return "error";
  if (level === "trace") return "silly";
  return "info";
}

function toMoleculerLevel(level: string): MoleculerLevel {
  if ((MOLECULER_LEVELS as readonly string[]).includes(level)) return level as MoleculerLevel;
  if (level === "http" || level === "verbose") return "info";
  if (level === "silly") return "trace";
  return "info";
}

interface MoleculerBindings {
  nodeID?: string;
  ns?: string;
  mod?: string;
  svc?: string;
  ver?: string | number;
}

/**
 * Moleculer's log calls look like `logger.info("text", value, ...)`: the strings become the message
 * and the rest are attached, an Error as `error` with its stack.
 */
function entryOf(args: unknown[]): { message: string; meta: Record<string, unknown> } {
  const words: string[] = [];
  const meta: Record<string, unknown> = {};
  const extra: unknown[] = [];
  for (const arg of args) {
    if (typeof arg === "string") words.push(arg);
    else if (arg instanceof Error) meta.error = { name: arg.name, message: arg.message, stack: arg.stack };
    else if (arg !== null && typeof arg === "object" && !Array.isArray(arg)) extra.push(arg);
    else if (arg !== undefined) words.push(String(arg));
  }
  if (extra.length === 1) meta.data = extra[0];
  else if (extra.length > 1) meta.data = extra;
  return { message: words.join(" "), meta };
}

/** The Moleculer `logger` broker option: Moleculer's logs through winston as JSON. */
export function moleculerLogger(
  level: string,
  destination: NodeJS.WritableStream = process.stdout,
): LoggerConfig {
  // Each module's child sets its own component; a root defaultMeta would override it.
  const root = baseLogger(level, destination);
  const createLoggerForModule = (_level: string, bindings: MoleculerBindings) => {
    const child = root.child({
      component: bindings.svc ?? bindings.mod ?? "moleculer",
      nodeID: bindings.nodeID,
      namespace: bindings.ns || undefined,
    });
    const write = (winstonLevel: string, args: unknown[]) => {
      const { message, meta } = entryOf(args);
      child.log(winstonLevel, message, meta);
    };
    return {
      error: (...args: unknown[]) => write("error", args),
      warn: (...args: unknown[]) => write("warn", args),
      info: (...args: unknown[]) => write("info", args),
      debug: (...args: unknown[]) => write("debug", args),
      log: (winstonLevel: string, ...args: unknown[]) => write(winstonLevel, args),
    };
  };
  return {
    type: "Winston",
    options: {
      level: toMoleculerLevel(level),
      winston: { level: toWinstonLevel(level), silent: true },
      createLogger: createLoggerForModule,
    },
  };
}

/**
 * For errors that come in bursts (a server restart fails every connection and every request at
 * once): logs the first as a warning, then at most one per `intervalMs` with how many were left
 * out, so an outage is visible in the log without flooding it.
 */
export function rateLimitedWarn(
  logger: winston.Logger,
  intervalMs = 10_000,
): (message: string, error: unknown) => void {
  let lastLogged = 0;
  let suppressed = 0;
  return (message, error) => {
    const now = Date.now();
    if (now - lastLogged < intervalMs) {
      suppressed += 1;
      return;
    }
    const { message: text, code } = (error ?? {}) as { message?: unknown; code?: unknown };
    logger.warn(message, {
      error: { message: String(text ?? error), ...(code === undefined ? {} : { code }) },
      ...(suppressed > 0 ? { suppressed } : {}),
    });
    lastLogged = now;
    suppressed = 0;
  };
}
