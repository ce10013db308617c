import { withoutAnthropicBlocks } from "../../chat/anthropic-blocks";
import { toolReferencesAsText } from "../../chat/tool-reference";
import { showsNothing } from "../../chat/shows-nothing";
import type { ChatCompletionChunk } from "../../chat/types";
import { ProxyError } from "../../errors";
import { type Candidate, candidateKey } from "../../routing/candidate";
import { readAheadPast } from "../../streams/pull-chain";
import { type WatchOptions, watchStream } from "../../streams/watch-stream";
import { abortWithSignal, stopAbortingWithSignal } from "../abort-fanout";
import type { PipelineContext, PipelineDeps, PipelineResult, Stage } from "../context";
import { upstreamFailed } from "../outcome";

/**
 * Sends the request to the route's candidates in order. A retryable failure before anything was
 * sent to the client (connection error, 5xx, 429, timeout, an error as the stream's first event
 * or right after a start that shows nothing, or a stream that ends empty), an upstream 404 (that
 * provider lacks the model) or a model's refusal of a capability it lacks (a local model without
 * tools), moves on to the next candidate while FALLBACK_TOTAL_TIMEOUT_MS allows; every attempt is
 * recorded. Once a stream has produced output there is no retry.
 *
 * All circuit-breaker accounting is here: each attempt acquires the model's breaker and records
 * its success or failure, and a finish hook counts a stream that fails after it began. A failure
 * that says when the upstream will take requests again, or that holds for every model of the
 * provider (an exhausted subscription, a lost login, a timeout of a provider whose models share one
 * upstream: a hung CLI), opens the breakers it concerns at once, so
 * the rest of the chain and later requests skip them.
 */
export const dispatch: Stage = async (context, deps) => {
  const candidates = context.route?.candidates ?? [];
  const breakers = deps.routing.breakers;
  // Made only when no candidate was tried: an Error captures a stack, a cost every request paid.
  let lastError: { error: unknown } | undefined;
  for (const [index, candidate] of candidates.entries()) {
    const key = candidateKey(candidate);
    if (!breakers.tryAcquire(key)) {
      context.attempts.push({ provider: candidate.provider.id, model: candidate.model, error: "circuit open" });
      continue;
    }
    context.served = candidate;
    try {
      const result = await callProvider(candidate, context, deps);
      // A stream's start is not yet a success: one that breaks later is a failure in the row, and
      // resetting the count at its first chunk kept a model whose streams always break from opening.
      if (result.kind !== "stream") breakers.recordSuccess(key);
      context.attempts.push({ provider: candidate.provider.id, model: candidate.model });
      context.onFinish((outcome) => {
        if (upstreamFailed(outcome)) breakers.recordFailure(key, outcome.errorMessage ?? "failed mid-stream");
        else if (result.kind === "stream") breakers.recordSuccess(key);
      });
      return result;
    } catch (error) {
      // Kept in the log row's attempts and the breaker's last error (/api/routing): redacted.
      const message = deps.redactor.redact(error instanceof Error ? error.message : String(error));
      context.attempts.push({ provider: candidate.provider.id, model: candidate.model, error: message.slice(0, 300) });
      lastError = { error };
      const retryable = error instanceof ProxyError && error.retryable;
      if (retryable && (error.providerWide || error.retryAt !== undefined)) pause(candidate, error, message, deps, context.taskId);
      // Cut short by the chain's total time: not this model's failure.
      else if (retryable && error.code !== "fallback_timeout") breakers.recordFailure(key, message);
      else breakers.release(key);
      const outOfTime = performance.now() - context.startedAt > deps.routing.fallbackTotalTimeoutMs;
      if (!(retryable || missingUpstream(error)) || context.clientSignal.aborted || outOfTime || index === candidates.length - 1) break;
      deps.logger.warn("upstream failed; falling back", { taskId: context.taskId, from: key, to: candidateKey(candidates[index + 1]!), status: (error as ProxyError).status });
    }
  }
  throw lastError ? lastError.error : new ProxyError(503, "No model is available to serve this request.", { type: "server_error", code: "no_candidates" });
};

