export * from "./sql.ts";
export * from "./pglite.ts";
export * from "./config.ts";
export * from "./ports.ts";
