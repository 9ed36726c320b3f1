export { tagService, type TagServiceDeps } from "./tag.service.ts";
export { tagSettingsDecider, type TagSettings } from "./domain/tag.ts";
export { tagOperationDecider, retaggedTags } from "./domain/tag-operation.ts";
export {
  startTagOperation,
  runTagOperation,
  type TagOperationResult,
} from "./application/tag-operation-runner.ts";
export type { MemoryCommands, TagDeps } from "./application/deps.ts";
export { applyTagEvents } from "./read-model/tags.apply.ts";
export { countChanges, evolveTagMemory, evolveTagStyle } from "./read-model/tags.evolve.ts";
export { migrateTagsReadModel } from "./migrations/index.ts";
export { TAGS_CHECKPOINT } from "./read-model/tags.read-model.ts";
export { startTagsReadModel } from "./read-model/tags.read-model.ts";
export { listTags, findTag, memoriesWithTag } from "./read-model/tags.queries.ts";
