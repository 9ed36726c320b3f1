export { foldEvents, type Command, type Decider, type DomainEvent, type StreamEvent } from "./decider.ts";
export {
  commandHandler,
  type CommandContext,
  type CommandHandler,
  type CommandHandlerOptions,
  type CommandResult,
  type Encryption,
  type LoadedEvent,
  type LoadedStream,
  type StreamAt,
} from "./command-handler.ts";
