/**
 * The stream layers as they were before they were fused into one pulled chain (stage-chain.ts,
 * pull-chain.ts): each layer its own pulled ReadableStream, exactly as in main at 665f52f. Kept
 * to prove the fused chain gives every client the same bytes and every log the same outcome
 * (tests/streams/fused-chain-bytes.test.ts). Not used by the proxy.
 */
import { assembleChunks } from "../../../src/chat/chunk-assembler";
import { errorChunk } from "../../../src/chat/chunks";
import { showsNothing } from "../../../src/chat/shows-nothing";
import { type ChatCompletionChunk, normalizeUsage, type Usage } from "../../../src/chat/types";
import { ProxyError } from "../../../src/errors";
import { abortedUsage, outputCharactersOf } from "../../../src/pipeline/aborted-usage";
import { type Outcome, outcomeErrorType } from "../../../src/pipeline/outcome";
import type { StreamObserverOptions } from "../../../src/pipeline/stream-observer";
import type { SyncTransformer } from "../../../src/streams/sync-transformer";
import type { WatchOptions } from "../../../src/streams/watch-stream";

export function layeredPullThrough<I, O>(source: ReadableStream<I>, transformer: SyncTransformer<I, O>): ReadableStream<O> {
  const reader = source.getReader();
  let finished = false;
  let produced = 0;
  let output!: ReadableStreamDefaultController<O>;
  const controller: TransformStreamDefaultController<O> = {
    get desiredSize() {
      return output.desiredSize;
    },
    enqueue(chunk) {
      if (finished) throw new TypeError("The stream is closed.");
      produced++;
      output.enqueue(chunk);
    },
    error(reason) {
      if (finished) return;
      finished = true;
      output.error(reason);
      reader.cancel(reason).catch(() => {});
    },
    terminate() {
      if (finished) return;
      finished = true;
      output.close();
      reader.cancel().catch(() => {});
    },
  };
  return new ReadableStream<O>(
    {
      start(readableController) {
        output = readableController;
        transformer.start?.(controller);
      },
      async pull() {
        const before = produced;
        while (!finished && produced === before) {
          let result: Awaited<ReturnType<typeof reader.read>>;
          try {
            result = await reader.read();
          } catch (error) {
            if (!finished) {
              finished = true;
              output.error(error);
            }
            return;
          }
          if (finished) return;
          try {
            if (result.done) {
              transformer.flush?.(controller);
              if (!finished) {
                finished = true;
                output.close();
              }
              return;
            }
            if (transformer.transform) transformer.transform(result.value, controller);
            else controller.enqueue(result.value as unknown as O);
          } catch (error) {
            controller.error(error);
            return;
          }
        }
      },
      cancel(reason) {
        finished = true;
        transformer.cancel?.(reason);
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

export function layeredWatchStream<T>(source: ReadableStream<T>, options: WatchOptions<T>): ReadableStream<T> {
  const reader = source.getReader();
  const queued = [...(options.prepend ?? [])];
  const stopSignal = options.stopSignal;
  let output!: ReadableStreamDefaultController<T>;
  let waitingSince: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settled = false;

  const settle = () => {
    settled = true;
    clearTimeout(timer);
    stopSignal?.removeEventListener("abort", onStop);
  };
  const fail = (error: unknown) => {
    if (settled) return;
    settle();
    output.error(error);
    reader.cancel(error).catch(() => {});
  };
  const onStop = () => fail(stopSignal!.reason);
  const arm = (ms: number) => {
    timer = setTimeout(check, ms);
  };
  const check = () => {
    timer = undefined;
    if (settled || waitingSince === undefined) return;
    const silentMs = performance.now() - waitingSince;
    if (silentMs >= options.idleMs) fail(options.idleError());
    else arm(options.idleMs - silentMs);
  };

  return new ReadableStream<T>(
    {
      start(controller) {
        output = controller;
        if (stopSignal?.aborted) onStop();
        else stopSignal?.addEventListener("abort", onStop, { once: true });
      },
      async pull(controller) {
        if (queued.length > 0) return controller.enqueue(queued.shift()!);
        waitingSince = performance.now();
        if (timer === undefined) arm(options.idleMs);
        let result: Awaited<ReturnType<typeof reader.read>>;
        try {
          result = await reader.read();
        } catch (error) {
          if (!settled) {
            settle();
            controller.error(error);
          }
          return;
        } finally {
          waitingSince = undefined;
        }
        if (settled) return;
        if (result.done) {
          settle();
          controller.close();
        } else {
          controller.enqueue(result.value);
        }
      },
      cancel(reason) {
        settle();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

export function layeredObserveStream(source: ReadableStream<ChatCompletionChunk>, options: StreamObserverOptions): ReadableStream<ChatCompletionChunk> {
  let ended = false;
  let ttftMs: number | undefined;
  let firstByteMs: number | undefined;
  let usage: Usage | undefined;
  let finishReason: string | null = null;
  let outputCharacters = 0;
  // The last chunk seen: an error chunk of ours takes its id, created and model.
  let last: Pick<ChatCompletionChunk, "id" | "created" | "model"> = { id: "chatcmpl-proxy", created: Math.floor(Date.now() / 1000), model: "" };
  // The chunks kept as they were before the observer assembled the answer as they passed (main before stream-heap).
  const kept: ChatCompletionChunk[] | undefined = options.keepAnswer ? [] : undefined;

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
      kept && { completion: () => assembleChunks(kept) },
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

  // The upstream broke off after producing something: counted as for a client that left.
  const spentBeforeFailure = () => {
    if (outputCharacters === 0 && !usage) return {};
    const spent = abortedUsage(normalizeUsage(usage), options.promptTokensEstimate, outputCharacters);
    return { usage: spent.usage, usageEstimated: spent.estimated };
  };

  const reader = source.getReader();
  // The client left (its signal, or its side cancelled): the upstream is cancelled with it.
  const onClientGone = (reason?: unknown) => {
    onClientAbort();
    reader.cancel(reason).catch(() => {});
  };
  const onSignalAbort = () => onClientGone(options.clientSignal.reason);
  options.clientSignal.addEventListener("abort", onSignalAbort, { once: true });

  // Pulled, not piped: one read per chunk and no pipe promises in between (docs in sync-transformer.ts).
  return new ReadableStream<ChatCompletionChunk>(
    {
      async pull(controller) {
        let result: Awaited<ReturnType<typeof reader.read>>;
        try {
          result = await reader.read();
        } catch (error) {
          if (options.clientSignal.aborted) onClientAbort();
          if (!ended) {
            const proxyError = options.redactor.redactError(error instanceof ProxyError ? error : lostMidStream(error));
            end({ status: proxyError.status, errorType: outcomeErrorType(proxyError), errorMessage: proxyError.message, ...spentBeforeFailure() });
            enqueueAndClose(controller, errorChunk({ id: last.id, created: last.created, model: last.model }, proxyError.toJSON().error));
          } else closeQuietly(controller);
          return;
        }
        if (result.done) {
          end({ completed: true });
          closeQuietly(controller);
          return;
        }
        const chunk = result.value;
        last = chunk;
        if (chunk.usage) usage = chunk.usage;
        for (const choice of chunk.choices) {
          if (ttftMs === undefined && hasOutput(choice.delta)) ttftMs = Math.round(performance.now() - options.startedAt);
          if (choice.finish_reason) finishReason = choice.finish_reason;
          outputCharacters += outputCharactersOf(choice.delta);
        }
        if (chunk.error) {
          const error = { ...chunk.error, message: options.redactor.redact(chunk.error.message) };
          end({ status: 502, errorType: error.type, errorMessage: error.message, ...spentBeforeFailure() });
          // Ends the client's stream and cancels the upstream.
          enqueueAndClose(controller, { ...chunk, error });
          reader.cancel().catch(() => {});
          return;
        }
        kept?.push(chunk);
        firstByteMs ??= performance.now() - options.startedAt;
        controller.enqueue(chunk);
      },
      // The client's side was cancelled (it went away).
      cancel: onClientGone,
    },
    { highWaterMark: 0 },
  );
}

function enqueueAndClose(controller: ReadableStreamDefaultController<ChatCompletionChunk>, chunk: ChatCompletionChunk): void {
  try {
    controller.enqueue(chunk);
    controller.close();
  } catch {
    // The client's side is already gone.
  }
}

function closeQuietly(controller: ReadableStreamDefaultController<ChatCompletionChunk>): void {
  try {
    controller.close();
  } catch {
    // Already closed or cancelled.
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

/**
 * dispatch.ts's withFirstChunk as layers: chunks read until one shows something (past an empty
 * start), the lock released, the rest watched with them prepended. No bound on the hold: these
 * sources never keep a first token waiting.
 */
export async function layeredWithFirstChunk(
  stream: ReadableStream<ChatCompletionChunk>,
  watch: Omit<WatchOptions<ChatCompletionChunk>, "prepend">,
): Promise<ReadableStream<ChatCompletionChunk>> {
  const reader = stream.getReader();
  const held: ChatCompletionChunk[] = [];
  const read = () => reader.read().catch((error: unknown) => Promise.reject(lostBeforeOutput(error)));
  let first = await read();
  while (!first.done && showsNothing(first.value)) {
    held.push(first.value);
    first = await read();
  }
  if (first.done) throw new ProxyError(502, "The upstream ended the stream without sending anything.", { type: "upstream_error", code: "empty_stream", retryable: true });
  if (first.value.error) {
    reader.cancel().catch(() => {});
    const { message, code } = first.value.error;
    throw new ProxyError(502, held.length > 0 ? `${message} (after the stream's empty start)` : message, { type: "upstream_error", code, retryable: true });
  }
  reader.releaseLock();
  return layeredWatchStream(stream, { ...watch, prepend: [...held, first.value] });
}

function lostBeforeOutput(error: unknown): unknown {
  if (error instanceof ProxyError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const detail = typeof code === "string" && /^[A-Z_]+$/.test(code) ? ` (${code})` : "";
  return new ProxyError(502, `The connection to the upstream was lost before it sent anything${detail}.`, {
    type: "upstream_error",
    code: "upstream_connection_lost",
    retryable: true,
    cause: error,
  });
}
