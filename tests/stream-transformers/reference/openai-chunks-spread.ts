import { type ChunkHead, errorChunk } from "../../../src/chat/chunks";
import type { ChatCompletionChunk } from "../../../src/chat/types";
import { sseDone } from "../../../src/streams/sse-decoder";
import type { SyncTransformer } from "../../../src/streams/sync-transformer";

/**
 * The OpenAI-wire chunk transformer as it was before it set the head fields in place (it copied
 * each chunk with a spread), kept only so that tests/stream-transformers/openai-chunks.test.ts can
 * prove the tuned one puts out the same chunks, key order included. The end rule added since (a
 * stream without a finish reason or `[DONE]` ends with an error chunk) is the same here, so the comparison
 * stays on the chunks themselves.
 */
export function referenceOpenAIChunkTransformer(model: string): SyncTransformer<unknown, ChatCompletionChunk> {
  const head: ChunkHead = { id: "chatcmpl-upstream", created: Math.floor(Date.now() / 1000), model };
  let failed = false;
  let finished = false;
  let received = false;
  let declaredDone = false;
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
        if (choice.finish_reason) finished = true;
      }
      controller.enqueue({ ...(chunk as ChatCompletionChunk), id: head.id, created: head.created, object: "chat.completion.chunk", model: chunk.model || model });
    },
    flush(controller) {
      if (failed || finished || declaredDone || !received) return;
      controller.enqueue(errorChunk(head, { message: "The upstream ended the stream without a finish reason; the answer may be cut short.", code: "incomplete_upstream_stream" }));
    },
  };
}
