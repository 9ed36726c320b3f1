import {
  UnauthenticatedError,
  VersionConflictError,
  type Caller,
  type EventMetadata,
  type NewEvent,
  type RecordedEvent,
} from "@second-brain/contracts";
import type { EventStore } from "@second-brain/event-store";
import {
  commandEventIds,
  decryptFields,
  encryptFields,
  eventsUpToOwnAppend,
  retryOnVersionConflict,
  type CallInfo,
  type Keyring,
} from "@second-brain/platform";
import { foldEvents, type Command, type Decider, type DomainEvent, type StreamEvent } from "./decider.ts";

/** Personal fields (per event type) are encrypted with the owner's data key (ARCHITECTURE.md, invariant 5). */
export interface Encryption {
  keyring: Keyring;
  personalFields: Readonly<Partial<Record<string, readonly string[]>>>;
}

export interface CommandHandlerOptions<C extends Command, E extends DomainEvent, S> {
  decider: Decider<C, E, S>;
  store: EventStore;
  /** Written into every event's metadata, so old events can be upcast when shapes change. */
  schemaVersion: number;
  /**
   * The error for a stream the caller may not see: someone else's, or one whose owner was erased.
   * A 404, never a 403, so ids of other people's data cannot be probed.
   */
  notFound: () => Error;
  /** Absent for streams that hold nothing personal. */
  encryption?: Encryption;
  /**
   * Whether the state exists for clients. If-Match is checked only against an existing one: for a
   * missing (or deleted) one the decider's 404 says more than a version conflict would.
   */
  exists?: (state: S) => boolean;
}

/**
 * Who runs a command and the ids that tie its events to the request (platform's CallInfo), or
 * "system" acting for the stream's owner (a reaction to the log rather than a request).
 */
export interface CommandContext extends Omit<CallInfo, "caller"> {
  caller: Caller | "system";
  /** The version from If-Match: any other is a 409. Without it a concurrent append is decided again. */
  expectedVersion?: number;
  /** Ids for the new events; by default derived from the command id (`commandEventIds`). */
  eventIds?: string[];
}

/** An event read from its stream, personal fields decrypted. */
export type LoadedEvent<E extends DomainEvent> = StreamEvent<E> & RecordedEvent;

export interface CommandResult<S> {
  /** The state right after the command's events (or after a first attempt's, for a retry). */
  state: S;
  /** The stream's version at that point. */
  version: number;
  /**
   * From decideAndAppend only: true when an earlier attempt of the command had stored its events,
   * so nothing was appended now (`handle` answers a retry exactly as the first attempt, unmarked).
   */
  retried?: boolean;
}

/** Where a stream stands: enough to decide the next command on it and append. */
export interface StreamAt<S> extends CommandResult<S> {
  streamId: string;
  /** The stream's owner; null while the stream does not exist. */
  ownerId: string | null;
}

export interface LoadedStream<E extends DomainEvent, S> extends StreamAt<S> {
  events: LoadedEvent<E>[];
}

export interface CommandHandler<C extends Command, E extends DomainEvent, S> {
  /** Reads, checks the owner, decrypts and folds a stream. */
  load(streamId: string, reader: Caller | "system"): Promise<LoadedStream<E, S>>;
  /**
   * A stream as it stands before its first event, without reading it: for a command that starts a
   * stream whose id is new (derived from the command), so that the common case costs no read.
   * Appending on it expects no stream; a retry or a twin then conflicts or is answered as stored.
   */
  unborn(streamId: string): StreamAt<S>;
  /**
   * The whole write path: load, answer a retried command as its first attempt did, check If-Match,
   * decide, encrypt and append expecting the version read.
   */
  handle(streamId: string, command: C, context: CommandContext): Promise<CommandResult<S>>;
  /**
   * Decides on a stream the caller loaded (or advanced with an earlier result) and appends at its
   * version: one attempt, no retry; a concurrent append is a VersionConflictError.
   */
  decideAndAppend(stream: StreamAt<S>, command: C, context: CommandContext): Promise<CommandResult<S>>;
}

/**
 * The command path of every event-sourced aggregate: load → decrypt → fold → decide → encrypt →
 * append with the expected version, with idempotent event ids derived from the command id
 * (ARCHITECTURE.md, invariant 2), written once for every service.
 */
