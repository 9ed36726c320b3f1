import { startStack, type Stack } from "@second-brain/testing";
import { createTestDatabase, type TestDatabase } from "@second-brain/testing";
import { tcpRelay, type TcpRelay } from "./tcp-relay.ts";

export interface RelayedStack {
  stack: Stack;
  relay: TcpRelay;
  database: TestDatabase;
}

/**
 * For the enclosing `describe`: a distributed stack on a database of its own that reaches one
 * server (PostgreSQL or RabbitMQ) only through a TCP relay the test can stall, as a hung server
 * would look, without stopping the machine's shared server. `reach` says which server the relay
 * fronts and how the stack is pointed at it.
 */
export function useStackBehindRelay(
  reach: (database: TestDatabase) => {
    port: number;
    stackOptions: (relayPort: number) => { databaseUrl: string; env?: Record<string, string> };
  },
): RelayedStack {
  const fixture = {} as RelayedStack;
  before(async () => {
    fixture.database = await createTestDatabase("sb_relay");
    const target = reach(fixture.database);
    fixture.relay = await tcpRelay("127.0.0.1", target.port);
    fixture.stack = await startStack({ mode: "distributed", ...target.stackOptions(fixture.relay.port) });
  });
  after(async () => {
    fixture.relay?.resume();
    await fixture.stack?.stop();
    await fixture.relay?.close();
    await fixture.database?.drop();
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed")
      console.log(fixture.stack.recentOutput().split("\n").slice(-40).join("\n"));
  });
  return fixture;
}
