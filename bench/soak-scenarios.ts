import { bodyInit, type MalformedRequest } from "../tests/helpers/malformed-corpus";

/**
 * The kinds of request the soak mixes, each with what a healthy proxy answers; a new door or
 * stage adds its own here (the malformed corpus grows by itself with each door). A result is
 * "ok" when the answer is the expected one, "proxy-5xx" when the proxy failed on its own (a 5xx
 * or an error event where none belongs, or any internal_error), and "wrong" otherwise.
 */
export interface ScenarioResult {
  verdict: "ok" | "wrong" | "proxy-5xx";
  /** HTTP status, or 0 when the client left first. */
  status: number;
  detail?: string;
  /** Which request it was, where the scenario sends many different ones. */
  what?: string;
}

export interface Scenario {
  name: string;
  /** Share of the mix, in parts of 1000. */
  weight: number;
  /** A normal request, whose latency is reported. */
  normal?: boolean;
  run(origin: string): Promise<ScenarioResult>;
}

const cliModel = "claude-cli:claude-haiku-4-5";
const hangingCliModel = "claude-cli:claude-sonnet-5-5";
export const requestTimeout = () => AbortSignal.timeout(30_000);

/**
 * A prompt no other request sends, so that the response cache (on, as by default) answers none of
 * them and every one goes upstream; only the cache scenarios repeat theirs.
 */
export const fresh = (prompt: string) => `${prompt} (${crypto.randomUUID()})`;

