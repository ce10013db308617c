import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type BrokenBody, brokenBodyResponse } from "./broken-body";
import { hangUntilAborted } from "./hang-until-aborted";
import { CUT_GRACE_MS } from "./cut-grace";

/**
 * A local stand-in for generativelanguage.googleapis.com speaking the real REST API:
 * `POST /{version}/models/{model}:generateContent` answers pretty-printed JSON, and
 * `:streamGenerateContent?alt=sse` replays tests/fixtures/gemini as `data: …\r\n\r\n` events
 * (no `[DONE]`; the stream ends when the body does). Errors use Google's body
 * `{"error": {"code", "message", "status"}}`. The key must come in `x-goog-api-key` (or `key=`),
 * as the SDK sends it. Tests queue replies with `enqueue`; without one it answers with text.
 */
export type GeminiMockReply =
  | { kind: "fixture"; name: string; framing?: "crlf" | "lf"; intervalMs?: number }
  /** Any events, streamed as SSE (or, for generateContent, the first event as the body). */
  | { kind: "events"; events: unknown[] }
  | { kind: "json"; body: unknown; status?: number }
  | { kind: "error"; status: number; body?: unknown }
  /** Sends the first `lines` of a fixture, then cuts the connection. */
  | { kind: "cut"; name: string; lines: number }
  | { kind: "hang" }
  /** A 200 whose body is cut, not JSON, empty or of another shape (tests/helpers/broken-body.ts). */
  | { kind: "broken"; broken: BrokenBody };

export interface RecordedGeminiRequest {
  method: "generateContent" | "streamGenerateContent";
  apiVersion: string;
  model: string;
  search: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface MockGeminiUpstream {
  /** The origin, as GEMINI_BASE_URL takes it (the SDK adds the API version). */
  url: string;
  requests: RecordedGeminiRequest[];
  /** The path of every request that arrived, answered or not. */
  paths: string[];
  /** Requests that went away (the proxy aborted them) while the mock was still answering. */
  aborted: number;
  enqueue(...replies: GeminiMockReply[]): void;
  close(): Promise<void>;
}

const fixtureDir = join(import.meta.dir, "..", "fixtures", "gemini");
const encoder = new TextEncoder();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const statusNames: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

export const readGeminiFixtureLines = (name: string): string[] =>
  readFileSync(join(fixtureDir, `${name}.jsonl`), "utf8").split("\n").filter((line) => line.trim() !== "");

export const readGeminiFixture = (name: string): unknown[] => readGeminiFixtureLines(name).map((line) => JSON.parse(line) as unknown);

export function googleError(code: number, message: string, details?: unknown[]) {
  return { error: { code, message, status: statusNames[code] ?? "UNKNOWN", ...(details ? { details } : {}) } };
}

/** The body `generateContent` returns for the same answer a fixture streams: parts merged, last finish and usage. */
export function geminiResponseFromFixture(name: string): Record<string, unknown> {
  type Part = { text?: string; thought?: boolean; [key: string]: unknown };
  type Event = { candidates?: Array<{ content?: { parts?: Part[] }; [key: string]: unknown }>; [key: string]: unknown };
  const events = readGeminiFixture(name) as Event[];
  const parts: Part[] = [];
  for (const part of events.flatMap((event) => event.candidates?.[0]?.content?.parts ?? [])) {
    const last = parts.at(-1);
    const plainText = typeof part.text === "string" && Object.keys(part).every((key) => key === "text" || key === "thought");
    if (plainText && last && typeof last.text === "string" && last.thought === part.thought && !last.thoughtSignature) last.text += part.text;
    else if (!(plainText && part.text === "")) parts.push({ ...part });
  }
  const final = events.at(-1)!;
  const { content: _content, ...finalCandidate } = final.candidates?.[0] ?? {};
  const response: Record<string, unknown> = { ...final };
  if (final.candidates) response.candidates = [{ content: { parts, role: "model" }, ...finalCandidate }];
  return response;
}

export function geminiTextResponse(text: string, model: string) {
  return {
    candidates: [{ content: { parts: [{ text }], role: "model" }, finishReason: "STOP", index: 0 }],
    usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 7, totalTokenCount: 27, promptTokensDetails: [{ modality: "TEXT", tokenCount: 20 }] },
    modelVersion: model,
    responseId: "mockDefaultResponse0001",
  };
}

