import type { IncomingMessage } from "node:http";
import {
  childField,
  MAX_JSON_DEPTH,
  PayloadTooLargeError,
  refuseForbiddenText,
  ValidationError,
} from "@second-brain/contracts";

const METHODS_WITH_BODY = new Set(["POST", "PUT", "PATCH"]);

/**
 * Reads a JSON object body of at most `maxBytes`. Stops collecting (and answers 413) as soon as the
 * limit is passed, so an oversized body is never held in memory. An empty body reads as `{}`;
 * bytes that are not UTF-8, malformed JSON, a JSON value that is not an object, a string
 * anywhere in it (keys included) that breaks the text rule, or nesting deeper than
 * MAX_JSON_DEPTH is a 400 VALIDATION_FAILED.
 */
export async function readJsonBody(
  req: IncomingMessage,
  maxBytes: number,
  // A DELETE's body is read only for a route that declares one (erasing the account takes the password).
  options: { deleteHasBody?: boolean } = {},
): Promise<Record<string, unknown>> {
  const method = req.method ?? "";
  if (!METHODS_WITH_BODY.has(method) && !(method === "DELETE" && options.deleteHasBody)) return {};
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);

  const raw = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (work: () => void) => {
      if (settled) return;
      settled = true;
      work();
    };
    req.on("data", (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) {
        chunks.length = 0;
        settle(() => reject(tooLarge(maxBytes)));
      } else chunks.push(chunk);
    });
    req.on("end", () => settle(() => resolve(Buffer.concat(chunks))));
    req.on("error", (error) => settle(() => reject(error)));
  });

  if (raw.length === 0) return {};
  let text: string;
  try {
    // Not Buffer#toString, which would quietly turn broken bytes into U+FFFD.
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    throw new ValidationError("The request body is not valid UTF-8.", [
      { field: "body", message: "is not valid UTF-8" },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ValidationError("The request body is not valid JSON.", [
      { field: "body", message: "is not valid JSON" },
    ]);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ValidationError("The request body must be a JSON object.", [
      { field: "body", message: "must be a JSON object" },
    ]);
  }
  refuseForbiddenText(value, "body", MAX_JSON_DEPTH);
  refuseUnrepresentableNumbers(value);
  return value as Record<string, unknown>;
}

/**
 * A number JSON.parse could only read as Infinity (`1e309`, `-1e999`) would cross the broker, and be
 * stored, as `null`: one request would mean different things in the two run modes, and metadata would
 * change silently. Such a number is refused, naming its field. (Runs after the depth check, so the
 * walk is bounded.)
 */
function refuseUnrepresentableNumbers(body: object): void {
  const stack: { value: unknown; field: string }[] = [{ value: body, field: "" }];
  while (stack.length > 0) {
    const { value, field } = stack.pop()!;
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new ValidationError(`${field} is a number too large to represent.`, [
        { field, message: "is a number too large to represent (at most about 1.8e308)" },
      ]);
    }
    if (typeof value !== "object" || value === null) continue;
    if (Array.isArray(value))
      value.forEach((item, index) => stack.push({ value: item, field: `${field}[${index}]` }));
    else
      for (const [key, item] of Object.entries(value))
        stack.push({ value: item, field: childField(field, key) });
  }
}

function tooLarge(maxBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`The request body is larger than ${maxBytes} bytes.`);
}
