import { type ChunkHead, deltaChunk, errorChunk } from "../../chat/chunks";
import type { ChatCompletionChunk } from "../../chat/types";
import { ProxyError } from "../../errors";
import { type ClaudeCliExitEvent, createClaudeCliEventTransformer } from "../../stream-transformers/claude-cli-events";
import { createNdjsonDecoder } from "../../streams/ndjson-decoder";
import type { CliProcess } from "./cli-process";

/**
 * A started CLI process as the provider's chunk stream. Resolves once the first chunk is there
 * (the upstream accepted the request), so a CLI that fails before answering rejects with a
 * ProxyError and the router can try another model; later failures end the stream with an error
 * chunk. Error messages carry the CLI's stderr tail. The process (and its group) is killed when
 * the consumer cancels, when `signal` aborts, when the CLI is silent for `idleTimeoutMs`, and
 * after an error; it is always awaited, so no zombie and no orphan is left.
 */
export interface RunStreamOptions {
  child: CliProcess;
  model: string;
  signal: AbortSignal;
  idleTimeoutMs: number;
  /** Text sent to the client right after the first chunk (a notice about the answer). */
  notices?: string[];
}

const exitGraceMs = 2000;
const stderrGraceMs = 300;

type Next = { kind: "chunk"; chunk: ChatCompletionChunk } | { kind: "done" } | { kind: "idle" } | { kind: "aborted" };

export async function startRunStream(options: RunStreamOptions): Promise<ReadableStream<ChatCompletionChunk>> {
  const { child, signal } = options;
  const head: ChunkHead = { id: `chatcmpl-${crypto.randomUUID()}`, created: Math.floor(Date.now() / 1000), model: options.model };
  const chunks = cliEvents(child).pipeThrough(createClaudeCliEventTransformer(head));
  const reader = chunks.getReader();

  let abortWaiter: (() => void) | undefined;
  const onAbort = () => {
    void child.kill();
    abortWaiter?.();
  };
  signal.addEventListener("abort", onAbort, { once: true });
  void child.exited.then(() => signal.removeEventListener("abort", onAbort));
  if (signal.aborted) onAbort();

  const next = async (): Promise<Next> => {
    if (signal.aborted) return { kind: "aborted" };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const idle = new Promise<Next>((resolve) => {
      timer = setTimeout(() => resolve({ kind: "idle" }), options.idleTimeoutMs);
    });
    const aborted = new Promise<Next>((resolve) => {
      abortWaiter = () => resolve({ kind: "aborted" });
    });
    const read = reader.read().then((result): Next => (result.done ? { kind: "done" } : { kind: "chunk", chunk: result.value }));
    try {
      return await Promise.race([read, idle, aborted]);
    } finally {
      clearTimeout(timer);
      abortWaiter = undefined;
    }
  };

  const idleMessage = () => `The Claude CLI sent nothing for ${options.idleTimeoutMs} ms and was stopped.`;
  const withStderr = async (message: string) => {
    // A CLI that reported an error usually exits by itself right after: let it finish its stderr.
    await Promise.race([child.exited, Bun.sleep(stderrGraceMs)]);
    await child.kill();
    const tail = child.stderrTail();
    return tail === "" ? message : `${message} CLI stderr: ${tail}`;
  };
  const stop = () => {
    reader.cancel().catch(() => {});
    return child.kill();
  };

  const first = await next();
  if (first.kind === "aborted") {
    await stop();
    throw signal.reason instanceof ProxyError
      ? signal.reason
      : new ProxyError(499, "The request was cancelled.", { type: "client_closed", code: "client_closed" });
  }
  if (first.kind !== "chunk" || first.chunk.error) {
    const failure = describeFirstFailure(first, idleMessage());
    const message = await withStderr(failure.message);
    reader.cancel().catch(() => {});
    throw new ProxyError(failure.status, message, { type: failure.type, code: failure.code, retryable: true });
  }

  const pending: ChatCompletionChunk[] = [first.chunk, ...(options.notices ?? []).map((content) => deltaChunk(head, { content }))];
  let finished = false;
  return new ReadableStream<ChatCompletionChunk>(
    {
      async pull(controller) {
        if (finished) return;
        const queued = pending.shift();
        if (queued) return controller.enqueue(queued);
        const result = await next();
        if (result.kind === "chunk" && !result.chunk.error) {
          controller.enqueue(result.chunk);
          // The usage chunk comes last: answer now, let the CLI exit on its own (or be killed soon).
          if (result.chunk.usage && result.chunk.choices.length === 0) {
            finished = true;
            controller.close();
            void Promise.race([child.exited, Bun.sleep(exitGraceMs)]).then(stop);
          }
          return;
        }
        finished = true;
        if (result.kind === "chunk" && result.chunk.error) {
          controller.enqueue({ ...result.chunk, error: { ...result.chunk.error, message: await withStderr(result.chunk.error.message) } });
        } else if (result.kind === "idle") {
          const message = await withStderr(idleMessage());
          controller.enqueue(errorChunk(head, { message, type: "timeout_error", code: "upstream_timeout" }));
        }
        await stop();
        controller.close();
      },
      async cancel() {
        finished = true;
        await stop();
      },
    },
    { highWaterMark: 0 },
  );
}

/** Why a run failed before its first chunk: an error chunk, silence, or an end without output. */
function describeFirstFailure(first: Exclude<Next, { kind: "aborted" }>, idleMessage: string) {
  if (first.kind === "chunk" && first.chunk.error) {
    return { status: 502, type: "upstream_error" as const, code: first.chunk.error.code, message: first.chunk.error.message };
  }
  if (first.kind === "idle") return { status: 504, type: "timeout_error" as const, code: "upstream_timeout", message: idleMessage };
  return { status: 502, type: "upstream_error" as const, code: "claude_cli_exit", message: "The Claude CLI ended without output." };
}

/** The CLI's stdout as parsed lines, followed by one exit event once the process is gone. */
function cliEvents(child: CliProcess): ReadableStream<unknown> {
  const lines = child.stdout.pipeThrough(createNdjsonDecoder()).getReader();
  return new ReadableStream<unknown>(
    {
      async pull(controller) {
        const { done, value } = await lines.read();
        if (!done) return controller.enqueue(value);
        await child.exited;
        const exit: ClaudeCliExitEvent = { type: "proxy_cli_exit", exitCode: child.exitCode, signalCode: child.signalCode };
        controller.enqueue(exit);
        controller.close();
      },
      async cancel() {
        await lines.cancel().catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
}
