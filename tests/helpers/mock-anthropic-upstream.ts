import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type AnthropicEvent, type ScriptedReply, renderMessage, renderStreamEvents } from "./anthropic-scripted-reply";
import { type BrokenBody, brokenBodyResponse } from "./broken-body";
import { hangUntilAborted } from "./hang-until-aborted";

export type { AnthropicEvent, AnthropicStopReason, ScriptedBlock, ScriptedReply, ScriptedUsage } from "./anthropic-scripted-reply";

/**
 * A local stand-in for api.anthropic.com speaking its real wire format: `POST /v1/messages`
 * (query string ignored, so the CLI's `?beta=true` works) as JSON or as SSE
 * (`event: <type>\ndata: <json>\n\n`, `event: ping`, `event: error` mid-stream), real error bodies
 * `{"type":"error","error":{"type":...,"message":...},"request_id":...}`, plus
 * `POST /v1/messages/count_tokens` (a deterministic count, and the API's 400 for fields the
 * counting endpoint does not take, such as `max_tokens`) and `GET /v1/models`. Tests queue replies with `enqueue`;
 * without one it answers any request with a short text, streamed or not as the request asked.
 */
export type MockAnthropicReply =
  /** Rendered as a JSON message or as stream events, whichever the request asked for. */
  | { kind: "reply"; reply: ScriptedReply; intervalMs?: number; midStreamError?: MidStreamError }
  /** Replays tests/fixtures/anthropic/<name>.jsonl as SSE, each line's `type` as the event name. */
  | { kind: "fixture"; name: string; intervalMs?: number }
  /** Sends the first `events` lines of a fixture, then cuts the connection. */
  | { kind: "cut"; name: string; events: number }
  /** A raw JSON body (a non-streaming answer or anything else). */
  | { kind: "json"; body: unknown; status?: number }
  /** An HTTP error with the real Anthropic error body; type and message default per status. */
  | { kind: "error"; status: number; type?: string; message?: string; headers?: Record<string, string> }
  /** Never answers (until the client aborts the request). */
  | { kind: "hang" }
  /** A 200 whose body is cut, not JSON, empty or of another shape (tests/helpers/broken-body.ts). */
  | { kind: "broken"; broken: BrokenBody };

export interface MidStreamError {
  /** How many events of the rendered stream go out before `event: error`. */
  afterEvents: number;
  type?: string;
  message?: string;
}

export interface RecordedAnthropicRequest {
  method: string;
  path: string;
  /** The query string including "?", or "" (the CLI sends `?beta=true`). */
  search: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface MockAnthropicUpstream {
  /** Base URL without /v1, as ANTHROPIC_BASE_URL and the SDK's baseURL want it. */
  url: string;
  /** Every request to /v1/messages (count_tokens and models included, told apart by path). */
  requests: RecordedAnthropicRequest[];
  /** Streams the client aborted while the mock was still answering. */
  aborted: number;
  enqueue(...replies: MockAnthropicReply[]): void;
  /** Replies for the next count_tokens requests (json, error, hang, broken); without one it counts. */
  enqueueCount(...replies: MockAnthropicReply[]): void;
  /** Replies queued but not yet used (a test can assert its script was consumed). */
  pending(): number;
  close(): Promise<void>;
}

export interface MockAnthropicOptions {
  /** The answer when no reply is queued; defaults to a short text. */
  defaultReply?: (body: Record<string, unknown>) => ScriptedReply;
  /** When set, requests without this key (x-api-key or Bearer) get the API's 401. */
  apiKey?: string;
  models?: string[];
}

export const DEFAULT_MOCK_TEXT = "Hello from the mock Anthropic upstream.";

const fixtureDir = join(import.meta.dir, "..", "fixtures", "anthropic");
export const readAnthropicFixtureLines = (name: string): string[] =>
  readFileSync(join(fixtureDir, `${name}.jsonl`), "utf8").split("\n").filter((line) => line.trim() !== "");
export const readAnthropicFixture = (name: string): AnthropicEvent[] =>
  readAnthropicFixtureLines(name).map((line) => JSON.parse(line) as AnthropicEvent);

const errorDefaults: Record<number, [string, string]> = {
  400: ["invalid_request_error", "messages: at least one message is required"],
  401: ["authentication_error", "invalid x-api-key"],
  403: ["permission_error", "Your API key does not have permission to use the specified resource."],
  404: ["not_found_error", "model: claude-nonexistent"],
  413: ["request_too_large", "Request exceeds the maximum allowed number of bytes."],
  429: ["rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit."],
  500: ["api_error", "Internal server error"],
  504: ["timeout_error", "Request timeout"],
  529: ["overloaded_error", "Overloaded"],
};

let requestSequence = 0;
const requestId = () => `req_011Mock${String(++requestSequence).padStart(16, "0")}`;

export function anthropicErrorBody(status: number, type?: string, message?: string) {
  const [defaultType, defaultMessage] = errorDefaults[status] ?? ["api_error", "Internal server error"];
  return { type: "error", error: { type: type ?? defaultType, message: message ?? defaultMessage }, request_id: requestId() };
}

function errorResponse(status: number, type?: string, message?: string, headers: Record<string, string> = {}): Response {
  const body = anthropicErrorBody(status, type, message);
  return Response.json(body, { status, headers: { "request-id": body.request_id, ...headers } });
}

const encoder = new TextEncoder();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sseFrame = (event: string, data: string) => encoder.encode(`event: ${event}\ndata: ${data}\n\n`);

interface SseOptions {
  intervalMs: number;
  signal: AbortSignal;
  onAbort: () => void;
  /** Events sent before the connection is cut. */
  cutAfter?: number;
}

/** `lines` are JSON event payloads; each goes out under its own `type` as the SSE event name. */
function sseResponse(lines: string[], options: SseOptions): Response {
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const [index, line] of lines.entries()) {
        if (options.cutAfter !== undefined && index >= options.cutAfter) {
          controller.error(new Error("connection cut by mock"));
          return;
        }
        if (options.signal.aborted) {
          options.onAbort();
          return;
        }
        const type = (JSON.parse(line) as { type?: unknown }).type;
        controller.enqueue(sseFrame(typeof type === "string" ? type : "message", line));
        if (options.intervalMs > 0) await sleep(options.intervalMs);
      }
      controller.close();
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "request-id": requestId() },
  });
}

