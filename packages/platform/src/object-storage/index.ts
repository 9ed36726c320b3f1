export { ABANDONED_PUT_AGE_MS, openFolderObjectStore } from "./folder-object-store.ts";
export { assertObjectKey } from "./object-keys.ts";
export { lazyObjectStore } from "./lazy-object-store.ts";
export { sniffContentType, SNIFF_BYTES } from "./content-type.ts";
export { stageUpload, peekHead, MeteredStream, type StagedUpload } from "./stream-upload.ts";
