/**
 * Where a JSON text first escapes a lone UTF-16 surrogate (`"\ud800"` with no low half after it,
 * or a low half with no high one before it), or -1. Such a string parses, but it is no text:
 * upstreams refuse it (Anthropic: "no low surrogate in string"), and PostgreSQL cannot store it.
 * Raw surrogates cannot occur: the body was decoded as strict UTF-8 first. Only the places where
 * `\u` occurs are looked at (indexOf: half the time of a regex over the whole body), and of those
 * only escapes of a surrogate (`\u` then d or D, 8–f, two hex digits), counting the backslashes
 * before each (an even number means the backslash itself was escaped: `"\\ud800"` is plain text).
 */
export function firstLoneSurrogate(text: string): number {
  return scanLoneSurrogates(text, true)[0] ?? -1;
}

/**
 * The text with every lone surrogate escape replaced by `\ufffd`, the replacement character, as a
 * UTF-8 decoder does with a broken sequence. The escapes are the same length, so every offset into
 * the text (the nesting check's, the body layout's) still holds. An agent that cut an emoji in half
 * in one turn resends that turn in every later one: refusing it would end the session for good.
 */
export function withLoneSurrogatesReplaced(text: string): string {
  const places = scanLoneSurrogates(text, false);
  if (places.length === 0) return text;
  const parts: string[] = [];
  let from = 0;
  for (const at of places) {
    parts.push(text.slice(from, at), REPLACEMENT_ESCAPE);
    from = at + 6;
  }
  parts.push(text.slice(from));
  return parts.join("");
}

const REPLACEMENT_ESCAPE = "\\ufffd";

/** Where the lone surrogate escapes are, in order; the first only when `firstOnly`. */
function scanLoneSurrogates(text: string, firstOnly: boolean): number[] {
  const lone: number[] = [];
  let pendingHigh = -1;
  let expectedLowAt = -1;
  for (let at = text.indexOf("\\u"); at !== -1; at = text.indexOf("\\u", at + 2)) {
    const marker = text.charCodeAt(at + 2);
    if (marker !== LOWER_D && marker !== UPPER_D) continue;
    const third = hexValue(text.charCodeAt(at + 3));
    if (third < 8 || hexValue(text.charCodeAt(at + 4)) < 0 || hexValue(text.charCodeAt(at + 5)) < 0) continue;
    if (!isEscape(text, at)) continue;
    // \uD800–\uDBFF is a high half, \uDC00–\uDFFF a low one.
    const high = third < 12;
    if (pendingHigh >= 0) {
      if (!high && at === expectedLowAt) {
        pendingHigh = -1;
        continue;
      }
      lone.push(pendingHigh);
      if (firstOnly) return lone;
      pendingHigh = -1;
    }
    if (!high) {
      lone.push(at);
      if (firstOnly) return lone;
      continue;
    }
    pendingHigh = at;
    expectedLowAt = at + 6;
  }
  if (pendingHigh >= 0) lone.push(pendingHigh);
  return lone;
}

const LOWER_D = 100;
const UPPER_D = 68;

/** The value of a hex digit's character code, or -1 (also for NaN, past the end of the text). */
function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/** Whether the backslash at `at` starts an escape (it is not itself escaped). */
function isEscape(text: string, at: number): boolean {
  let backslashes = 0;
  while (at - 1 - backslashes >= 0 && text.charCodeAt(at - 1 - backslashes) === 92) backslashes++;
  return backslashes % 2 === 0;
}
