import { type ChatRequest, chatRequestSchema } from "../../src/chat/request-schema";
import { createLogger } from "../../src/logger";
import { type AnthropicModelTraits, toAnthropicRequest } from "../../src/providers/anthropic/to-anthropic-request";

/** OpenAI chat → Anthropic Messages on the pure function, with the log lines it wrote. */
export const haiku45: AnthropicModelTraits = { maxOutput: 64_000, reasoning: true, structuredOutputs: true };

export function translate(body: Record<string, unknown>, traits: AnthropicModelTraits = haiku45, model = "claude-haiku-4-5") {
  const lines: Array<{ message: string }> = [];
  const logger = createLogger("debug", (line) => lines.push(JSON.parse(line) as { message: string }));
  const request = chatRequestSchema.parse({ model, ...body }) as ChatRequest;
  const result = toAnthropicRequest(request, model, traits, logger);
  return { result, logs: lines.map((line) => line.message) };
}

export const user = (content: unknown) => ({ role: "user", content });
