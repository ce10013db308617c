import { expect, test } from "bun:test";
import type { ChatCompletionChunk } from "../../src/chat/types";
import { sseDecoderTransformer } from "../../src/streams/sse-decoder";
import { fuseTransformers, pullThrough } from "../../src/streams/sync-transformer";
import { openAIChunkTransformer } from "../../src/stream-transformers/openai-chunks";

/** vLLM names the stop string that matched (`stop_reason`); the transformer keeps it as `stop_sequence`. */
async function finishChoice(stopReason: unknown, finishReason = "stop") {
  const encoder = new TextEncoder();
  const lines = [
    { id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content: "1, 2, 3, " }, finish_reason: null }] },
    { id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: {}, finish_reason: finishReason, stop_reason: stopReason }] },
  ];
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const line of lines) controller.enqueue(encoder.encode(`data: ${JSON.stringify(line)}\n\n`));
      controller.enqueue(encoder.encode("data: [DONE]\n\n"));
      controller.close();
    },
  });
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of pullThrough(body, fuseTransformers(sseDecoderTransformer(), openAIChunkTransformer("m")))) chunks.push(chunk);
  return chunks.at(-1)!.choices[0]!;
}

test("a matched stop string is kept as stop_sequence, the upstream's field beside it", async () => {
  expect(await finishChoice("4,")).toMatchObject({ finish_reason: "stop", stop_reason: "4,", stop_sequence: "4," });
});

test("a stop token's id, the end-of-sequence token (null) or another finish reason name no sequence", async () => {
  for (const [stopReason, finishReason] of [[128009, "stop"], [null, "stop"], ["4,", "length"]] as const) {
    expect(await finishChoice(stopReason, finishReason)).not.toHaveProperty("stop_sequence");
  }
});
