/**
 * Where a JSON text first escapes a lone UTF-16 surrogate (`"\ud800"` with no low half after it,
 * or a low half with no high one before it), or -1. Such a string parses, but it is no text:
 * upstreams refuse it (Anthropic: "no low surrogate in string"), and PostgreSQL cannot store it.
 * Raw surrogates cannot occur: the body was decoded as strict UTF-8 first. A quick search finds
 * nothing in ordinary bodies; only candidates are checked, counting the backslashes before each
 * (an even number means the backslash itself was escaped: `"\\ud800"` is plain text).
 */
const candidate = /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/g;

export function firstLoneSurrogate(text: string): number {
  candidate.lastIndex = 0;
  let pendingHigh = -1;
  let expectedLowAt = -1;
  for (let match = candidate.exec(text); match; match = candidate.exec(text)) {
    const at = match.index;
    if (!isEscape(text, at)) continue;
    const high = (parseInt(match[0].slice(2), 16) & 0xfc00) === 0xd800;
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

/** Whether the backslash at `at` starts an escape (it is not itself escaped). */
function isEscape(text: string, at: number): boolean {
  let backslashes = 0;
  while (at - 1 - backslashes >= 0 && text.charCodeAt(at - 1 - backslashes) === 92) backslashes++;
  return backslashes % 2 === 0;
}
