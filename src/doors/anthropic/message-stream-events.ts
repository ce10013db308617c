import type { AnthropicBlock, AnthropicContainer, AnthropicDelta } from "../../chat/anthropic-blocks";
import { ANTHROPIC_REASONING_FORMAT, type ReasoningDetail } from "../../chat/reasoning-details";
import type { ChatCompletionChunk, ChunkDelta, ToolCallDelta, Usage } from "../../chat/types";
import { anthropicErrorBody, anthropicErrorMapping } from "./anthropic-error";
import { StreamedToolInput, heldToolInput } from "./streamed-tool-input";
import { messageId } from "./to-anthropic-message";
import { toAnthropicStartUsage, toAnthropicStop, toAnthropicUsage } from "./to-anthropic-usage";

/**
 * Internal chunks → the Messages API's stream events, in its grammar: message_start; per content
 * block a content_block_start, its deltas (text_delta, thinking_delta then signature_delta,
 * input_json_delta) and a content_block_stop, indices counting up from 0 with one block open at a
 * time; then message_delta (stop reason, the stop sequence where the upstream named it, and the
 * whole usage, cache reads and writes included) and message_stop. message_start's usage is the
 * prompt's as the upstream reported it at the start (Anthropic's does), else zeros in its shape.
 * A block starts when a different kind of content arrives (reasoning, text, a new tool call) and
 * stops before the next one starts, at the finish reason, or at the end.
 *
 * Reasoning: readable reasoning opens a thinking block; the Anthropic reasoning entry that follows
 * it (sent whole when the upstream's block ended) closes it with its signature_delta; an encrypted
 * entry is a redacted_thinking block of its own. Entries of other upstream formats mean nothing to
 * an Anthropic client and are left out.
 *
 * Parallel tool calls: a tool call's block stays open while a later call streams, because some
 * OpenAI-compatible upstreams interleave the calls' argument deltas (0, 1, 0, ...) and a stopped
 * block cannot be reopened. Every call after the open one is held (id, name, argument fragments, by
 * index) and written whole, in index order, after the open block stops: at the finish reason, the
 * end, or when other content (text, reasoning) starts. A stream that sends each call whole, as
 * OpenAI's does, gets the same events it would live, only the later calls' a little later.
 * Arguments that are not a JSON object go out as the non-streamed answer has them
 * (streamed-tool-input.ts).
 *
 * Anthropic's own blocks (chat/anthropic-blocks.ts: a server tool's call and result, whole) are
 * blocks of their own, a server tool's input sent as one input_json_delta as the API streams it;
 * citations are citations_delta events in the text block they belong to, and a text block
 * boundary the upstream had stays one; the upstream's `pause_turn` stays the stop reason, and a
 * code-execution `container` goes in message_delta's delta, where the API sends it.
 *
 * An error chunk (the upstream failed or was cut mid-stream) stops the open block and ends the
 * stream with an `error` event, never a message_stop, so every started block is stopped and the
 * client sees a failure rather than a silently short answer.
 */
export type MessageStreamEvent = { type: string } & Record<string, unknown>;

type BlockKind = { kind: "text" } | { kind: "thinking"; streamed: boolean } | { kind: "tool"; toolIndex: number } | { kind: "redacted" };
type OpenBlock = BlockKind & { index: number };
type HeldCall = { id: string; name: string; fragments: string[] };

export interface MessageEventBuilder {
  push(chunk: ChatCompletionChunk): MessageStreamEvent[];
  /** The events that end a stream that was not ended by an error. */
  finish(): MessageStreamEvent[];
}

