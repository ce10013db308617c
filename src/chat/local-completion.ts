import { deltaChunk, usageChunk } from "./chunks";
import type { ChatCompletion, ChatCompletionChunk } from "./types";

/** An answer the proxy writes itself (e.g. to /feedback), as a completion or as a chunk stream. */
export function localCompletion(model: string, text: string): ChatCompletion {
  return {
    id: `chatcmpl-${crypto.randomUUID()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, finish_reason: "stop", logprobs: null }],
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
  };
}

export function completionToChunks(completion: ChatCompletion): ReadableStream<ChatCompletionChunk> {
  const choice = completion.choices[0];
  const chunks: ChatCompletionChunk[] = [
    deltaChunk(completion, { role: "assistant", content: choice?.message.content ?? "" }),
    deltaChunk(completion, {}, choice?.finish_reason ?? "stop"),
  ];
  if (completion.usage) chunks.push(usageChunk(completion, completion.usage));
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}
