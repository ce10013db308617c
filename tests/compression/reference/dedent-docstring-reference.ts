/** dedentDocstring as it was before its last-line check (src/compression/tool-schemas.ts): what the tuned one must return. */
export function referenceDedentDocstring(text: string): string {
  if (text.includes("```") || text.includes("~~~")) return text;
  const lines = text.split("\n");
  if (lines.length < 3 || !/^[ \t]+$/.test(lines[lines.length - 1]!)) return text;
  const indents = lines.slice(1, -1).filter((line) => line.trim() !== "").map((line) => /^[ \t]*/.exec(line)![0]);
  if (indents.length === 0) return text;
  const shortest = indents.reduce((best, indent) => (indent.length < best.length ? indent : best));
  if (shortest === "" || !indents.every((indent) => indent.startsWith(shortest)) || new Set(shortest).size > 1) return text;
  const body = lines.slice(1, -1).map((line) => (line.startsWith(shortest) ? line.slice(shortest.length) : line.trim() === "" ? "" : line));
  return [lines[0]!.trimStart(), ...body].join("\n").trimEnd();
}
