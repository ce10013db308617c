import { RAW_ARGUMENTS_KEY } from "../../chat/tool-arguments";

/**
 * A tool_use block's `input` must be a JSON object, but an OpenAI-compatible model may send
 * arguments that are not one (an array, a bare string, `null`): streamed as they came, the client
 * would build a tool_use whose input is not an object, which Anthropic's API (and this proxy's own
 * Messages door) refuses when the turn is sent back, failing every later turn. The non-streamed
 * answer keeps such arguments whole as `{"_raw_arguments": "<text>"}` (chat/tool-arguments.ts);
 * a stream does the same: the arguments go out live as soon as their first character shows an
 * object (`{`, the usual case, so nothing is held), and are otherwise collected and sent as one
 * delta of that object when the block stops. Blank arguments send nothing (the input stays `{}`).
 * JSON cut short inside an object (max_tokens) still streams as it came, as Anthropic's own does.
 */
export class StreamedToolInput {
  private pending = "";
  private live = false;

  /** The partial JSON to send now, if any. */
  push(fragment: string): string | undefined {
    if (this.live) return fragment;
    this.pending += fragment;
    const first = this.pending.trimStart()[0];
    if (first !== "{") return undefined;
    this.live = true;
    const text = this.pending;
    this.pending = "";
    return text;
  }

  /** The partial JSON to send before the block stops, if any. */
  end(): string | undefined {
    if (this.live || this.pending.trim() === "") return undefined;
    return JSON.stringify({ [RAW_ARGUMENTS_KEY]: this.pending });
  }
}

/** A held call's argument fragments as the partial JSON to send when its block is written whole. */
export function heldToolInput(fragments: string[]): string[] {
  const input = new StreamedToolInput();
  const sent: string[] = [];
  for (const fragment of fragments) {
    const text = input.push(fragment);
    if (text !== undefined) sent.push(text);
  }
  const last = input.end();
  return last === undefined ? sent : [...sent, last];
}
