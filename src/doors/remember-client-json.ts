import { rememberClientJson } from "../chat/client-json";
import type { ElementSpans } from "./body-layout";
import type { KeptText } from "./parse-json-body";
import { isRecord } from "../chat/is-record";
import type { TurnText } from "./kept-text";

/**
 * Below this a body's upstream copy is cheap to serialise: the door keeps no text for it, and the
 * nesting check runs alone (firstTooDeep), as before.
 */
export const CLIENT_JSON_MIN_BYTES = 32 * 1024;

/**
 * Remembers, for each element of the door's validated `messages` and `tools`, the client's text of
 * the element it was made from and the value JSON.parse made of it (chat/client-json.ts). Only
 * when the lists line up one to one with what was parsed, and the top-level object has no repeated
 * key (one spelt with escapes is found by the member count, not by body-layout.ts).
 */
export function rememberClientElements(kept: KeptText, body: unknown, request: unknown, turns?: readonly TurnText[]): void {
  const { text, layout } = kept;
  if (!text || !layout || !isRecord(body) || !isRecord(request)) return;
  let members = 0;
  for (const _key in body) members++;
  if (members !== layout.topColons) return;
  // `turns`: the messages' texts when some were resent (resent-turns.ts), each from the text it was parsed from.
  rememberList(turns ?? spanTexts(text, layout.messages), body.messages, request.messages);
  rememberList(spanTexts(text, layout.tools), body.tools, request.tools);
}

function spanTexts(text: string, spans: ElementSpans | undefined): TurnText[] | undefined {
  if (!spans) return undefined;
  const texts: TurnText[] = new Array(spans.starts.length);
  for (let index = 0; index < texts.length; index++) texts[index] = { text, start: spans.starts[index]!, end: spans.ends[index]!, colons: spans.colons[index]! };
  return texts;
}

function rememberList(texts: readonly TurnText[] | undefined, parsed: unknown, output: unknown): void {
  if (!texts || !Array.isArray(parsed) || !Array.isArray(output) || parsed.length !== texts.length || output.length !== parsed.length) return;
  for (let index = 0; index < output.length; index++) {
    const turn = texts[index]!;
    rememberClientJson(output[index], { text: turn.text, start: turn.start, end: turn.end, colons: turn.colons, parsed: parsed[index] });
  }
}

