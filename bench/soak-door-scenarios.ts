import { fresh, judge, leaveAfterward, requestTimeout, type Scenario, type ScenarioResult } from "./soak-scenarios";

/**
 * The soak's requests through the Anthropic Messages door (as Claude Code sends them) and the
 * Responses door (as Codex does), stream and not, with fallbacks, stalling and failing upstreams
 * and clients that leave; and the response cache's hits through all three doors. The upstreams
 * are the same OpenAI-wire mocks (bench/soak-upstream.ts): a door translates, the pipeline routes.
 */
type Door = "anthropic" | "responses";

const paths: Record<Door, string> = { anthropic: "/v1/messages", responses: "/v1/responses" };
const headers: Record<Door, Record<string, string>> = {
  anthropic: { "content-type": "application/json", "anthropic-version": "2023-06-01", "x-api-key": "soak-client", "user-agent": "claude-cli/soak" },
  responses: { "content-type": "application/json", authorization: "Bearer soak-client", "user-agent": "codex_cli_rs/soak" },
};

function body(door: Door, model: string, prompt: string, stream: boolean): Record<string, unknown> {
  return door === "anthropic"
    ? { model, max_tokens: 200, stream, messages: [{ role: "user", content: prompt }] }
    : { model, stream, store: false, input: [{ type: "message", role: "user", content: [{ type: "input_text", text: prompt }] }] };
}

function send(origin: string, door: Door, payload: Record<string, unknown>, signal: AbortSignal = requestTimeout(), extra: Record<string, string> = {}): Promise<Response> {
  return fetch(`${origin}${paths[door]}`, { method: "POST", headers: { ...headers[door], ...extra }, body: JSON.stringify(payload), signal });
}

/** A stream's `event: error` payload, if it has one, and whether it reached its proper end. */
function readEvents(door: Door, text: string): { error?: { type?: string; code?: string }; done: boolean } {
  const errorBlock = text.split("\n\n").find((block) => block.startsWith("event: error\n"));
  const data = errorBlock?.split("\n").find((line) => line.startsWith("data: "));
  const parsed = data ? (JSON.parse(data.slice(6)) as { error?: { type?: string }; code?: string }) : undefined;
  // Anthropic: {"type":"error","error":{"type":"timeout_error",...}}; Responses: {"type":"error","code":"upstream_idle_timeout",...}.
  const error = parsed ? (door === "anthropic" ? { code: parsed.error?.type } : { code: parsed.code }) : undefined;
  const done = door === "anthropic" ? text.includes("event: message_stop\n") : text.includes("event: response.completed\n");
  return { error, done };
}

const answered = (door: Door, text: string) => (door === "anthropic" ? text.includes('"type":"message"') : text.includes('"object":"response"') && text.includes('"status":"completed"'));

async function completion(origin: string, door: Door, model: string, prompt: string, expected: number[]): Promise<ScenarioResult> {
  const response = await send(origin, door, body(door, model, fresh(prompt), false));
  const text = await response.text();
  const result = judge(response.status, expected, text);
  if (result.verdict === "ok" && response.status === 200 && !answered(door, text)) return { verdict: "wrong", status: 200, detail: `not a complete answer: ${text.slice(0, 200)}` };
  return result;
}

async function stream(origin: string, door: Door, model: string, prompt: string, options: { errors?: string[]; requireError?: boolean; statuses?: number[] } = {}): Promise<ScenarioResult> {
  const response = await send(origin, door, body(door, model, fresh(prompt), true));
  if (response.status !== 200) return judge(response.status, options.statuses ?? [], await response.text());
  const { error, done } = readEvents(door, await response.text());
  if (options.requireError && !error) return { verdict: "wrong", status: 200, detail: "the stream was expected to end with an error event" };
  if (!error && !done) return { verdict: "wrong", status: 200, detail: "the stream ended without its last event" };
  return judge(200, [200], "", error, options.errors ?? []);
}

function leave(origin: string, door: Door, streaming: boolean): Promise<ScenarioResult> {
  const client = new AbortController();
  const word = crypto.randomUUID();
  return leaveAfterward(send(origin, door, body(door, "gpt-4o-mini", fresh(`[slow] [seen:${word}] explain this`), streaming), client.signal), client, word, streaming);
}

