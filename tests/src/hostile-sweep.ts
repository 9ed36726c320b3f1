import { responseDrift } from "./openapi-responses.ts";
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { firstRuleBreak, hostileJson, hostileString, OutOfRangeNumber, rawJson } from "./hostile-values.ts";
import { placeAt, validObject, type Known, type Operation, type Target } from "./openapi-targets.ts";
import { rawRequest, type RawResponse } from "./raw-http.ts";

/** The largest request head Node reads (16 KiB) and the JSON body limit (API.md). */
const MAX_HEAD_BYTES = 16 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;
/** How deeply a JSON body may nest (API.md). */
const MAX_JSON_DEPTH = 32;

/** One request the sweep sent and what came back. */
export interface SentRequest {
  operation: string;
  target: string;
  value: unknown;
  correlationId: string;
  response: RawResponse;
  /** The field a 400 must name: the value breaks the text rule. */
  mustName?: string;
  /** The request is too large to be read: any 4xx will do. */
  tooLarge: boolean;
  /** How the answer differs from what /openapi.json declares, if it does. */
  drift?: string;
}

export interface SweepContext {
  baseUrl: string;
  token: string;
  /** Valid values by field name: the caller's own ids, tag names, credentials. */
  known: Known;
  /** A fresh valid value for a path parameter of this operation (the caller's own resource). */
  pathValue(operation: Operation, name: string): Promise<string>;
  /** A valid If-Match for this operation, when it needs one. */
  ifMatch(operation: Operation): Promise<string | undefined>;
  /** Another user's ids, emails and tag names: a valid shape, but not the caller's. */
  otherUsersValues: readonly string[];
}

/** The hostile values for one target: every kind, plus one value per kind of rule break. */
export function hostileValues(target: Target, context: SweepContext): fc.Arbitrary<unknown> {
  const strings = hostileString(context.otherUsersValues);
  if (target.in === "body" && target.segments.length === 0) return fc.oneof(hostileJson(strings), brokenUtf8);
  if (target.in === "body") return hostileJson(strings);
  if (target.in === "query")
    return fc.oneof(
      strings,
      fc.array(strings, { minLength: 1, maxLength: 3 }),
      fc.dictionary(fc.constantFrom("a", "$gt"), strings, { minKeys: 1, maxKeys: 2 }),
    );
  return strings;
}

/** Values every target meets at least once: a NUL, a control character, a lone surrogate. */
export function mustRefuseExamples(target: Target): [unknown][] {
  const examples: [unknown][] = [["nul\u0000byte"], ["bell\u0007"]];
  // A lone surrogate cannot travel in a header (latin1): everywhere else it must be refused.
  if (target.in !== "header") examples.push(["lone \ud800 surrogate"]);
  if (target.in === "body")
    examples.push([{ ["k\u0000"]: "v" }], [["ok", "\udfff"]], [new OutOfRangeNumber("1e309")]);
  if (target.in === "body" && target.segments.length === 0) examples.push([new BrokenUtf8("eda080")]);
  return examples;
}

function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A body that is not UTF-8 at all (the JSON around the bad bytes is fine). */
export class BrokenUtf8 {
  readonly bytes: Buffer;
  constructor(hex: string) {
    this.bytes = Buffer.concat([Buffer.from('{"content":"a'), Buffer.from(hex, "hex"), Buffer.from('b"}')]);
  }
  toJSON() {
    return `broken UTF-8 body ${this.bytes.toString("hex")}`;
  }
}

/** Bytes no UTF-8 decoder accepts: a stray continuation, 0xFF, an encoded surrogate, a cut sequence. */
const brokenUtf8 = fc
  .constantFrom("80", "ff", "eda080", "edbfbf", "c0af", "e282", "f4908080")
  .map((hex) => new BrokenUtf8(hex));

