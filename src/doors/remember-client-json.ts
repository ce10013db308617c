import { rememberClientJson } from "../chat/client-json";
import type { ElementSpans } from "./body-layout";
import type { KeptText } from "./parse-json-body";
import { isRecord } from "../chat/is-record";

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
export function rememberClientElements(kept: KeptText, body: unknown, request: unknown): void {
  const { text, layout } = kept;
  if (!text || !layout || !isRecord(body) || !isRecord(request)) return;
  let members = 0;
  for (const _key in body) members++;
  if (members !== layout.topColons) return;
  rememberList(text, layout.messages, body.messages, request.messages);
  rememberList(text, layout.tools, body.tools, request.tools);
}

function rememberList(text: string, spans: ElementSpans | undefined, parsed: unknown, output: unknown): void {
  if (!spans || !Array.isArray(parsed) || !Array.isArray(output) || parsed.length !== spans.starts.length || output.length !== parsed.length) return;
  for (let index = 0; index < output.length; index++) {
    rememberClientJson(output[index], { text, start: spans.starts[index]!, end: spans.ends[index]!, colons: spans.colons[index]!, parsed: parsed[index] });
  }
}