export function createMessageEventBuilder(fallbackId: string): MessageEventBuilder {
  let started = false;
  let ended = false;
  let nextIndex = 0;
  let open: OpenBlock | undefined;
  // The open tool block's arguments (streamed-tool-input.ts).
  let toolInput = new StreamedToolInput();
  const seenTools = new Set<number>();
  // Tool calls that started while another tool call's block was open, by upstream index.
  const held = new Map<number, HeldCall>();
  let finish: ChatCompletionChunk["choices"][number] | undefined;
  let container: AnthropicContainer | undefined;
  let usage: Usage | null | undefined;
  let model = "";

  const start = (chunk: ChatCompletionChunk, events: MessageStreamEvent[]) => {
    if (started) return;
    started = true;
    model = chunk.model;
    events.push({
      type: "message_start",
      message: {
        id: messageId(chunk.id, fallbackId),
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: toAnthropicStartUsage(chunk.start_usage),
      },
    });
  };
  const close = (events: MessageStreamEvent[]) => {
    if (!open) return;
    const rest = open.kind === "tool" ? toolInput.end() : undefined;
    if (rest !== undefined) delta(open.index, { type: "input_json_delta", partial_json: rest }, events);
    events.push({ type: "content_block_stop", index: open.index });
    open = undefined;
  };
  const settle = (events: MessageStreamEvent[]) => {
    close(events);
    if (held.size === 0) return;
    const calls = [...held.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
    held.clear();
    for (const call of calls) {
      const index = nextIndex++;
      events.push({ type: "content_block_start", index, content_block: { type: "tool_use", id: call.id, name: call.name, input: {} } });
      for (const fragment of heldToolInput(call.fragments)) delta(index, { type: "input_json_delta", partial_json: fragment }, events);
      events.push({ type: "content_block_stop", index });
    }
  };
  const begin = <Kind extends BlockKind>(kind: Kind, contentBlock: Record<string, unknown>, events: MessageStreamEvent[]): Kind & { index: number } => {
    settle(events);
    const block = { ...kind, index: nextIndex++ };
    open = block;
    events.push({ type: "content_block_start", index: block.index, content_block: contentBlock });
    return block;
  };
  const delta = (index: number, payload: Record<string, unknown>, events: MessageStreamEvent[]) => events.push({ type: "content_block_delta", index, delta: payload });

  const thinkingBlock = (events: MessageStreamEvent[]) =>
    open?.kind === "thinking" ? open : begin({ kind: "thinking" as const, streamed: false }, { type: "thinking", thinking: "", signature: "" }, events);

  const thinkingText = (text: string, events: MessageStreamEvent[]) => {
    const block = thinkingBlock(events);
    block.streamed = true;
    delta(block.index, { type: "thinking_delta", thinking: text }, events);
  };

  const reasoningDetail = (detail: ReasoningDetail, events: MessageStreamEvent[]) => {
    if (detail.format !== ANTHROPIC_REASONING_FORMAT) return;
    if (detail.type === "reasoning.text" && detail.signature) {
      const block = thinkingBlock(events);
      if (!block.streamed && detail.text) delta(block.index, { type: "thinking_delta", thinking: detail.text }, events);
      delta(block.index, { type: "signature_delta", signature: detail.signature }, events);
      // A signature ends its block: the next reasoning is a block of its own.
      close(events);
    } else if (detail.type === "reasoning.encrypted") {
      begin({ kind: "redacted" as const }, { type: "redacted_thinking", data: detail.data }, events);
      close(events);
    }
  };

  const toolCall = (call: ToolCallDelta, events: MessageStreamEvent[]): boolean => {
    const fragment = call.function?.arguments ?? "";
    if (open?.kind === "tool" && open.toolIndex === call.index) {
      streamToolInput(open.index, fragment, events);
      return true;
    }
    const waiting = held.get(call.index);
    if (waiting) {
      if (fragment !== "") waiting.fragments.push(fragment);
      return true;
    }
    // A fragment for a tool call whose block already stopped cannot be placed in Anthropic's grammar.
    if (seenTools.has(call.index)) return false;
    seenTools.add(call.index);
    const id = call.id || `toolu_${fallbackId.replaceAll("-", "").slice(0, 20)}${call.index}`;
    if (open?.kind === "tool") {
      // The open call may still be receiving (interleaved deltas): hold this one until it stops.
      held.set(call.index, { id, name: call.function?.name ?? "", fragments: fragment === "" ? [] : [fragment] });
      return true;
    }
    const block = begin({ kind: "tool" as const, toolIndex: call.index }, { type: "tool_use", id, name: call.function?.name ?? "", input: {} }, events);
    toolInput = new StreamedToolInput();
    streamToolInput(block.index, fragment, events);
    return true;
  };

  const streamToolInput = (index: number, fragment: string, events: MessageStreamEvent[]) => {
    const text = fragment === "" ? undefined : toolInput.push(fragment);
    if (text !== undefined) delta(index, { type: "input_json_delta", partial_json: text }, events);
  };

  const serverBlock = (block: AnthropicBlock, events: MessageStreamEvent[]) => {
    settle(events);
    const index = nextIndex++;
    const input = block.input;
    const streamsInput = typeof input === "object" && input !== null && !Array.isArray(input) && Object.keys(input).length > 0;
    events.push({ type: "content_block_start", index, content_block: streamsInput ? { ...block, input: {} } : block });
    if (streamsInput) delta(index, { type: "input_json_delta", partial_json: JSON.stringify(input) }, events);
    events.push({ type: "content_block_stop", index });
  };

  const anthropicDelta = (extension: AnthropicDelta, events: MessageStreamEvent[]) => {
    if (extension.container) container = extension.container;
    if (extension.text_block && open?.kind === "text") close(events);
    for (const block of extension.blocks ?? []) serverBlock(block, events);
    if (extension.citations?.length) {
      // A text block the citations open starts as the API starts a cited one.
      const block = open?.kind === "text" ? open : begin({ kind: "text" as const }, { type: "text", text: "", citations: [] }, events);
      for (const citation of extension.citations) delta(block.index, { type: "citations_delta", citation }, events);
    }
  };

  const fail = (type: string, code: string | null, message: string, events: MessageStreamEvent[]) => {
    close(events);
    const mapped = anthropicErrorMapping({ status: 502, type, code });
    events.push({ ...anthropicErrorBody(mapped.type, message) });
    ended = true;
  };

  const content = (choiceDelta: ChunkDelta, events: MessageStreamEvent[]) => {
    if (choiceDelta.anthropic) anthropicDelta(choiceDelta.anthropic, events);
    if (choiceDelta.reasoning_content) thinkingText(choiceDelta.reasoning_content, events);
    for (const detail of choiceDelta.reasoning_details ?? []) reasoningDetail(detail, events);
    const text = `${choiceDelta.content ?? ""}${choiceDelta.refusal ?? ""}`;
    if (text !== "") {
      const block = open?.kind === "text" ? open : begin({ kind: "text" as const }, { type: "text", text: "" }, events);
      delta(block.index, { type: "text_delta", text }, events);
    }
    for (const call of choiceDelta.tool_calls ?? []) {
      if (!toolCall(call, events)) {
        fail("upstream_error", "tool_call_out_of_order", "The upstream sent tool-call arguments after the call had ended; the answer cannot be streamed in order.", events);
        return;
      }
    }
  };

  return {
    push(chunk) {
      const events: MessageStreamEvent[] = [];
      if (ended) return events;
      if (chunk.error) {
        fail(chunk.error.type, chunk.error.code, chunk.error.message, events);
        return events;
      }
      start(chunk, events);
      if (chunk.usage) usage = chunk.usage;
      for (const choice of chunk.choices) {
        if (choice.index !== 0) continue;
        content(choice.delta ?? {}, events);
        if (ended) return events;
        if (choice.finish_reason) {
          finish = choice;
          settle(events);
        }
      }
      return events;
    },
    finish() {
      if (ended) return [];
      ended = true;
      const events: MessageStreamEvent[] = [];
      if (!started) start({ id: "", object: "chat.completion.chunk", created: 0, model: "", choices: [] }, events);
      settle(events);
      const stop = toAnthropicStop(finish);
      events.push({ type: "message_delta", delta: container ? { ...stop, container } : stop, usage: toAnthropicUsage(usage) });
      events.push({ type: "message_stop" });
      return events;
    },
  };
}