/**
 * The same request again and again: after the first answers are stored, every one is a hit.
 * Concurrent first sends all miss (no single flight), so misses are allowed while the scenario is young.
 */
function cached(name: string, weight: number, request: (origin: string) => Promise<Response>, isAnswer: (text: string) => boolean): Scenario {
  let sent = 0;
  return {
    name,
    weight,
    async run(origin) {
      const young = sent++ < 100;
      const response = await request(origin);
      const text = await response.text();
      const verdict = judge(response.status, [200], text);
      if (verdict.verdict !== "ok") return verdict;
      if (!isAnswer(text)) return { verdict: "wrong", status: 200, detail: `not a complete answer: ${text.slice(0, 200)}` };
      const cache = response.headers.get("x-cache");
      if (cache !== "HIT" && !young) return { verdict: "wrong", status: 200, detail: `x-cache ${cache} for a request answered many times before` };
      return { verdict: "ok", status: 200, what: `x-cache ${cache}` };
    },
  };
}

const chatCached = (origin: string) =>
  fetch(`${origin}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "[cache] What does git rebase do?" }] }),
    signal: requestTimeout(),
  });

export const doorScenarios: Scenario[] = [
  { name: "anthropic message", weight: 80, normal: true, run: (origin) => completion(origin, "anthropic", "gpt-4o-mini", "Rename this variable", [200]) },
  { name: "anthropic stream", weight: 80, normal: true, run: (origin) => stream(origin, "anthropic", "gpt-4o-mini", "Rename this variable") },
  { name: "anthropic fallback after a 500", weight: 20, run: (origin) => completion(origin, "anthropic", "gpt-4o-mini", "[flaky] fix it", [200]) },
  { name: "anthropic stream fallback", weight: 20, run: (origin) => stream(origin, "anthropic", "gpt-4o-mini", "[flaky] fix it") },
  // Stalls open the model's circuit after three: then a 529 (overloaded_error) until a probe.
  { name: "anthropic stream stalling", weight: 5, run: (origin) => stream(origin, "anthropic", "soak-stall", "go", { errors: ["timeout_error"], requireError: true, statuses: [529] }) },
  { name: "anthropic client leaves a stream", weight: 12, run: (origin) => leave(origin, "anthropic", true) },
  { name: "anthropic client leaves waiting", weight: 8, run: (origin) => leave(origin, "anthropic", false) },
  { name: "responses", weight: 70, normal: true, run: (origin) => completion(origin, "responses", "gpt-4o-mini", "Rename this variable", [200]) },
  { name: "responses stream", weight: 70, normal: true, run: (origin) => stream(origin, "responses", "gpt-4o-mini", "Rename this variable") },
  { name: "responses fallback after a 500", weight: 15, run: (origin) => completion(origin, "responses", "gpt-4o-mini", "[flaky] fix it", [200]) },
  { name: "responses stream fallback", weight: 15, run: (origin) => stream(origin, "responses", "gpt-4o-mini", "[flaky] fix it") },
  { name: "responses failing upstream", weight: 10, run: (origin) => completion(origin, "responses", "soak-broken", "fix it", [502, 503]) },
  { name: "responses stream stalling", weight: 5, run: (origin) => stream(origin, "responses", "soak-stall", "go", { errors: ["upstream_idle_timeout"], requireError: true, statuses: [503] }) },
  { name: "responses client leaves a stream", weight: 10, run: (origin) => leave(origin, "responses", true) },
  cached("cache hit, chat door", 20, chatCached, (text) => text.includes('"chat.completion"')),
  cached(
    "cache hit, anthropic stream",
    15,
    (origin) => send(origin, "anthropic", body("anthropic", "gpt-4o-mini", "[cache] What does git bisect do?", true)),
    (text) => readEvents("anthropic", text).done,
  ),
  cached(
    "cache hit, responses stream",
    15,
    (origin) => send(origin, "responses", body("responses", "gpt-4o-mini", "[cache] What does git stash do?", true)),
    (text) => readEvents("responses", text).done,
  ),
];
