import type { RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import type { AnthropicBlock } from "../chat/anthropic-blocks";
import { type ChunkHead, deltaChunk, errorChunk, usageChunk } from "../chat/chunks";
import type { ChatCompletionChunk, ChunkDelta } from "../chat/types";
import { redactSecrets } from "../logger";
import { type SyncTransformer, transformStream } from "../streams/sync-transformer";
import { anthropicRedactedThinkingDetail, anthropicThinkingDetail } from "./anthropic-reasoning-details";
import { mapAnthropicStopReason, nativeStopReason } from "./map-anthropic-stop-reason";
import { type AnthropicUsageCounts, mapAnthropicUsage, mergeAnthropicUsage } from "./map-anthropic-usage";
import { isRecord } from "../chat/is-record";

/**
 * Anthropic Messages stream events → OpenAI chunks.
 * - text_delta → `content`; thinking_delta → `reasoning_content` (never `content`). When a thinking
 *   block ends, one delta carries it whole as a `reasoning_details` entry: its text and the
 *   signature from signature_delta, which Anthropic wants back with the block on the next turn; a
 *   redacted_thinking block is sent the same way, as its `data`, when it starts.
 * - each tool_use block becomes one tool call: its first delta carries index, id, type, name and
 *   `arguments: ""`, then each input_json_delta fragment follows; indices count tool calls only.
 * - a block the chat shape has no place for (server_tool_use, web_search_tool_result and the other
 *   server tools' blocks) is kept whole and sent as one `anthropic.blocks` delta when it stops, a
 *   server tool's input_json_delta fragments parsed into its `input`; a citations_delta is an
 *   `anthropic.citations` delta, and a text block right after another one starts with an
 *   `anthropic.text_block` delta (chat/anthropic-blocks.ts), so the Anthropic door can give the
 *   client the API's blocks as they were, where other doors just read the text;
 * - message_stop → a finish chunk (a stop reason it loses, such as `pause_turn`, also as
 *   `native_finish_reason`), then a usage-only chunk (`choices: []`, server tool counts included).
 * - `ping` and event types added after this was written are ignored (Anthropic's versioning
 *   policy); an `error` event or a known event with a broken shape ends the stream as an error chunk.
 */
export type AnthropicStreamEvent =
  | RawMessageStreamEvent
  | { type: "ping" }
  | { type: "error"; error: { type: string; message: string } };

type BlockState =
  | { kind: "text" }
  | { kind: "thinking"; thinking: string; signature: string }
  | { kind: "tool"; toolIndex: number; hasArguments: boolean }
  | { kind: "other" }
  | { kind: "server"; block: AnthropicBlock; json: string };

export function createAnthropicEventTransformer(model: string): TransformStream<AnthropicStreamEvent, ChatCompletionChunk> {
  return transformStream(anthropicEventTransformer(model));
}

/** The transformer as a synchronous stage, to run in the stream's pulled chain (streams/pull-chain.ts). */
export function anthropicEventTransformer(model: string): SyncTransformer<AnthropicStreamEvent, ChatCompletionChunk> {
  const head: ChunkHead = { id: "chatcmpl-anthropic", created: Math.floor(Date.now() / 1000), model };
  let usage: AnthropicUsageCounts = {};
  let stopReason: string | null = null;
  let stopSequence: string | undefined;
  let toolCount = 0;
  let reasoningCount = 0;
  // Whether the last block to start was text: another text block right after it must stay apart.
  let textBefore = false;
  const blocks = new Map<number, BlockState>();
  let state: "open" | "done" | "failed" = "open";

  const chunk = (delta: ChunkDelta) => deltaChunk(head, delta);
  const fail = (controller: TransformStreamDefaultController<ChatCompletionChunk>, message: string, code: string) => {
    state = "failed";
    controller.enqueue(errorChunk(head, { message, code }));
  };
  const malformed = (controller: TransformStreamDefaultController<ChatCompletionChunk>, type: string) =>
    fail(controller, `Anthropic sent a malformed ${type} stream event.`, "malformed_upstream_event");

  /** Returns false when the event is malformed. */
  const handle = (event: Record<string, unknown>, controller: TransformStreamDefaultController<ChatCompletionChunk>): boolean => {
    switch (event.type) {
      case "message_start": {
        const message = event.message;
        if (!isRecord(message)) return false;
        if (typeof message.id === "string") head.id = message.id;
        if (typeof message.model === "string" && message.model !== "") head.model = message.model;
        if (isRecord(message.usage)) usage = mergeAnthropicUsage(usage, message.usage as AnthropicUsageCounts);
        controller.enqueue(chunk({ role: "assistant", content: "" }));
        return true;
      }
      case "content_block_start": {
        const block = event.content_block;
        if (typeof event.index !== "number" || !isRecord(block)) return false;
        const afterText = textBefore;
        textBefore = block.type === "text";
        if (block.type === "text") {
          blocks.set(event.index, { kind: "text" });
          if (afterText) controller.enqueue(chunk({ anthropic: { text_block: true } }));
          if (Array.isArray(block.citations) && block.citations.length > 0) controller.enqueue(chunk({ anthropic: { citations: [...block.citations] } }));
          if (typeof block.text === "string" && block.text !== "") controller.enqueue(chunk({ content: block.text }));
        } else if (block.type === "thinking") {
          const thinking = typeof block.thinking === "string" ? block.thinking : "";
          const signature = typeof block.signature === "string" ? block.signature : "";
          blocks.set(event.index, { kind: "thinking", thinking, signature });
          if (thinking !== "") controller.enqueue(chunk({ reasoning_content: thinking }));
        } else if (block.type === "redacted_thinking" && typeof block.data === "string") {
          blocks.set(event.index, { kind: "other" });
          controller.enqueue(chunk({ reasoning_details: [anthropicRedactedThinkingDetail(block.data, reasoningCount++)] }));
        } else if (block.type === "tool_use") {
          if (typeof block.id !== "string" || typeof block.name !== "string") return false;
          const toolIndex = toolCount++;
          // A start that already carries the input (non-incremental upstreams) sends it as the first fragment.
          const preset = isRecord(block.input) && Object.keys(block.input).length > 0 ? JSON.stringify(block.input) : "";
          blocks.set(event.index, { kind: "tool", toolIndex, hasArguments: preset !== "" });
          controller.enqueue(chunk({ tool_calls: [{ index: toolIndex, id: block.id, type: "function", function: { name: block.name, arguments: preset } }] }));
        } else if (typeof block.type === "string" && block.type !== "redacted_thinking") {
          // Server tool blocks and later block types: kept whole for the Anthropic door.
          blocks.set(event.index, { kind: "server", block: { ...block } as AnthropicBlock, json: "" });
        } else {
          blocks.set(event.index, { kind: "other" });
        }
        return true;
      }
      case "content_block_delta": {
        const delta = event.delta;
        if (typeof event.index !== "number" || !isRecord(delta)) return false;
        const block = blocks.get(event.index);
        if (!block) return false;
        if (delta.type === "text_delta") {
          if (typeof delta.text !== "string") return false;
          if (delta.text !== "") controller.enqueue(chunk({ content: delta.text }));
        } else if (delta.type === "thinking_delta") {
          if (typeof delta.thinking !== "string") return false;
          if (block.kind === "thinking") block.thinking += delta.thinking;
          if (delta.thinking !== "") controller.enqueue(chunk({ reasoning_content: delta.thinking }));
        } else if (delta.type === "signature_delta") {
          // The whole signature, sent once just before the block stops (the SDK assigns it too).
          if (block.kind === "thinking" && typeof delta.signature === "string") block.signature = delta.signature;
        } else if (delta.type === "input_json_delta") {
          if (typeof delta.partial_json !== "string" || (block.kind !== "tool" && block.kind !== "server")) return false;
          // A server tool's input (server_tool_use, mcp_tool_use) streams the same way; it goes out with its block.
          if (block.kind === "server") block.json += delta.partial_json;
          else if (delta.partial_json !== "") {
            block.hasArguments = true;
            controller.enqueue(chunk({ tool_calls: [{ index: block.toolIndex, function: { arguments: delta.partial_json } }] }));
          }
        } else if (delta.type === "citations_delta") {
          if (block.kind === "text" && isRecord(delta.citation)) controller.enqueue(chunk({ anthropic: { citations: [delta.citation] } }));
        }
        // Future delta types carry nothing for the client.
        return true;
      }
      case "content_block_stop": {
        if (typeof event.index !== "number") return false;
        const block = blocks.get(event.index);
        // A call of a tool without parameters streams no argument text: "{}", as a whole answer has it
        // (OpenAI clients and Codex parse the arguments as JSON, and "" is not).
        if (block?.kind === "tool" && !block.hasArguments) {
          block.hasArguments = true;
          controller.enqueue(chunk({ tool_calls: [{ index: block.toolIndex, function: { arguments: "{}" } }] }));
        }
        if (block?.kind === "server") {
          const input = block.json === "" ? undefined : parseInput(block.json);
          if (block.json !== "" && !input) return false;
          controller.enqueue(chunk({ anthropic: { blocks: [input ? { ...block.block, input } : block.block] } }));
        }
        const detail = block?.kind === "thinking" ? anthropicThinkingDetail(block.thinking, block.signature, reasoningCount) : undefined;
        if (detail) {
          reasoningCount++;
          controller.enqueue(chunk({ reasoning_details: [detail] }));
        }
        return true;
      }
      case "message_delta": {
        if (!isRecord(event.delta)) return false;
        if (typeof event.delta.stop_reason === "string") stopReason = event.delta.stop_reason;
        if (typeof event.delta.stop_sequence === "string") stopSequence = event.delta.stop_sequence;
        if (isRecord(event.usage)) usage = mergeAnthropicUsage(usage, event.usage as AnthropicUsageCounts);
        return true;
      }
      case "message_stop":
        state = "done";
        const finish = deltaChunk(head, {}, mapAnthropicStopReason(stopReason));
        const native = nativeStopReason(stopReason);
        if (native) finish.choices[0]!.native_finish_reason = native;
        if (stopSequence !== undefined) finish.choices[0]!.stop_sequence = stopSequence;
        controller.enqueue(finish);
        controller.enqueue(usageChunk(head, mapAnthropicUsage(usage)));
        return true;
      case "error": {
        const error = isRecord(event.error) ? event.error : {};
        const message = typeof error.message === "string" ? redactSecrets(error.message) : "unknown error";
        fail(controller, `Anthropic reported an error mid-stream: ${message}`, typeof error.type === "string" ? error.type : "upstream_error");
        return true;
      }
      default:
        return true;
    }
  };

  return {
    transform(raw, controller) {
      if (state !== "open") return;
      const event: unknown = raw;
      if (!isRecord(event) || typeof event.type !== "string") {
        malformed(controller, "(untyped)");
        return;
      }
      if (!handle(event, controller) && state === "open") malformed(controller, event.type);
    },
    flush(controller) {
      // The upstream closed cleanly but without message_stop: the answer is truncated, say so.
      if (state === "open") fail(controller, "The Anthropic stream ended before message_stop.", "truncated_upstream_stream");
    },
  };
}

/** A server tool's streamed input, whole: a JSON object, or undefined when the fragments make none. */
function parseInput(json: string): Record<string, unknown> | undefined {
  try {
    const input: unknown = JSON.parse(json);
    return isRecord(input) ? input : undefined;
  } catch {
    return undefined;
  }
}
