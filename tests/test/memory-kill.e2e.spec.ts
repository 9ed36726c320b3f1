import { randomUUID } from "node:crypto";
import { expect } from "chai";
import type { SqlPool } from "@second-brain/platform";
import { ApiClient, eventually, type ApiResponse } from "../src/api-client.ts";
import { useStack, type StackFixture } from "../src/stack-fixture.ts";

// Invariant 9: exactly-once effects over the broker. One of two memory service processes is
// SIGKILLed while 40 creates are in flight, and started again. When the dead node is dropped from
// the registry, the gateway's broker re-sends the calls it left unanswered, some of which it had
// already appended; the re-sent call carries the request's command id, so nothing is stored twice.
// A client retrying its failed keyed creates under the same Idempotency-Key ends with each stored
// exactly once.
describe("memory service killed with creates in flight (distributed)", function () {
  this.timeout(240_000);
  // Info logs, so the test can see a second instance say it has started.
  const env = useStack("distributed", { LOG_LEVEL: "info" });

  it("alone: the failed creates, retried by the client under their keys, are stored once each", async () => {
    // No other memory process: the calls the dead node left unanswered fail once it is dropped
    // from the registry, and the service is started again only after that.
    const report = await killWithCreatesInFlight(env, { restart: "after the answers" });
    expect(report.failedAtFirst, "creates that failed at the kill").to.be.greaterThan(0);
  });

  it("beside a replica: the gateway re-sends the unanswered creates, and none is stored twice", async () => {
    // The gateway re-sends what the dead node left unanswered to the replica at once, which is
    // when a create it had already appended could be stored twice.
    env.stack.start("memory#2");
    await eventually(
      async () => (/^\[memory#2\] .*"started"/m.test(env.stack.recentOutput()) ? true : undefined),
      60_000,
    );
    await killWithCreatesInFlight(env, { restart: "at once" });
  });
});

/**
 * More creates at once than the memory service's pool has connections (10), so that some still
 * wait for one when the kill lands: a create is one append, done in a few milliseconds.
 */
const CREATES = 40;

/**
 * Sends CREATES creates at once (every other one under an Idempotency-Key, each with its own content),
 * SIGKILLs the memory process as soon as the first is answered, starts it again, retries the
 * failed keyed creates with their keys until they succeed, and checks what the log holds.
 */
async function killWithCreatesInFlight(
  env: StackFixture,
  options: { restart: "at once" | "after the answers" },
): Promise<{ failedAtFirst: number }> {
  const { stack, database, api } = env;
  const owner = await whoAmI(api);
  const send = (create: { content: string; key: string | undefined }) =>
    api.request(
      "POST",
      "/api/v1/memories",
      { content: create.content },
      create.key ? { "idempotency-key": create.key } : {},
    );

  // On a quiet machine all can be answered before the kill lands, which cuts nothing off and
  // shows nothing: such a round is let finish and a fresh one is sent (its memories are distinct).
  for (let round = 1; ; round++) {
    const creates = Array.from({ length: CREATES }, (_, i) => ({
      content: `in flight ${i} ${randomUUID()}`,
      key: i % 2 === 0 ? `kill-${i}-${randomUUID()}` : undefined,
    }));
    const answered = new Set<number>();
    let killed: Promise<void> | undefined;
    let pendingAtKill = new Set<number>();
    const inFlight = creates.map((create, i) =>
      send(create).then(
        (response) => {
          answered.add(i);
          // Killed from the first answer itself, not from a poll: as little time as possible passes.
          if (!killed) {
            pendingAtKill = new Set([...creates.keys()].filter((j) => !answered.has(j)));
            killed = stack.kill("memory", "SIGKILL");
          }
          return response;
        },
        (error: unknown) => ({ status: 0, headers: new Headers(), body: String(error) }) as ApiResponse,
      ),
    );
    await eventually(async () => (killed ? true : undefined), 30_000);
    await killed;
    // Everything the killed process appended lies at or before this position.
    const horizon = await lastPosition(database!.pool);
    if (options.restart === "at once") stack.start("memory");
    const responses = await Promise.all(inFlight);
    if (options.restart === "after the answers") stack.start("memory");
    // Alone, a kill that cut a create off fails it; but the answers of creates the process had
    // already appended may still be on their way through the broker when the first one lands, so
    // "pending at the kill" alone does not show that anything was cut off.
    const cutOff =
      options.restart === "after the answers"
        ? responses.some((response) => response.status !== 201)
        : pendingAtKill.size > 0;
    if (!cutOff && round < 5) {
      await stack.waitReady(90_000);
      continue;
    }
    // The kill must have cut requests off, or this test shows nothing.
    expect(pendingAtKill.size, "creates still in flight at the kill").to.be.greaterThan(0);
    return checkStored(env, owner, { creates, responses, pendingAtKill, horizon, send });
  }
}

/** Retries the failed keyed creates under their keys, then checks what the log holds. */
async function checkStored(
  env: StackFixture,
  owner: string,
  round: {
    creates: { content: string; key: string | undefined }[];
    responses: ApiResponse[];
    pendingAtKill: Set<number>;
    horizon: bigint;
    send: (create: { content: string; key: string | undefined }) => Promise<ApiResponse>;
  },
): Promise<{ failedAtFirst: number }> {
  const { stack, database, api } = env;
  const { creates, responses, pendingAtKill, horizon, send } = round;
  await stack.waitReady(90_000);
  const statuses = responses.map((response) => response.status);
  // The failed keyed creates are retried by the client with the same key until they succeed.
  for (const [i, create] of creates.entries()) {
    if (statuses[i] === 201 || create.key === undefined) continue;
    responses[i] = await eventually(async () => {
      const retried = await send(create);
      return retried.status === 201 ? retried : undefined;
    }, 60_000);
  }

  // What is stored: every memory stream of the owner, read back (decrypted) through the API.
  const { rows } = await database!.pool.query<{ stream_id: string; created: number; position: string }>(
    `SELECT stream_id, count(*) FILTER (WHERE type = 'MemoryCreated')::int AS created,
              min(position)::text AS position
         FROM event_store.events
        WHERE stream_id LIKE 'memory-%' AND metadata->>'ownerId' = $1
        GROUP BY stream_id`,
    [owner],
  );
  for (const row of rows) expect(row.created, row.stream_id).to.equal(1);
  const storedContents = await Promise.all(
    rows.map(async ({ stream_id, position }) => {
      const memory = await api.request("GET", `/api/v1/memories/${stream_id.slice("memory-".length)}`);
      expect(memory.status, JSON.stringify(memory.body)).to.equal(200);
      return {
        id: memory.body.id as string,
        content: memory.body.content as string,
        position: BigInt(position),
      };
    }),
  );
  const copies = (content: string) => storedContents.filter((stored) => stored.content === content);

  for (const [i, create] of creates.entries()) {
    const response = responses[i]!;
    const stored = copies(create.content);
    if (response.status === 201) {
      // Acknowledged (first time or on the client's retry): exactly once, the memory it was told.
      expect(
        stored.map((s) => s.id),
        `${create.content}: ${statuses[i]}`,
      ).to.deep.equal([response.body.id]);
    } else {
      // Never acknowledged and not retried: it may have been stored, but not twice.
      expect(stored.length, `${create.content}: ${statuses[i]}`).to.be.at.most(1);
    }
  }
  expect(storedContents.length).to.equal(new Set(storedContents.map((s) => s.content)).size);
  // How many creates the killed process had appended without answering: the case a retry with
  // a fresh id would have stored twice.
  const appendedUnanswered = [...pendingAtKill].filter((i) =>
    copies(creates[i]!.content).some((stored) => stored.position <= horizon),
  ).length;
  console.log(
    `      in flight at the kill: ${pendingAtKill.size} of ${creates.length}, of which appended but unanswered: ` +
      `${appendedUnanswered}; first answers: ${statuses.join(" ")}`,
  );
  return { failedAtFirst: statuses.filter((status) => status !== 201).length };
}

async function lastPosition(pool: SqlPool): Promise<bigint> {
  const { rows } = await pool.query<{ position: string }>(
    "SELECT coalesce(max(position), 0)::text AS position FROM event_store.events",
  );
  return BigInt(rows[0]!.position);
}

async function whoAmI(api: ApiClient): Promise<string> {
  const me = await api.request("GET", "/api/v1/users/me");
  expect(me.status).to.equal(200);
  return me.body.id;
}
