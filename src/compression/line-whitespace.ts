import { type BodyEdges, NO_EDGES, classifyLines, lineCount } from "./line-kinds";

/**
 * Whitespace at line level, outside anything that may be code: CRLF line endings become LF,
 * trailing spaces and tabs go, and runs of more than two blank lines shrink to two. Two, not one,
 * because unfenced code (a `cat` in a shell tool's output) uses two blank lines between Python
 * definitions, and a run of newlines costs about one token whatever its length.
 */

const MAX_BLANK_RUN = 2;

export function normalizeLineEndings(body: string, edges: BodyEdges = NO_EDGES): string {
  if (!body.includes("\r\n")) return body;
  const lines = body.split("\n");
  const kinds = classifyLines(lines, edges);
  for (let index = 0; index < kinds.length; index++) {
    const kind = kinds[index];
    const line = lines[index]!;
    // The last line without a newline has no line ending to change.
    if ((kind === "flush" || kind === "blank") && line.endsWith("\r") && index < lines.length - 1) lines[index] = line.slice(0, -1);
  }
  return lines.join("\n");
}

export function trimTrailingWhitespace(body: string, edges: BodyEdges = NO_EDGES): string {
  if (!/[ \t]\r?(?:\n|$)/.test(body)) return body;
  const lines = body.split("\n");
  const kinds = classifyLines(lines, edges);
  for (let index = 0; index < kinds.length; index++) {
    const kind = kinds[index];
    if (kind === "flush" || kind === "blank") lines[index] = lines[index]!.replace(/[ \t]+(\r?)$/, "$1");
  }
  return lines.join("\n");
}

export function collapseBlankLines(body: string, edges: BodyEdges = NO_EDGES): string {
  if (!/\n[ \t]*\r?\n[ \t]*\r?\n[ \t]*\r?\n/.test(`\n${body}`)) return body;
  const lines = body.split("\n");
  const kinds = classifyLines(lines, edges);
  const count = lineCount(lines);
  const kept: string[] = [];
  let run = 0;
  for (let index = 0; index < count; index++) {
    run = kinds[index] === "blank" ? run + 1 : 0;
    if (run <= MAX_BLANK_RUN) kept.push(lines[index]!);
  }
  if (count < lines.length) kept.push("");
  return kept.join("\n");
}
