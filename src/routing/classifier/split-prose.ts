/** The text outside fenced code blocks, and how much code the fences held. */
export function splitProse(text: string): { prose: string; codeChars: number } {
  let prose = "";
  let codeChars = 0;
  let cursor = 0;
  for (let open = fenceAt(text, 0); open !== -1; open = fenceAt(text, cursor)) {
    const close = fenceAt(text, open + 3);
    prose += text.slice(cursor, open);
    const end = close === -1 ? text.length : close + 3;
    codeChars += end - open;
    cursor = end;
    if (close === -1) break;
  }
  if (cursor < text.length) prose += text.slice(cursor);
  return { prose, codeChars };
}

/** The next ``` that starts a line (or the text). */
function fenceAt(text: string, from: number): number {
  for (let index = text.indexOf("```", from); index !== -1; index = text.indexOf("```", index + 3)) {
    if (index === 0 || text[index - 1] === "\n" || text[index - 1] === " ") return index;
  }
  return -1;
}
