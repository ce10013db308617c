import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type BrokenBody, brokenBodyResponse } from "./broken-body";
import { hangUntilAborted } from "./hang-until-aborted";
import { type OllamaShowReply, answerOllamaShow } from "./mock-ollama-show";
import { CUT_GRACE_MS } from "./cut-grace";

/**
 * A local stand-in for api.openai.com / Ollama / any OpenAI-compatible server, speaking the real
 * wire format: JSON completions, SSE streams replayed from tests/fixtures/openai, real error bodies.
 * Tests queue replies with `enqueue`; without one it answers with a default text completion.
 * `POST /v1/responses` (OpenAI's Responses API) is served too: a queued "fixture" there replays
 * tests/fixtures/openai-responses/<name>.jsonl as `event: <type>` + `data:` events; without one it
 * streams the `text` fixture.
 */
export type MockReply =
  /**
   * A recorded stream; `delayMs` holds its first line (on Bun, the response headers too), `pause`
   * holds it `ms` long after its first `afterLines` lines (a thinking model's silence).
   */
  | { kind: "fixture"; name: string; intervalMs?: number; delayMs?: number; pause?: { afterLines: number; ms: number } }
  /** A JSON answer, sent after `delayMs`. */
  | { kind: "json"; body: unknown; status?: number; delayMs?: number }
  | { kind: "error"; status: number; body?: unknown; headers?: Record<string, string> }
  /** Synthetic stream: `count` content chunks `intervalMs` apart, then finish and usage. */
  | { kind: "chunks"; count: number; intervalMs: number }
  /** Never answers (until the proxy aborts the request). */
  | { kind: "hang" }
  /** Sends the first `lines` of a fixture, then cuts the connection. */
  | { kind: "cut"; name: string; lines: number }
  /** Built from the request it answers (an upstream that echoes what it received). */
  | { kind: "respond"; respond: (request: RecordedRequest) => Response }
  /** Sends the first `lines` of a fixture, then goes silent, the connection open, until the proxy aborts. */
  | { kind: "stall"; name: string; lines: number }
  /** A 200 whose body is cut, not JSON, empty or of another shape (tests/helpers/broken-body.ts). */
  | { kind: "broken"; broken: BrokenBody }
  /** A stream of the given `data:` payloads (chunk JSON, or "[DONE]"), for replies a test builds itself. */
  | { kind: "lines"; lines: string[] };

export interface RecordedRequest {
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface MockOpenAIUpstream {
  /** Base URL including /v1, as OPENAI_BASE_URL wants it. */
  url: string;
  origin: string;
  requests: RecordedRequest[];
  /** Requests the proxy aborted while the mock was still answering. */
  aborted: number;
  /** Streams the mock sent to their end (or to their cut). */
  finished: number;
  enqueue(...replies: MockReply[]): void;
  close(): Promise<void>;
}

const fixtureDir = join(import.meta.dir, "..", "fixtures", "openai");
export const readFixtureLines = (name: string, folder = fixtureDir): string[] =>
  readFileSync(join(folder, `${name}.jsonl`), "utf8").split("\n").filter((line) => line.trim() !== "");
const responsesFixtureDir = join(import.meta.dir, "..", "fixtures", "openai-responses");

const encoder = new TextEncoder();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function defaultCompletion(model: string, text = "Hello from the mock upstream.") {
  return {
    id: "chatcmpl-mock-default",
    object: "chat.completion",
    created: 1762000000,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null, annotations: [] }, logprobs: null, finish_reason: "stop" }],
    usage: { prompt_tokens: 20, completion_tokens: 7, total_tokens: 27, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
    service_tier: "default",
    system_fingerprint: "fp_mock",
  };
}

export function syntheticChunkLines(model: string, count: number): string[] {
  const base = { id: "chatcmpl-mock-synthetic", object: "chat.completion.chunk", created: 1762000000, model };
  const lines = [JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] })];
  for (let index = 0; index < count; index++) {
    lines.push(JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: `token${index} ` }, finish_reason: null }] }));
  }
  lines.push(JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }));
  lines.push(JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 50, completion_tokens: count, total_tokens: 50 + count } }));
  lines.push("[DONE]");
  return lines;
}

interface SseOptions {
  intervalMs: number;
  signal: AbortSignal;
  onAbort: () => void;
  onFinish: () => void;
  cutAfter?: number;
  delayMs?: number;
  stallAfter?: number;
  pause?: { afterLines: number; ms: number };
  /** Name each event after its payload's `type` (the Responses API's framing). */
  named?: boolean;
}

