export * from "./resources.ts";
export * from "./standalone.ts";
export * from "./health.ts";
