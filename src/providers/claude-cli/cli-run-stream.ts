import { type ChunkHead, errorChunk } from "../../chat/chunks";
import type { ChatCompletionChunk } from "../../chat/types";
import { ProxyError } from "../../errors";
import { type ClaudeCliExitEvent, createClaudeCliEventTransformer } from "../../stream-transformers/claude-cli-events";
import { type ClaudeCliRateLimit, readClaudeCliRateLimit } from "../../stream-transformers/claude-cli-results";
import { createNdjsonDecoder } from "../../streams/ndjson-decoder";
import { CLIENT_TOOL_SERVER } from "./cli-arguments";
import type { CliProcess } from "./cli-process";
import type { ClientToolPlan } from "./client-tool-plan";
import { describeFirstFailure } from "./first-failure";
import { createToolChoiceCheck } from "./tool-choice-check";

/**
 * A started CLI process as the provider's chunk stream. Resolves once the first chunk is there
 * (the upstream accepted the request), so a CLI that fails before answering rejects with a
 * ProxyError and the router can try another model; later failures end the stream with an error
 * chunk. Error messages carry the CLI's stderr tail. The process (and its group) is killed when
 * the consumer cancels, when `signal` aborts, when the CLI is silent for `idleTimeoutMs`, after an
 * error, and as soon as an answer ends in tool calls; it is always awaited, so no zombie and no
 * orphan is left. The run's control requests (its MCP messages to the client's tools) are
 * answered on its stdin as they come.
 */
export interface RunStreamOptions {
  child: CliProcess;
  model: string;
  signal: AbortSignal;
  idleTimeoutMs: number;
  /** The client's tools this run offers, if any. */
  tools?: ClientToolPlan;
  /** Each rate-limit report of the CLI (a warning, or the refusal that ends the run). */
  onRateLimit?: (limit: ClaudeCliRateLimit) => void;
  /** Told when later tool calls were dropped for `parallel_tool_calls: false`. */
  onDroppedCalls?: () => void;
}

const exitGraceMs = 2000;
const stderrGraceMs = 300;

type Next = { kind: "chunk"; chunk: ChatCompletionChunk } | { kind: "done" } | { kind: "idle" } | { kind: "aborted" };

export async function startRunStream(options: RunStreamOptions): Promise<ReadableStream<ChatCompletionChunk>> {
  const { child, signal, tools } = options;
  const head: ChunkHead = { id: `chatcmpl-${crypto.randomUUID()}`, created: Math.floor(Date.now() / 1000), model: options.model };
  let rateLimit: ClaudeCliRateLimit | undefined;
  const onLine = (line: unknown): boolean => {
    const limit = readClaudeCliRateLimit(line);
    if (limit) {
      rateLimit = limit;
      options.onRateLimit?.(limit);
    }
    return answerControlRequest(child, line, tools);
  };
  let chunks = cliEvents(child, onLine).pipeThrough(
    createClaudeCliEventTransformer({
      ...head,
      toolName: tools ? (name) => tools.names.clientName(name) : undefined,
      expectedTools: tools?.modelNames,
    }),
  );
  if (tools && (tools.required || tools.atMostOne)) chunks = chunks.pipeThrough(createToolChoiceCheck(tools, options.onDroppedCalls));
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
    const failure = describeFirstFailure(first.kind === "chunk" ? first.chunk.error : undefined, first.kind === "idle" ? idleMessage() : undefined, rateLimit);
    const message = await withStderr(failure.message);
    reader.cancel().catch(() => {});
    throw new ProxyError(failure.status, message, failure.options);
  }

  const pending: ChatCompletionChunk[] = [first.chunk];
  let finished = false;
  let calledTools = false;
  return new ReadableStream<ChatCompletionChunk>(
    {
      async pull(controller) {
        if (finished) return;
        const result = pending.length > 0 ? ({ kind: "chunk", chunk: pending.shift()! } as const) : await next();
        if (result.kind === "chunk" && !result.chunk.error) {
          controller.enqueue(result.chunk);
          if (result.chunk.choices[0]?.finish_reason === "tool_calls") calledTools = true;
          // The usage chunk comes last: answer now. After tool calls the CLI would go on to deny
          // them itself, so it is stopped at once; otherwise it is left a moment to exit.
          if (result.chunk.usage && result.chunk.choices.length === 0) {
            finished = true;
            controller.close();
            if (calledTools) void stop();
            else {
              void child.closeStdin();
              void Promise.race([child.exited, Bun.sleep(exitGraceMs)]).then(stop);
            }
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

/**
 * Answers a control request the CLI wrote on stdout: an MCP message for the client's tool server,
 * or anything else (refused, so the CLI never waits on an answer). Returns whether the line was one.
 */
function answerControlRequest(child: CliProcess, line: unknown, tools: ClientToolPlan | undefined): boolean {
  if (typeof line !== "object" || line === null || (line as { type?: unknown }).type !== "control_request") return false;
  const { request_id: requestId, request } = line as { request_id?: unknown; request?: { subtype?: unknown; server_name?: unknown; message?: unknown } };
  const answer =
    request?.subtype === "mcp_message" && tools && request.server_name === CLIENT_TOOL_SERVER
      ? { subtype: "success", request_id: requestId, response: { mcp_response: tools.server.handle(request.message) } }
      : { subtype: "error", request_id: requestId, error: `The proxy does not answer ${String(request?.subtype)} requests.` };
  void child.write(`${JSON.stringify({ type: "control_response", response: answer })}\n`, false);
  return true;
}

/** The CLI's stdout as parsed lines (control requests answered and left out), then one exit event once the process is gone. */
function cliEvents(child: CliProcess, intercept: (line: unknown) => boolean): ReadableStream<unknown> {
  const lines = child.stdout.pipeThrough(createNdjsonDecoder()).getReader();
  return new ReadableStream<unknown>(
    {
      async pull(controller) {
        for (;;) {
          const { done, value } = await lines.read();
          if (!done) {
            if (intercept(value)) continue;
            return controller.enqueue(value);
          }
          await child.exited;
          const exit: ClaudeCliExitEvent = { type: "proxy_cli_exit", exitCode: child.exitCode, signalCode: child.signalCode };
          controller.enqueue(exit);
          controller.close();
          return;
        }
      },
      async cancel() {
        await lines.cancel().catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
}
