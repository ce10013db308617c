/**
 * How deeply a JSON text nests arrays and objects, measured on the text before it is parsed: a
 * body nested 100,000 levels deep parses, but everything that later walks it recursively
 * (JSON.stringify for the upstream, schema translation) overflows the stack. One pass, no
 * recursion; strings are skipped with indexOf, so it costs a fraction of JSON.parse.
 */

/** Where the text first goes deeper than `maxDepth` (its index), or -1. Malformed text is left to JSON.parse. */
export function firstTooDeep(text: string, maxDepth: number): number {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      index = stringEnd(text, index);
      if (index < 0) return -1;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > maxDepth) return index;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
  return -1;
}

/**
 * The path to the value that opens at `at` ("tools[0].function.parameters.a[0]"), read from the
 * text up to there; at most `maxSegments` segments, then "…". Only called on a body that failed.
 */
export function pathAt(text: string, at: number, maxSegments = 8): string {
  const stack: Array<{ array: boolean; key: string | number; expectingKey: boolean }> = [];
  for (let index = 0; index < at; index++) {
    const code = text.charCodeAt(index);
    const top = stack.at(-1);
    if (code === QUOTE) {
      const end = stringEnd(text, index);
      if (end < 0) break;
      if (top && !top.array && top.expectingKey) top.key = readKey(text.slice(index, Math.min(end + 1, index + 200)));
      index = end;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      stack.push({ array: code === OPEN_BRACKET, key: code === OPEN_BRACKET ? 0 : "", expectingKey: code === OPEN_BRACE });
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      stack.pop();
    } else if (code === COLON && top && !top.array) {
      top.expectingKey = false;
    } else if (code === COMMA && top) {
      if (top.array) top.key = (top.key as number) + 1;
      else top.expectingKey = true;
    }
  }
  const segments = stack.map(({ array, key }) => (array ? `[${key}]` : `.${String(key)}`));
  const shown = segments.slice(0, maxSegments).join("").replace(/^\./, "");
  return segments.length > maxSegments ? `${shown}…` : shown;
}

/** JSON's structural characters, as char codes (body-layout.ts scans with them too). */
export const QUOTE = 34;
const BACKSLASH = 92;
export const COMMA = 44;
export const COLON = 58;
export const OPEN_BRACKET = 91;
export const CLOSE_BRACKET = 93;
export const OPEN_BRACE = 123;
export const CLOSE_BRACE = 125;

/** The index of the quote closing the string that opens at `start`, or -1 if it never closes. */
export function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const end = text.indexOf('"', from);
    if (end < 0) return -1;
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end;
    from = end + 1;
  }
}

function readKey(quoted: string): string {
  try {
    return String(JSON.parse(quoted)).slice(0, 64);
  } catch {
    return quoted.slice(1, 65);
  }
}
