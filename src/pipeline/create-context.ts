import type { ChatRequest } from "../chat/request-schema";
import type { TierHint } from "../routing/tier-hint";
import type { PipelineContext } from "./context";
import { FinishHooks } from "./finish-hooks";
import { arrivalTime } from "./arrival-time";
import { sessionHeader, sessionKey } from "./session-key";

export interface ContextSource {
  /** The door's name, for the log. */
  door: string;
  /** The request in the internal shape, as the door translated it. */
  request: ChatRequest;
  /** The client's HTTP request: user agent, content length, session header, and its abort signal. */
  http: Request;
  /** The model name the client sent, when the door put another one in `request.model`. */
  requestedModel?: string;
  tierHint?: TierHint;
  /** The proxy's redactor, for a session id that holds a configured key (session-key.ts); the key patterns alone when left out. */
  redact?: (text: string) => string;
}

/**
 * The one way a request's PipelineContext is built, whichever door it came through: a fresh task
 * id (time-ordered), the clocks, the prompt's size, the conversation it belongs to, and an empty set of finish hooks.
 */
export function createContext({ door, request, http, requestedModel, tierHint, redact }: ContextSource): PipelineContext {
  const headers = http.headers;
  const finishHooks = new FinishHooks();
  const context: PipelineContext = {
    // Time-ordered (UUID version 7: 48 bits of milliseconds, then a counter and 62 random bits), so
    // the request log's primary key grows at its right edge instead of at a random leaf per row.
    taskId: Bun.randomUUIDv7(),
    door,
    receivedAt: new Date(),
    startedAt: arrivalTime(http),
    request,
    userAgent: headers.get("user-agent"),
    headers,
    promptBytes: Number(headers.get("content-length") ?? 0) || JSON.stringify(request.messages).length,
    clientSignal: http.signal,
    sessionKey: sessionKey(request, sessionHeader(headers), redact),
    attempts: [],
    upstreamWaitMs: 0,
    finishHooks,
    onFinish: (hook, options) => finishHooks.add(hook, options),
  };
  // Set only when given (not spread in from a new object each request): a context without them has no such keys.
  if (requestedModel !== undefined) context.requestedModel = requestedModel;
  if (tierHint) context.tierHint = tierHint;
  return context;
}