export function commandHandler<C extends Command, E extends DomainEvent, S>(
  options: CommandHandlerOptions<C, E, S>,
): CommandHandler<C, E, S> {
  const { decider, store, encryption } = options;
  const personalFields = (type: string) => encryption?.personalFields[type] ?? [];

  const unborn = (streamId: string): StreamAt<S> => ({
    streamId,
    ownerId: null,
    version: 0,
    state: decider.initialState(),
  });

  const load = async (streamId: string, reader: Caller | "system"): Promise<LoadedStream<E, S>> => {
    const recorded = await store.readStream(streamId);
    if (recorded.length === 0) return { ...unborn(streamId), events: [] };
    const ownerId = recorded[0]!.metadata.ownerId;
    if (reader !== "system" && ownerId !== reader.userId) throw options.notFound();
    const events = (await decrypt(ownerId, recorded)) as LoadedEvent<E>[];
    return {
      streamId,
      ownerId,
      events,
      version: recorded.at(-1)!.streamVersion,
      state: foldEvents(decider, events),
    };
  };

  const decrypt = async (ownerId: string, recorded: RecordedEvent[]): Promise<RecordedEvent[]> => {
    if (!encryption) return recorded;
    const key = await encryption.keyring.getKey(ownerId);
    if (key === undefined) throw options.notFound();
    return recorded.map((event) => ({
      ...event,
      data: decryptFields(event.data as object, personalFields(event.type), key, event),
    }));
  };

  const encrypt = async (ownerId: string, streamId: string, events: NewEvent[]): Promise<NewEvent[]> => {
    if (!encryption) return events;
    const key = await encryption.keyring.getKey(ownerId);
    // Identity creates the key at registration; it vanishes only when the owner is erased, and
    // nothing new is written for an erased owner.
    if (key === undefined) throw new UnauthenticatedError("This account no longer exists.");
    return events.map((event) => ({
      ...event,
      data: encryptFields(event.data as object, personalFields(event.type), key, { ...event, streamId }),
    }));
  };

  const decideAndAppend = async (
    loaded: StreamAt<S>,
    command: C,
    context: CommandContext,
  ): Promise<CommandResult<S>> => {
    const events = decider.decide(command, loaded.state);
    if (events.length === 0) return { state: loaded.state, version: loaded.version };
    const ownerId = context.caller === "system" ? loaded.ownerId : context.caller.userId;
    if (ownerId === null)
      throw new Error(`A system command needs an existing stream, not ${loaded.streamId}.`);
    const metadata: EventMetadata = {
      actor: context.caller === "system" ? "system" : context.caller.userId,
      ownerId,
      correlationId: context.correlationId,
      causationId: context.commandId,
      occurredAt: command.metadata.now.toISOString(),
      schemaVersion: options.schemaVersion,
    };
    const ids = context.eventIds ?? commandEventIds(context.commandId, loaded.streamId, events.length);
    const toAppend = await encrypt(
      ownerId,
      loaded.streamId,
      events.map((event, index) => ({ id: ids[index]!, type: event.type, data: event.data, metadata })),
    );
    // Twin attempts of one command that both read the same version append the same ids there: the
    // store keeps the first, and the second answers with what the first stored.
    const result = await store.appendToStream(loaded.streamId, toAppend, { expectedVersion: loaded.version });
    if (result.alreadyStored) {
      return { ...(await storedAnswer(loaded.streamId, context, ids[events.length - 1]!)), retried: true };
    }
    const appended = events.map((event, index) => ({
      ...event,
      metadata,
      streamVersion: result.nextExpectedVersion - events.length + index + 1,
    }));
    return { state: foldEvents(decider, appended, loaded.state), version: result.nextExpectedVersion };
  };

  /** The state right after the stored event `lastEventId` (an earlier attempt's). */
  const storedAnswer = async (streamId: string, context: CommandContext, lastEventId: string) => {
    const { events } = await load(streamId, context.caller);
    const end = events.findIndex((event) => event.id.toLowerCase() === lastEventId.toLowerCase()) + 1;
    if (end === 0) throw new Error(`Event ${lastEventId} was stored but cannot be read back.`);
    return resultOf(events.slice(0, end));
  };

  const resultOf = (events: LoadedEvent<E>[]): CommandResult<S> => ({
    state: foldEvents(decider, events),
    version: events.at(-1)?.streamVersion ?? 0,
  });

  const handleOnce = async (streamId: string, command: C, context: CommandContext) => {
    const loaded = await load(streamId, context.caller);
    // A retry of a command whose first attempt was stored appends nothing and answers as it did.
    const earlier = eventsUpToOwnAppend(loaded.events, context.commandId, streamId);
    if (earlier) return resultOf(earlier);
    const { expectedVersion } = context;
    const exists = options.exists ?? (() => true);
    if (expectedVersion !== undefined && exists(loaded.state) && expectedVersion !== loaded.version) {
      throw new VersionConflictError(expectedVersion, loaded.version);
    }
    // A twin's answer is the first attempt's, with nothing to tell them apart.
    const { retried: _retried, ...result } = await decideAndAppend(loaded, command, context);
    return result;
  };

  return {
    load,
    unborn,
    decideAndAppend,
    handle: (streamId, command, context) =>
      context.expectedVersion === undefined
        ? retryOnVersionConflict(() => handleOnce(streamId, command, context))
        : handleOnce(streamId, command, context),
  };
}
