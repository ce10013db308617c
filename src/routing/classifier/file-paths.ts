import { isDigit } from "./char-codes";

/**
 * Distinct source files a request involves: paths named in the request, files attached as
 * context (fence info strings such as ```ts src/a.ts or ```path=src/a.ts, aider's path line
 * before a fence, <file_content path="…">, synthetic Read calls), and paths in tool-call
 * arguments. Library frames (node_modules, site-packages, the Go runtime) are not the user's
 * files. A token is a run of characters other than white space, quotes, brackets and , ; = |;
 * only tokens with a dot, and of those only the ones with a known extension, count.
 */
/** A source file's extension: what follows its last dot (tests/routing/reference/ has the regex it replaces). */
const EXTENSIONS = [
  ...["ts", "tsx", "js", "jsx", "mjs", "cjs", "py", "go", "rs", "java", "kt", "rb", "php", "cs", "cpp", "cc", "c", "h", "hpp", "swift", "scala", "sql", "json"],
  ...["yaml", "yml", "toml", "md", "css", "scss", "html", "vue", "svelte", "sh", "proto", "graphql", "tf", "prisma", "gradle", "ex", "exs", "lua", "dart", "ipynb"],
];
/** The longest of them: a longer ending is no extension, and is not copied to be looked up. */
const LONGEST_EXTENSION = 7;
const EXTENSION_SET = new Set(EXTENSIONS);
const IGNORED = /node_modules\/|site-packages\/|dist-packages\/|\/usr\/(local\/)?(lib|go)\/|node:internal|\/runtime\/|:\/\//;
const NOT_FILES = new Set(["node.js", "next.js", "vue.js", "react.js", "express.js", "nuxt.js", "three.js", "d3.js", "chart.js"]);
const SCAN_CAP = 40_000;

export function addPathsFrom(text: string, paths: Set<string>): void {
  forEachPathToken(text, (source, start, stop) => addPath(source, start, lineSuffixStart(source, start, stop), paths));
}

/**
 * Calls `found` with the bounds of every token of 3 to 300 characters that holds a dot, in order,
 * within the first SCAN_CAP characters. Found from the dots outward (indexOf), not token by token:
 * most tokens of a request have no dot, and a match object per token was a fifth of the
 * classifier's time. Bounds, not copies: most tokens are no file name (`this.state`, `1.2`).
 */
export function forEachPathToken(text: string, found: (text: string, start: number, stop: number) => void): void {
  const end = Math.min(text.length, SCAN_CAP);
  let scanned = 0;
  for (let dot = text.indexOf(".", 0); dot !== -1 && dot < end; dot = text.indexOf(".", scanned)) {
    let start = dot;
    while (start > 0 && !isDelimiter(text.charCodeAt(start - 1))) start--;
    let stop = dot + 1;
    while (stop < end && !isDelimiter(text.charCodeAt(stop))) stop++;
    const length = stop - start;
    if (length >= 3 && length <= 300) found(text, start, stop);
    scanned = stop + 1;
  }
}

/**
 * The token without a trailing line number (`:12`, `:12:5`, `:12:`) or trailing punctuation
 * (`.`, `:`, `!`, `?`): what `token.replace(/(:\d+)+:?$|[.:!?]+$/, "")` gives (the leftmost place
 * either suffix starts), without a regex tried at every position of every token.
 */
export function withoutLineSuffix(token: string): string {
  const cut = lineSuffixStart(token, 0, token.length);
  return cut === token.length ? token : token.slice(0, cut);
}

/** Where withoutLineSuffix cuts the token text[start, stop): its end without the suffix. */
export function lineSuffixStart(text: string, start: number, stop: number): number {
  let cut = stop;
  // Trailing punctuation.
  while (cut > start && isSentenceEnd(text.charCodeAt(cut - 1))) cut--;
  // Line numbers: an optional final colon, then one or more ":<digits>" groups, as many as there are.
  let end = stop;
  if (end > start && text.charCodeAt(end - 1) === COLON) end--;
  for (;;) {
    let digits = end;
    while (digits > start && isDigit(text.charCodeAt(digits - 1))) digits--;
    if (digits === end || digits === start || text.charCodeAt(digits - 1) !== COLON) break;
    end = digits - 1;
    if (end < cut) cut = end;
  }
  return cut;
}

const COLON = 58;
const isSentenceEnd = (code: number) => code === 46 || code === COLON || code === 33 || code === 63;

/** The characters that end a token: JavaScript's `\s`, quotes, brackets, and , ; = |. */
function isDelimiter(code: number): boolean {
  if (code < 128) return DELIMITERS[code] === 1;
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

const DELIMITERS = new Uint8Array(128);
for (const character of " \t\n\v\f\r'\"`()[]<>{},;=|") DELIMITERS[character.charCodeAt(0)] = 1;

/** Paths of attached files: fence info strings, the line before a fence, path attributes. */
export function addContextPaths(context: string, paths: Set<string>): void {
  let open = true;
  for (let fence = context.indexOf("```"); fence !== -1; fence = context.indexOf("```", fence + 3)) {
    const lineStart = context.lastIndexOf("\n", fence - 1) + 1;
    if (context.slice(lineStart, fence).trim() !== "") continue;
    if (open) {
      const lineEnd = context.indexOf("\n", fence);
      const before = paths.size;
      addPathsFrom(context.slice(fence + 3, lineEnd === -1 ? undefined : lineEnd).replace("path=", " "), paths);
      // aider writes the path alone on the line before a bare fence.
      const previousLine = context.slice(context.lastIndexOf("\n", lineStart - 2) + 1, Math.max(lineStart - 1, 0)).trim();
      if (paths.size === before && !/\s/.test(previousLine)) addPathsFrom(previousLine, paths);
    }
    open = !open;
  }
  // <file_content path="…">, and the synthetic Read calls' "file_path"/"filePath" arguments.
  for (const marker of ['path="', 'ath":"']) {
    for (let tag = context.indexOf(marker); tag !== -1; tag = context.indexOf(marker, tag + marker.length)) {
      addPathsFrom(context.slice(tag + marker.length, context.indexOf('"', tag + marker.length)), paths);
    }
  }
}

/**
 * The candidate text[start, end) counts if it ends in a known extension (only its short ending is
 * copied to be looked up: most candidates are no file name) and is no library path.
 */
function addPath(text: string, start: number, end: number, paths: Set<string>): void {
  const dot = text.lastIndexOf(".", end - 1);
  if (dot < start || end - dot - 1 > LONGEST_EXTENSION || end - dot - 1 < 1 || !EXTENSION_SET.has(text.slice(dot + 1, end))) return;
  const candidate = text.slice(start, end);
  if (IGNORED.test(candidate)) return;
  const name = candidate.slice(candidate.lastIndexOf("/") + 1);
  if (name === "" || NOT_FILES.has(name.toLowerCase()) || /^[\d.]/.test(name)) return;
  // The file name identifies a file whether it is written absolute, relative or bare.
  paths.add(name);
}
