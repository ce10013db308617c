import { countTokens } from "gpt-tokenizer";
import type { ChatRequest } from "../chat/request-schema";

/** What a request needs from a model: the router keeps only candidates that can serve it. */
export interface RequestNeeds {
  tools: boolean;
  vision: boolean;
  json: boolean;
  /** Estimated prompt tokens (messages + tool definitions). */
  promptTokens: number;
  /** Output tokens to budget for: the client's limit, or a typical answer's length. */
  outputTokens: number;
}

const TYPICAL_OUTPUT_TOKENS = 800;
const IMAGE_TOKENS = 1_000;
const SAMPLE_CHARS = 4_096;

export function requestNeeds(request: ChatRequest): RequestNeeds {
  let characters = 0;
  let images = 0;
  let sample = "";
  for (const message of request.messages) {
    const content = message.content;
    if (typeof content === "string") {
      characters += content.length;
      sample = content;
    } else if (Array.isArray(content)) {
      for (const part of content) {
        if (part.type === "image_url" || part.type === "image") images++;
        else if (typeof part.text === "string") {
          characters += part.text.length;
          sample = part.text;
        }
      }
    }
    if (message.role === "assistant" && message.tool_calls) {
      for (const call of message.tool_calls) characters += call.function.arguments.length + call.function.name.length;
    }
  }
  const toolCharacters = request.tools ? JSON.stringify(request.tools).length : 0;
  return {
    tools: Boolean(request.tools?.length) && request.tool_choice !== "none",
    vision: images > 0,
    json: request.response_format?.type === "json_object" || request.response_format?.type === "json_schema",
    promptTokens: Math.ceil((characters + toolCharacters) / charactersPerToken(sample)) + images * IMAGE_TOKENS + request.messages.length * 4,
    outputTokens: request.max_completion_tokens ?? request.max_tokens ?? TYPICAL_OUTPUT_TOKENS,
  };
}

/**
 * Characters per token of this request's text, measured with a real tokenizer (o200k) on a
 * bounded sample of the latest message: tokenizing a 200 KB prompt whole would cost milliseconds.
 */
function charactersPerToken(sample: string): number {
  const text = sample.slice(-SAMPLE_CHARS);
  if (text.length < 64) return 4;
  const tokens = countTokens(text);
  return tokens > 0 ? Math.min(8, Math.max(1.5, text.length / tokens)) : 4;
}
