/**
 * The lines of a normalisable text body, classified. Indented lines may be code (markdown
 * indented blocks, snippets in logs), so their bytes are kept; so are blank lines between two
 * indented lines, which belong to that code.
 */
export type LineKind = "flush" | "indented" | "blank" | "blank-in-code";

const BLANK = /^[ \t]*\r?$/;

/** `body.split("\n")`; when the body ends with a newline the last element is "" and is not a line. */
export function lineCount(lines: string[]): number {
  return lines[lines.length - 1] === "" ? lines.length - 1 : lines.length;
}

export function classifyLines(lines: string[]): LineKind[] {
  const count = lineCount(lines);
  const kinds: LineKind[] = new Array(count);
  for (let index = 0; index < count; index++) {
    const line = lines[index]!;
    const first = line.charCodeAt(0);
    if (BLANK.test(line)) kinds[index] = "blank";
    else kinds[index] = first === 32 || first === 9 ? "indented" : "flush";
  }
  let index = 0;
  while (index < count) {
    if (kinds[index] !== "blank") {
      index += 1;
      continue;
    }
    let end = index;
    while (end < count && kinds[end] === "blank") end += 1;
    if (index > 0 && end < count && kinds[index - 1] === "indented" && kinds[end] === "indented") {
      for (let inner = index; inner < end; inner++) kinds[inner] = "blank-in-code";
    }
    index = end;
  }
  return kinds;
}
