import { type ChunkHead, deltaChunk, errorChunk, usageChunk } from "../chat/chunks";
import { OPENAI_RESPONSES_REASONING_FORMAT, type ReasoningDetail } from "../chat/reasoning-details";
import type { ChatCompletionChunk, ChunkDelta, FinishReason, Usage } from "../chat/types";
import { isSseInvalidEvent, sseDone } from "../streams/sse-decoder";
import type { SyncTransformer } from "../streams/sync-transformer";

/**
 * OpenAI Responses API stream events (as the SSE decoder parses them) → internal chunks:
 * output_text and refusal deltas → content and refusal; reasoning summary and reasoning text
 * deltas → reasoning_content; a finished reasoning item → `reasoning_details` (its summary and its
 * encrypted_content, tagged openai-responses-v1, with the item id) so it can go back on the next
 * turn; each function_call item → a tool call (its call_id as id) whose arguments stream;
 * response.completed / response.incomplete → the finish reason (tool_calls when the model called a
 * tool, length when cut by max_output_tokens) and the usage chunk; response.failed and `error`
 * events → an error chunk. The first chunk goes out with the first piece of output, so an upstream
 * that fails at once is still a fallback case. Other events (in_progress, content_part.*, *.done)
 * carry nothing new and are skipped.
 */
interface ResponsesEventShape {
  type?: unknown;
  delta?: unknown;
  item_id?: unknown;
  item?: Record<string, unknown>;
  response?: { id?: unknown; model?: unknown; status?: unknown; incomplete_details?: { reason?: unknown } | null; error?: { message?: unknown; code?: unknown } | null; usage?: Record<string, unknown> | null };
  error?: { message?: unknown; code?: unknown } | null;
  message?: unknown;
  code?: unknown;
}

const text = (value: unknown) => (typeof value === "string" ? value : "");

function toUsage(usage: Record<string, unknown> | null | undefined): Usage | undefined {
  if (!usage) return undefined;
  const input = Number(usage.input_tokens ?? 0);
  const output = Number(usage.output_tokens ?? 0);
  const inputDetails = (usage.input_tokens_details ?? {}) as { cached_tokens?: number };
  const outputDetails = (usage.output_tokens_details ?? {}) as { reasoning_tokens?: number };
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: Number(usage.total_tokens ?? input + output),
    prompt_tokens_details: { cached_tokens: inputDetails.cached_tokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: outputDetails.reasoning_tokens ?? 0 },
  };
}

export function openAIResponsesEventTransformer(model: string): SyncTransformer<unknown, ChatCompletionChunk> {
  const head: ChunkHead = { id: "resp-upstream", created: Math.floor(Date.now() / 1000), model };
  const toolIndexes = new Map<string, number>();
  let reasoningItems = 0;
  let roleSent = false;
  let ended = false;

  const emit = (controller: TransformStreamDefaultController<ChatCompletionChunk>, delta: ChunkDelta, finishReason: FinishReason | null = null) => {
    if (!roleSent) {
      roleSent = true;
      delta = { role: "assistant", ...delta };
    }
    controller.enqueue(deltaChunk(head, delta, finishReason));
  };
  const fail = (controller: TransformStreamDefaultController<ChatCompletionChunk>, message: string, code: string | null) => {
    ended = true;
    controller.enqueue(errorChunk(head, { message, code }));
  };

  return {
    transform(raw, controller) {
      // `[DONE]` is not part of this protocol: only response.completed (or its kin) ends the answer.
      if (ended || raw === sseDone) return;
      if (isSseInvalidEvent(raw)) return fail(controller, "The upstream sent a malformed stream event.", "malformed_upstream_event");
      const event = (raw ?? {}) as ResponsesEventShape;
      if (event.error && typeof event.type !== "string") {
        return fail(controller, text(event.error.message) || "The upstream reported an error mid-stream.", text(event.error.code) || null);
      }
      switch (event.type) {
        case "response.created":
          head.id = text(event.response?.id) || head.id;
          head.model = text(event.response?.model) || head.model;
          return;
        case "response.output_text.delta":
          return emit(controller, { content: text(event.delta) });
        case "response.refusal.delta":
          return emit(controller, { refusal: text(event.delta) });
        case "response.reasoning_summary_text.delta":
        case "response.reasoning_text.delta":
          return emit(controller, { reasoning_content: text(event.delta) });
        case "response.output_item.added": {
          const item = event.item ?? {};
          if (item.type !== "function_call") return;
          const index = toolIndexes.size;
          toolIndexes.set(text(item.id) || text(item.call_id), index);
          return emit(controller, { tool_calls: [{ index, id: text(item.call_id), type: "function", function: { name: text(item.name), arguments: text(item.arguments) } }] });
        }
        case "response.function_call_arguments.delta": {
          const index = toolIndexes.get(text(event.item_id));
          if (index === undefined) return;
          return emit(controller, { tool_calls: [{ index, function: { arguments: text(event.delta) } }] });
        }
        case "response.output_item.done": {
          const item = event.item ?? {};
          if (item.type !== "reasoning") return;
          const id = text(item.id) || null;
          const index = reasoningItems++;
          const summary = (Array.isArray(item.summary) ? item.summary : []).map((part) => text((part as { text?: unknown }).text)).join("\n\n");
          const details: ReasoningDetail[] = [];
          if (summary) details.push({ type: "reasoning.summary", summary, format: OPENAI_RESPONSES_REASONING_FORMAT, id, index });
          if (typeof item.encrypted_content === "string") details.push({ type: "reasoning.encrypted", data: item.encrypted_content, format: OPENAI_RESPONSES_REASONING_FORMAT, id, index });
          if (details.length > 0) emit(controller, { reasoning_details: details });
          return;
        }
        case "response.completed":
        case "response.incomplete": {
          ended = true;
          const reason = event.response?.incomplete_details?.reason;
          const finish: FinishReason = reason === "max_output_tokens" ? "length" : reason === "content_filter" ? "content_filter" : toolIndexes.size > 0 ? "tool_calls" : "stop";
          emit(controller, {}, finish);
          const usage = toUsage(event.response?.usage);
          if (usage) controller.enqueue(usageChunk(head, usage));
          return;
        }
        case "response.failed":
          return fail(controller, text(event.response?.error?.message) || "The upstream response failed.", text(event.response?.error?.code) || null);
        case "error":
          return fail(controller, text(event.message) || "The upstream reported an error mid-stream.", text(event.code) || null);
        default:
          if (typeof event.type !== "string") fail(controller, "The upstream sent a malformed stream event.", "malformed_upstream_event");
      }
    },
    flush(controller) {
      // The body ended cleanly before response.completed / incomplete / failed: the answer is cut short
      // (with nothing emitted yet, the dispatcher's empty_stream says so).
      if (!ended && roleSent) fail(controller, "The upstream ended the stream before response.completed; the answer may be cut short.", "incomplete_upstream_stream");
    },
  };
}
