export * from "./resources.ts";
export * from "./standalone.ts";
