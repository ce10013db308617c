/**
 * Cheap questions about a text, answered with `indexOf` instead of regular expressions: most
 * texts need no work at all, and saying so must cost close to nothing. A one-character search
 * runs at memory speed (about 4 µs for 200 KB here), a longer one about five times slower, a
 * regular expression or a loop over characters fifty times slower; so rare single characters are
 * looked for first, and longer patterns only when their first character occurs.
 */

export interface TextFlags {
  /** ESC, backspace, bell, or a carriage return that does not start a CRLF. */
  controls: boolean;
  crlf: boolean;
  /** Spaces or tabs before a line ending or at the very end. */
  trailing: boolean;
  /** Three or more blank lines in a row may exist. */
  blankRun: boolean;
}

let lastText: string | undefined;
let lastFlags: TextFlags | undefined;

/** The flags of a text; the last answer is kept, because a text and its only body are the same string. */
export function scanText(text: string): TextFlags {
  if (text === lastText && lastFlags) return lastFlags;
  const hasCarriageReturn = text.indexOf("\r") !== -1;
  const hasTab = text.indexOf("\t") !== -1;
  const last = text.charCodeAt(text.length - 1);
  const trailing =
    last === 32 ||
    last === 9 ||
    text.indexOf(" \n") !== -1 ||
    (hasTab && text.indexOf("\t\n") !== -1) ||
    (hasCarriageReturn && (text.indexOf(" \r\n") !== -1 || (hasTab && text.indexOf("\t\r\n") !== -1)));
  const flags = {
    controls: text.indexOf("\x1b") !== -1 || text.indexOf("\x08") !== -1 || text.indexOf("\x07") !== -1 || (hasCarriageReturn && hasLoneCarriageReturn(text)),
    crlf: hasCarriageReturn && text.indexOf("\r\n") !== -1,
    trailing,
    // Whitespace-only blank lines always count as trailing whitespace, so they are covered by `trailing`.
    blankRun: trailing || text.indexOf("\n\n\n\n") !== -1 || text.startsWith("\n\n\n") || (hasCarriageReturn && text.indexOf("\r\n\r\n\r\n\r\n") !== -1),
  };
  lastText = text;
  lastFlags = flags;
  return flags;
}

/** A carriage return that does not start a CRLF line ending. */
export function hasLoneCarriageReturn(text: string): boolean {
  let position = text.indexOf("\r");
  while (position !== -1) {
    if (text.charCodeAt(position + 1) !== 10) return true;
    position = text.indexOf("\r", position + 2);
  }
  return false;
}

export const hasTerminalControls = (text: string) => scanText(text).controls;
export const hasTrailingWhitespace = (text: string) => scanText(text).trailing;
export const mayHaveBlankRun = (text: string) => scanText(text).blankRun;

/** Whether any of the line steps could change the text. */
export function mayNeedLineSteps(text: string): boolean {
  const flags = scanText(text);
  return flags.controls || flags.crlf || flags.blankRun;
}

/** Whether a line (without its newline) is empty or only spaces, tabs and a final CR. */
export function isBlankLine(line: string): boolean {
  for (let index = 0; index < line.length; index++) {
    const code = line.charCodeAt(index);
    if (code === 32 || code === 9) continue;
    return code === 13 && index === line.length - 1;
  }
  return true;
}

/** Whether the text, trimmed, is `{…}` or `[…]`: a JSON payload, left alone whole. */
export function looksLikeJson(text: string): boolean {
  let start = 0;
  while (start < text.length && text.charCodeAt(start) <= 32) start += 1;
  let end = text.length - 1;
  while (end > start && text.charCodeAt(end) <= 32) end -= 1;
  const first = text.charCodeAt(start);
  const last = text.charCodeAt(end);
  return (first === 123 && last === 125) || (first === 91 && last === 93);
}
