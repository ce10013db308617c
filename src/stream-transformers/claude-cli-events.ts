import { type ChunkHead, deltaChunk, errorChunk, usageChunk } from "../chat/chunks";
import type { ChatCompletionChunk, ChunkDelta } from "../chat/types";
import { redactSecrets } from "../logger";
import { isNdjsonInvalidLine } from "../streams/ndjson-decoder";
import { describeClaudeCliError, mapClaudeCliStopReason } from "./claude-cli-results";
import { type AnthropicUsageCounts, mapAnthropicUsage, mergeAnthropicUsage } from "./map-anthropic-usage";
import { isRecord } from "../chat/is-record";

export { mapClaudeCliStopReason } from "./claude-cli-results";

/**
 * `claude -p --output-format stream-json --verbose --include-partial-messages` lines → OpenAI chunks.
 *
 * - Text and thinking come incrementally from `stream_event` content_block_delta events; the whole
 *   `assistant` lines repeat the same content and are ignored, or every answer would arrive twice.
 * - When the run offers the client's tools (`toolName` is given), a tool_use block is a call of one
 *   of them (the CLI's own tools are off): its start gives the call's index, id and name (mapped
 *   back to the client's name), each
 *   input_json_delta fragment follows as it streams, and its end checks that the arguments are
 *   JSON (a call without arguments gets `{}`); arguments that are not JSON end the stream with an
 *   error rather than reach the client as a call it cannot parse.
 * - A message that stops with `stop_reason: tool_use` ends the answer there (finish `tool_calls`,
 *   usage from the stream events): the client runs the tools. What the CLI does next (it denies
 *   the calls itself, then stops at its turn limit) is not the client's business. Without client
 *   tools, a tool_use block can only be the CLI's own (were its tools on): it is left out, and the
 *   text of later turns is appended as it comes.
 * - Otherwise usage and the stop reason come from the final `result` line (its usage sums every
 *   turn); its text is used only when no text delta came (a run without partial messages).
 * - With `expectedTools`, the `system/init` line must list each of them, or the run fails before
 *   its first token (the tools did not reach the CLI).
 * - `result` with is_error or an error_* subtype, a line that is not JSON, a non-object line, a
 *   failed `control_response` and a process exit before `result` each end the stream with one
 *   error chunk; everything after it is ignored. Other system lines, `user`, `rate_limit_event`
 *   and types added later are ignored here.
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
  /** The client's name for a tool the model called (the CLI prefixes MCP tools). */
  toolName?: (modelName: string) => string;
  /** Tool names the run's `system/init` line must list. */
  expectedTools?: readonly string[];
}

interface StreamEvent {
  type?: unknown;
  index?: unknown;
  message?: { usage?: AnthropicUsageCounts };
  content_block?: { type?: unknown; id?: unknown; name?: unknown; input?: unknown };
  delta?: { type?: unknown; text?: unknown; thinking?: unknown; partial_json?: unknown; stop_reason?: unknown };
  usage?: AnthropicUsageCounts;
}

interface CliLine {
  type?: unknown;
  subtype?: unknown;
  event?: StreamEvent;
  tools?: unknown;
  mcp_servers?: unknown;
  is_error?: unknown;
  result?: unknown;
  stop_reason?: unknown;
  usage?: AnthropicUsageCounts;
  response?: { subtype?: unknown; error?: unknown };
  exitCode?: unknown;
  signalCode?: unknown;
}

interface ToolBlock {
  toolIndex: number;
  name: string;
  arguments: string;
}

function describeExit(line: CliLine): string {
  const how = typeof line.signalCode === "string" ? `was stopped by ${line.signalCode}` : `exited with code ${String(line.exitCode)}`;
  return `The Claude CLI ${how} before it finished its answer.`;
}

