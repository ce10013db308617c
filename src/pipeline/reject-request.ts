import type { ChatRequest } from "../chat/request-schema";
import type { Door } from "../doors/openai-door";
import { toProxyError } from "../errors";
import type { PipelineContext, PipelineDeps } from "./context";
import { buildLogRow } from "./log-record";
import { responseHeaders } from "./run-pipeline";

export interface RejectedRequest {
  door: Door;
  userAgent: string | null;
  /** Whatever the client put in `model`, if the body got that far. */
  requestedModel?: unknown;
  promptBytes?: number;
  error: unknown;
}

/**
 * Answers a request that never reached the pipeline (bad JSON, failed validation, body too large)
 * in its door's error shape, and still logs it: every request leaves a row.
 */
export function rejectRequest(deps: PipelineDeps, rejected: RejectedRequest): Response {
  const error = toProxyError(rejected.error);
  const request = { model: typeof rejected.requestedModel === "string" ? rejected.requestedModel : "", messages: [] } as unknown as ChatRequest;
  const context: PipelineContext = {
    taskId: crypto.randomUUID(),
    door: rejected.door,
    receivedAt: new Date(),
    startedAt: performance.now(),
    request,
    userAgent: rejected.userAgent,
    promptBytes: rejected.promptBytes ?? 0,
    clientSignal: new AbortController().signal,
    sessionKey: "rejected",
    attempts: [],
  };
  deps.logSink.record(buildLogRow(context, { status: error.status, errorType: error.type, errorMessage: error.message }, undefined));
  return rejected.door.errorResponse(error, responseHeaders(context));
}
