/**
 * Distinct source files a request involves: paths named in the request, files attached as
 * context (fence info strings such as ```ts src/a.ts or ```path=src/a.ts, aider's path line
 * before a fence, <file_content path="…">, synthetic Read calls), and paths in tool-call
 * arguments. Library frames (node_modules, site-packages, the Go runtime) are not the user's
 * files. Text is split into tokens with one cheap regex; only tokens with a known extension count.
 */
const TOKEN = /[^\s'"`()[\]<>{},;=|]+/g;
const EXTENSION =
  /\.(tsx?|jsx?|mjs|cjs|py|go|rs|java|kt|rb|php|cs|cpp|cc|c|h|hpp|swift|scala|sql|json|ya?ml|toml|md|css|scss|html|vue|svelte|sh|proto|graphql|tf|prisma|gradle|ex|exs|lua|dart|ipynb)$/;
const LINE_SUFFIX = /(:\d+)+:?$|[.:!?]+$/;
const IGNORED = /node_modules\/|site-packages\/|dist-packages\/|\/usr\/(local\/)?(lib|go)\/|node:internal|\/runtime\/|:\/\//;
const NOT_FILES = new Set(["node.js", "next.js", "vue.js", "react.js", "express.js", "nuxt.js", "three.js", "d3.js", "chart.js"]);
const SCAN_CAP = 40_000;

export function addPathsFrom(text: string, paths: Set<string>): void {
  const bounded = text.length > SCAN_CAP ? text.slice(0, SCAN_CAP) : text;
  for (const match of bounded.matchAll(TOKEN)) {
    const token = match[0];
    if (token.length < 3 || token.length > 300 || !token.includes(".")) continue;
    addPath(token.replace(LINE_SUFFIX, ""), paths);
  }
}

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

function addPath(candidate: string, paths: Set<string>): void {
  if (!EXTENSION.test(candidate) || IGNORED.test(candidate)) return;
  const name = candidate.slice(candidate.lastIndexOf("/") + 1);
  if (name === "" || NOT_FILES.has(name.toLowerCase()) || /^[\d.]/.test(name)) return;
  // The file name identifies a file whether it is written absolute, relative or bare.
  paths.add(name);
}
