import type { ChatRequest } from "../chat/request-schema";
import type { ChatCompletion, ChatCompletionChunk } from "../chat/types";
import type { RequestLogSink } from "../db/request-log-writer";
import type { RequestLogRow } from "../db/schema";
import type { AddedTimeMeasure } from "./outcome";
import type { Logger } from "../logger";
import type { Redactor } from "../security/redactor";
import type { FeedbackService } from "../feedback/feedback-service";
import type { CircuitBreakers } from "../routing/circuit-breakers";
import type { Classification } from "../routing/classifier/classify-request";
import type { CatalogEntry } from "../catalog/catalog-entry";
import type { ModelCatalog } from "../catalog/model-catalog";
import type { Candidate } from "../routing/candidate";
import type { ModelDirectory } from "../routing/model-directory";
import type { RoutePlan, Router } from "../routing/router";
import type { SuccessRates } from "../routing/success-rates";
import type { TierHint } from "../routing/tier-hint";
import type { ResponseCache } from "../cache/response-cache";
import type { HitMemo } from "../cache/hit-memo";
import type { ResponseEncoder } from "./response-encoder";
import type { BudgetService } from "../budget/budget-service";
import type { BudgetReport } from "../budget/budget-types";
import type { CompressionCounters } from "../compression/compression-counters";
import type { FinishHook, FinishHookOptions, FinishHooks } from "./finish-hooks";
import type { DeferredFinishes } from "./deferred-finishes";

export interface Attempt {
  provider: string;
  model: string;
  error?: string;
}

/** Who answered when no model did (e.g. the /feedback intercept). */
export interface LocalAnswer {
  provider: "proxy";
  model: string;
}

/** The response cache's verdict for one request (stages/cache.ts). */
export interface CacheOutcome {
  status: "hit" | "miss" | "bypass";
  /** On a hit: who made the cached answer, and what it cost then (saved this time). */
  hit?: { provider: string; model: string; savedUsd: number };
  /** On a hit: the entry that answered, by key and request digest (what the fast path remembers, doors/fast-hit.ts). */
  entry?: { key: string; digest: string };
  /** On a miss or bypass whose answer may be stored: the key it goes under, if it turns out storable. */
  storeKey?: string;
}

/** Everything one request carries through the pipeline. Stages read it and fill it in. */
export interface PipelineContext {
  taskId: string;
  /** The front door the request came through, for the log; no stage acts on it. */
  door: string;
  receivedAt: Date;
  /** performance.now() when the request arrived. */
  startedAt: number;
  request: ChatRequest;
  /** The model name the client sent, for the log, when the door translated it (request.model otherwise). */
  requestedModel?: string;
  /** How `auto` routing should start, when the door read a hint from the client's model name. */
  tierHint?: TierHint;
  userAgent: string | null;
  /** The client's request headers (cache and compression switches). */
  headers: Headers;
  promptBytes: number;
  /** Aborted when the client disconnects. */
  clientSignal: AbortSignal;
  /** The conversation this request belongs to (see session-key.ts). */
  sessionKey: string;
  classification?: Classification;
  route?: RoutePlan;
  localAnswer?: LocalAnswer;
  cache?: CacheOutcome;
  /** Estimated prompt tokens before and after compression, when it ran. */
  compression?: { tokensBefore: number; tokensAfter: number };
  /** The budgets this request was checked against, for the response headers. */
  budget?: BudgetReport;
  /** The candidate that is serving (or last tried to serve) the request. */
  served?: Candidate;
  attempts: Attempt[];
  /**
   * Milliseconds spent waiting on upstreams (every attempt, until its answer, or a stream's first
   * chunk): the time the proxy did not add. See request-report.ts.
   */
  upstreamWaitMs: number;
  /** What the runner calls once the answer is known; stages add to it through onFinish. */
  finishHooks: FinishHooks;
  onFinish(hook: FinishHook, options?: FinishHookOptions): void;
}

export interface RoutingDeps {
  router: Router;
  breakers: CircuitBreakers;
  successRates: SuccessRates;
  thresholds: { standard?: number; premium?: number };
  /** The model savings are measured against. */
  baseline: CatalogEntry | undefined;
  fallbackTotalTimeoutMs: number;
}

export interface PipelineDeps {
  directory: ModelDirectory;
  catalog: ModelCatalog;
  routing: RoutingDeps;
  feedback: FeedbackService;
  logSink: RequestLogSink;
  logger: Logger;
  /** Takes configured keys and credentials out of error texts before they leave the proxy. */
  redactor: Redactor;
  upstreamTimeoutMs: number;
  /** Silence allowed between two chunks of an upstream stream once it has begun. */
  upstreamIdleTimeoutMs: number;
  streamHeartbeatMs: number;
  /**
   * Aborted, with a 503 ProxyError as its reason, when shutdown's grace period is over: every
   * upstream call and stream still running is cut (see shutdown.ts).
   */
  shutdownSignal: AbortSignal;
  /** ANTHROPIC_DOOR_MODELS: how the Anthropic door reads Claude model names (unset: by which providers are active). */
  anthropicModelPolicy?: "exact" | "auto";
  /** The response cache, when CACHE_ENABLED, with the fast path's memory of the bodies it answered (doors/fast-hit.ts). */
  cache?: { service: ResponseCache; maxTemperature: number; hitMemo: HitMemo<PreparedRequest> };
  compression: { mode: "safe" | "off"; counters: CompressionCounters };
  budgets: BudgetService;
  /** The proxy's own added time per request, as a histogram in /metrics (absent in tests that do not need it). */
  addedTime?: { observeAdded(row: RequestLogRow, addedMs: number, measure: AddedTimeMeasure): void };
  /** LOG_REQUESTS: one JSON line per request at info level (request-report.ts). */
  logRequests?: boolean;
  /**
   * When set, a completion's log row and finish hooks run at the next turn of the event loop, after
   * the Response is returned (deferred-finishes.ts); the server's setting. Absent, before it.
   */
  deferredFinishes?: DeferredFinishes;
}

/**
 * What a door made of one request body before the pipeline runs: the request in the internal
 * shape and what else its context needs (see create-context.ts), and how to build the door's
 * encoder for it. Only read, never changed, so the cache's fast path can reuse it for the same bytes.
 */
export interface PreparedRequest {
  door: string;
  request: ChatRequest;
  requestedModel?: string;
  tierHint?: TierHint;
  encoder(context: PipelineContext): ResponseEncoder;
}

export type PipelineResult =
  | { kind: "completion"; completion: ChatCompletion }
  | { kind: "stream"; chunks: ReadableStream<ChatCompletionChunk> };

/** A stage either lets the request continue (undefined) or answers it. */
export type Stage = (context: PipelineContext, deps: PipelineDeps) => Promise<PipelineResult | undefined>;
