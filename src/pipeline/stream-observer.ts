import { errorChunk } from "../chat/chunks";
import { type ChatCompletionChunk, normalizeUsage, type Usage } from "../chat/types";
import { ProxyError } from "../errors";
import { transformStream } from "../streams/sync-transformer";
import type { Redactor } from "../security/redactor";
import { type Outcome, outcomeErrorType } from "./outcome";

/**
 * Sits between a provider's chunk stream and the door's encoder. It records what the log needs
 * (time to first token, usage, finish reason, mid-stream errors), turns a thrown upstream failure
 * into a final error chunk, and reports the outcome exactly once: at the end, on a mid-stream
 * error, or when the client leaves. Every chunk passes on, usage included; the door decides what
 * its client sees.
 */
export interface StreamObserverOptions {
  startedAt: number;
  clientSignal: AbortSignal;
  /** Keep every chunk and hand them to onEnd (a finish hook needs the whole answer). */
  keepChunks: boolean;
  /** A mid-stream error's text comes from the upstream: redacted before client, log and breakers see it. */
  redactor: Redactor;
  onEnd(outcome: Outcome, chunks: readonly ChatCompletionChunk[] | undefined): void;
}

export function observeStream(source: ReadableStream<ChatCompletionChunk>, options: StreamObserverOptions): ReadableStream<ChatCompletionChunk> {
  let ended = false;
  let ttftMs: number | undefined;
  let usage: Usage | undefined;
  let finishReason: string | null = null;
  let template: Pick<ChatCompletionChunk, "id" | "created" | "model"> = { id: "chatcmpl-proxy", created: Math.floor(Date.now() / 1000), model: "" };
  let output!: TransformStreamDefaultController<ChatCompletionChunk>;
  const kept: ChatCompletionChunk[] | undefined = options.keepChunks ? [] : undefined;

  const end = (outcome: Partial<Outcome>) => {
    if (ended) return;
    ended = true;
    options.clientSignal.removeEventListener("abort", onClientAbort);
    options.onEnd(
      {
        status: 200,
        completed: false,
        clientAborted: false,
        finishReason,
        usage: normalizeUsage(usage),
        ttftMs,
        ...outcome,
      },
      kept,
    );
  };
  const onClientAbort = () =>
    end({ status: 499, clientAborted: true, errorType: "client_closed", errorMessage: "The client closed the connection mid-stream." });
  options.clientSignal.addEventListener("abort", onClientAbort, { once: true });

  const observer = transformStream<ChatCompletionChunk, ChatCompletionChunk>({
    start(controller) {
      output = controller;
    },
    transform(chunk, controller) {
      template = { id: chunk.id, created: chunk.created, model: chunk.model };
      if (chunk.usage) usage = chunk.usage;
      for (const choice of chunk.choices) {
        if (ttftMs === undefined && hasOutput(choice.delta)) ttftMs = Math.round(performance.now() - options.startedAt);
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
      if (chunk.error) {
        const error = { ...chunk.error, message: options.redactor.redact(chunk.error.message) };
        controller.enqueue({ ...chunk, error });
        end({ status: 502, errorType: error.type, errorMessage: error.message });
        // Ends the client's stream and, through the pipe below, cancels the upstream.
        controller.terminate();
        return;
      }
      kept?.push(chunk);
      controller.enqueue(chunk);
    },
    flush() {
      end({ completed: true });
    },
    // The client's side was cancelled (it went away).
    cancel: onClientAbort,
  });

  // preventAbort: a failing source must not error the client's side, which still gets an error
  // chunk; the client's signal cancels the source when the client leaves.
  source.pipeTo(observer.writable, { preventAbort: true, signal: options.clientSignal }).catch((error: unknown) => {
    if (options.clientSignal.aborted) onClientAbort();
    if (ended) return;
    const proxyError = options.redactor.redactError(error instanceof ProxyError ? error : lostMidStream(error));
    end({ status: proxyError.status, errorType: outcomeErrorType(proxyError), errorMessage: proxyError.message });
    try {
      output.enqueue(errorChunk(template, proxyError.toJSON().error));
      output.terminate();
    } catch {
      // The client's side is already gone.
    }
  });
  return observer.readable;
}

/**
 * Anything else a provider's stream throws once it has begun is the upstream connection failing:
 * a socket reset while the body is read surfaces as fetch's own error (ECONNRESET), not an SDK one.
 */
function lostMidStream(error: unknown): ProxyError {
  const code = (error as { code?: unknown } | null)?.code;
  const detail = typeof code === "string" && /^[A-Z_]+$/.test(code) ? ` (${code})` : "";
  return new ProxyError(502, `The connection to the upstream was lost mid-stream${detail}.`, {
    type: "upstream_error",
    code: "upstream_connection_lost",
    cause: error,
  });
}

function hasOutput(delta: ChatCompletionChunk["choices"][number]["delta"]): boolean {
  return Boolean(delta.content || delta.reasoning_content || delta.tool_calls?.length || delta.refusal);
}
