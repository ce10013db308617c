/**
 * Line-based blocks whose every byte is someone's code or an edit the client will apply: fenced
 * code, unified diffs, SEARCH/REPLACE blocks (aider, Cline, Roo), merge-conflict markers and
 * `apply_patch` envelopes. Each detector looks at a line start and returns where the block ends
 * (exclusive), or -1. An unclosed block runs to the end of the text: better to leave too much alone.
 */

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HUNK_HEADER = /^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@/;
const DIFF_LINE = /^(?:[ +\-\\]|@@ |diff |index |new file mode|deleted file mode|old mode|new mode|similarity index|dissimilarity index|rename from|rename to|copy from|copy to|Binary files|GIT binary patch)/;

interface Lines {
  text: string;
}

/** The line starting at `start`, without its newline, and where the next line starts. */
function lineAt(text: string, start: number): { line: string; next: number } {
  const newline = text.indexOf("\n", start);
  return newline === -1 ? { line: text.slice(start), next: text.length } : { line: text.slice(start, newline), next: newline + 1 };
}

/** Ends after the first line (from `start`) that satisfies `isClose`, or at the end of the text. */
function endAfter(source: Lines, start: number, isClose: (line: string) => boolean): number {
  let position = start;
  while (position < source.text.length) {
    const { line, next } = lineAt(source.text, position);
    if (isClose(line)) return next;
    position = next;
  }
  return source.text.length;
}

function fenceEnd(text: string, start: number, line: string, next: number): number {
  const match = FENCE.exec(line);
  if (!match) return -1;
  const marker = match[1]!;
  if (marker[0] === "`" && line.slice(match[0].length).includes("`")) return -1; // inline code, not a fence
  const close = new RegExp(`^ {0,3}${marker[0] === "`" ? "`" : "~"}{${marker.length},}[ \\t]*\\r?$`);
  return endAfter({ text }, next, (candidate) => close.test(candidate));
}

function diffEnd(text: string, next: number): number {
  let position = next;
  while (position < text.length) {
    const { line, next: following } = lineAt(text, position);
    if (DIFF_LINE.test(line)) {
      position = following;
      continue;
    }
    // A blank line inside a diff whose tooling stripped the leading space: keep going if the diff does.
    if ((line === "" || line === "\r") && following < text.length && DIFF_LINE.test(lineAt(text, following).line)) {
      position = following;
      continue;
    }
    return position;
  }
  return text.length;
}

function startsDiff(text: string, line: string, next: number): boolean {
  if (line.startsWith("diff --git ") || HUNK_HEADER.test(line)) return true;
  return line.startsWith("--- ") && lineAt(text, next).line.startsWith("+++ ");
}

/** End (exclusive) of the verbatim block starting at line start `start`, or -1 when none starts there. */
export function verbatimBlockEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  // Fast exit: every block starts with one of ` ~ space d @ - < *.
  if (first !== 96 && first !== 126 && first !== 32 && first !== 100 && first !== 64 && first !== 45 && first !== 60 && first !== 42) return -1;
  const { line, next } = lineAt(text, start);
  if (first === 96 || first === 126 || first === 32) return fenceEnd(text, start, line, next);
  if (first === 60 && line.startsWith("<<<<<<<")) return endAfter({ text }, next, (candidate) => candidate.startsWith(">>>>>>>"));
  if (first === 45 && /^-{5,9} SEARCH/.test(line)) return endAfter({ text }, next, (candidate) => /^\+{5,9} REPLACE/.test(candidate));
  if (first === 42 && line.startsWith("*** Begin Patch")) return endAfter({ text }, next, (candidate) => candidate.startsWith("*** End Patch"));
  if ((first === 100 || first === 64 || first === 45) && startsDiff(text, line, next)) return diffEnd(text, next);
  return -1;
}
