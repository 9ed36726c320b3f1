import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { fakeVector } from "./fake-embedder.ts";

/** What the stand-in does with the next request, instead of answering it. */
export type ScriptedAnswer = { status: number; headers?: Record<string, string>; message?: string } | "hang";

export interface RecordedRequest {
  input: string[];
  model: string;
  dimensions: number;
  encodingFormat: string | undefined;
  authorization: string | undefined;
  at: number;
}

export interface EmbeddingsStandIn {
  /** Base URL to give the client, ending in /v1. */
  baseUrl: string;
  requests: RecordedRequest[];
  script(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

/** The vector the stand-in returns for a text: deterministic, deliberately not unit length. */
export function standInVector(text: string, dimensions: number): number[] {
  return fakeVector(text, dimensions).map((value) => value * 3);
}

/**
 * A local HTTP stand-in of the OpenAI embeddings endpoint (POST /v1/embeddings) on 127.0.0.1. It
 * answers with deterministic vectors, listed in reverse order with their `index` (as the API
 * allows), and can be scripted to fail or hang.
 */
export async function startEmbeddingsStandIn(): Promise<EmbeddingsStandIn> {
  const requests: RecordedRequest[] = [];
  const scripted: ScriptedAnswer[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.method !== "POST" || request.url !== "/v1/embeddings") {
        return reply(response, 404, { error: { message: "not found", type: "invalid_request_error" } });
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        input: string | string[];
        model: string;
        dimensions: number;
        encoding_format?: string;
      };
      const input = typeof body.input === "string" ? [body.input] : body.input;
      requests.push({
        input,
        model: body.model,
        dimensions: body.dimensions,
        encodingFormat: body.encoding_format,
        authorization: request.headers.authorization,
        at: Date.now(),
      });
      const next = scripted.shift();
      if (next === "hang") return; // never answers; the socket is destroyed on close
      if (next) {
        return reply(
          response,
          next.status,
          { error: { message: next.message ?? `scripted ${next.status}` } },
          next.headers,
        );
      }
      const data = input.map((text, index) => {
        const vector = standInVector(text, body.dimensions);
        const embedding =
          body.encoding_format === "base64"
            ? Buffer.from(new Float32Array(vector).buffer).toString("base64")
            : vector;
        return { object: "embedding", index, embedding };
      });
      reply(response, 200, {
        object: "list",
        model: body.model,
        data: data.reverse(),
        usage: { prompt_tokens: input.length, total_tokens: input.length },
      });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...answers) => void scripted.push(...answers),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function reply(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}
