import type { ChatCompletion, ChatCompletionChunk } from "../chat/types";
import type { ProxyError } from "../errors";

export interface StreamEncodeOptions {
  heartbeatMs: number;
  /** Aborted when the client goes away: stops the heartbeat. */
  signal: AbortSignal;
}

/**
 * How the runner puts one request's answer on the wire of the door it came through. The door
 * builds one per request, so the encoding may depend on what the client asked for (OpenAI's
 * `stream_options.include_usage`); the pipeline always hands over the full answer, usage included.
 */
export interface ResponseEncoder {
  completion(completion: ChatCompletion, headers: Headers): Response;
  stream(chunks: ReadableStream<ChatCompletionChunk>, headers: Headers, options: StreamEncodeOptions): Response;
  error(error: ProxyError, headers: Headers): Response;
}