/**
 * The upstream does not have this model, or not for this account (a 404: no access, a gateway
 * behind OPENAI_BASE_URL that lacks it or its endpoint). Another candidate of the route may well
 * have it, so the chain goes on; the last candidate's 404 reaches the client. It is not counted
 * against the model's breaker, which would turn a named model's clear 404 into "circuit open".
 */
function missingUpstream(error: unknown): boolean {
  if (!(error instanceof ProxyError)) return false;
  // Also a model that lacks what this request needs (a local model without tools or vision).
  return (error.status === 404 && error.type === "not_found_error") || error.code === "model_lacks_capability";
}

function pause(candidate: Candidate, error: ProxyError, message: string, deps: PipelineDeps, taskId: string): void {
  const keys = error.providerWide
    ? deps.directory.all().filter((other) => other.provider.id === candidate.provider.id).map(candidateKey)
    : [candidateKey(candidate)];
  if (!keys.includes(candidateKey(candidate))) keys.push(candidateKey(candidate));
  for (const key of keys) deps.routing.breakers.openUntil(key, message, error.retryAt);
  deps.logger.warn("upstream paused", {
    taskId,
    provider: candidate.provider.id,
    models: keys.length,
    until: error.retryAt === undefined ? "cool-down" : new Date(error.retryAt).toISOString(),
    code: error.code,
  });
}

async function callProvider(candidate: Candidate, context: PipelineContext, deps: PipelineDeps): Promise<PipelineResult> {
  const upstream = new AbortController();
  const onClientAbort = () => upstream.abort(new ProxyError(499, "The client closed the connection.", { type: "client_closed", code: "client_closed" }));
  if (context.clientSignal.aborted) onClientAbort();
  // Not `once`: an abort event fires at most once, and the options object costs a little each time.
  context.clientSignal.addEventListener("abort", onClientAbort);
  // Shutdown cuts a call still waiting for its upstream; once a stream runs, watchStream does.
  abortWithSignal(deps.shutdownSignal, upstream);
  const timeoutMs = Math.min(deps.upstreamTimeoutMs, Math.max(1, deps.routing.fallbackTotalTimeoutMs - (performance.now() - context.startedAt)));
  // A full UPSTREAM_TIMEOUT_MS of silence from a provider whose models share one upstream (the CLI) pauses them all.
  const providerWide = candidate.provider.sharedUpstream === true && timeoutMs === deps.upstreamTimeoutMs;
  const timer = setTimeout(() => upstream.abort(timeoutError(candidate, timeoutMs, deps, providerWide)), timeoutMs);
  // A provider that cannot expand tool search's references gets them as text naming the tools.
  const capabilities = candidate.provider.capabilities;
  const referenced = capabilities.toolReferences ? context.request : toolReferencesAsText(context.request);
  // Server-tool blocks mean something only to the Anthropic API: others get cited text as text, the rest left out.
  const request = capabilities.serverTools ? referenced : withoutAnthropicBlocks(referenced);
  if (request !== referenced) deps.logger.debug("left out server-tool blocks: only Anthropic's own servers read them", { taskId: context.taskId, provider: candidate.provider.id });
  const call = { request, model: candidate.model, signal: upstream.signal };
  const waitStarted = performance.now();
  try {
    if (context.request.stream) {
      const idleMs = deps.upstreamIdleTimeoutMs;
      const idleError = () => {
        const error = new ProxyError(504, `${candidate.provider.displayName} sent nothing for ${idleMs} ms in the middle of the stream (UPSTREAM_IDLE_TIMEOUT_MS).`, {
          type: "timeout_error",
          code: "upstream_idle_timeout",
        });
        upstream.abort(error);
        return error;
      };
      return { kind: "stream", chunks: await withFirstChunk(await candidate.provider.stream(call), { idleMs, idleError, stopSignal: deps.shutdownSignal }) };
    }
    return { kind: "completion", completion: await candidate.provider.complete(call) };
  } catch (error) {
    // An abort surfaces as the SDK's own abort error; report why we aborted instead.
    if (upstream.signal.aborted && upstream.signal.reason instanceof ProxyError) throw upstream.signal.reason;
    throw error;
  } finally {
    // Until the answer, or a stream's first chunk: the time the proxy does not add (request-report.ts).
    context.upstreamWaitMs += performance.now() - waitStarted;
    clearTimeout(timer);
    stopAbortingWithSignal(deps.shutdownSignal, upstream);
  }
}

