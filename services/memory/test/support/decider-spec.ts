import { DEFAULT_LIMITS, type Limits, type MemoryEvent } from "@second-brain/contracts";
import { DeciderSpecification } from "@second-brain/testing";
import { memoryDecider } from "../../src/domain/decide.ts";

/** given(events).when(command).then(events | error) over the memory decider under `limits`. */
export const given = (events: MemoryEvent[], limits: Limits = DEFAULT_LIMITS) =>
  DeciderSpecification.for(memoryDecider(limits))(events);

export { badFields } from "@second-brain/testing";
