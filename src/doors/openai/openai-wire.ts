import type { ChatCompletion, ChatCompletionChunk, Usage } from "../../chat/types";

/**
 * What the chat door sends of an answer: OpenAI's fields and the extensions README documents for
 * it (`reasoning_content`, `reasoning_details`; `prompt_tokens_details.cache_write_tokens` is
 * OpenAI's own usage field), never the internal ones other doors read (chat/types.ts):
 * `start_usage`, `anthropic` on deltas and messages, `native_finish_reason` and `stop_sequence` on
 * choices, `server_tool_use` on usage. Only answers of Anthropic-format upstreams (the Anthropic
 * API, the Claude CLI) carry them, so a chunk is checked with a few property reads and copied only
 * when it carries one; a chunk that carried nothing else (an Anthropic block boundary, a server
 * tool's block) is not sent at all.
 */
export function carriesInternalFields(chunk: ChatCompletionChunk): boolean {
  if (chunk.start_usage !== undefined) return true;
  const choice = chunk.choices[0];
  if (choice !== undefined) {
    // `?.`: the type has a delta on every choice, but a chunk from elsewhere must not break the stream.
    if (choice.delta?.anthropic !== undefined) return true;
    if (choice.finish_reason !== null && (choice.native_finish_reason !== undefined || choice.stop_sequence !== undefined)) return true;
  }
  return chunk.usage != null && chunk.usage.server_tool_use !== undefined;
}

/** The chunk without internal fields, or undefined when nothing is left for an OpenAI client. */
export function openaiChunk(chunk: ChatCompletionChunk): ChatCompletionChunk | undefined {
  const { start_usage: _startUsage, usage, ...rest } = chunk;
  const choices = chunk.choices.map(({ native_finish_reason: _native, stop_sequence: _sequence, delta, ...choice }) => {
    const { anthropic: _anthropic, ...plain } = delta ?? {};
    return { ...choice, delta: plain };
  });
  const says = choices.length === 0 || choices.some((choice) => choice.finish_reason !== null || Object.keys(choice.delta).length > 0);
  if (!says && !usage) return undefined;
  const plain: ChatCompletionChunk = { ...rest, choices };
  if (usage !== undefined) plain.usage = usage && openaiUsage(usage);
  return plain;
}

/** The completion without internal fields (a copy only when it has one). */
export function openaiCompletion(completion: ChatCompletion): ChatCompletion {
  const internal =
    completion.usage?.server_tool_use !== undefined ||
    completion.choices.some((choice) => choice.message.anthropic !== undefined || choice.native_finish_reason !== undefined || choice.stop_sequence !== undefined);
  if (!internal) return completion;
  return {
    ...completion,
    choices: completion.choices.map(({ native_finish_reason: _native, stop_sequence: _sequence, message, ...choice }) => {
      const { anthropic: _anthropic, ...plain } = message;
      return { ...choice, message: plain };
    }),
    ...(completion.usage ? { usage: openaiUsage(completion.usage) } : {}),
  };
}

function openaiUsage(usage: Usage): Usage {
  if (usage.server_tool_use === undefined) return usage;
  const { server_tool_use: _serverToolUse, ...plain } = usage;
  return plain;
}
