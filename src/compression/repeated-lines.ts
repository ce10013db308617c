import { type BodyEdges, NO_EDGES, classifyLines, lineCount } from "./line-kinds";

/**
 * Runs of identical lines in tool output (progress ticks, polling loops, the same warning a
 * thousand times) become the line once plus an exact count. Only flush-left lines: a run of
 * identical indented lines may be code. Lossless: the count says exactly what was there.
 */

const MIN_RUN = 4;
const MARKER = /^\[… previous line repeated ([\d,]+) more times …\]$/;

export function repeatMarker(repeats: number): string {
  return `[… previous line repeated ${repeats.toLocaleString("en-US")} more times …]`;
}

/** The number of repeats a marker line stands for, or undefined when the line is not a marker. */
export function parseRepeatMarker(line: string): number | undefined {
  const match = MARKER.exec(line);
  return match ? Number(match[1]!.replaceAll(",", "")) : undefined;
}

export function collapseRepeatedLines(body: string, edges: BodyEdges = NO_EDGES): string {
  if (!hasRepeatedLines(body)) return body;
  const lines = body.split("\n");
  const kinds = classifyLines(lines, edges);
  const count = lineCount(lines);
  const kept: string[] = [];
  let index = 0;
  while (index < count) {
    const line = lines[index]!;
    let end = index + 1;
    if (kinds[index] === "flush") while (end < count && lines[end] === line) end += 1;
    const marker = repeatMarker(end - index - 1);
    const worthIt = end - index >= MIN_RUN && (end - index - 1) * (line.length + 1) > marker.length;
    if (worthIt) kept.push(line, marker);
    else for (let inner = index; inner < end; inner++) kept.push(lines[inner]!);
    index = end;
  }
  if (count < lines.length) kept.push("");
  return kept.join("\n");
}

/** A quick scan for MIN_RUN identical consecutive non-empty lines, before any allocation. */
export function hasRepeatedLines(body: string): boolean {
  let start = 0;
  let previousStart = -1;
  let previousLength = -1;
  let run = 1;
  while (start < body.length) {
    let end = body.indexOf("\n", start);
    if (end === -1) end = body.length;
    const length = end - start;
    if (length > 0 && length === previousLength && body.startsWith(body.slice(start, end), previousStart)) {
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