export function createClaudeCliEventTransformer(options: ClaudeCliTransformerOptions): TransformStream<unknown, ChatCompletionChunk> {
  const head: ChunkHead = { id: options.id ?? `chatcmpl-${crypto.randomUUID()}`, created: options.created ?? Math.floor(Date.now() / 1000), model: options.model };
  const toolName = options.toolName;
  let ended = false;
  let roleSent = false;
  let textSeen = false;
  let stopReason: unknown = null;
  let toolCount = 0;
  let tools = new Map<number, ToolBlock>();
  let usage: AnthropicUsageCounts = {};

  const chunk = (delta: ChunkDelta) => deltaChunk(head, delta);

  return new TransformStream<unknown, ChatCompletionChunk>({
    transform(raw, controller) {
      if (ended) return;
      const fail = (message: string, code: string) => {
        ended = true;
        controller.enqueue(errorChunk(head, { message, code }));
      };
      const finish = (finishReason: ReturnType<typeof mapClaudeCliStopReason>, counts: AnthropicUsageCounts) => {
        ended = true;
        controller.enqueue(deltaChunk(head, {}, finishReason));
        controller.enqueue(usageChunk(head, mapAnthropicUsage(counts)));
      };

      const onStreamEvent = (event: StreamEvent | undefined) => {
        switch (event?.type) {
          case "message_start":
            if (isRecord(event.message?.usage)) usage = mergeAnthropicUsage(usage, event.message.usage);
            if (!roleSent) {
              const first = chunk({ role: "assistant", content: "" });
              // The first turn's prompt, as the API reported it at the start (chat/types.ts start_usage).
              if (typeof usage.input_tokens === "number") first.start_usage = mapAnthropicUsage(usage);
              controller.enqueue(first);
            }
            roleSent = true;
            tools = new Map();
            return;
          case "content_block_start": {
            const block = event.content_block;
            if (typeof event.index !== "number" || block?.type !== "tool_use" || !toolName) return;
            if (typeof block.id !== "string" || typeof block.name !== "string") return fail("The Claude CLI sent a tool call without an id or name.", "malformed_upstream_event");
            const preset = isRecord(block.input) && Object.keys(block.input).length > 0 ? JSON.stringify(block.input) : "";
            const tool: ToolBlock = { toolIndex: toolCount++, name: toolName(block.name), arguments: preset };
            tools.set(event.index, tool);
            controller.enqueue(chunk({ tool_calls: [{ index: tool.toolIndex, id: block.id, type: "function", function: { name: tool.name, arguments: preset } }] }));
            return;
          }
          case "content_block_delta": {
            const delta = event.delta;
            if (delta?.type === "text_delta" && typeof delta.text === "string" && delta.text !== "") {
              controller.enqueue(chunk({ content: delta.text }));
              textSeen = true;
            } else if (delta?.type === "thinking_delta" && typeof delta.thinking === "string" && delta.thinking !== "") {
              controller.enqueue(chunk({ reasoning_content: delta.thinking }));
            } else if (delta?.type === "input_json_delta" && typeof delta.partial_json === "string" && delta.partial_json !== "") {
              const tool = typeof event.index === "number" ? tools.get(event.index) : undefined;
              if (!tool) return;
              tool.arguments += delta.partial_json;
              controller.enqueue(chunk({ tool_calls: [{ index: tool.toolIndex, function: { arguments: delta.partial_json } }] }));
            }
            return;
          }
          case "content_block_stop": {
            const tool = typeof event.index === "number" ? tools.get(event.index) : undefined;
            if (!tool) return;
            if (tool.arguments.trim() === "") {
              tool.arguments = "{}";
              controller.enqueue(chunk({ tool_calls: [{ index: tool.toolIndex, function: { arguments: "{}" } }] }));
            } else if (!isJsonObject(tool.arguments)) {
              fail(`The model's arguments for the tool '${tool.name}' are not a JSON object: ${JSON.stringify(redactSecrets(tool.arguments.slice(0, 200)))}`, "malformed_tool_arguments");
            }
            return;
          }
          case "message_delta":
            if (event.delta?.stop_reason != null) stopReason = event.delta.stop_reason;
            if (isRecord(event.usage)) usage = mergeAnthropicUsage(usage, event.usage);
            return;
          case "message_stop":
            if (stopReason === "tool_use" && toolCount > 0) finish("tool_calls", usage);
            return;
          default:
            return;
        }
      };

      if (isNdjsonInvalidLine(raw)) {
        return fail(`The Claude CLI wrote a line that is not JSON: ${JSON.stringify(redactSecrets(raw.line))}`, "malformed_upstream_event");
      }
      if (!isRecord(raw) || typeof raw.type !== "string") return fail("The Claude CLI wrote an event without a type.", "malformed_upstream_event");
      const line = raw as CliLine;
      switch (line.type) {
        case "stream_event":
          return onStreamEvent(line.event);
        case "system": {
          if (line.subtype !== "init" || !options.expectedTools) return;
          const listed = Array.isArray(line.tools) ? line.tools : [];
          const missing = options.expectedTools.filter((name) => !listed.includes(name));
          if (missing.length > 0) {
            const servers = Array.isArray(line.mcp_servers) ? ` (MCP servers: ${JSON.stringify(line.mcp_servers).slice(0, 200)})` : "";
            fail(`The Claude CLI did not take the client's tools: ${missing.slice(0, 5).join(", ")} missing from its tool list${servers}.`, "claude_cli_tools_unavailable");
          }
          return;
        }
        case "result": {
          if (line.is_error === true || (typeof line.subtype === "string" && line.subtype.startsWith("error"))) {
            const error = describeClaudeCliError(raw);
            return fail(error.message, error.code);
          }
          // Without partial messages (or from a CLI that stops sending them) the result holds the text.
          if (!textSeen && typeof line.result === "string" && line.result !== "") {
            controller.enqueue(chunk(roleSent ? { content: line.result } : { role: "assistant", content: line.result }));
          }
          const reason = line.stop_reason ?? stopReason;
          return finish(reason === "tool_use" && toolCount > 0 ? "tool_calls" : mapClaudeCliStopReason(reason), line.usage ?? {});
        }
        case "control_response":
          if (line.response?.subtype === "error") {
            return fail(redactSecrets(`The Claude CLI rejected its set-up: ${String(line.response.error ?? "no details given")}`), "claude_cli_error");
          }
          return;
        case "proxy_cli_exit":
          return fail(describeExit(line), "claude_cli_exit");
        default:
          return;
      }
    },
    flush(controller) {
      if (!ended) controller.enqueue(errorChunk(head, { message: "The Claude CLI's output ended before its result.", code: "claude_cli_exit" }));
    },
  });
}

function isJsonObject(text: string): boolean {
  try {
    return isRecord(JSON.parse(text));
  } catch {
    return false;
  }
}
