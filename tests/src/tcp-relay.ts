import { connect, createServer, type Socket } from "node:net";

/**
 * A TCP relay in front of one of the machine's servers, to show its clients the server down (the
 * port refuses connections until `open`) or hung the way a SIGSTOPped server, a full disk or a
 * partition looks (connections stay open and new ones are accepted, but no byte passes either way
 * until `resume`). Unlike stopping the server itself, it affects only the clients pointed at
 * `port`, so it needs no exclusive hold on the server.
 */
export interface TcpRelay {
  port: number;
  /** Starts accepting connections on `port` (a relay made `closed` refuses them until then). */
  open(): Promise<void>;
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

export async function tcpRelay(
  targetHost: string,
  targetPort: number,
  options: { closed?: boolean } = {},
): Promise<TcpRelay> {
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
  // A port nothing listens on yet: take a free one and give it back.
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
  const open = () =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
  if (!options.closed) await open();
  return {
    port,
    open,
    stall: ({ cut = false } = {}) => {
      stalled = true;
      if (cut) for (const socket of sockets) socket.destroy();
    },
    resume: () => {
      stalled = false;
      for (const deliver of held.splice(0)) deliver();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise((resolve) => server.close(resolve));
    },
  };
}
