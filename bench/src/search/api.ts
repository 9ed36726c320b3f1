import { randomBytes, randomUUID } from "node:crypto";

/** The few gateway calls bench/search makes, over keep-alive fetch. */
export interface BenchUser {
  id: string;
  accessToken: string;
  refreshToken: string;
  /** When the access token was issued; tokens live 15 minutes and a full run can take longer. */
  issuedAt: number;
}

export interface SearchBody {
  query: string;
  mode: "semantic" | "keyword" | "hybrid";
  limit: number;
  filters: { tags?: string[]; to?: string };
}

const TOKEN_REFRESH_MS = 10 * 60_000;

export async function registerUser(baseUrl: string): Promise<BenchUser> {
  const credentials = {
    email: `bench-search-${randomUUID()}@example.com`,
    password: randomBytes(12).toString("hex"),
  };
  const post = (path: string, body: object) =>
    fetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const registered = await post("/api/v1/auth/register", credentials);
  if (registered.status !== 202)
    throw new Error(`register answered ${registered.status}: ${await registered.text()}`);
  const res = await post("/api/v1/auth/login", credentials);
  if (res.status !== 200) throw new Error(`login answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { accessToken: string; refreshToken: string };
  const me = await fetch(`${baseUrl}/api/v1/users/me`, {
    headers: { authorization: `Bearer ${body.accessToken}` },
  });
  const { id } = (await me.json()) as { id: string };
  return { id, ...body, issuedAt: Date.now() };
}

/** Refreshes the user's tokens in place when they are getting old. */
export async function keepFresh(baseUrl: string, user: BenchUser): Promise<void> {
  if (Date.now() - user.issuedAt < TOKEN_REFRESH_MS) return;
  const res = await fetch(`${baseUrl}/api/v1/auth/refresh`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ refreshToken: user.refreshToken }),
  });
  if (res.status !== 200) throw new Error(`refresh answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { accessToken: string; refreshToken: string };
  Object.assign(user, body, { issuedAt: Date.now() });
}

/** POST /api/v1/search; returns the ids in rank order. Anything but a 200 is an error. */
export async function searchIds(baseUrl: string, user: BenchUser, body: SearchBody): Promise<string[]> {
  const res = await fetch(`${baseUrl}/api/v1/search`, {
    method: "POST",
    headers: { authorization: `Bearer ${user.accessToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`search answered ${res.status}: ${await res.text()}`);
  const { results } = (await res.json()) as { results: { memory: { id: string } }[] };
  return results.map((hit) => hit.memory.id);
}

export async function createMemory(baseUrl: string, user: BenchUser, content: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/memories`, {
    method: "POST",
    headers: { authorization: `Bearer ${user.accessToken}`, "content-type": "application/json" },
    body: JSON.stringify({ content, tags: ["bench"] }),
  });
  if (res.status !== 201) throw new Error(`create answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}
