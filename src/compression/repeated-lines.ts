import { looksLikeDataRow } from "./data-row";
import { type BodyEdges, type Lines, NO_EDGES, fromLines, toLines } from "./line-kinds";

/**
 * Runs of identical lines in tool output (progress ticks, polling loops, the same warning a
 * thousand times) become the line once plus an exact count. Only flush-left lines: a run of
 * identical indented lines may be code. Rows of data (JSON lines, CSV, tables) are kept: they
 * are what the model may be asked about (data-row.ts). Lossless: the count says exactly what was there.
 */

const MIN_RUN = 4;
const MARKER = /^\[… previous line repeated ([\d,]+) more times …\]$/;

export function repeatMarker(repeats: number): string {
  return `[… previous line repeated ${String(repeats).replace(/\B(?=(\d{3})+(?!\d))/g, ",")} more times …]`;
}

/** The number of repeats a marker line stands for, or undefined when the line is not a marker. */
export function parseRepeatMarker(line: string): number | undefined {
  const match = MARKER.exec(line);
  return match ? Number(match[1]!.replaceAll(",", "")) : undefined;
}

export function repeatedLinesStep(input: Lines): Lines {
  const { kinds } = input;
  const count = kinds.length;
  const lines: string[] = [];
  const keptKinds: Lines["kinds"] = [];
  let changed = false;
  let index = 0;
  while (index < count) {
    const line = input.lines[index]!;
    let end = index + 1;
    if (kinds[index] === "flush") while (end < count && input.lines[end] === line) end += 1;
    const repeats = end - index - 1;
    if (repeats + 1 >= MIN_RUN && repeats * (line.length + 1) > 48 + String(repeats).length && !looksLikeDataRow(line)) {
      lines.push(line, repeatMarker(repeats));
      keptKinds.push("flush", "flush");
      changed = true;
    } else {
      for (let inner = index; inner < end; inner++) {
        lines.push(input.lines[inner]!);
        keptKinds.push(kinds[inner]!);
      }
    }
    index = end;
  }
  if (!changed) return input;
  if (count < input.lines.length) lines.push("");
  return { lines, kinds: keptKinds };
}

export function collapseRepeatedLines(body: string, edges: BodyEdges = NO_EDGES): string {
  return hasRepeatedLines(body) ? fromLines(repeatedLinesStep(toLines(body, edges))) : body;
}

let lastBody: string | undefined;
let lastAnswer = false;

/**
 * A quick scan for MIN_RUN identical consecutive non-empty lines, before any allocation. The last
 * answer is kept: compressText asks about a text before its steps, then the step asks about the
 * same string again (its only body).
 */
export function hasRepeatedLines(body: string): boolean {
  if (body === lastBody) return lastAnswer;
  lastAnswer = scanForRepeatedLines(body);
  lastBody = body;
  return lastAnswer;
}

function scanForRepeatedLines(body: string): boolean {
  let start = 0;
  let previousStart = -1;
  let previousLength = -1;
  let run = 1;
  while (start < body.length) {
    let end = body.indexOf("\n", start);
    if (end === -1) end = body.length;
    const length = end - start;
    if (length > 0 && length === previousLength && sameCharacters(body, start, previousStart, length)) {
      run += 1;
      if (run >= MIN_RUN) return true;
    } else {
      run = 1;
    }
    previousStart = start;
    previousLength = length;
    start = end + 1;
  }
  return false;
}

function sameCharacters(text: string, first: number, second: number, length: number): boolean {
  for (let offset = 0; offset < length; offset++) if (text.charCodeAt(first + offset) !== text.charCodeAt(second + offset)) return false;
  return true;
}
