/**
 * Tool-call arguments (a JSON text on the OpenAI wire) as the object Anthropic's `input` and
 * Gemini's `args` must be. The one policy for every provider:
 * - an empty or blank text (a tool without parameters) is `{}`;
 * - a JSON object is itself;
 * - anything else (JSON cut short by max_tokens, an array, a bare string) is kept whole, as a
 *   string under `_raw_arguments`, and reported as malformed so the provider can log it. The model
 *   then still sees what it sent, rather than a call silently emptied to `{}` that it would repeat.
 */
export const RAW_ARGUMENTS_KEY = "_raw_arguments";

export interface ParsedToolArguments {
  input: Record<string, unknown>;
  malformed: boolean;
}

export function parseToolArguments(text: string): ParsedToolArguments {
  if (text.trim() === "") return { input: {}, malformed: false };
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return { input: parsed as Record<string, unknown>, malformed: false };
  } catch {
    // kept raw below
  }
  return { input: { [RAW_ARGUMENTS_KEY]: text }, malformed: true };
}
