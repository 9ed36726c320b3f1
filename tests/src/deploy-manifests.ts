import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

/** Reading of the deployment files (k8s/, docker-compose.yml) for the tests that check them. */

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const k8sDir = join(repoRoot, "k8s");

export interface ManifestDocument {
  file: string;
  /** Position of the document inside its file (multi-document YAML). */
  index: number;
  body: Record<string, unknown>;
}

/** Every YAML file name directly in k8s/, sorted. */
export function k8sFiles(): string[] {
  return readdirSync(k8sDir)
    .filter((name) => name.endsWith(".yaml") || name.endsWith(".yml"))
    .sort();
}

/** Every non-empty document of a YAML file; a syntax error throws with the file name. */
export function readYamlDocuments(path: string): Record<string, unknown>[] {
  // merge: docker-compose.yml shares settings through YAML merge keys (`<<: *app`).
  const documents = parseAllDocuments(readFileSync(path, "utf8"), { merge: true });
  return documents.flatMap((document) => {
    if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0]?.message}`);
    const body: unknown = document.toJS();
    return body === null || body === undefined ? [] : [body as Record<string, unknown>];
  });
}

export function k8sDocuments(): ManifestDocument[] {
  return k8sFiles().flatMap((file) =>
    readYamlDocuments(join(k8sDir, file)).map((body, index) => ({ file, index, body })),
  );
}

/** The repository-relative `.ts` entry files a container command runs, e.g. ["node", "x/src/main.ts"]. */
export function entryFilesOf(command: unknown): string[] {
  if (!Array.isArray(command)) return [];
  return command.filter((part): part is string => typeof part === "string" && part.endsWith(".ts"));
}

/** Placeholder values that `docker-compose config` needs to interpolate the file offline. */
export const composeDummySecrets: Record<string, string> = {
  POSTGRES_PASSWORD: "test-only",
  RABBITMQ_PASSWORD: "test-only",
  MINIO_ROOT_USER: "test-only",
  MINIO_ROOT_PASSWORD: "test-only",
  JWT_SECRET: "test-only",
  MASTER_KEY: "test-only",
};
