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

/** Whether a text may contain any block start at all: most texts do not, and then no line is examined. */
export function mayContainBlock(text: string): boolean {
  // One-character searches first; the longer pattern only when its first character occurs.
  if (text.indexOf("`") !== -1 && text.indexOf("```") !== -1) return true;
  if (text.indexOf("~") !== -1 && text.indexOf("~~~") !== -1) return true;
  if (text.indexOf("@") !== -1 && text.indexOf("@@ -") !== -1) return true;
  if (text.indexOf("<") !== -1 && text.indexOf("<<<<<<<") !== -1) return true;
  if (text.indexOf("*") !== -1 && text.indexOf("*** Begin Patch") !== -1) return true;
  // A diff without hunks (a mode change, a binary file) has only header lines, which need no protection.
  return text.indexOf("- SEARCH") !== -1;
}

/** End (exclusive) of the verbatim block starting at line start `start`, or -1 when none starts there. */
export function verbatimBlockEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  // Fast exits without slicing: every block starts with one of ` ~ space d @ - < *.
  if (first === 32) {
    let column = start;
    while (column < start + 3 && text.charCodeAt(column) === 32) column += 1;
    const code = text.charCodeAt(column);
    if (code !== 96 && code !== 126) return -1;
  } else if (first === 100) {
    if (!text.startsWith("diff --git ", start)) return -1;
  } else if (first === 64) {
    if (!text.startsWith("@@ -", start)) return -1;
  } else if (first === 45) {
    if (!text.startsWith("--- ", start) && !text.startsWith("-----", start)) return -1;
  } else if (first === 60) {
    if (!text.startsWith("<<<<<<<", start)) return -1;
  } else if (first === 42) {
    if (!text.startsWith("*** Begin Patch", start)) return -1;
  } else if (first !== 96 && first !== 126) {
    return -1;
  }
  const { line, next } = lineAt(text, start);
  if (first === 96 || first === 126 || first === 32) return fenceEnd(text, start, line, next);
  if (first === 60) return endAfter({ text }, next, (candidate) => candidate.startsWith(">>>>>>>"));
  if (first === 45 && /^-{5,9} SEARCH/.test(line)) return endAfter({ text }, next, (candidate) => /^\+{5,9} REPLACE/.test(candidate));
  if (first === 42) return endAfter({ text }, next, (candidate) => candidate.startsWith("*** End Patch"));
  if (startsDiff(text, line, next)) return diffEnd(text, next);
  return -1;
}
