import { type RequestKey, requestKey } from "../../cache/request-key";
import type { CachedAnswer } from "../../cache/cache-types";
import type { ResponseCache } from "../../cache/response-cache";
import { chunkStream, completionChunks } from "../../chat/completion-chunks";
import type { ChatRequest } from "../../chat/request-schema";
import type { ChatCompletion } from "../../chat/types";
import { costUsd } from "../../catalog/request-cost";
import type { PipelineContext, PipelineResult, Stage } from "../context";
import type { Outcome } from "../outcome";
import { storableOutcome } from "../storable-outcome";

/**
 * Answers a request the cache has the complete answer to, in the mode the client asked for
 * (a stored completion replays as a stream and the reverse), before anything is compressed,
 * classified, routed, budgeted or sent. On a miss it leaves a finish hook that stores the answer
 * once it is complete and successful.
 *
 * The client decides per request: `Cache-Control: no-cache` or `x-cache: bypass` skip the lookup
 * (the fresh answer replaces the stored one), `Cache-Control: no-store` skips the lookup and the
 * store. Answers to requests sampled above CACHE_MAX_TEMPERATURE, or asking for logprobs, web search
 * or audio, are looked up but not stored.
 *
 * Concurrent identical requests are not merged (no single flight): each one that misses goes
 * upstream, and the last complete answer is the one kept.
 */
export const cache: Stage = async (context, deps) => {
  const settings = deps.cache;
  if (!settings) return undefined;
  const cache = settings.service;
  const control = cacheControl(context.headers);
  if (control !== "use") {
    cache.countBypass();
    context.cache = { status: "bypass" };
  }
  const storable = control !== "no-store" && samplingTemperature(context.request) <= settings.maxTemperature && !asksForUnreplayableParts(context.request);
  if (control === "bypass-store" && !storable) return undefined;
  let key: RequestKey;
  try {
    key = requestKey(context.request, context.tierHint?.tier);
  } catch (error) {
    // A request the key cannot be built for is served as if the cache were off; never failed by it.
    cache.countKeyError(error);
    return undefined;
  }
  if (control === "use") {
    const hit = await cache.lookup(key);
    if (hit) return replay(context, hit);
    context.cache = { status: "miss" };
  }
  if (!storable) return undefined;
  context.cache = { ...context.cache!, storeKey: key.key };
  context.onFinish((outcome) => storeAnswer(cache, context, outcome, key), { needsAnswer: true });
  return undefined;
};

type CacheControl = "use" | "bypass-store" | "no-store";

/** What the client's headers ask of the cache for this request; only "use" may be answered from it. */
export function cacheControl(headers: Headers): CacheControl {
  const directives = headers.get("cache-control")?.toLowerCase() ?? "";
  if (/\bno-store\b/.test(directives)) return "no-store";
  if (/\bno-cache\b/.test(directives) || headers.get("x-cache")?.trim().toLowerCase() === "bypass") return "bypass-store";
  return "use";
}

/**
 * Parts of an answer a stored answer does not keep in both modes (a streamed answer is collected
 * without them, a stored completion replays as a stream without them): log probabilities, web
 * search citations (`annotations`) and audio, Anthropic's server-tool blocks and citations
 * (chat/anthropic-blocks.ts). An answer to a request that asks for them is not stored, so it is
 * never served without them.
 */
function asksForUnreplayableParts(request: ChatRequest): boolean {
  const modalities = request.modalities as unknown;
  return (
    Boolean(request.logprobs) ||
    request.top_logprobs != null ||
    request.web_search_options != null ||
    Boolean(request.anthropic?.server_tools?.length) ||
    request.audio != null ||
    (Array.isArray(modalities) && modalities.includes("audio"))
  );
}

/** A request that sets no temperature is sampled at the providers' default, 1. */
function samplingTemperature(request: ChatRequest): number {
  return request.temperature ?? 1;
}

/** A found answer as this request's: the hit recorded on the context, the completion with a new id, in the mode asked for. */
export function replay(context: PipelineContext, hit: CachedAnswer): PipelineResult {
  context.cache = { status: "hit", hit: { provider: hit.provider, model: hit.model, savedUsd: hit.costUsd }, entry: { key: hit.key, digest: hit.digest } };
  const completion: ChatCompletion = { ...hit.completion, id: `chatcmpl-${crypto.randomUUID()}`, created: Math.floor(Date.now() / 1000) };
  return context.request.stream ? { kind: "stream", chunks: chunkStream(completionChunks(completion)) } : { kind: "completion", completion };
}

/** Only a complete, successful answer from a model is kept (storable-outcome.ts says which). */
function storeAnswer(cache: ResponseCache, context: PipelineContext, outcome: Outcome, key: RequestKey): void {
  const served = context.served;
  const answer = outcome.answer;
  if (!served || !answer || !storableOutcome(context, outcome, answer.choices[0]?.finish_reason)) return;
  const stored = { key, completion: answer, provider: served.provider.id, model: served.model, costUsd: costUsd(served.entry, outcome.usage) };
  // Without the server's finishAfterAnswer, hooks run before a completion is written out: serialising
  // and digesting the answer can wait (with it, this is a turn after the answer's own).
  setImmediate(() => cache.store(stored));
}
