import { ProxyError } from "../errors";
import type { PipelineContext, PipelineDeps, PipelineResult, Stage } from "./context";

/**
 * Sends the request to the route's candidates in order. A retryable failure before anything was
 * sent to the client (connection error, 5xx, 429, timeout) moves on to the next candidate; every
 * attempt is recorded. The upstream call is aborted when the client disconnects, and times out
 * after UPSTREAM_TIMEOUT_MS without a response.
 */
export const dispatch: Stage = async (context, deps) => {
  const candidates = context.route?.candidates ?? [];
  let lastError: unknown = new ProxyError(503, "No model is available to serve this request.", {
    type: "server_error",
    code: "no_candidates",
  });
  for (const [index, candidate] of candidates.entries()) {
    context.served = candidate;
    try {
      const result = await callProvider(context, deps);
      context.attempts.push({ provider: candidate.provider.id, model: candidate.model });
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      context.attempts.push({ provider: candidate.provider.id, model: candidate.model, error: message });
      lastError = error;
      const isLast = index === candidates.length - 1;
      if (isLast || !(error instanceof ProxyError && error.retryable) || context.clientSignal.aborted) break;
      deps.logger.warn("upstream failed; trying next candidate", {
        taskId: context.taskId,
        provider: candidate.provider.id,
        model: candidate.model,
        status: error.status,
      });
    }
  }
  throw lastError;
};

async function callProvider(context: PipelineContext, deps: PipelineDeps): Promise<PipelineResult> {
  const candidate = context.served!;
  const upstream = new AbortController();
  const onClientAbort = () =>
    upstream.abort(new ProxyError(499, "The client closed the connection.", { type: "client_closed", code: "client_closed" }));
  if (context.clientSignal.aborted) onClientAbort();
  context.clientSignal.addEventListener("abort", onClientAbort, { once: true });
  const timer = setTimeout(
    () =>
      upstream.abort(
        new ProxyError(504, `${candidate.provider.displayName} did not respond within ${deps.upstreamTimeoutMs} ms.`, {
          type: "timeout_error",
          code: "upstream_timeout",
          retryable: true,
        }),
      ),
    deps.upstreamTimeoutMs,
  );
  const call = { request: context.request, model: candidate.model, signal: upstream.signal };
  try {
    if (context.request.stream) {
      return { kind: "stream", chunks: await candidate.provider.stream(call) };
    }
    return { kind: "completion", completion: await candidate.provider.complete(call) };
  } catch (error) {
    // An abort surfaces as the SDK's own abort error; report why we aborted instead.
    if (upstream.signal.aborted && upstream.signal.reason instanceof ProxyError) throw upstream.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
