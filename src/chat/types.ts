import type { AnthropicDelta, AnthropicMessageContent } from "./anthropic-blocks";
import type { ReasoningDetail } from "./reasoning-details";

/**
 * The internal representation of responses: the OpenAI chat-completions wire shape, which every
 * provider produces and every front door translates from. Requests are typed by the zod schema in
 * `request-schema.ts`. Three extensions, all common in OpenAI-compatible servers:
 * - `reasoning_content` on messages and deltas (thinking output, never mixed into `content`);
 * - `reasoning_details` on messages and deltas (the opaque, provider-tagged reasoning state an
 *   upstream wants back: reasoning-details.ts);
 * - `prompt_tokens_details.cache_write_tokens` (Anthropic-style cache writes, priced separately).
 * And for answers of the Anthropic API (anthropic-blocks.ts): `anthropic` on messages and deltas
 * (server-tool blocks, citations, a code-execution container), `native_finish_reason` on choices
 * (`pause_turn`, `stop_sequence`), `stop_sequence` on choices (the string that matched) and
 * `server_tool_use` on usage (the server tool requests, such as web searches, the answer made).
 * `start_usage` on a stream's first chunk is the prompt's usage as the upstream reported it at the
 * start (Anthropic's message_start; the prompt's counts on Gemini's first event). The OpenAI door sends none of these extensions
 * (doors/openai/openai-wire.ts).
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
  /** Anthropic's count of server tool requests (`web_search_requests`, `web_fetch_requests`, …), as reported. */
  server_tool_use?: Record<string, number>;
}

export interface AssistantMessage {
  role: "assistant";
  content: string | null;
  refusal?: string | null;
  reasoning_content?: string;
  reasoning_details?: ReasoningDetail[];
  tool_calls?: ToolCall[];
  anthropic?: AnthropicMessageContent;
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
    /** The upstream's own stop reason where the finish reason loses it (Anthropic's `pause_turn`). */
    native_finish_reason?: string;
    /** The stop sequence that ended the answer, where the upstream said which (Anthropic does). */
    stop_sequence?: string;
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
  anthropic?: AnthropicDelta;
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
    native_finish_reason?: string;
    stop_sequence?: string;
    logprobs?: unknown;
  }>;
  usage?: Usage | null;
  /**
   * On the first chunk only: the usage the upstream reported as the answer started (the prompt's
   * tokens; output so far), for a door whose stream opens with it. Never the answer's usage, which
   * comes in `usage` at the end.
   */
  start_usage?: Usage;
  /** Set on the last chunk when the upstream failed mid-stream; the SSE encoder sends it as an error event. */
  error?: { message: string; type: string; code: string | null; param: string | null };
}

/** Usage normalised across providers; `tokensIn` includes cached and cache-write tokens. */
export interface NormalizedUsage {
  tokensIn: number;
  tokensOut: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  /** Anthropic web search requests (`server_tool_use.web_search_requests`), billed per search. */
  webSearches?: number;
}

export function normalizeUsage(usage: Usage | null | undefined): NormalizedUsage | undefined {
  if (!usage) return undefined;
  const normalized: NormalizedUsage = {
    tokensIn: usage.prompt_tokens ?? 0,
    tokensOut: usage.completion_tokens ?? 0,
    cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    cacheWriteTokens: usage.prompt_tokens_details?.cache_write_tokens ?? 0,
  };
  const searches = usage.server_tool_use?.web_search_requests;
  if (typeof searches === "number" && searches > 0) normalized.webSearches = searches;
  return normalized;
}
