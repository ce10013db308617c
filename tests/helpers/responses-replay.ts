import { readFileSync } from "node:fs";
import { join } from "node:path";
import OpenAI from "openai";
import type { ChatCompletionChunk } from "../../src/chat/types";
import { type ResponseContext, createResponseContext } from "../../src/doors/responses/response-object";
import { responseEventStream } from "../../src/doors/responses/response-event-stream";
import { type ResponsesRequest, responsesRequestSchema } from "../../src/doors/responses/responses-request-schema";
import { toChatRequest } from "../../src/doors/responses/to-chat-request";
import { silentLogger } from "../../src/logger";

/**
 * Replays an internal chunk stream (tests/fixtures/responses-door/<name>.jsonl) through the
 * Responses door's stream encoder, and reads the bytes back as events, and through the official
 * `openai` SDK's Responses stream helper (whose accumulator rejects a malformed event order).
 */
export type ReplayEvent = { type: string; sequence_number: number } & Record<string, unknown>;

const fixtureDir = join(import.meta.dir, "..", "fixtures", "responses-door");

export function readChunkFixture(name: string): ChatCompletionChunk[] {
  return readFileSync(join(fixtureDir, `${name}.jsonl`), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as ChatCompletionChunk);
}

export function replayContext(request: Partial<ResponsesRequest> = {}): ResponseContext {
  const parsed = responsesRequestSchema.parse({ model: "auto", input: "Hi", ...request });
  return createResponseContext("resp_replay0001", parsed, toChatRequest(parsed, silentLogger).names);
}

export async function replaySse(chunks: ChatCompletionChunk[], context: ResponseContext): Promise<string> {
  const source = new ReadableStream<ChatCompletionChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  return new Response(source.pipeThrough(responseEventStream(context))).text();
}

/** Each SSE block as its event: the `event:` line must name the payload's type. */
export function parseEvents(sse: string): ReplayEvent[] {
  return sse
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const name = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      const event = JSON.parse(data ?? "null") as ReplayEvent;
      if (event.type !== name) throw new Error(`event line '${name}' does not match payload type '${event.type}'`);
      return event;
    });
}

/** The SSE bytes read by `client.responses.stream(...)`, as a client would: its events and final response. */
export async function readWithSdk(sse: string) {
  const client = new OpenAI({
    apiKey: "replay",
    baseURL: "http://127.0.0.1:1/v1",
    maxRetries: 0,
    fetch: async () => new Response(sse, { headers: { "content-type": "text/event-stream" } }),
  });
  const stream = client.responses.stream({ model: "auto", input: "Hi" });
  const types: string[] = [];
  for await (const event of stream) types.push(event.type);
  return { types, response: await stream.finalResponse() };
}
