import type { ChatRequest } from "../chat/request-schema";
import type { ChatCompletion, ChatCompletionChunk, NormalizedUsage } from "../chat/types";
import type { RequestLogSink } from "../db/request-log-writer";
import type { Door } from "../doors/openai-door";
import type { Logger } from "../logger";
import type { LLMProvider } from "../providers/types";
import type { CatalogEntry, ModelCatalog } from "../routing/model-catalog";
import type { ModelDirectory } from "../routing/model-directory";

/** One model of one provider that may serve the request. */
export interface Candidate {
  provider: LLMProvider;
  model: string;
  entry: CatalogEntry | undefined;
}

export interface Route {
  candidates: Candidate[];
  reason: string;
}

export interface Attempt {
  provider: string;
  model: string;
  error?: string;
}

/** Everything one request carries through the pipeline. Stages read it and fill it in. */
export interface PipelineContext {
  taskId: string;
  door: Door;
  receivedAt: Date;
  /** performance.now() when the request arrived. */
  startedAt: number;
  request: ChatRequest;
  userAgent: string | null;
  promptBytes: number;
  /** Aborted when the client disconnects. */
  clientSignal: AbortSignal;
  route?: Route;
  /** The candidate that is serving (or last tried to serve) the request. */
  served?: Candidate;
  attempts: Attempt[];
}

export interface PipelineDeps {
  directory: ModelDirectory;
  catalog: ModelCatalog;
  logSink: RequestLogSink;
  logger: Logger;
  upstreamTimeoutMs: number;
  streamHeartbeatMs: number;
}

export type PipelineResult =
  | { kind: "completion"; completion: ChatCompletion }
  | { kind: "stream"; chunks: ReadableStream<ChatCompletionChunk> };

/** A stage either lets the request continue (undefined) or answers it. */
export type Stage = (context: PipelineContext, deps: PipelineDeps) => Promise<PipelineResult | undefined>;

/** What the runner learned about the answer, for the log row. */
export interface Outcome {
  status: number;
  errorType?: string;
  errorMessage?: string;
  finishReason?: string | null;
  usage?: NormalizedUsage;
  ttftMs?: number;
}