function chat(origin: string, body: Record<string, unknown>, signal: AbortSignal = requestTimeout()): Promise<Response> {
  return fetch(`${origin}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "claude-proxy-soak" },
    body: JSON.stringify({ messages: [{ role: "user", content: fresh(String(body.prompt ?? "Rename this variable")) }], ...body, prompt: undefined }),
    signal,
  });
}

/** Reads a stream to its end: its events' error (if any) and whether [DONE] closed it. */
async function readStream(response: Response): Promise<{ error?: { type?: string; code?: string }; done: boolean }> {
  const text = await response.text();
  const errorLine = text.split("\n\n").find((block) => block.startsWith('data: {"error"'));
  const error = errorLine ? (JSON.parse(errorLine.slice(6)) as { error: { type?: string; code?: string } }).error : undefined;
  return { error, done: text.endsWith("data: [DONE]\n\n") };
}

/** Judges a finished response against the statuses (and stream error codes) this scenario expects. */
export function judge(status: number, expected: number[], text: string, streamError?: { type?: string; code?: string }, expectedErrors: string[] = []): ScenarioResult {
  if (text.includes('"internal_error"')) return { verdict: "proxy-5xx", status, detail: text.slice(0, 200) };
  if (streamError && !expectedErrors.includes(streamError.code ?? "")) {
    return { verdict: "proxy-5xx", status, detail: `stream error ${JSON.stringify(streamError)}` };
  }
  if (expected.includes(status)) return { verdict: "ok", status };
  return { verdict: status >= 500 ? "proxy-5xx" : "wrong", status, detail: text.slice(0, 200) };
}

async function completion(origin: string, body: Record<string, unknown>, expected: number[]): Promise<ScenarioResult> {
  const response = await chat(origin, body);
  const text = await response.text();
  return judge(response.status, expected, text);
}

async function stream(origin: string, body: Record<string, unknown>, expectedErrors: string[] = [], requireError = false, expectedStatuses: number[] = []): Promise<ScenarioResult> {
  const response = await chat(origin, { ...body, stream: true });
  if (response.status !== 200) return judge(response.status, expectedStatuses, await response.text());
  const { error, done } = await readStream(response);
  if (!done) return { verdict: "wrong", status: 200, detail: "the stream did not end with [DONE]" };
  if (requireError && !error) return { verdict: "wrong", status: 200, detail: "the stream was expected to end with an error event" };
  return judge(200, [200], "", error, expectedErrors);
}

/**
 * Sends, then leaves: after the first chunk of a stream, or while a completion is awaited — once
 * the upstream has the request, so the proxy surely has it too (and logs it).
 */
async function leave(origin: string, streaming: boolean): Promise<ScenarioResult> {
  const client = new AbortController();
  const word = crypto.randomUUID();
  const response = chat(origin, { model: "gpt-4o-mini", prompt: `[slow] [seen:${word}] explain this`, stream: streaming }, client.signal);
  return leaveAfterward(response, client, word, streaming);
}

/** Leaves the request `response` is for: after its first chunk, or once the upstream has seen `word`. */
export async function leaveAfterward(response: Promise<Response>, client: AbortController, word: string, streaming: boolean): Promise<ScenarioResult> {
  if (!streaming) {
    const upstream = process.env.SOAK_UPSTREAM_ORIGIN!;
    const deadline = performance.now() + 5_000;
    while (performance.now() < deadline && (await fetch(`${upstream}/seen/${word}`)).status !== 200) await Bun.sleep(20);
    client.abort();
    return response.then(
      async (early) => ({ verdict: "wrong", status: early.status, detail: `answered before the client left: ${(await early.text()).slice(0, 200)}` }),
      () => ({ verdict: "ok", status: 0 }),
    );
  }
  const started = await response;
  const reader = started.body!.getReader();
  await reader.read();
  client.abort();
  await reader.cancel().catch(() => {});
  return { verdict: "ok", status: 0 };
}

export function malformedScenario(corpus: readonly MalformedRequest[]): Scenario {
  let next = 0;
  return {
    name: "malformed",
    weight: 120,
    async run(origin) {
      const request = corpus[next++ % corpus.length]!;
      const response = await fetch(`${origin}${request.path}`, {
        method: request.method,
        headers: request.headers,
        body: bodyInit(request),
        duplex: "half",
        signal: requestTimeout(),
      } as RequestInit);
      const text = await response.text();
      if (response.status >= 400 && response.status < 500) return { verdict: "ok", status: response.status, what: request.name };
      return { verdict: response.status >= 500 ? "proxy-5xx" : "wrong", status: response.status, detail: `${request.name}: ${text.slice(0, 160)}`, what: request.name };
    },
  };
}

export const scenarios: Scenario[] = [
  { name: "completion", weight: 126, normal: true, run: (origin) => completion(origin, { model: "gpt-4o-mini" }, [200]) },
  { name: "stream", weight: 130, normal: true, run: (origin) => stream(origin, { model: "gpt-4o-mini", stream_options: { include_usage: true } }) },
  { name: "fallback after a 500", weight: 25, run: (origin) => completion(origin, { model: "gpt-4o-mini", prompt: "[flaky] fix it" }, [200]) },
  { name: "stream fallback after a 500", weight: 25, run: (origin) => stream(origin, { model: "gpt-4o-mini", prompt: "[flaky] fix it" }) },
  { name: "fallback after a broken body", weight: 25, run: (origin) => completion(origin, { model: "gpt-4o-mini", prompt: "[broken] fix it" }, [200]) },
  // Its only provider fails: a 502, or a 503 while the model's circuit is open.
  { name: "failing upstream", weight: 25, run: (origin) => completion(origin, { model: "soak-broken" }, [502, 503]) },
  // Each stall counts against the model: after three its circuit opens, and it is refused with a 503 until a probe.
  { name: "stream stalling mid-way", weight: 8, run: (origin) => stream(origin, { model: "soak-stall" }, ["upstream_idle_timeout"], true, [503]) },
  { name: "completion never answered", weight: 4, run: (origin) => completion(origin, { model: "soak-stall" }, [504, 503]) },
  { name: "client leaves a stream", weight: 20, run: (origin) => leave(origin, true) },
  { name: "client leaves while waiting", weight: 12, run: (origin) => leave(origin, false) },
  { name: "claude CLI", weight: 4, run: (origin) => completion(origin, { model: cliModel }, [200]) },
  { name: "claude CLI stream", weight: 4, run: (origin) => stream(origin, { model: cliModel }) },
  // The CLI goes silent mid-answer with a grandchild running: both must be gone afterwards.
  // Another model than the two above: its hangs open its own circuit breaker (then a 503), not theirs.
  { name: "claude CLI hanging", weight: 2, run: (origin) => stream(origin, { model: hangingCliModel, prompt: "[[fake:hang-midway]] go" }, ["upstream_idle_timeout", "upstream_timeout"], true, [503]) },
];
