import type { GenerateContentResponse } from "@google/genai";
import type { AssistantMessage, ChatCompletion, ToolCall } from "../../chat/types";
import { ProxyError } from "../../errors";
import { createToolCallId } from "../../stream-transformers/tool-call-id";
import { mapGeminiFinishReason } from "../../stream-transformers/map-gemini-finish-reason";
import { type GeminiUsageMetadata, mapGeminiUsage } from "../../stream-transformers/map-gemini-usage";
import { blockedPromptMessage, readGeminiParts } from "../../stream-transformers/read-gemini-parts";

/**
 * A non-streaming Gemini response as a chat completion. Function calls get fresh `call_…` ids;
 * their thought signatures are handed to `onThoughtSignature` so a replay can carry them back.
 * A prompt Gemini blocked outright becomes a `content_filter` answer with a refusal.
 */
export function fromGeminiResponse(
  response: GenerateContentResponse,
  model: string,
  onThoughtSignature: (toolCallId: string, signature: string) => void = () => {},
): ChatCompletion {
  const candidate = response.candidates?.[0];
  const pieces = readGeminiParts(candidate?.content?.parts);
  if (!pieces) {
    throw new ProxyError(502, "Gemini sent a response the proxy could not read.", { type: "upstream_error", code: "malformed_upstream_response", retryable: true });
  }
  const content: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const piece of pieces) {
    if (piece.kind === "content") content.push(piece.text);
    else if (piece.kind === "reasoning") reasoning.push(piece.text);
    else {
      const id = createToolCallId();
      if (piece.signature) onThoughtSignature(id, piece.signature);
      toolCalls.push({ id, type: "function", function: { name: piece.name, arguments: piece.arguments } });
    }
  }

  const message: AssistantMessage = { role: "assistant", content: content.length > 0 ? content.join("") : null, refusal: null };
  if (reasoning.length > 0) message.reasoning_content = reasoning.join("");
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const blockReason = response.promptFeedback?.blockReason;
  if (!candidate && blockReason) message.refusal = blockedPromptMessage(blockReason);
  if (message.content === null && toolCalls.length === 0 && !message.refusal) message.content = "";

  const completion: ChatCompletion = {
    id: `chatcmpl-${response.responseId ?? crypto.randomUUID()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: response.modelVersion ?? model,
    choices: [
      {
        index: 0,
        message,
        finish_reason: !candidate && blockReason ? "content_filter" : mapGeminiFinishReason(candidate?.finishReason, toolCalls.length > 0),
        logprobs: null,
      },
    ],
  };
  if (response.usageMetadata) completion.usage = mapGeminiUsage(response.usageMetadata as GeminiUsageMetadata);
  return completion;
}
