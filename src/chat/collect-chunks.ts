import type { ChatCompletion, ChatCompletionChunk } from "./types";
import { ChunkAssembler } from "./chunk-assembler";

/**
 * Reads a chunk stream to its end and assembles the one ChatCompletion it amounts to
 * (chunk-assembler.ts says how). For providers whose upstream only streams. An error chunk rejects
 * with a ProxyError (nothing reached the client yet, so another model may still be tried).
 */
export async function collectChunks(stream: ReadableStream<ChatCompletionChunk>): Promise<ChatCompletion> {
  const assembler = new ChunkAssembler();
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value: chunk } = await reader.read();
      if (done) break;
      assembler.add(chunk);
    }
  } catch (error) {
    // Stops whatever feeds the stream (an HTTP body, a child process).
    reader.cancel(error).catch(() => {});
    throw error;
  }
  return assembler.completion();
}
