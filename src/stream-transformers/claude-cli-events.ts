import { type ChunkHead, deltaChunk, errorChunk, usageChunk } from "../chat/chunks";
import type { ChatCompletionChunk, ChunkDelta, FinishReason } from "../chat/types";
import { redactSecrets } from "../logger";
import { isNdjsonInvalidLine } from "../streams/ndjson-decoder";
import { mapAnthropicUsage } from "./map-anthropic-usage";

/**
 * `claude -p --output-format stream-json --verbose --include-partial-messages` lines → OpenAI chunks.
 *
 * - Text and thinking come incrementally from `stream_event` content_block_delta events; the whole
 *   `assistant` lines repeat the same text and are ignored, or every answer would arrive twice.
 * - The CLI's own tool calls (only if its built-in tools were on) are not the client's tools: their
 *   deltas are dropped. Text of later API messages is appended as it comes: with tools off, a
 *   second message only happens when the CLI continues an answer cut by max_tokens (mid-sentence).
 * - Usage and the stop reason come from the final `result` line (its usage sums every turn); its
 *   text is used only when no text delta came (a run without partial messages).
 * - `result` with is_error or an error_* subtype, a line that is not JSON, a non-object line, a
 *   failed `control_response` and a process exit before `result` each end the stream with one
 *   error chunk; everything after it is ignored. system/init/status/api_retry lines are ignored.
 */

/** Added by the provider after stdout ends, so an exit without a `result` line is reported. */
export interface ClaudeCliExitEvent {
  type: "proxy_cli_exit";
  exitCode: number | null;
  signalCode: string | null;
}

export interface ClaudeCliTransformerOptions {
  model: string;
  id?: string;
  created?: number;
}

interface CliUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
  output_tokens_details?: { thinking_tokens?: number };
}

interface CliLine {
  type?: unknown;
  subtype?: unknown;
  event?: { type?: unknown; delta?: { type?: unknown; text?: unknown; thinking?: unknown; stop_reason?: unknown } };
  is_error?: unknown;
  result?: unknown;
  errors?: unknown;
  api_error_status?: unknown;
  stop_reason?: unknown;
  usage?: CliUsage;
  response?: { subtype?: unknown; error?: unknown };
  exitCode?: unknown;
  signalCode?: unknown;
}

const stopReasons: Record<string, FinishReason> = {
  end_turn: "stop",
  stop_sequence: "stop",
  pause_turn: "stop",
  // The CLI's own tools are not the client's: there are no tool_calls to point at.
  tool_use: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  refusal: "content_filter",
};

export function mapClaudeCliStopReason(reason: unknown): FinishReason {
  return (typeof reason === "string" && stopReasons[reason]) || "stop";
}


function describeErrorResult(line: CliLine): string {
  const subtype = typeof line.subtype === "string" ? line.subtype : "error";
  // An upstream API error arrives as is_error with subtype "success": name only what informs.
  const context = [subtype === "success" ? undefined : subtype, typeof line.api_error_status === "number" ? `upstream status ${line.api_error_status}` : undefined]
    .filter((part) => part !== undefined)
    .join(", ");
  const detail =
    typeof line.result === "string" && line.result.trim() !== ""
      ? line.result
      : Array.isArray(line.errors) && line.errors.length > 0
        ? line.errors.map(String).join("; ")
        : subtype === "error_max_turns"
          ? "it reached its turn limit"
          : "no details given";
  return redactSecrets(`The Claude CLI reported an error${context === "" ? "" : ` (${context})`}: ${detail}`);
}

function describeExit(line: CliLine): string {
  const how = typeof line.signalCode === "string" ? `was stopped by ${line.signalCode}` : `exited with code ${String(line.exitCode)}`;
  return `The Claude CLI ${how} before it finished its answer.`;
}

export function createClaudeCliEventTransformer(options: ClaudeCliTransformerOptions): TransformStream<unknown, ChatCompletionChunk> {
  const head: ChunkHead = { id: options.id ?? `chatcmpl-${crypto.randomUUID()}`, created: options.created ?? Math.floor(Date.now() / 1000), model: options.model };
  let ended = false;
  let roleSent = false;
  let textSeen = false;
  let stopReason: unknown = null;

  const chunk = (delta: ChunkDelta) => deltaChunk(head, delta);

  return new TransformStream<unknown, ChatCompletionChunk>({
    transform(raw, controller) {
      if (ended) return;
      const fail = (message: string, code: string) => {
        ended = true;
        controller.enqueue(errorChunk(head, { message, code }));
      };
      if (isNdjsonInvalidLine(raw)) {
        return fail(`The Claude CLI wrote a line that is not JSON: ${JSON.stringify(redactSecrets(raw.line))}`, "malformed_upstream_event");
      }
      if (typeof raw !== "object" || raw === null || Array.isArray(raw) || typeof (raw as CliLine).type !== "string") {
        return fail("The Claude CLI wrote an event without a type.", "malformed_upstream_event");
      }
      const line = raw as CliLine;
      switch (line.type) {
        case "stream_event": {
          const event = line.event;
          if (event?.type === "message_start") {
            if (!roleSent) controller.enqueue(chunk({ role: "assistant", content: "" }));
            roleSent = true;
          } else if (event?.type === "content_block_delta") {
            const delta = event.delta;
            if (delta?.type === "text_delta" && typeof delta.text === "string" && delta.text !== "") {
              controller.enqueue(chunk({ content: delta.text }));
              textSeen = true;
            } else if (delta?.type === "thinking_delta" && typeof delta.thinking === "string" && delta.thinking !== "") {
              controller.enqueue(chunk({ reasoning_content: delta.thinking }));
            }
          } else if (event?.type === "message_delta" && event.delta?.stop_reason != null) {
            stopReason = event.delta.stop_reason;
          }
          return;
        }
        case "result": {
          if (line.is_error === true || (typeof line.subtype === "string" && line.subtype.startsWith("error"))) {
            return fail(describeErrorResult(line), "claude_cli_error");
          }
          ended = true;
          // Without partial messages (or from a CLI that stops sending them) the result holds the text.
          if (!textSeen && typeof line.result === "string" && line.result !== "") {
            controller.enqueue(chunk(roleSent ? { content: line.result } : { role: "assistant", content: line.result }));
          }
          controller.enqueue(deltaChunk(head, {}, mapClaudeCliStopReason(line.stop_reason ?? stopReason)));
          controller.enqueue(usageChunk(head, mapAnthropicUsage(line.usage ?? {})));
          return;
        }
        case "control_response": {
          if (line.response?.subtype === "error") {
            return fail(redactSecrets(`The Claude CLI rejected its set-up: ${String(line.response.error ?? "no details given")}`), "claude_cli_error");
          }
          return;
        }
        case "proxy_cli_exit":
          return fail(describeExit(line), "claude_cli_exit");
        default:
          // system (init, status, api_retry), assistant, user and event types added later.
          return;
      }
    },
    flush(controller) {
      if (!ended) controller.enqueue(errorChunk(head, { message: "The Claude CLI's output ended before its result.", code: "claude_cli_exit" }));
    },
  });
}