function isAuthorized(request: Request, apiKey: string | undefined): boolean {
  if (apiKey === undefined) return true;
  return request.headers.get("x-api-key") === apiKey || request.headers.get("authorization") === `Bearer ${apiKey}`;
}

/** A rough count for count_tokens: four characters a token, as a stand-in. */
const estimateTokens = (body: unknown) => Math.max(1, Math.ceil(JSON.stringify(body).length / 4));
/** Generation settings the real count_tokens endpoint answers with "Extra inputs are not permitted". */
const notCounted = ["max_tokens", "stream", "temperature", "top_p", "top_k", "stop_sequences", "metadata"];

export function startMockAnthropicUpstream(options: MockAnthropicOptions = {}): MockAnthropicUpstream {
  const queue: MockAnthropicReply[] = [];
  const countQueue: MockAnthropicReply[] = [];
  const requests: RecordedAnthropicRequest[] = [];
  const state = { aborted: 0 };
  const defaultReply = options.defaultReply ?? (() => ({ content: [{ type: "text", text: DEFAULT_MOCK_TEXT }] }) satisfies ScriptedReply);
  const models = options.models ?? ["claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1"];

  const answer = (reply: MockAnthropicReply, body: Record<string, unknown>, signal: AbortSignal): Response | Promise<Response> => {
    const model = String(body.model);
    const onAbort = () => state.aborted++;
    switch (reply.kind) {
      case "reply": {
        if (!body.stream) return Response.json(renderMessage(reply.reply, model), { headers: { "request-id": requestId() } });
        const lines = renderStreamEvents(reply.reply, model).map((event) => JSON.stringify(event));
        if (reply.midStreamError) {
          const error = anthropicErrorBody(529, reply.midStreamError.type, reply.midStreamError.message);
          lines.splice(reply.midStreamError.afterEvents, lines.length, JSON.stringify({ type: "error", error: error.error }));
        }
        return sseResponse(lines, { intervalMs: reply.intervalMs ?? 0, signal, onAbort });
      }
      case "fixture":
        return sseResponse(readAnthropicFixtureLines(reply.name), { intervalMs: reply.intervalMs ?? 0, signal, onAbort });
      case "cut":
        return sseResponse(readAnthropicFixtureLines(reply.name), { intervalMs: 0, signal, onAbort, cutAfter: reply.events });
      case "json":
        return Response.json(reply.body, { status: reply.status ?? 200, headers: { "request-id": requestId() } });
      case "error":
        return errorResponse(reply.status, reply.type, reply.message, reply.headers);
      case "hang":
        return hangUntilAborted(signal, onAbort);
      case "broken":
        return brokenBodyResponse(reply.broken);
    }
  };

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const record = (body: Record<string, unknown>) =>
        requests.push({ method: request.method, path: url.pathname, search: url.search, headers: Object.fromEntries(request.headers), body });
      if (!isAuthorized(request, options.apiKey)) {
        record({});
        return errorResponse(401);
      }
      if (request.method === "GET" && url.pathname === "/v1/models") {
        record({});
        const data = models.map((id) => ({ type: "model", id, display_name: id, created_at: "2025-09-29T00:00:00Z" }));
        return Response.json({ data, has_more: false, first_id: models[0] ?? null, last_id: models.at(-1) ?? null });
      }
      if (request.method !== "POST" || (url.pathname !== "/v1/messages" && url.pathname !== "/v1/messages/count_tokens")) {
        return errorResponse(404, "not_found_error", "Not Found");
      }
      let body: Record<string, unknown>;
      try {
        body = (await request.json()) as Record<string, unknown>;
      } catch {
        return errorResponse(400, "invalid_request_error", "There was an issue with the formatting or content of your request.");
      }
      record(body);
      if (url.pathname === "/v1/messages/count_tokens") {
        const extra = notCounted.find((field) => field in body);
        if (extra) return errorResponse(400, "invalid_request_error", `${extra}: Extra inputs are not permitted`);
        const queued = countQueue.shift();
        if (queued) return answer(queued, body, request.signal);
        return Response.json({ input_tokens: estimateTokens(body) });
      }
      return answer(queue.shift() ?? { kind: "reply", reply: defaultReply(body) }, body, request.signal);
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    get aborted() {
      return state.aborted;
    },
    enqueue: (...replies) => queue.push(...replies),
    enqueueCount: (...replies) => countQueue.push(...replies),
    pending: () => queue.length,
    close: async () => {
      await server.stop(true);
    },
  };
}
