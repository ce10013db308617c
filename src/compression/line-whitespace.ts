import { type BodyEdges, type Lines, NO_EDGES, fromLines, toLines } from "./line-kinds";
import { hasTrailingWhitespace, mayHaveBlankRun } from "./text-scan";

/**
 * Whitespace at line level, outside anything that may be code: CRLF line endings become LF,
 * trailing spaces and tabs go, and runs of more than two blank lines shrink to two. Two, not one,
 * because unfenced code (a `cat` in a shell tool's output) uses two blank lines between Python
 * definitions, and a run of newlines costs about one token whatever its length.
 *
 * Each step takes the body's lines (split and classified once) and returns new ones, or the same
 * object when it has nothing to do; the string forms below are for tests and single use.
 */

const MAX_BLANK_RUN = 2;

export function lineEndingsStep(input: Lines): Lines {
  let lines: string[] | undefined;
  const { kinds } = input;
  for (let index = 0; index < kinds.length; index++) {
    const kind = kinds[index];
    const line = input.lines[index]!;
    // The last line without a newline has no line ending to change.
    if ((kind === "flush" || kind === "blank") && line.endsWith("\r") && index < input.lines.length - 1) {
      lines ??= [...input.lines];
      lines[index] = line.slice(0, -1);
    }
  }
  return lines ? { lines, kinds } : input;
}

export function trailingWhitespaceStep(input: Lines): Lines {
  let lines: string[] | undefined;
  const { kinds } = input;
  for (let index = 0; index < kinds.length; index++) {
    const kind = kinds[index];
    if (kind !== "flush" && kind !== "blank") continue;
    const line = input.lines[index]!;
    const crlf = line.endsWith("\r") ? 1 : 0;
    let end = line.length - crlf;
    while (end > 0 && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end -= 1;
    if (end === line.length - crlf) continue;
    lines ??= [...input.lines];
    lines[index] = line.slice(0, end) + (crlf ? "\r" : "");
  }
  return lines ? { lines, kinds: input.kinds } : input;
}

export function blankLinesStep(input: Lines): Lines {
  const { kinds } = input;
  let run = 0;
  let changed = false;
  for (let index = 0; index < kinds.length && !changed; index++) {
    run = kinds[index] === "blank" ? run + 1 : 0;
    changed = run > MAX_BLANK_RUN;
  }
  if (!changed) return input;
  const lines: string[] = [];
  const keptKinds: Lines["kinds"] = [];
  run = 0;
  for (let index = 0; index < kinds.length; index++) {
    run = kinds[index] === "blank" ? run + 1 : 0;
    if (run > MAX_BLANK_RUN) continue;
    lines.push(input.lines[index]!);
    keptKinds.push(kinds[index]!);
  }
  if (kinds.length < input.lines.length) lines.push("");
  return { lines, kinds: keptKinds };
}

export function normalizeLineEndings(body: string, edges: BodyEdges = NO_EDGES): string {
  return body.includes("\r\n") ? fromLines(lineEndingsStep(toLines(body, edges))) : body;
}

export function trimTrailingWhitespace(body: string, edges: BodyEdges = NO_EDGES): string {
  return hasTrailingWhitespace(body) ? fromLines(trailingWhitespaceStep(toLines(body, edges))) : body;
}

export function collapseBlankLines(body: string, edges: BodyEdges = NO_EDGES): string {
  return mayHaveBlankRun(body) ? fromLines(blankLinesStep(toLines(body, edges))) : body;
}
