import { isAscii } from "node:buffer";
import { invalidRequest } from "../errors";
import { bodyLayout } from "./body-layout";
import { firstTooDeep, pathAt } from "./json-depth";
import { withLoneSurrogatesReplaced } from "./lone-surrogate";
import type { KeptText } from "./kept-text";
import { type TextShifts, oneByteJsonText } from "./one-byte-json-text";
import { parseResentBody, resentTurns } from "./resent-turns";

/**
 * A request body as a JSON value, refused with a 400 naming what is wrong before anything costly
 * runs on it: bytes that are not UTF-8 (Bun's own decoding would silently replace them, and the
 * upstream would get other text than the client sent), nesting deeper than MAX_JSON_DEPTH
 * (recursive work on it would overflow the stack), or text that is not JSON. A lone UTF-16
 * surrogate escape in a string (half an emoji an agent cut) is replaced by U+FFFD instead of being
 * refused (lone-surrogate.ts): no upstream takes it and no database stores it, and the agent resends
 * it in every later turn of its session.
 */
export const MAX_JSON_DEPTH = 128;

const utf8 = new TextDecoder("utf-8", { fatal: true });

export type { KeptText } from "./kept-text";

export function parseJsonBody(bytes: Uint8Array, keep?: KeptText): unknown {
  if (keep?.door !== undefined) {
    // An agent's next turn: the earlier turns are parsed already, only the rest is new.
    const resent = resentTurns(keep.door, bytes);
    const value = resent && parseResentBody(bytes, resent, keep, parseJsonBody);
    if (value !== undefined) return value;
  }
  // The same checks on an 8-bit text of the body (one-byte-json-text.ts); anything it refuses is
  // decoded and checked again as sent, so a refusal names what the client sent, as before.
  const shifts: TextShifts | undefined = keep ? { textEnds: [], extra: [] } : undefined;
  const oneByte = oneByteJsonText(bytes, shifts);
  if (oneByte !== undefined) {
    try {
      const value = parseJsonText(oneByte, keep);
      if (keep) keep.shifts = shifts;
      return value;
    } catch {
      // Refused below in the words of the decoded text.
    }
  }
  return parseDecodedJsonBody(bytes, keep && isAscii(bytes) ? keep : undefined);
}

/** The body decoded as sent, then checked: what parseJsonBody returns or throws, by the slower way. */
export function parseDecodedJsonBody(bytes: Uint8Array, keep?: KeptText): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw invalidRequest("The request body is not valid UTF-8; JSON must be sent as UTF-8 text.", null, "invalid_utf8");
  }
  return parseJsonText(text, keep);
}

/** The checks after decoding: nesting, JSON syntax; lone surrogates replaced. */
function parseJsonText(sent: string, keep?: KeptText): unknown {
  const text = withLoneSurrogatesReplaced(sent);
  // The nesting check's pass also finds the elements when the caller keeps them.
  const layout = keep ? bodyLayout(text, MAX_JSON_DEPTH) : undefined;
  const tooDeep = layout ? layout.tooDeep : firstTooDeep(text, MAX_JSON_DEPTH);
  if (tooDeep >= 0) {
    const path = pathAt(text, tooDeep);
    throw invalidRequest(`The request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels, at ${path || "its top level"}.`, path || null, "nesting_too_deep");
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw invalidRequest(`The request body is not valid JSON: ${(error as Error).message}`, null, "invalid_json");
  }
  if (keep) {
    keep.text = text;
    keep.layout = layout;
  }
  return value;
}
