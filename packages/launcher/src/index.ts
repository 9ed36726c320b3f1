export * from "./processes.ts";
