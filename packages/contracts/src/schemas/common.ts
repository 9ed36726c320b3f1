import { Type, type SchemaOptions, type Static, type TSchema } from "@sinclair/typebox";

/** Building blocks of the API's schemas (JSON Schema 2020-12, as OpenAPI 3.1 speaks it). */
export const Uuid = (options: SchemaOptions = {}) => Type.String({ format: "uuid", ...options });
export const DateTime = (options: SchemaOptions = {}) => Type.String({ format: "date-time", ...options });
export const Unit = (options: SchemaOptions = {}) => Type.Number({ minimum: 0, maximum: 1, ...options });

/** A string enum as `{type: "string", enum}`: one error naming every allowed value, not one per branch. */
export const StringEnum = <const T extends readonly string[]>(values: T, options: SchemaOptions = {}) =>
  Type.Unsafe<T[number]>({ type: "string", enum: [...values], ...options });

/** `T` or null, as `type: [T, "null"]` (one error, not an anyOf of two). */
export const Nullable = <T extends TSchema>(schema: T) =>
  Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type as string, "null"] });

/** A JSON object with any keys (metadata, context); its size is the domain's to check. */
export const JsonObject = (options: SchemaOptions = {}) =>
  Type.Unsafe<Record<string, unknown>>({ type: "object", additionalProperties: true, ...options });

/** Request bodies and params refuse fields they do not know. */
export const Strict = <T extends Parameters<typeof Type.Object>[0]>(
  properties: T,
  options: SchemaOptions = {},
) => Type.Object(properties, { additionalProperties: false, ...options });

export const NoParams = Strict({});
export const IdParams = Strict({ id: Uuid() });

/** The one error shape (errors.ts, ErrorBody). */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ pattern: "^[A-Z][A-Z0-9_]*$", examples: ["VALIDATION_FAILED"] }),
      message: Type.String(),
      details: Type.Optional(
        Type.Unknown({
          description:
            "VALIDATION_FAILED: one {field, message} per bad field; VERSION_CONFLICT: expectedVersion and currentVersion; RATE_LIMITED: retryAfterSeconds; QUOTA_EXCEEDED: quota, limit and used.",
        }),
      ),
    }),
  },
  { title: "Error" },
);
