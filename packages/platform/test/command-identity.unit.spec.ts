import { randomUUID } from "node:crypto";
import { expect } from "chai";
import {
  commandEventIds,
  derivedId,
  eventsUpToOwnAppend,
  keyedCommandId,
  nameBasedUuid,
} from "../src/command-identity.ts";

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("command identity", () => {
  it("makes name-based UUIDs as RFC 4122 version 5 does", () => {
    const dns = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
    expect(nameBasedUuid(dns, "www.example.com")).to.equal("2ed6657d-e927-568b-95e1-2665a8aea6a2");
  });

  it("scopes an Idempotency-Key to the caller and the route", () => {
    const ids = [
      keyedCommandId("alice", "createMemory", "k"),
      keyedCommandId("bob", "createMemory", "k"),
      keyedCommandId("alice", "editMemory", "k"),
      keyedCommandId("alice", "createMemory", "k2"),
      keyedCommandId("", "register", "k"),
      // Fields are separated, so moving a character from one into the next is another command.
      keyedCommandId("alice\ncreateMemory", "", "k"),
    ];
    expect(new Set(ids).size).to.equal(ids.length);
    for (const id of ids) expect(id).to.match(UUID_V5);
    expect(keyedCommandId("alice", "createMemory", "k")).to.equal(ids[0]);
  });

  it("derives distinct stable ids per command, purpose, stream and position", () => {
    const commands = [randomUUID(), randomUUID()];
    const seen = new Set<string>();
    for (const command of commands) {
      for (const purpose of ["memory", "session"]) seen.add(derivedId(command, purpose));
      for (const stream of ["memory-a", "memory-b"]) {
        const ids = commandEventIds(command, stream, 3);
        expect(commandEventIds(command, stream, 2)).to.deep.equal(ids.slice(0, 2));
        for (const id of ids) seen.add(id);
      }
    }
    expect(seen.size).to.equal(2 * 2 + 2 * 2 * 3);
    expect(derivedId(commands[0]!, "memory")).to.equal(derivedId(commands[0]!, "memory"));
  });

  it("finds a command's own append in a stream and cuts the stream right after it", () => {
    const command = randomUUID();
    const own = commandEventIds(command, "s", 2);
    const other = () => ({ id: randomUUID() });
    const before = [other(), other()];
    const stream = [...before, { id: own[0]! }, { id: own[1]!.toUpperCase() }, other()];
    expect(eventsUpToOwnAppend(stream, command, "s")).to.deep.equal(stream.slice(0, 4));
    expect(eventsUpToOwnAppend(stream, command, "another-stream")).to.equal(null);
    expect(eventsUpToOwnAppend(stream, randomUUID(), "s")).to.equal(null);
    expect(eventsUpToOwnAppend([], command, "s")).to.equal(null);
  });
});
