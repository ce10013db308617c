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
      if (high || at !== expectedLowAt) return pendingHigh;
      pendingHigh = -1;
      continue;
    }
    if (!high) return at;
    pendingHigh = at;
    expectedLowAt = at + 6;
  }
  return pendingHigh;
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
