import { type ChunkHead, errorChunk } from "../chat/chunks";
import type { ChatCompletionChunk } from "../chat/types";
import { sseDone } from "../streams/sse-decoder";
import { type SyncTransformer, transformStream } from "../streams/sync-transformer";
import { keepMatchedStopSequence } from "./matched-stop-sequence";
import { fillStreamedToolCallIds } from "./tool-call-id";

/**
 * Upstream OpenAI-wire chunks (as parsed by the `openai` SDK) → the internal chunk shape.
 * Mostly a pass-through; it normalises what OpenAI-compatible servers do differently:
 * `delta.reasoning` (Ollama, vLLM, OpenRouter) becomes `reasoning_content`; a matched stop string
 * the upstream names (vLLM's `stop_reason`) is kept as `stop_sequence` (matched-stop-sequence.ts),
 * read on the finish chunk only; a chunk that is not a chat-completion chunk (an error payload,
 * garbage) ends the stream as an error chunk, and so
 * does a stream that ends after some chunks, before any choice got a finish reason and without
 * `data: [DONE]` (an upstream that closed the body cleanly mid-answer: the answer is cut short, not
 * complete; a stream with no chunk at all is the dispatcher's empty_stream). Some servers leave the
 * finish reason out but do end with `[DONE]`: their answer is complete. A tool call that starts
 * without an id (some compatible servers send none, or an empty one) is given one.
 */
export function createOpenAIChunkTransformer(model: string): TransformStream<unknown, ChatCompletionChunk> {
  return transformStream(openAIChunkTransformer(model));
}

/** The same as a synchronous stage, fused with the SSE decoder in front of it by the provider. */
export function openAIChunkTransformer(model: string): SyncTransformer<unknown, ChatCompletionChunk> {
  const head: ChunkHead = { id: "chatcmpl-upstream", created: Math.floor(Date.now() / 1000), model };
  let failed = false;
  let finished = false;
  let received = false;
  let declaredDone = false;
  const startedToolCalls = new Set<string>();
  return {
    transform(raw, controller) {
      if (raw === sseDone) {
        declaredDone = true;
        return;
      }
      if (failed) return;
      received = true;
      const chunk = raw as Partial<ChatCompletionChunk> & { error?: { message?: string; type?: string; code?: string | null } };
      if (chunk && typeof chunk === "object" && chunk.error) {
        failed = true;
        controller.enqueue(errorChunk(head, { message: chunk.error.message ?? "The upstream reported an error mid-stream.", code: chunk.error.code ?? null }));
        return;
      }
      if (!chunk || typeof chunk !== "object" || !Array.isArray(chunk.choices)) {
        failed = true;
        controller.enqueue(errorChunk(head, { message: "The upstream sent a malformed stream event.", code: "malformed_upstream_event" }));
        return;
      }
      head.id = chunk.id ?? head.id;
      head.created = chunk.created ?? head.created;
      for (const choice of chunk.choices) {
        const delta = choice.delta as (typeof choice.delta & { reasoning?: string }) | undefined;
        if (delta && typeof delta.reasoning === "string" && delta.reasoning_content === undefined) {
          delta.reasoning_content = delta.reasoning;
          delete delta.reasoning;
        }
        if (!choice.delta) choice.delta = {};
        else if (Array.isArray(choice.delta.tool_calls)) fillStreamedToolCallIds(choice.index, choice.delta.tool_calls, startedToolCalls);
        if (choice.finish_reason) {
          finished = true;
          keepMatchedStopSequence(choice);
        }
      }
      // The parsed chunk is ours: set in place rather than copied (one object less per chunk). Keys
      // the upstream sent keep their place; missing ones are appended in this order, as a spread would.
      chunk.id = head.id;
      chunk.created = head.created;
      chunk.object = "chat.completion.chunk";
      chunk.model = chunk.model || model;
      controller.enqueue(chunk as ChatCompletionChunk);
    },
    flush(controller) {
      if (failed || finished || declaredDone || !received) return;
      controller.enqueue(errorChunk(head, { message: "The upstream ended the stream without a finish reason; the answer may be cut short.", code: "incomplete_upstream_stream" }));
    },
  };
}
