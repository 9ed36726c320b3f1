import { randomUUID } from "node:crypto";
import { UnavailableError } from "@second-brain/contracts";
import type { SessionRevocations } from "@second-brain/auth";
import type { SqlClient, SqlPool } from "@second-brain/platform";
import {
  deleteSessionsRevokedBefore,
  insertSession,
  isSessionLive,
  markSessionsRevoked,
  sessionsRevokedSince,
} from "../adapters/session-store.ts";

/**
 * Sign-in sessions and their revocation. The session table is the durable truth; the revocation
 * set (packages/auth/src/session-revocations.ts) is the copy every gateway asks on each request.
 * A revocation is written to the table first, then to the set, and the request that revoked
 * answers only after both: when the set cannot be written, it answers 503 (the table already holds
 * the revocation, and a refill of the set is retried in the background until it succeeds).
 */
export interface SessionDeps {
  pool: SqlPool;
  revocations: SessionRevocations;
  accessTokenTtlSeconds: number;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Hears a failed refill (it is retried). */
  onRefillError?: (error: unknown) => void;
}

/** A revocation is remembered as long as an access token lives, plus a minute of clock skew between hosts. */
const CLOCK_SKEW_SECONDS = 60;
const rememberFor = (deps: SessionDeps) => deps.accessTokenTtlSeconds + CLOCK_SKEW_SECONDS;

export async function startSession(
  db: Pick<SqlClient, "query">,
  userId: string,
  now: number,
): Promise<string> {
  const sessionId = randomUUID();
  await insertSession(db, sessionId, userId, new Date(now));
  return sessionId;
}

/** Ends the sessions at once: their refresh tokens in the table, their access tokens in the set. */
export async function revokeSessions(deps: SessionDeps, sessionIds: readonly string[]): Promise<void> {
  if (sessionIds.length === 0) return;
  await markSessionsRevoked(deps.pool, sessionIds, new Date(deps.now()));
  try {
    await deps.revocations.revoke(sessionIds, rememberFor(deps));
  } catch (error) {
    refillInBackground(deps, { force: true });
    deps.onRefillError?.(error);
    throw new UnavailableError("The sign-out is recorded but not yet effective everywhere; retry.");
  }
}

/**
 * Puts every revocation whose access tokens may still be unexpired into the set and marks it
 * complete; forgets the revocations older than that. Run at start (the set of a restarted process,
 * or a Redis restarted empty, holds nothing) and whenever the set could not answer.
 */
export async function refillRevocations(deps: SessionDeps): Promise<void> {
  const since = new Date(deps.now() - rememberFor(deps) * 1000);
  await deleteSessionsRevokedBefore(deps.pool, since);
  await deps.revocations.revoke(await sessionsRevokedSince(deps.pool, since), rememberFor(deps));
  await deps.revocations.markComplete();
}

/**
 * What the gateway asks when the set cannot answer (Redis unreachable, or not refilled yet): the
 * table decides. The set is refilled meanwhile, so the next requests need not ask.
 */
export async function sessionStatus(deps: SessionDeps, sessionId: string): Promise<{ live: boolean }> {
  refillInBackground(deps);
  return { live: await isSessionLive(deps.pool, sessionId) };
}

/**
 * One refill at a time per set, retried with a growing pause until it succeeds. A forced one (a
 * revocation the set missed) runs even right after another, and again after a running one, which
 * may have read the table before that revocation.
 */
const refills = new WeakMap<SessionRevocations, { running: boolean; again: boolean; lastDone: number }>();
const REFILL_PAUSE_MS = { first: 500, last: 15_000 };
const REFILL_AT_MOST_EVERY_MS = 5_000;

function refillInBackground(deps: SessionDeps, { force = false } = {}): void {
  const state = refills.get(deps.revocations) ?? { running: false, again: false, lastDone: 0 };
  refills.set(deps.revocations, state);
  if (state.running) {
    state.again ||= force;
    return;
  }
  if (!force && Date.now() - state.lastDone < REFILL_AT_MOST_EVERY_MS) return;
  state.running = true;
  void (async () => {
    let pause = REFILL_PAUSE_MS.first;
    for (;;) {
      state.again = false;
      try {
        await refillRevocations(deps);
        state.lastDone = Date.now();
        if (!state.again) break;
      } catch (error) {
        deps.onRefillError?.(error);
        await new Promise((resolve) => setTimeout(resolve, pause).unref());
        pause = Math.min(pause * 2, REFILL_PAUSE_MS.last);
      }
    }
    state.running = false;
  })();
}
