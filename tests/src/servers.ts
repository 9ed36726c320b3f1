import { execFile } from "node:child_process";
import { connect } from "node:net";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * The machine's real servers, stopped and started the way an operator (or a crash and a
 * supervisor) would. Whoever stops one must start it again even when a test fails.
 */
export interface ServerControl {
  name: "postgresql" | "rabbitmq" | "redis";
  stop(): Promise<void>;
  start(): Promise<void>;
  /** True when the server accepts work again. */
  answers(): Promise<boolean>;
}

const PG_CLUSTER = ["--skip-systemctl-redirect", "15", "main"];

export const POSTGRESQL: ServerControl = {
  name: "postgresql",
  stop: async () => void (await run("pg_ctlcluster", [...PG_CLUSTER, "stop", "-m", "fast"])),
  start: async () => void (await run("pg_ctlcluster", [...PG_CLUSTER, "start"])),
  answers: () => succeeds("pg_isready", ["-h", "127.0.0.1", "-p", "5432", "-q"]),
};

export const RABBITMQ: ServerControl = {
  name: "rabbitmq",
  stop: async () => void (await run("rabbitmqctl", ["stop_app"])),
  start: async () => void (await run("rabbitmqctl", ["start_app"])),
  answers: () => portOpen(5672),
};

export const REDIS: ServerControl = {
  name: "redis",
  // The server closes the connection as it exits, so the client may report an error: ignore it.
  stop: async () => void (await run("redis-cli", ["shutdown", "nosave"]).catch(() => undefined)),
  start: async () =>
    void (await run("redis-server", [
      "--daemonize",
      "yes",
      "--bind",
      "127.0.0.1",
      "--port",
      "6379",
      "--save",
      "",
      "--appendonly",
      "no",
    ])),
  answers: async () =>
    run("redis-cli", ["ping"]).then(
      ({ stdout }) => stdout.trim() === "PONG",
      () => false,
    ),
};

/** Starts the server if it does not answer, and waits until it does; returns when it answered. */
export async function ensureRunning(server: ServerControl, timeoutMs = 60_000): Promise<number> {
  if (!(await server.answers())) await server.start().catch(() => undefined);
  const deadline = Date.now() + timeoutMs;
  while (!(await server.answers())) {
    if (Date.now() > deadline) throw new Error(`${server.name} does not answer after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Date.now();
}

/** Waits until the server no longer answers (its clients have been cut off). */
export async function waitDown(server: ServerControl, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await server.answers()) {
    if (Date.now() > deadline) throw new Error(`${server.name} still answers after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function succeeds(command: string, args: string[]): Promise<boolean> {
  return run(command, args).then(
    () => true,
    () => false,
  );
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}
