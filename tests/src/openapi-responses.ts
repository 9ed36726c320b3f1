import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

/**
 * Every response an end-to-end test receives is checked against the served /openapi.json: its
 * status must be one the operation declares, its Content-Type one the document allows, and a JSON
 * body must match the declared schema. A test fails on drift between the document and the server.
 */
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

type Json = Record<string, any>;

export interface SeenResponse {
  method: string;
  /** The request target: path and query, e.g. /api/v1/memories?limit=5. */
  target: string;
  status: number;
  contentType: string | null;
  /** The parsed JSON body; undefined when the body was empty or not read. */
  body: unknown;
  /** Whether the body was empty. */
  empty: boolean;
}

const checkers = new Map<string, Promise<DocumentCheck>>();

/** What in `response` differs from the document at `baseUrl`; undefined when nothing does. */
export async function responseDrift(baseUrl: string, response: SeenResponse): Promise<string | undefined> {
  let checker = checkers.get(baseUrl);
  if (!checker) {
    checker = fetch(`${baseUrl}/openapi.json`).then(
      async (res) => new DocumentCheck((await res.json()) as Json),
    );
    checkers.set(baseUrl, checker);
  }
  const problem = (await checker).problemWith(response);
  return (
    problem &&
    `${response.method} ${response.target} → ${response.status} differs from /openapi.json: ${problem}`
  );
}

/** Throws when `response` is not what the document at `baseUrl` declares. */
export async function checkResponse(baseUrl: string, response: SeenResponse): Promise<void> {
  const drift = await responseDrift(baseUrl, response);
  if (drift) throw new Error(drift);
}

/** fetch, with the response checked against the document (its body is read from a clone). */
export async function checkedFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, init);
  const { origin, pathname, search } = new URL(url);
  const contentType = response.headers.get("content-type");
  const isJson = contentType?.startsWith("application/json") ?? false;
  const text = isJson || response.status >= 400 ? await response.clone().text() : undefined;
  await checkResponse(origin, {
    method: init.method ?? "GET",
    target: `${pathname}${search}`,
    status: response.status,
    contentType,
    body: text ? safeJson(text) : undefined,
    empty: text === "" || response.headers.get("content-length") === "0",
  });
  return response;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

class DocumentCheck {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly routes: {
    method: string;
    pattern: RegExp;
    literal: number;
    operation: Json;
    pointer: string;
  }[];

  private readonly document: Json;

  constructor(document: Json) {
    this.document = document;
    addFormats(this.ajv);
    this.ajv.addSchema(document, "openapi.json");
    this.routes = Object.entries<Json>(document.paths).flatMap(([path, item]) =>
      Object.entries<Json>(item).map(([method, operation]) => ({
        method: method.toUpperCase(),
        pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, "[^/]+")}$`),
        // The most literal template wins: /memories/{id}/history before a catch-all.
        literal: path.replace(/\{[^}]+\}/g, "").length,
        operation,
        pointer: `#/paths/${escape(path)}/${method}`,
      })),
    );
  }

  problemWith(response: SeenResponse): string | undefined {
    // The server reads /api/v1/sessions/ as /api/v1/sessions.
    const path = response.target.split("?")[0]!.replace(/(.)\/$/, "$1");
    const candidates = this.routes.filter((route) => route.pattern.test(path));
    const route = candidates
      .filter((candidate) => candidate.method === response.method)
      .sort((a, b) => b.literal - a.literal)[0];
    // No such operation (404 for an unknown path, 405 for another method): an error in the one shape.
    if (!route) {
      if (response.status < 400) return "no operation in the document answers this request";
      return this.bodyProblem("#/components/schemas/Error", response);
    }
    const responses = route.operation.responses as Json;
    let key = String(response.status);
    if (!responses[key]) {
      // `default` covers what no operation declares one by one (405, 408, 431, 500), never a success.
      if (
        !responses.default ||
        [400, 401, 403, 404, 409, 413, 428, 429].includes(response.status) ||
        response.status < 400
      )
        return `status ${response.status} is not declared (declared: ${Object.keys(responses).join(", ")})`;
      key = "default";
    }
    const { pointer, declared } = this.resolveResponse(`${route.pointer}/responses/${key}`, responses[key]);
    const content = declared.content as Json | undefined;
    if (!content) return response.empty ? undefined : "a body where the document declares none";
    const type = (response.contentType ?? "").split(";")[0]!.trim();
    const mediaType = Object.keys(content).find(
      (declaredType) => declaredType === type || declaredType === "*/*",
    );
    if (!mediaType)
      return `Content-Type ${response.contentType} is not one of ${Object.keys(content).join(", ")}`;
    if (mediaType !== "application/json") return undefined;
    return this.bodyProblem(`${pointer}/content/application~1json/schema`, response);
  }

  private resolveResponse(pointer: string, declared: Json): { pointer: string; declared: Json } {
    if (typeof declared.$ref !== "string") return { pointer, declared };
    const target = declared.$ref as string;
    const found = target
      .slice(2)
      .split("/")
      .reduce<Json>((node, segment) => node[segment.replace(/~1/g, "/").replace(/~0/g, "~")], this.document);
    return this.resolveResponse(target, found);
  }

  private bodyProblem(pointer: string, response: SeenResponse): string | undefined {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi.json${pointer}` });
      this.compiled.set(pointer, validate);
    }
    if (validate(response.body)) return undefined;
    const errors = (validate.errors ?? [])
      .slice(0, 5)
      .map((error) => `${error.instancePath || "(body)"} ${error.message}`)
      .join("; ");
    return `the body does not match ${pointer}: ${errors}; body ${JSON.stringify(response.body)?.slice(0, 300)}`;
  }
}

const escape = (path: string) => path.replace(/~/g, "~0").replace(/\//g, "~1");
