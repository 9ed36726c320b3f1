import { randomUUID } from "node:crypto";
import { checkResponse } from "./openapi-responses.ts";

/**
 * A thin HTTP client for the REST API, as an outside user (or the CLI) would call it. Every
 * response is checked against the served /openapi.json (openapi-responses.ts): drift fails the test.
 */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export class ApiClient {
  readonly baseUrl: string;
  token: string | undefined;

  constructor(baseUrl: string, token?: string) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const raw = typeof body === "string" || body === undefined ? body : JSON.stringify(body);
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(raw !== undefined ? { "content-type": "application/json" } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      ...(raw !== undefined ? { body: raw } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    const url = new URL(`${this.baseUrl}${path}`);
    await checkResponse(url.origin, {
      method,
      target: `${url.pathname}${url.search}`,
      status: response.status,
      contentType: response.headers.get("content-type"),
      body: parsed,
      empty: text === "",
    });
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  /** Registers a fresh user, signs in, and keeps the access token for later calls. */
  async registerUser(
    email = `user-${randomUUID()}@example.com`,
  ): Promise<{ id: string; email: string; password: string; refreshToken: string }> {
    const password = `pw-${randomUUID()}`;
    const res = await this.request("POST", "/api/v1/auth/register", { email, password, name: "Test User" });
    if (res.status !== 202) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
    const { refreshToken } = await this.login(email, password);
    const me = await this.request("GET", "/api/v1/users/me");
    return { id: me.body.id, email, password, refreshToken };
  }

  /** Signs in and keeps the access token for later calls. */
  async login(email: string, password: string): Promise<{ accessToken: string; refreshToken: string }> {
    const res = await this.request("POST", "/api/v1/auth/login", { email, password });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    this.token = res.body.accessToken;
    return res.body;
  }
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
