import { deltaChunk, usageChunk } from "./chunks";
import type { ChatCompletion, ChatCompletionChunk, ChunkDelta } from "./types";

/**
 * A whole completion as the chunk stream a provider would have sent for it, so an answer known in
 * full (a cached one) can be served to a client that asked to stream: the role with any readable
 * reasoning, the reasoning state (`reasoning_details`, complete, as the transformers send it when a
 * block ends), the text, a refusal, each tool call whole in one delta at its index, the finish
 * reason, then usage. Collecting these chunks (collect-chunks.ts) gives the completion back.
 */
export function completionChunks(completion: ChatCompletion): ChatCompletionChunk[] {
  const choice = completion.choices[0];
  const message = choice?.message;
  const first: ChunkDelta = { role: "assistant" };
  if (message?.reasoning_content) first.reasoning_content = message.reasoning_content;
  const chunks = [deltaChunk(completion, first)];
  if (message?.reasoning_details?.length) chunks.push(deltaChunk(completion, { reasoning_details: message.reasoning_details }));
  if (message?.content) chunks.push(deltaChunk(completion, { content: message.content }));
  if (message?.refusal) chunks.push(deltaChunk(completion, { refusal: message.refusal }));
  for (const [index, call] of (message?.tool_calls ?? []).entries()) {
    chunks.push(deltaChunk(completion, { tool_calls: [{ index, id: call.id, type: "function", function: { name: call.function.name, arguments: call.function.arguments } }] }));
  }
  const finish = deltaChunk(completion, {}, choice?.finish_reason ?? "stop");
  if (choice?.native_finish_reason) finish.choices[0]!.native_finish_reason = choice.native_finish_reason;
  if (choice?.stop_sequence !== undefined) finish.choices[0]!.stop_sequence = choice.stop_sequence;
  chunks.push(finish);
  if (completion.usage) chunks.push(usageChunk(completion, completion.usage));
  return chunks;
}

/** The chunks as a stream that is ready at once. */
export function chunkStream(chunks: readonly ChatCompletionChunk[]): ReadableStream<ChatCompletionChunk> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}
