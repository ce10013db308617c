/**
 * The classifier's path and pasted-output scanners as they were before tuning (one regex match
 * object per token; a split per line for command tables), kept only so that
 * tests/routing/classifier-scanners.test.ts can prove the tuned ones give the same results.
 */
const TOKEN = /[^\s'"`()[\]<>{},;=|]+/g;
const SCAN_CAP = 40_000;

/** Every token with a dot that addPathsFrom considered, in order, before the suffix and extension checks. */
export function referencePathTokens(text: string): string[] {
  const bounded = text.length > SCAN_CAP ? text.slice(0, SCAN_CAP) : text;
  const tokens: string[] = [];
  for (const match of bounded.matchAll(TOKEN)) {
    const token = match[0];
    if (token.length < 3 || token.length > 300 || !token.includes(".")) continue;
    tokens.push(token);
  }
  return tokens;
}

/** The command-table test of looksLikeOutput: several columns separated by runs of spaces or tabs. */
export function referenceHasColumns(line: string): boolean {
  return line.split(/ {2,}|\t/).length >= 4;
}

/** How addPathsFrom took a line number or trailing punctuation off a token. */
export function referenceWithoutLineSuffix(token: string): string {
  return token.replace(/(:\d+)+:?$|[.:!?]+$/, "");
}
