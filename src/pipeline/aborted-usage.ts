import type { AssistantMessage, ChatCompletion, ChunkDelta, NormalizedUsage } from "../chat/types";
import { CHARACTERS_PER_TOKEN } from "../routing/request-needs";

/**
 * What a stream the client left midway used. The prompt went upstream and output was generated,
 * so the log row and the budget count it: the upstream's own usage when it arrived, else the
 * prompt's estimate (the same one the budget reserved against) and the streamed output so far,
 * estimated from its characters. `estimated` says whether any figure is a guess. The same holds
 * for an answer the upstream finished without reporting usage (some OpenAI-compatible servers).
 */
export function abortedUsage(
  upstream: NormalizedUsage | undefined,
  promptTokensEstimate: () => number,
  outputCharacters: number,
): { usage: NormalizedUsage; estimated: boolean } {
  const outputEstimate = Math.ceil(outputCharacters / CHARACTERS_PER_TOKEN);
  if (upstream) {
    // Usage comes at the end of a stream; an output count of 0 beside streamed text is not the real one.
    if (upstream.tokensOut > 0 || outputEstimate === 0) return { usage: upstream, estimated: false };
    return { usage: { ...upstream, tokensOut: outputEstimate }, estimated: true };
  }
  return { usage: { tokensIn: promptTokensEstimate(), tokensOut: outputEstimate, cachedTokens: 0, cacheWriteTokens: 0 }, estimated: true };
}

/** The characters of model output one delta (or a whole message) carries: text, reasoning, a refusal, tool calls' names and arguments. */
export function outputCharactersOf(delta: ChunkDelta | AssistantMessage): number {
  let characters = (delta.content?.length ?? 0) + (delta.reasoning_content?.length ?? 0) + (delta.refusal?.length ?? 0);
  if (delta.tool_calls) for (const call of delta.tool_calls) characters += (call.function?.name?.length ?? 0) + (call.function?.arguments?.length ?? 0);
  return characters;
}

/** The characters of model output in a whole completion, every choice (for one that came without usage). */
export function completionOutputCharacters(completion: ChatCompletion): number {
  let characters = 0;
  for (const { message } of completion.choices) characters += outputCharactersOf(message);
  return characters;
}