function sseResponse(lines: string[], options: SseOptions): Response {
  const { intervalMs, signal, onAbort, onFinish, cutAfter, stallAfter, delayMs, pause, named } = options;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      if (delayMs) await sleep(delayMs);
      for (const [index, line] of lines.entries()) {
        if (cutAfter !== undefined && index >= cutAfter) {
          // Let the lines already sent reach the proxy, so the cut really happens mid-stream.
          await sleep(CUT_GRACE_MS);
          onFinish();
          controller.error(new Error("connection cut by mock"));
          return;
        }
        if (stallAfter !== undefined && index >= stallAfter) {
          await new Promise((resolve) => (signal.aborted ? resolve(undefined) : signal.addEventListener("abort", resolve, { once: true })));
        }
        if (signal.aborted) {
          onAbort();
          return;
        }
        const event = named ? `event: ${String((JSON.parse(line) as { type?: unknown }).type)}\n` : "";
        controller.enqueue(encoder.encode(`${event}data: ${line}\n\n`));
        if (index === lines.length - 1) break;
        if (intervalMs > 0) await sleep(intervalMs);
        if (pause && index + 1 === pause.afterLines) await sleep(pause.ms);
      }
      onFinish();
      controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream; charset=utf-8" } });
}

/**
 * `ollamaModels` are listed by `/api/tags` (read on every request: a test may change the array, as
 * `ollama pull` would); `ollamaShow` answers `POST /api/show` per model (without it, every model is
 * unknown there: a 404, as for a server that does not say). `port`: a given one, else any free one.
 */
export function startMockOpenAIUpstream(options: { ollamaModels?: string[]; ollamaShow?: Record<string, OllamaShowReply>; port?: number } = {}): MockOpenAIUpstream {
  const queue: MockReply[] = [];
  const requests: RecordedRequest[] = [];
  const state = { aborted: 0, finished: 0 };

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: options.port ?? 0,
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url);
      if (url.pathname === "/api/tags") {
        return Response.json({ models: (options.ollamaModels ?? []).map((name) => ({ name, model: name })) });
      }
      if (url.pathname === "/api/show" && request.method === "POST") return answerOllamaShow(request, options.ollamaShow ?? {});
      if (url.pathname === "/v1/models") {
        return Response.json({ object: "list", data: (options.ollamaModels ?? []).map((id) => ({ id, object: "model", created: 0, owned_by: "mock" })) });
      }
      if (url.pathname !== "/v1/chat/completions" && url.pathname !== "/v1/responses") return new Response("not found", { status: 404 });
      const body = (await request.json()) as Record<string, unknown>;
      requests.push({ path: url.pathname, headers: Object.fromEntries(request.headers), body });
      const model = String(body.model);
      const reply = queue.shift();
      const onAbort = () => state.aborted++;
      const stream = (lines: string[], options: Partial<SseOptions> = {}) =>
        sseResponse(lines, { intervalMs: 0, signal: request.signal, onAbort, onFinish: () => state.finished++, ...options });
      if (url.pathname === "/v1/responses" && (!reply || reply.kind === "fixture")) {
        return stream(readFixtureLines(reply?.name ?? "text", responsesFixtureDir), { named: true, intervalMs: reply?.intervalMs ?? 0 });
      }
      if (!reply) {
        if (body.stream) return stream(syntheticChunkLines(model, 3));
        return Response.json(defaultCompletion(model));
      }
      switch (reply.kind) {
        case "respond":
          return reply.respond(requests.at(-1)!);
        case "json":
          if (reply.delayMs) await sleep(reply.delayMs);
          return Response.json(reply.body, { status: reply.status ?? 200 });
        case "error":
          return Response.json(reply.body ?? { error: { message: "mock error", type: "server_error", param: null, code: null } }, {
            status: reply.status,
            headers: reply.headers,
          });
        case "fixture":
          return stream(readFixtureLines(reply.name), { intervalMs: reply.intervalMs ?? 0, delayMs: reply.delayMs, pause: reply.pause });
        case "chunks":
          return stream(syntheticChunkLines(model, reply.count), { intervalMs: reply.intervalMs });
        case "cut":
          return stream(readFixtureLines(reply.name), { cutAfter: reply.lines });
        case "stall":
          return stream(readFixtureLines(reply.name), { stallAfter: reply.lines });
        case "lines":
          return stream(reply.lines);
        case "hang":
          return hangUntilAborted(request.signal, onAbort);
        case "broken":
          return brokenBodyResponse(reply.broken);
      }
    },
  });

  const origin = `http://127.0.0.1:${server.port}`;
  return {
    url: `${origin}/v1`,
    origin,
    requests,
    get aborted() {
      return state.aborted;
    },
    get finished() {
      return state.finished;
    },
    enqueue: (...replies) => queue.push(...replies),
    close: async () => {
      await server.stop(true);
    },
  };
}
