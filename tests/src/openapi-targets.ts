/**
 * What the input sweep attacks, read from the served OpenAPI document (gateway/src/application/openapi.ts):
 * every operation, and in each every body field (nested ones included), query parameter, path
 * parameter and header the API reads. Also builds the valid request each attack starts from, so
 * that the one hostile value is what the server has to deal with.
 */
export type Schema = Record<string, any>;
type Document = {
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, Schema> };
};

export interface Operation {
  id: string;
  method: string;
  /** OpenAPI template, e.g. /api/v1/memories/{id}. */
  path: string;
  public: boolean;
  parameters: { name: string; in: "query" | "path" | "header"; required?: boolean; schema: Schema }[];
  /** The JSON body's schema; undefined when the operation declares none. */
  body?: Schema;
  /** A body limit tighter than the configured one, when the operation declares it. */
  maxBodyBytes?: number;
  multipart: boolean;
}

export type Target =
  | { in: "body"; segments: (string | number)[]; field: string; schema: Schema }
  | { in: "query" | "path" | "header"; field: string; schema: Schema }
  | { in: "filename"; field: "filename" };

export function operationsOf(document: Document): Operation[] {
  const resolve = (schema: Schema | undefined) => resolveSchema(document, schema);
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => {
      const content = op.requestBody?.content ?? {};
      return {
        id: op.operationId,
        method: method.toUpperCase(),
        path,
        public: Array.isArray(op.security) && op.security.length === 0,
        parameters: (op.parameters ?? []).map((parameter: Schema) => ({
          ...parameter,
          schema: resolve(parameter.schema),
        })),
        body: content["application/json"] ? resolve(content["application/json"].schema) : undefined,
        maxBodyBytes: op.requestBody?.["x-max-body-bytes"],
        multipart: Boolean(content["multipart/form-data"]),
      };
    }),
  );
}

export function resolveSchema(document: Document, schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (typeof schema.$ref === "string")
    return resolveSchema(document, document.components.schemas[schema.$ref.split("/").pop()!]);
  return schema;
}

/** Everything of `op` a client controls, one target each. */
export function targetsOf(op: Operation, document: Document): Target[] {
  const targets: Target[] = [];
  const writes = ["POST", "PUT", "PATCH"].includes(op.method);
  if (op.body || (writes && !op.multipart)) {
    // The body as a whole (hostile keys, wrong types), and a field the schema does not know.
    targets.push({ in: "body", segments: [], field: "body", schema: op.body ?? {} });
    targets.push({ in: "body", segments: ["unexpected"], field: "unexpected", schema: {} });
    if (op.body) bodyTargets(document, op.body, [], targets, 0);
  }
  for (const parameter of op.parameters)
    targets.push({ in: parameter.in, field: parameter.name, schema: parameter.schema });
  const read = [
    "X-Request-ID",
    ...(op.public ? [] : ["Authorization"]),
    ...(op.body || op.multipart ? ["Content-Type"] : []),
  ];
  for (const header of read) targets.push({ in: "header", field: header, schema: { type: "string" } });
  if (op.multipart) targets.push({ in: "filename", field: "filename" });
  return targets;
}

function bodyTargets(
  document: Document,
  schema: Schema,
  prefix: (string | number)[],
  into: Target[],
  depth: number,
) {
  if (depth > 3) return;
  for (const [name, raw] of Object.entries<Schema>(schema.properties ?? {})) {
    const property = resolveSchema(document, raw);
    const segments = [...prefix, name];
    into.push({ in: "body", segments, field: fieldOf(segments), schema: property });
    if (property.properties) bodyTargets(document, property, segments, into, depth + 1);
    if (property.items) {
      const items = resolveSchema(document, property.items);
      into.push({ in: "body", segments: [...segments, 0], field: fieldOf([...segments, 0]), schema: items });
      if (items.properties) bodyTargets(document, items, [...segments, 0], into, depth + 1);
    }
    if (property.additionalProperties === true) {
      const inside = [...segments, "note"];
      into.push({ in: "body", segments: inside, field: fieldOf(inside), schema: {} });
    }
  }
}

export function fieldOf(segments: (string | number)[]): string {
  return segments
    .map((segment, index) =>
      typeof segment === "number" ? `[${segment}]` : index === 0 ? segment : `.${segment}`,
    )
    .join("");
}

/** Ids and names a valid request needs, by field name (the caller's own resources). */
export type Known = Record<string, string>;

/** A valid value for a field of this schema: enough for the request to get past validation. */
export function validValue(schema: Schema, name: string, known: Known): unknown {
  if (known[name] !== undefined) return known[name];
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === "array") return [];
  if (type === "object" || schema.properties) return validObject(schema, known);
  if (type === "integer" || type === "number")
    return Math.min(schema.maximum ?? 5, Math.max(schema.minimum ?? 1, 1));
  if (type === "boolean") return true;
  if (schema.format === "date-time") return new Date().toISOString();
  if (schema.format === "uri") return "https://example.com/page";
  if (schema.format === "email") return `sweep-${Math.random().toString(36).slice(2)}@example.com`;
  return "sweep text";
}

/** An object with every required property valid. */
export function validObject(schema: Schema, known: Known): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const name of schema.required ?? [])
    value[name] = validValue(schema.properties?.[name] ?? {}, name, known);
  return value;
}

/** `base` with `value` at `segments` (arrays and objects made on the way). */
export function placeAt(base: unknown, segments: (string | number)[], value: unknown): unknown {
  if (segments.length === 0) return value;
  const [head, ...rest] = segments;
  if (typeof head === "number") {
    const array = Array.isArray(base) ? [...base] : [];
    array[head] = placeAt(array[head], rest, value);
    return array;
  }
  const object = typeof base === "object" && base !== null && !Array.isArray(base) ? { ...base } : {};
  Object.defineProperty(object, head!, {
    value: placeAt((object as Record<string, unknown>)[head!], rest, value),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return object;
}
