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
  const base = { id: completion.id, object: "chat.completion.chunk" as const, created: completion.created, model: completion.model };
  const choice = completion.choices[0];
  const chunks: ChatCompletionChunk[] = [
    { ...base, choices: [{ index: 0, delta: { role: "assistant", content: choice?.message.content ?? "" }, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: choice?.finish_reason ?? "stop" }] },
  ];
  if (completion.usage) chunks.push({ ...base, choices: [], usage: completion.usage });
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}
