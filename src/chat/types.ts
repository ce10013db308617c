import type { ReasoningDetail } from "./reasoning-details";

/**
 * The internal representation of responses: the OpenAI chat-completions wire shape, which every
 * provider produces and every front door translates from. Requests are typed by the zod schema in
 * `request-schema.ts`. Three extensions, all common in OpenAI-compatible servers:
 * - `reasoning_content` on messages and deltas (thinking output, never mixed into `content`);
 * - `reasoning_details` on messages and deltas (the opaque, provider-tagged reasoning state an
 *   upstream wants back: reasoning-details.ts);
 * - `prompt_tokens_details.cache_write_tokens` (Anthropic-style cache writes, priced separately).
 */

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call";

export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function?: { name?: string; arguments?: string };
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
}

export interface AssistantMessage {
  role: "assistant";
  content: string | null;
  refusal?: string | null;
  reasoning_content?: string;
  reasoning_details?: ReasoningDetail[];
  tool_calls?: ToolCall[];
}

export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  system_fingerprint?: string | null;
  choices: Array<{
    index: number;
    message: AssistantMessage;
    finish_reason: FinishReason | null;
    logprobs: unknown;
  }>;
  usage?: Usage;
}

export interface ChunkDelta {
  role?: "assistant";
  content?: string | null;
  reasoning_content?: string;
  reasoning_details?: ReasoningDetail[];
  refusal?: string | null;
  tool_calls?: ToolCallDelta[];
}

export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  system_fingerprint?: string | null;
  choices: Array<{
    index: number;
    delta: ChunkDelta;
    finish_reason: FinishReason | null;
    logprobs?: unknown;
  }>;
  usage?: Usage | null;
  /** Set on the last chunk when the upstream failed mid-stream; the SSE encoder sends it as an error event. */
  error?: { message: string; type: string; code: string | null; param: string | null };
}

/** Usage normalised across providers; `tokensIn` includes cached and cache-write tokens. */
export interface NormalizedUsage {
  tokensIn: number;
  tokensOut: number;
  cachedTokens: number;
  cacheWriteTokens: number;
}

export function normalizeUsage(usage: Usage | null | undefined): NormalizedUsage | undefined {
  if (!usage) return undefined;
  return {
    tokensIn: usage.prompt_tokens ?? 0,
    tokensOut: usage.completion_tokens ?? 0,
    cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    cacheWriteTokens: usage.prompt_tokens_details?.cache_write_tokens ?? 0,
  };
}
