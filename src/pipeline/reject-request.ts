import type { ChatRequest } from "../chat/request-schema";
import { type ProxyError, toProxyError } from "../errors";
import type { PipelineDeps } from "./context";
import { createContext } from "./create-context";
import { reportFinished } from "./request-report";
import { responseHeaders } from "./run-pipeline";

/** What the pipeline needs of a door to refuse a request: its name for the log, its error shape. */
export interface RejectingDoor {
  name: string;
  errorResponse(error: ProxyError, headers: Headers): Response;
}

export interface RejectedRequest {
  door: RejectingDoor;
  /** The client's HTTP request. */
  http: Request;
  /** Whatever the client put in `model`, if the body got that far. */
  requestedModel?: unknown;
  /** The body's `stream`, if it got that far: the log says what kind of request was refused. */
  stream?: unknown;
  error: unknown;
}

/**
 * Answers a request that never reached the pipeline (bad JSON, failed validation, body too large,
 * unknown route) in its door's error shape, and still logs it: every request leaves a row. It ran
 * no stage, so there is no finish hook to call.
 */
export function rejectRequest(deps: PipelineDeps, rejected: RejectedRequest): Response {
  const error = deps.redactor.redactError(toProxyError(rejected.error));
  const request = { model: typeof rejected.requestedModel === "string" ? rejected.requestedModel : "", messages: [], stream: rejected.stream === true } as unknown as ChatRequest;
  // A refused request belongs to no conversation, and its body is not a prompt.
  const context = { ...createContext({ door: rejected.door.name, request, http: rejected.http }), sessionKey: "rejected", promptBytes: 0 };
  const outcome = { status: error.status, completed: false, clientAborted: false, errorType: error.type, errorMessage: error.message };
  reportFinished(deps, context, outcome, undefined);
  return rejected.door.errorResponse(error, responseHeaders(context));
}