/** Sends `value` in place of `target` in an otherwise valid request of `operation`. */
export async function sendHostile(
  operation: Operation,
  target: Target,
  value: unknown,
  context: SweepContext,
): Promise<SentRequest> {
  const correlationId = `sweep-${randomUUID()}`;
  const headers: Record<string, string> = { "X-Correlation-ID": correlationId };
  if (!operation.public) headers.Authorization = `Bearer ${context.token}`;
  const ifMatch = await context.ifMatch(operation);
  if (ifMatch !== undefined) headers["If-Match"] = ifMatch;

  let path = operation.path;
  for (const parameter of operation.parameters.filter((p) => p.in === "path")) {
    const raw =
      target.in === "path" && target.field === parameter.name
        ? String(value)
        : await context.pathValue(operation, parameter.name);
    path = path.replace(`{${parameter.name}}`, percentEncode(raw));
  }
  const query = target.in === "query" ? queryString(target.field, value) : "";

  let body: Buffer | undefined;
  let mustName: string | undefined;
  if (operation.multipart) {
    const filename = target.in === "filename" ? String(value) : "notes.txt";
    const boundary = `sweep${randomUUID().replaceAll("-", "")}`;
    headers["Content-Type"] = `multipart/form-data; boundary=${boundary}`;
    body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=utf-8''${percentEncode(filename)}\r\n`,
      ),
      Buffer.from(`Content-Type: text/plain\r\n\r\nhello\r\n--${boundary}--\r\n`),
    ]);
    // busboy keeps only what follows the last / or \\ of a file name: that part is what the API reads.
    const basename = filename.slice(Math.max(filename.lastIndexOf("/"), filename.lastIndexOf("\\")) + 1);
    if (target.in === "filename")
      // busboy skips a part whose file name holds a line break: the API then finds no file at all.
      mustName = /[\r\n]/.test(filename) ? "file" : firstRuleBreak(asUrlDecodes(basename), "", "filename");
  } else if (["POST", "PUT", "PATCH"].includes(operation.method)) {
    headers["Content-Type"] = "application/json";
    const base = operation.body ? validObject(operation.body, context.known) : {};
    const json = target.in === "body" ? placeAt(base, target.segments, value) : base;
    if (value instanceof BrokenUtf8 && target.in === "body") {
      body = value.bytes;
      mustName = "body";
    } else {
      body = Buffer.from(rawJson(json), "utf8");
      // A body that is not a JSON object is refused as a whole before anything in it is looked at;
      // in one that is, a string that breaks the rule or nesting past the limit is named.
      if (target.in === "body") {
        const found = firstRuleBreak(json, "", "body", MAX_JSON_DEPTH);
        mustName = found && (isObject(json) ? found : "body");
      }
    }
  }
  if (target.in === "header") {
    // Header values travel as latin1 bytes; CR and LF would end the header line rather than sit in it.
    const text = String(value)
      .replace(/[\r\n]/g, " ")
      .replace(/[^\x20-\xff\t]/g, (char) => (char < " " ? char : "?"));
    headers[target.field] = target.field === "Authorization" ? `Bearer ${text}` : text;
    mustName = firstRuleBreak(text, "", target.field);
  }
  if (target.in === "path")
    mustName =
      /[\ud800-\udfff]/.test(String(value)) && !String(value).isWellFormed()
        ? "path"
        : firstRuleBreak(String(value), "", target.field);
  if (target.in === "query")
    mustName = firstRuleBreak({ [target.field]: asUrlDecodesDeep(value) }, "", "query");

  const requestTarget = `${path}${query ? `?${query}` : ""}`;
  // Near Node's limit on the request head, the few lines rawRequest adds decide: any 4xx will do.
  const headBytes =
    Buffer.byteLength(requestTarget) +
    Object.entries(headers).reduce((sum, [name, value]) => sum + name.length + value.length + 4, 0);
  const tooLarge =
    headBytes > MAX_HEAD_BYTES - 256 || (body?.length ?? 0) > (operation.maxBodyBytes ?? MAX_BODY_BYTES);
  const response = await rawRequest(context.baseUrl, {
    method: operation.method,
    target: requestTarget,
    headers,
    ...(body ? { body } : {}),
  });
  const drift = await responseDrift(new URL(context.baseUrl).origin, {
    method: operation.method,
    target: requestTarget,
    status: response.status,
    contentType: response.headers["content-type"] ?? null,
    body: response.json,
    empty: response.text === "",
  });
  return {
    operation: operation.id,
    target: target.field,
    value,
    correlationId,
    response,
    ...(mustName ? { mustName } : {}),
    tooLarge,
    ...(drift ? { drift } : {}),
  };
}

/**
 * Percent-encodes text for a URL. A lone surrogate has no UTF-8 form: it is sent as the bytes a
 * careless encoder would write (CESU-8), which no UTF-8 decoder accepts.
 */
export function percentEncode(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff)
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join("");
    else out += encodeURIComponent(char);
  }
  return out;
}

/** What the server reads back from `percentEncode(text)` in a query: undecodable pieces stay as they are. */
function asUrlDecodes(text: string): string {
  return text.isWellFormed() ? text : percentEncode(text);
}

function asUrlDecodesDeep(value: unknown): unknown {
  if (typeof value === "string") return asUrlDecodes(value);
  if (Array.isArray(value)) return value.map(asUrlDecodesDeep);
  return Object.fromEntries(
    Object.entries(value as object).map(([key, child]) => [key, asUrlDecodesDeep(child)]),
  );
}

/** `name=v`, `name[0]=a&name[1]=b` or `name[key]=v`, as qs (moleculer-web's parser) reads them. */
function queryString(name: string, value: unknown): string {
  if (typeof value === "string") return `${name}=${percentEncode(value)}`;
  if (Array.isArray(value))
    return value.map((item, index) => `${name}[${index}]=${percentEncode(String(item))}`).join("&");
  return Object.entries(value as object)
    .map(([key, item]) => `${name}[${percentEncode(key)}]=${percentEncode(String(item))}`)
    .join("&");
}
