import type { ChatCompletionChunk } from "./types";

/**
 * A chunk that shows the client nothing: no text, reasoning, refusal, tool call, finish reason,
 * usage or error. A stream's start often is one (OpenAI's role with empty content and a null
 * refusal, the chunk for Anthropic's message_start, Azure's prompt-filter chunk without choices).
 */
export function showsNothing(chunk: ChatCompletionChunk): boolean {
  if (chunk.error || chunk.usage) return false;
  for (const choice of chunk.choices) {
    if (choice.finish_reason) return false;
    const delta = choice.delta;
    if (delta.content || delta.reasoning_content || delta.refusal || delta.tool_calls?.length || delta.reasoning_details?.length) return false;
  }
  return true;
}
