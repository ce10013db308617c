import type { Usage } from "../chat/types";

/** The `usageMetadata` fields the proxy reads (the REST shape; the SDK passes it through as is). */
export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
}

/**
 * Gemini usage as OpenAI usage. `promptTokenCount` already includes cached tokens, as OpenAI's
 * `prompt_tokens` does; thinking tokens are billed as output, so they count as completion tokens.
 */
export function mapGeminiUsage(metadata: GeminiUsageMetadata): Usage {
  const prompt = (metadata.promptTokenCount ?? 0) + (metadata.toolUsePromptTokenCount ?? 0);
  const thoughts = metadata.thoughtsTokenCount ?? 0;
  const completion = (metadata.candidatesTokenCount ?? 0) + thoughts;
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: metadata.cachedContentTokenCount ?? 0 },
  };
  if (thoughts > 0) usage.completion_tokens_details = { reasoning_tokens: thoughts };
  return usage;
}

/** The prompt's part of the usage, as the stream's first chunk carries it (chat/types.ts `start_usage`). */
export function mapGeminiPromptUsage(metadata: GeminiUsageMetadata): Usage {
  const { promptTokenCount, toolUsePromptTokenCount, cachedContentTokenCount } = metadata;
  return mapGeminiUsage({ promptTokenCount, toolUsePromptTokenCount, cachedContentTokenCount });
}
