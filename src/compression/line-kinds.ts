import { isBlankLine } from "./text-scan";

/**
 * The lines of a normalisable text body, classified. Indented lines may be code (markdown
 * indented blocks, snippets in logs), so their bytes are kept; so are blank lines between two
 * indented lines, which belong to that code.
 */
export type LineKind = "flush" | "indented" | "blank" | "blank-in-code";

/**
 * Whether the line just outside a body may be code: a body that borders a verbatim segment (a
 * fence, an element) cannot see that line, so a blank run at that edge next to an indented line
 * is treated as inside code.
 */
export interface BodyEdges {
  codeBefore: boolean;
  codeAfter: boolean;
}

export const NO_EDGES: BodyEdges = { codeBefore: false, codeAfter: false };

/**
 * A body split once for all line steps: `lines` is `body.split("\n")`, so when the body ends
 * with a newline the last element is "" and is not a line; `kinds` has one entry per real line.
 */
export interface Lines {
  lines: string[];
  kinds: LineKind[];
}

export function toLines(body: string, edges: BodyEdges = NO_EDGES): Lines {
  const lines = body.split("\n");
  return { lines, kinds: classifyLines(lines, edges) };
}

export const fromLines = ({ lines }: Lines) => lines.join("\n");

/** `lines.length` without the empty string after a final newline. */
export function lineCount(lines: string[]): number {
  return lines[lines.length - 1] === "" ? lines.length - 1 : lines.length;
}

export function classifyLines(lines: string[], edges: BodyEdges = NO_EDGES): LineKind[] {
  const count = lineCount(lines);
  const kinds: LineKind[] = new Array(count);
  for (let index = 0; index < count; index++) {
    const line = lines[index]!;
    const first = line.charCodeAt(0);
    if (first !== 32 && first !== 9 && first !== 13 && line.length > 0) kinds[index] = "flush";
    else kinds[index] = isBlankLine(line) ? "blank" : "indented";
  }
  let index = 0;
  while (index < count) {
    if (kinds[index] !== "blank") {
      index += 1;
      continue;
    }
    let end = index;
    while (end < count && kinds[end] === "blank") end += 1;
    const before = index > 0 ? kinds[index - 1] === "indented" : edges.codeBefore;
    const after = end < count ? kinds[end] === "indented" : edges.codeAfter;
    if (before && after) for (let inner = index; inner < end; inner++) kinds[inner] = "blank-in-code";
    index = end;
  }
  return kinds;
}
