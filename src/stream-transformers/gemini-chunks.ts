import type { GenerateContentResponse } from "@google/genai";
import { type ChunkHead, deltaChunk, errorChunk, usageChunk } from "../chat/chunks";
import type { ChatCompletionChunk, ChunkDelta, FinishReason } from "../chat/types";
import { redactSecrets } from "../logger";
import { type SyncTransformer, transformStream } from "../streams/sync-transformer";
import { createToolCallId } from "./tool-call-id";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason";
import { type GeminiUsageMetadata, mapGeminiPromptUsage, mapGeminiUsage } from "./map-gemini-usage";
import { blockedPromptMessage, type GeminiPiece, readGeminiParts } from "./read-gemini-parts";

/**
 * Gemini `streamGenerateContent` events → OpenAI chunks. Each event carries whole parts: text
 * becomes a content delta, `thought` text a reasoning delta, and each function call one tool-call
 * delta with index, id, type, name and the complete arguments. Gemini repeats the cumulative
 * `usageMetadata` on every event (the first chunk takes the prompt's part as `start_usage`, from the
 * event it came from) and puts `finishReason` on the last one; the stream therefore
 * ends, once the upstream closes, with a finish chunk (tool_calls when calls were emitted) and a
 * usage-only chunk (`choices: []`). An error payload or an event of the wrong shape ends the
 * stream with an error chunk; so does an upstream that closes without a finish reason.
 */
export interface GeminiChunkOptions {
  model: string;
  /** Called with each function call's thought signature, to replay it on the next turn. */
  onThoughtSignature?(toolCallId: string, signature: string): void;
}

export function createGeminiChunkTransformer(options: GeminiChunkOptions): TransformStream<GenerateContentResponse, ChatCompletionChunk> {
  return transformStream(geminiChunkTransformer(options));
}

/** The transformer as a synchronous stage, to run in the stream's pulled chain (streams/pull-chain.ts). */
export function geminiChunkTransformer(options: GeminiChunkOptions): SyncTransformer<GenerateContentResponse, ChatCompletionChunk> {
  const head: ChunkHead = { id: `chatcmpl-${crypto.randomUUID()}`, created: Math.floor(Date.now() / 1000), model: options.model };
  let sawFirstEvent = false;
  let roleSent = false;
  let toolCallCount = 0;
  let finishReason: string | undefined;
  let blockReason: string | undefined;
  let usage: GeminiUsageMetadata | undefined;
  let failed = false;

  const chunk = (delta: ChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk => {
    if (roleSent) return deltaChunk(head, delta, finish);
    roleSent = true;
    const first = deltaChunk(head, { role: "assistant", ...delta }, finish);
    // Gemini counts the prompt on every event: the first chunk carries it for the Messages door's message_start.
    if (typeof usage?.promptTokenCount === "number") first.start_usage = mapGeminiPromptUsage(usage);
    return first;
  };
  const fail = (controller: TransformStreamDefaultController<ChatCompletionChunk>, message: string, code: string | null) => {
    failed = true;
    controller.enqueue(errorChunk(head, { message, code }));
  };
  const deltaFor = (piece: GeminiPiece): ChunkDelta => {
    if (piece.kind === "content") return { content: piece.text };
    if (piece.kind === "reasoning") return { reasoning_content: piece.text };
    const callId = createToolCallId();
    if (piece.signature) options.onThoughtSignature?.(callId, piece.signature);
    const index = toolCallCount++;
    return { tool_calls: [{ index, id: callId, type: "function", function: { name: piece.name, arguments: piece.arguments } }] };
  };

  return {
    transform(event, controller) {
      if (failed) return;
      const raw = event as unknown as Record<string, unknown> | null;
      if (!raw || typeof raw !== "object") return fail(controller, "Gemini sent a malformed stream event.", "malformed_upstream_event");
      if (raw.error && typeof raw.error === "object") {
        const error = raw.error as { message?: unknown; status?: unknown };
        const message = typeof error.message === "string" ? redactSecrets(error.message) : "Gemini reported an error mid-stream.";
        return fail(controller, `Gemini failed mid-stream: ${message}`, typeof error.status === "string" ? error.status.toLowerCase() : null);
      }
      const candidates = raw.candidates;
      const known = Array.isArray(candidates) || typeof raw.usageMetadata === "object" || typeof raw.promptFeedback === "object";
      if (!known || (candidates !== undefined && !Array.isArray(candidates))) {
        return fail(controller, "Gemini sent a malformed stream event.", "malformed_upstream_event");
      }
      const candidate = (candidates as Array<Record<string, unknown>> | undefined)?.[0];
      const pieces = readGeminiParts((candidate?.content as { parts?: unknown } | undefined)?.parts);
      if (!pieces) return fail(controller, "Gemini sent a malformed stream event.", "malformed_upstream_event");

      if (!sawFirstEvent) {
        sawFirstEvent = true;
        if (typeof raw.responseId === "string") head.id = `chatcmpl-${raw.responseId}`;
      }
      if (typeof raw.modelVersion === "string") head.model = raw.modelVersion;
      // Before the pieces: the stream's first chunk takes its start_usage from this event's counts.
      if (raw.usageMetadata && typeof raw.usageMetadata === "object") usage = raw.usageMetadata as GeminiUsageMetadata;
      for (const piece of pieces) controller.enqueue(chunk(deltaFor(piece)));
      if (typeof candidate?.finishReason === "string") finishReason = candidate.finishReason;
      const feedback = raw.promptFeedback as { blockReason?: unknown } | undefined;
      if (typeof feedback?.blockReason === "string") blockReason = feedback.blockReason;
    },

    flush(controller) {
      if (failed) return;
      if (blockReason && finishReason === undefined) {
        controller.enqueue(chunk({ content: "", refusal: blockedPromptMessage(blockReason) }, "content_filter"));
      } else if (finishReason === undefined) {
        return fail(controller, "Gemini ended the stream without a finish reason; the answer may be cut short.", "incomplete_upstream_stream");
      } else {
        controller.enqueue(chunk({}, mapGeminiFinishReason(finishReason, toolCallCount > 0)));
      }
      if (usage) controller.enqueue(usageChunk(head, mapGeminiUsage(usage)));
    },
  };
}
