/**
 * The lone-surrogate scan as it was before tuning (a global regex over the whole body), kept only
 * so that tests/doors/lone-surrogate.test.ts can prove the indexOf scan gives the same answers.
 */
const candidate = /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/g;

export function referenceFirstLoneSurrogate(text: string): number {
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

function isEscape(text: string, at: number): boolean {
  let backslashes = 0;
  while (at - 1 - backslashes >= 0 && text.charCodeAt(at - 1 - backslashes) === 92) backslashes++;
  return backslashes % 2 === 0;
}
