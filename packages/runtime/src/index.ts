export * from "./resources.ts";
export * from "./standalone.ts";
export * from "./health.ts";
export * from "./erasure-mixin.ts";