const googleJson = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body, null, 2), { status, headers: { "content-type": "application/json; charset=UTF-8" } });

function sseResponse(lines: string[], options: { separator: string; intervalMs: number; signal: AbortSignal; onAbort: () => void; cutAfter?: number }): Response {
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const [index, line] of lines.entries()) {
        if (options.cutAfter !== undefined && index >= options.cutAfter) {
          // Let what was sent reach the client first, so the cut lands mid-body, not before the headers.
          await sleep(CUT_GRACE_MS);
          controller.error(new Error("connection cut by mock"));
          return;
        }
        if (options.signal.aborted) {
          options.onAbort();
          return;
        }
        controller.enqueue(encoder.encode(`data: ${line}${options.separator}`));
        if (options.intervalMs > 0) await sleep(options.intervalMs);
      }
      controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream", "x-content-type-options": "nosniff" } });
}

export function startMockGeminiUpstream(options: { apiKey?: string } = {}): MockGeminiUpstream {
  const queue: GeminiMockReply[] = [];
  const requests: RecordedGeminiRequest[] = [];
  const paths: string[] = [];
  const state = { aborted: 0 };

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url);
      paths.push(url.pathname);
      const route = /^\/(v1(?:alpha|beta)?)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(url.pathname);
      if (request.method !== "POST" || !route) {
        return googleJson(googleError(404, `Method not found: ${request.method} ${url.pathname}`), 404);
      }
      const key = request.headers.get("x-goog-api-key") ?? url.searchParams.get("key");
      if (!key) {
        const message = "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.";
        return googleJson(googleError(403, message), 403);
      }
      if (options.apiKey !== undefined && key !== options.apiKey) {
        const message = "API key not valid. Please pass a valid API key.";
        const details = [
          { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com", metadata: { service: "generativelanguage.googleapis.com" } },
          { "@type": "type.googleapis.com/google.rpc.LocalizedMessage", locale: "en-US", message },
        ];
        return googleJson(googleError(400, message, details), 400);
      }
      const [, apiVersion = "", model = "", method] = route;
      let body: Record<string, unknown>;
      try {
        body = (await request.json()) as Record<string, unknown>;
      } catch {
        return googleJson(googleError(400, "Invalid JSON payload received."), 400);
      }
      const streaming = method === "streamGenerateContent";
      requests.push({ method: streaming ? "streamGenerateContent" : "generateContent", apiVersion, model, search: url.search, headers: Object.fromEntries(request.headers), body });

      const reply: GeminiMockReply = queue.shift() ?? (streaming ? { kind: "fixture", name: "text-with-usage" } : { kind: "json", body: geminiTextResponse("Hello from the mock Gemini.", model) });
      const onAbort = () => state.aborted++;
      const sse = (lines: string[], extra: { separator?: string; intervalMs?: number; cutAfter?: number } = {}) =>
        sseResponse(lines, { separator: extra.separator ?? "\r\n\r\n", intervalMs: extra.intervalMs ?? 0, signal: request.signal, onAbort, cutAfter: extra.cutAfter });
      switch (reply.kind) {
        case "json":
          return googleJson(reply.body, reply.status ?? 200);
        case "error":
          return googleJson(reply.body ?? googleError(reply.status, `mock error ${reply.status}`), reply.status);
        case "events":
          if (!streaming) return googleJson(reply.events[0]);
          return sse(reply.events.map((event) => JSON.stringify(event)));
        case "fixture":
          if (!streaming) return googleJson(geminiResponseFromFixture(reply.name));
          return sse(readGeminiFixtureLines(reply.name), { separator: reply.framing === "lf" ? "\n\n" : "\r\n\r\n", intervalMs: reply.intervalMs });
        case "cut":
          return sse(readGeminiFixtureLines(reply.name), { cutAfter: reply.lines });
        case "hang":
          return hangUntilAborted(request.signal, onAbort);
        case "broken":
          return brokenBodyResponse(reply.broken);
      }
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    paths,
    get aborted() {
      return state.aborted;
    },
    enqueue: (...replies) => queue.push(...replies),
    close: async () => {
      await server.stop(true);
    },
  };
}
