import { type AssembledAnswer, StreamedAnswer } from "../chat/chunk-assembler";
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
  /** Assemble the answer as the chunks pass and hand it to onEnd (a finish hook needs the whole answer). */
  keepAnswer: boolean;
  /** A mid-stream error's text comes from the upstream: redacted before client, log and breakers see it. */
  redactor: Redactor;
  /** The prompt's estimated tokens, for a client that leaves before the upstream's usage arrives (aborted-usage.ts). */
  promptTokensEstimate: () => number;
  /** A stream that ends without the upstream's usage is estimated as one the client left (not a cached or local answer's). */
  estimateMissingUsage?: boolean;
  onEnd(outcome: Outcome, answer: AssembledAnswer | undefined): void;
}

export function observeStream(source: ReadableStream<ChatCompletionChunk>, options: StreamObserverOptions): ReadableStream<ChatCompletionChunk> {
  return pullThrough(source, new StreamObserver(options));
}

/**
 * The observer as a stage of the stream's pulled chain (pull-chain.ts): no ReadableStream of its
 * own. A class, not closures: an open stream keeps it for as long as it is open (an idle one for
 * minutes), and methods on the prototype cost nothing per stream. It listens to the client's
 * signal as an event-listener object (handleEvent).
 */
class StreamObserver implements SyncTransformer<ChatCompletionChunk, ChatCompletionChunk> {
  private ended = false;
  private ttftMs: number | undefined;
  private firstByteMs: number | undefined;
  private usage: Usage | undefined;
  private finishReason: string | null = null;
  private outputCharacters = 0;
  // The last chunk seen: an error chunk of ours takes its id, created and model.
  private last: Pick<ChatCompletionChunk, "id" | "created" | "model"> = { id: "chatcmpl-proxy", created: Math.floor(Date.now() / 1000), model: "" };
  // The answer so far, when a finish hook wants it: assembled chunk by chunk, no chunk kept.
  private readonly answer: StreamedAnswer | undefined;
  private controller!: TransformStreamDefaultController<ChatCompletionChunk>;

  constructor(private readonly options: StreamObserverOptions) {
    this.answer = options.keepAnswer ? new StreamedAnswer() : undefined;
  }

  start(chainController: TransformStreamDefaultController<ChatCompletionChunk>): void {
    this.controller = chainController;
    this.options.clientSignal.addEventListener("abort", this, { once: true });
  }

  transform(chunk: ChatCompletionChunk, chainController: TransformStreamDefaultController<ChatCompletionChunk>): void {
    this.last = chunk;
    if (chunk.usage) this.usage = chunk.usage;
    for (const choice of chunk.choices) {
      if (this.ttftMs === undefined && hasOutput(choice.delta)) this.ttftMs = Math.round(performance.now() - this.options.startedAt);
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
      this.outputCharacters += outputCharactersOf(choice.delta);
    }
    if (chunk.error) {
      const error = { ...chunk.error, message: this.options.redactor.redact(chunk.error.message) };
      this.end({ status: 502, errorType: error.type, errorMessage: error.message, ...this.spentBeforeFailure() });
      // Ends the client's stream and cancels the upstream.
      chainController.enqueue({ ...chunk, error });
      chainController.terminate();
      return;
    }
    this.answer?.add(chunk);
    this.firstByteMs ??= performance.now() - this.options.startedAt;
    chainController.enqueue(chunk);
  }

  flush(): void {
    this.end({ completed: true, ...(this.usage || !this.options.estimateMissingUsage ? {} : this.spentSoFar()) });
  }

  /** The upstream failed (a broken connection, the idle timeout, shutdown): the client gets it as a last error chunk. */
  fail(error: unknown, chainController: TransformStreamDefaultController<ChatCompletionChunk>): void {
    if (this.options.clientSignal.aborted) this.clientAborted();
    if (this.ended) return;
    const proxyError = this.options.redactor.redactError(error instanceof ProxyError ? error : lostMidStream(error));
    this.end({ status: proxyError.status, errorType: outcomeErrorType(proxyError), errorMessage: proxyError.message, ...this.spentBeforeFailure() });
    const last = this.last;
    chainController.enqueue(errorChunk({ id: last.id, created: last.created, model: last.model }, proxyError.toJSON().error));
  }

  /** The client's side was cancelled (it went away). */
  cancel(): void {
    this.clientAborted();
  }

  /** The client's signal fired: the client left, so the chain ends here, which cancels the upstream. */
  handleEvent(): void {
    this.clientAborted();
    this.controller.terminate();
  }

  private clientAborted(): void {
    if (this.ended) return;
    this.end({
      status: 499,
      clientAborted: true,
      errorType: "client_closed",
      errorMessage: "The client closed the connection mid-stream.",
      ...this.spentSoFar(),
    });
  }

  /** What the stream used until now (aborted-usage.ts): the upstream's usage, else estimated. */
  private spentSoFar(): Pick<Outcome, "usage" | "usageEstimated"> {
    const spent = abortedUsage(normalizeUsage(this.usage), this.options.promptTokensEstimate, this.outputCharacters);
    return { usage: spent.usage, usageEstimated: spent.estimated };
  }

  /**
   * What a stream the upstream broke off had already used: once output was generated (or the
   * upstream reported usage), the upstream bills it, so the log row and the budget count it as for
   * a client that left. Nothing when the upstream failed before producing anything.
   */
  private spentBeforeFailure(): Partial<Outcome> {
    return this.outputCharacters === 0 && !this.usage ? {} : this.spentSoFar();
  }

  private end(outcome: Partial<Outcome>): void {
    if (this.ended) return;
    this.ended = true;
    this.options.clientSignal.removeEventListener("abort", this);
    this.options.onEnd(
      {
        status: 200,
        completed: false,
        clientAborted: false,
        finishReason: this.finishReason,
        usage: normalizeUsage(this.usage),
        ttftMs: this.ttftMs,
        firstByteMs: this.firstByteMs,
        ...outcome,
      },
      this.answer,
    );
  }
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
