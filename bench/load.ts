/**
 * The load generator: a fixed number of requests at a fixed concurrency against one server,
 * bounded by a deadline (no new request starts after it) and a per-request timeout. Latency is
 * measured from before `fetch` to the last body byte; for streams also to the first body byte.
 */
export interface LoadOptions {
  url: string;
  /** The request body, or a function giving each request its own (every one a cache miss). */
  body: string | (() => string);
  /** Request headers; OpenAI's by default. */
  headers?: Record<string, string>;
  /** Whether a 200 answer is complete: a chat.completion, or a stream ending in `data: [DONE]`, by default. */
  isAnswer?(text: string): boolean;
  isCompleteStream?(text: string): boolean;
  requests: number;
  concurrency: number;
  /** No new request starts after this many ms. */
  timeCapMs: number;
  requestTimeoutMs?: number;
  /** What a successful non-stream body contains; defaults to the chat door's '"chat.completion"'. */
  completionMarker?: string;
  /** Whether a stream's whole text is a complete answer; defaults to ending with the chat door's `data: [DONE]`. */
  streamComplete?: (text: string) => boolean;
}

export interface LoadResult {
  completed: number;
  failed: number;
  firstFailure?: string;
  elapsedMs: number;
  /** Milliseconds to the last byte, one entry per successful request. */
  latencies: number[];
  /** Milliseconds to the first body byte (streams only). */
  ttfbs: number[];
  /** Milliseconds between consecutive reads of a stream's body, every stream's pooled (streams only). */
  gaps: number[];
  cappedByTime: boolean;
}

const openaiHeaders = { "content-type": "application/json", authorization: "Bearer bench-client-key" };
const bodyOf = (options: LoadOptions) => (typeof options.body === "string" ? options.body : options.body());

export async function runLoad(options: LoadOptions, stream: boolean): Promise<LoadResult> {
  const result: LoadResult = { completed: 0, failed: 0, elapsedMs: 0, latencies: [], ttfbs: [], gaps: [], cappedByTime: false };
  const started = performance.now();
  const deadline = started + options.timeCapMs;
  let issued = 0;
  const worker = async () => {
    while (issued < options.requests) {
      if (performance.now() > deadline) {
        result.cappedByTime = true;
        return;
      }
      issued++;
      try {
        const timing = await (stream ? oneStream : oneRequest)(options);
        result.completed++;
        result.latencies.push(timing.total);
        if (timing.firstByte !== undefined) result.ttfbs.push(timing.firstByte);
        if (timing.gaps) for (const gap of timing.gaps) result.gaps.push(gap);
      } catch (error) {
        result.failed++;
        result.firstFailure ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  result.elapsedMs = performance.now() - started;
  return result;
}

async function oneRequest(options: LoadOptions): Promise<{ total: number; firstByte?: number; gaps?: number[] }> {
  const start = performance.now();
  const response = await fetch(options.url, { method: "POST", headers: options.headers ?? openaiHeaders, body: bodyOf(options), signal: AbortSignal.timeout(options.requestTimeoutMs ?? 10_000) });
  const text = await response.text();
  const total = performance.now() - start;
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${text.slice(0, 200)}`);
  const isAnswer = options.isAnswer ?? ((body: string) => body.includes(options.completionMarker ?? '"chat.completion"'));
  if (!isAnswer(text)) throw new Error(`not a complete answer: ${text.slice(0, 200)}`);
  return { total };
}

async function oneStream(options: LoadOptions): Promise<{ total: number; firstByte: number; gaps: number[] }> {
  const start = performance.now();
  const response = await fetch(options.url, { method: "POST", headers: options.headers ?? openaiHeaders, body: bodyOf(options), signal: AbortSignal.timeout(options.requestTimeoutMs ?? 10_000) });
  if (response.status !== 200 || !response.body) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let firstByte: number | undefined;
  let lastRead = 0;
  const gaps: number[] = [];
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const now = performance.now();
    if (firstByte !== undefined) gaps.push(now - lastRead);
    lastRead = now;
    firstByte ??= now - start;
    text += decoder.decode(value, { stream: true });
  }
  const total = performance.now() - start;
  const isComplete = options.isCompleteStream ?? options.streamComplete ?? ((whole: string) => whole.endsWith("data: [DONE]\n\n"));
  if (firstByte === undefined || !isComplete(text)) throw new Error(`stream did not end as it should: ${text.slice(-300)}`);
  // An error event or chunk carries an error object (a Responses snapshot's `"error":null` is not one).
  if (text.includes('"error":{')) throw new Error(`stream carried an error: ${text.slice(-300)}`);
  return { total, firstByte, gaps };
}

/** Several runs of the same phase as one result (samples pooled, times added). */
export function mergeResults(results: LoadResult[]): LoadResult {
  return {
    completed: results.reduce((sum, result) => sum + result.completed, 0),
    failed: results.reduce((sum, result) => sum + result.failed, 0),
    firstFailure: results.find((result) => result.firstFailure)?.firstFailure,
    elapsedMs: results.reduce((sum, result) => sum + result.elapsedMs, 0),
    latencies: results.flatMap((result) => result.latencies),
    ttfbs: results.flatMap((result) => result.ttfbs),
    gaps: results.flatMap((result) => result.gaps),
    cappedByTime: results.some((result) => result.cappedByTime),
  };
}

/** Nearest-rank percentile of an unsorted sample, in the sample's unit; NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
