import { errorChunk } from "../chat/chunks";
import { type ChatCompletionChunk, normalizeUsage, type Usage } from "../chat/types";
import { ProxyError } from "../errors";
import type { Redactor } from "../security/redactor";
import { abortedUsage, outputCharactersOf } from "./aborted-usage";
import { type Outcome, outcomeErrorType } from "./outcome";
import { type SyncTransformer, pullThrough } from "../streams/sync-transformer";

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
  /** The prompt's estimated tokens, for a client that leaves before the upstream's usage arrives (aborted-usage.ts). */
  promptTokensEstimate: () => number;
  onEnd(outcome: Outcome, chunks: readonly ChatCompletionChunk[] | undefined): void;
}

export function observeStream(source: ReadableStream<ChatCompletionChunk>, options: StreamObserverOptions): ReadableStream<ChatCompletionChunk> {
  return pullThrough(source, streamObserver(options));
}

/** The observer as a stage of the stream's pulled chain (pull-chain.ts): no ReadableStream of its own. */
function streamObserver(options: StreamObserverOptions): SyncTransformer<ChatCompletionChunk, ChatCompletionChunk> {
  let ended = false;
  let ttftMs: number | undefined;
  let firstByteMs: number | undefined;
  let usage: Usage | undefined;
  let finishReason: string | null = null;
  let outputCharacters = 0;
  // The last chunk seen: an error chunk of ours takes its id, created and model.
  let last: Pick<ChatCompletionChunk, "id" | "created" | "model"> = { id: "chatcmpl-proxy", created: Math.floor(Date.now() / 1000), model: "" };
  const kept: ChatCompletionChunk[] | undefined = options.keepChunks ? [] : undefined;
  let controller!: TransformStreamDefaultController<ChatCompletionChunk>;

  const end = (outcome: Partial<Outcome>) => {
    if (ended) return;
    ended = true;
    options.clientSignal.removeEventListener("abort", onSignalAbort);
    options.onEnd(
      {
        status: 200,
        completed: false,
        clientAborted: false,
        finishReason,
        usage: normalizeUsage(usage),
        ttftMs,
        firstByteMs,
        ...outcome,
      },
      kept,
    );
  };
  const onClientAbort = () => {
    if (ended) return;
    const spent = abortedUsage(normalizeUsage(usage), options.promptTokensEstimate, outputCharacters);
    end({
      status: 499,
      clientAborted: true,
      errorType: "client_closed",
      errorMessage: "The client closed the connection mid-stream.",
      usage: spent.usage,
      usageEstimated: spent.estimated,
    });
  };
  // The client left: the chain ends here, which cancels the upstream.
  const onSignalAbort = () => {
    onClientAbort();
    controller.terminate();
  };

  return {
    start(chainController) {
      controller = chainController;
      options.clientSignal.addEventListener("abort", onSignalAbort, { once: true });
    },
    transform(chunk, chainController) {
      last = chunk;
      if (chunk.usage) usage = chunk.usage;
      for (const choice of chunk.choices) {
        if (ttftMs === undefined && hasOutput(choice.delta)) ttftMs = Math.round(performance.now() - options.startedAt);
        if (choice.finish_reason) finishReason = choice.finish_reason;
        outputCharacters += outputCharactersOf(choice.delta);
      }
      if (chunk.error) {
        const error = { ...chunk.error, message: options.redactor.redact(chunk.error.message) };
        end({ status: 502, errorType: error.type, errorMessage: error.message });
        // Ends the client's stream and cancels the upstream.
        chainController.enqueue({ ...chunk, error });
        chainController.terminate();
        return;
      }
      kept?.push(chunk);
      firstByteMs ??= performance.now() - options.startedAt;
      chainController.enqueue(chunk);
    },
    flush() {
      end({ completed: true });
    },
    // The upstream failed (a broken connection, the idle timeout, shutdown): the client gets it as a last error chunk.
    fail(error, chainController) {
      if (options.clientSignal.aborted) onClientAbort();
      if (ended) return;
      const proxyError = options.redactor.redactError(error instanceof ProxyError ? error : lostMidStream(error));
      end({ status: proxyError.status, errorType: outcomeErrorType(proxyError), errorMessage: proxyError.message });
      chainController.enqueue(errorChunk({ id: last.id, created: last.created, model: last.model }, proxyError.toJSON().error));
    },
    // The client's side was cancelled (it went away).
    cancel: onClientAbort,
  };
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