/**
 * Why the wait for a candidate was cut: its own UPSTREAM_TIMEOUT_MS, or the end of the fallback
 * chain's total time, which left this attempt only the rest (the message names that limit, not
 * only the few milliseconds the attempt had, and the model's breaker is not charged for it).
 */
function timeoutError(candidate: Candidate, timeoutMs: number, deps: PipelineDeps, providerWide: boolean): ProxyError {
  const name = candidate.provider.displayName;
  if (timeoutMs < deps.upstreamTimeoutMs) {
    const total = deps.routing.fallbackTotalTimeoutMs;
    return new ProxyError(504, `The fallback chain's total time (FALLBACK_TOTAL_TIMEOUT_MS, ${total} ms) ran out while ${name} had not responded (${Math.round(timeoutMs)} ms were left for it).`, {
      type: "timeout_error",
      code: "fallback_timeout",
      retryable: true,
    });
  }
  return new ProxyError(504, `${name} did not respond within ${Math.round(timeoutMs)} ms (UPSTREAM_TIMEOUT_MS).`, { type: "timeout_error", code: "upstream_timeout", retryable: true, providerWide });
}

/**
 * How long a stream's empty start (chunks that show the client nothing: role, empty content) is
 * held while the chunk after it is awaited. Long enough for an upstream that fails right after its
 * start (Anthropic's overloaded_error after message_start) to be a fallback case; short enough that
 * a model thinking before its first token gets its response headers and start on without delay
 * worth noticing (the SSE heartbeat starts only once the headers are out).
 */
export const EMPTY_START_HOLD_MS = 1_000;

/**
 * Waits for the stream's first chunk that shows the client something, past an empty start (a
 * role-only chunk, Anthropic's message_start): an upstream that fails before that (an error event,
 * a broken connection, an end) is then still a fallback case, since nothing the client can use
 * has been sent. The wait past an empty start is bounded by `holdMs`: then the stream goes on as
 * it is. The chunks read are put back in front of the rest, which is watched from then on:
 * silence beyond UPSTREAM_IDLE_TIMEOUT_MS, or shutdown, ends it with an error the client gets as
 * its last event.
 */
export async function withFirstChunk(
  stream: ReadableStream<ChatCompletionChunk>,
  watch: Omit<WatchOptions<ChatCompletionChunk>, "prepend">,
  holdMs = EMPTY_START_HOLD_MS,
): Promise<ReadableStream<ChatCompletionChunk>> {
  // Read ahead, not taken: the chunks read stay first in the stream's own pulled chain (pull-chain.ts).
  const { first, skipped, rest } = await readAheadPast(stream, showsNothing, holdMs).catch((error: unknown) => {
    throw lostBeforeOutput(error);
  });
  if (first?.done) throw new ProxyError(502, "The upstream ended the stream without sending anything.", { type: "upstream_error", code: "empty_stream", retryable: true });
  if (first?.value.error) {
    rest.cancel().catch(() => {});
    const { message, code } = first.value.error;
    throw new ProxyError(502, skipped > 0 ? `${message} (after the stream's empty start)` : message, { type: "upstream_error", code, retryable: true });
  }
  return watchStream(rest, watch);
}

/**
 * The upstream's body broke before it showed anything (a reset after the start, which fetch reports
 * as its own error): a connection failure like any other, so a fallback case. A ProxyError (an
 * abort for a reason of ours, a provider's own mapping) stays as it is.
 */
function lostBeforeOutput(error: unknown): unknown {
  if (error instanceof ProxyError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const detail = typeof code === "string" && /^[A-Z_]+$/.test(code) ? ` (${code})` : "";
  return new ProxyError(502, `The connection to the upstream was lost before it sent anything${detail}.`, {
    type: "upstream_error",
    code: "upstream_connection_lost",
    retryable: true,
    cause: error,
  });
}
