import { type MessageOrigin, clientParam } from "./client-params";

/**
 * A refusal's message in the client's terms, as its param is (client-params.ts): the providers word
 * their refusals on the internal chat request (`messages[1].tool_call_id`, `file.file_data`), which
 * a Responses client never sent. A path into the messages becomes the client's path where it maps;
 * where it does not, a parenthesised path is dropped and a bare one keeps only its field's name.
 * Internal field and part names become the Responses request's own.
 */
const INTERNAL_PATH = /( ?\()?\bmessages\[\d+\]((?:\.[A-Za-z_]+|\[\d+\])*)(\))?/g;

const NAMES: ReadonlyArray<readonly [RegExp, string]> = [
  [/(?<![\w.])file\.file_data\b/g, "input_file.file_data"],
  [/(?<![\w.])image_url\.url\b/g, "input_image.image_url"],
  [/\bimage_url part\b/g, "input_image part"],
  [/(['"`])image_url\1/g, "$1input_image$1"],
  [/(['"`])file\1/g, "$1input_file$1"],
  [/(['"`])text\1/g, "$1input_text$1"],
  [/(?<![\w.])tool_call_id\b/g, "call_id"],
  [/\ba tool call of an earlier assistant message\b/g, "a function_call item before it"],
  [/(?<![\w.])reasoning_effort\b/g, "reasoning.effort"],
  [/(?<![\w.])(?:max_completion_tokens|max_tokens)\b/g, "max_output_tokens"],
  [/(?<![\w.])response_format\b/g, "text.format"],
];

/** The last named field of an internal path (`.tool_call_id` of `messages[2].tool_call_id`), or "". */
const lastField = (rest: string) => /\.([A-Za-z_]+)(?:\[\d+\])*$/.exec(rest)?.[1] ?? "";

export function clientMessage(message: string, origins: readonly MessageOrigin[]): string {
  const paths = message.replace(INTERNAL_PATH, (whole: string, open: string | undefined, rest: string, close: string | undefined) => {
    const mapped = clientParam(whole.slice(open?.length ?? 0, close ? -1 : undefined), origins);
    if (open && close) return mapped ? `${open}${mapped})` : "";
    const text = mapped ?? (lastField(rest) || "a message");
    return `${open ?? ""}${text}${close ?? ""}`;
  });
  return NAMES.reduce((text, [pattern, name]) => text.replace(pattern, name), paths);
}
