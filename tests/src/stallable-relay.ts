import { connect, createServer, type Socket } from "node:net";

/**
 * A TCP relay in front of a server that can stall it the way a hung server (SIGSTOP, a full disk,
 * a partition) looks to its clients: connections stay open and new ones are accepted, but no byte
 * passes either way until it resumes. Unlike stopping the machine's server, it affects only the
 * clients pointed at `port`, so it needs no exclusive hold on the server.
 */
export interface StallableRelay {
  port: number;
  /**
   * From now on nothing passes. With `cut`, the open connections are closed first, so every client
   * has to connect anew into the stall (a server that restarted and hung, or a failover onto a hung
   * host); without it, they simply hang.
   */
  stall(options?: { cut?: boolean }): void;
  /** Delivers what was held back, in order, and lets bytes flow again. */
  resume(): void;
  close(): Promise<void>;
}

export async function stallableRelay(targetHost: string, targetPort: number): Promise<StallableRelay> {
  let stalled = false;
  const held: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    const forward = (from: Socket, to: Socket) =>
      from.on("data", (chunk: Buffer) => (stalled ? held.push(() => to.write(chunk)) : to.write(chunk)));
    forward(client, upstream);
    forward(upstream, client);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    stall: (options = {}) => {
      stalled = true;
      if (options.cut) for (const socket of sockets) socket.destroy();
    },
    resume: () => {
      stalled = false;
      for (const deliver of held.splice(0)) deliver();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
