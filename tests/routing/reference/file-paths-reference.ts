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

const EXTENSION =
  /\.(tsx?|jsx?|mjs|cjs|py|go|rs|java|kt|rb|php|cs|cpp|cc|c|h|hpp|swift|scala|sql|json|ya?ml|toml|md|css|scss|html|vue|svelte|sh|proto|graphql|tf|prisma|gradle|ex|exs|lua|dart|ipynb)$/;
const IGNORED = /node_modules\/|site-packages\/|dist-packages\/|\/usr\/(local\/)?(lib|go)\/|node:internal|\/runtime\/|:\/\//;
const NOT_FILES = new Set(["node.js", "next.js", "vue.js", "react.js", "express.js", "nuxt.js", "three.js", "d3.js", "chart.js"]);

/** addPathsFrom as it was before candidates were checked in place: each token copied, cut, then tested with the extension regex. */
export function referenceAddPathsFrom(text: string, paths: Set<string>): void {
  for (const token of referencePathTokens(text)) {
    const candidate = referenceWithoutLineSuffix(token);
    if (!EXTENSION.test(candidate) || IGNORED.test(candidate)) continue;
    const name = candidate.slice(candidate.lastIndexOf("/") + 1);
    if (name === "" || NOT_FILES.has(name.toLowerCase()) || /^[\d.]/.test(name)) continue;
    paths.add(name);
  }
}
