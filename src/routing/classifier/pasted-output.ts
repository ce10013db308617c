import { isJsWhitespace } from "./js-whitespace";
import { isAsciiLetter } from "./char-codes";

/**
 * Machine output pasted into a human's turn without a fence: log lines, build and install output,
 * diffs, command tables, stack frames. It is read, not written by the person, so it is neither the
 * task's words (a "deprecated" in an npm log names no security work) nor its length: "which test
 * failed?" over 20 KB of Maven output is a look-up. Runs of OUTPUT_RUN or more such lines count;
 * blank lines inside a run do not break it.
 */
const OUTPUT_RUN = 3;
/**
 * The known line starts, tried at a line's start inside the whole text (sticky, `lastIndex`)
 * instead of on a copy of the line. No match may run past the line's end, as on a copy: `\s` is
 * `[^\S\n]`, `[^"]` is `[^"\n]` and `[\].,\s]` is `(?:[\].,]|[^\S\n])`; otherwise the pattern is
 * the one anchored with `^` that was tried on each line
 * (tests/routing/classifier-pasted-output.test.ts compares it with the untuned split).
 */
export const LINE_START =
  /(\[?\d{4}-\d\d-\d\d[T ]\d|\[?\d\d:\d\d(:\d\d)?(?:[\].,]|[^\S\n])|\d{1,3}(\.\d{1,3}){3}[^\S\n]|\[?(INFO|DEBUG|WARN|WARNING|ERROR|TRACE|FATAL|NOTICE)\b|npm (warn|WARN|ERR!)|(diff --git|index [0-9a-f]{6,}\.\.|@@ -\d|\+\+\+ b\/|--- a\/)|[^\S\n]+at \S|[^\S\n]*File "[^"\n]+", line \d+|#\d+ \d+\.\d+ |Step \d+\/\d+ :|\d+[^\S\n]*(passed|failed|ok)\b|\d+ packages? |(added|removed|changed|audited|found|up to date|Compiling|Downloading|Collecting|Installing|Successfully) |[^\S\n]*run `)/y;

/** Line bounds and marks, reused between calls (the split runs to completion, one at a time). */
let starts = new Int32Array(256);
let marks = new Uint8Array(256);

/** A shorter text is all prose: splitPastedOutput does not read it line by line. */
export const LINE_SPLIT_FROM = 200;

export function splitPastedOutput(text: string): { prose: string; outputChars: number } {
  if (text.length < LINE_SPLIT_FROM) return { prose: text, outputChars: 0 };
  return splitPastedLines(text);
}

/**
 * Whether any line of the text is output (what splitPastedOutput marks, a diff's start included:
 * a line inside a diff is only ever one after such a start). A text with none, followed by a line
 * break, a blank line and more text, leaves that text's lines to be marked and split as they
 * would be alone (features.ts relies on it).
 */
export function hasOutputLine(text: string): boolean {
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    if (startsDiff(text, start) || looksLikeOutput(text, start, end)) return true;
    start = end + 1;
  }
  return false;
}

/** splitPastedOutput without its short cut for short texts: every text is split line by line. */
export function splitPastedLines(text: string): { prose: string; outputChars: number } {
  // Line `index` is text[starts[index], starts[index + 1] - 1): the lines of text.split("\n"), not copied.
  let lines = 0;
  for (let start = 0; ; ) {
    if (lines + 2 > starts.length) grow(lines + 2);
    starts[lines++] = start;
    const end = text.indexOf("\n", start);
    if (end === -1) break;
    start = end + 1;
  }
  starts[lines] = text.length + 1;
  const isOutput = marks;
  let anyOutput = false;
  // Inside a diff, context and change lines are output too.
  let inDiff = false;
  for (let index = 0; index < lines; index++) {
    const start = starts[index]!;
    const end = starts[index + 1]! - 1;
    if (startsDiff(text, start)) inDiff = true;
    else if (inDiff && !isDiffLine(text, start, end)) inDiff = false;
    const output = inDiff || looksLikeOutput(text, start, end);
    isOutput[index] = output ? 1 : 0;
    if (output) anyOutput = true;
  }
  // No output line: every line is prose, each followed by a line break.
  if (!anyOutput) return { prose: `${text}\n`, outputChars: 0 };
  let prose = "";
  let outputChars = 0;
  for (let start = 0; start < lines; ) {
    let end = start;
    let count = 0;
    while (end < lines && (isOutput[end] === 1 || (count > 0 && isBlank(text, starts[end]!, starts[end + 1]! - 1)))) {
      if (isOutput[end] === 1) count++;
      end++;
    }
    if (count >= OUTPUT_RUN) {
      // Each line and its line break.
      outputChars += starts[end]! - starts[start]!;
    } else {
      const stop = Math.min(Math.max(end, start + 1), lines);
      // The lines and their breaks (the last line's break is added: the text has none after it).
      prose += stop === lines ? `${text.slice(starts[start]!)}\n` : text.slice(starts[start]!, starts[stop]!);
    }
    start = Math.max(end, start + 1);
  }
  return { prose, outputChars };
}

function grow(size: number): void {
  const length = Math.max(size, starts.length * 2);
  // The starts found so far are kept; the marks are written after the last growth.
  const grown = new Int32Array(length);
  grown.set(starts);
  starts = grown;
  marks = new Uint8Array(length);
}

/** What /^([+\- @\\]|index |diff |$)/ finds on the line text[start, end). */
function isDiffLine(text: string, start: number, end: number): boolean {
  if (start === end) return true;
  const code = text.charCodeAt(start);
  // + - space @ \
  if (code === 43 || code === 45 || code === 32 || code === 64 || code === 92) return true;
  return text.startsWith("index ", start) || text.startsWith("diff ", start);
}

/** What `line.trim() === ""` says of the line text[start, end). */
function isBlank(text: string, start: number, end: number): boolean {
  for (let index = start; index < end; index++) if (!isJsWhitespace(text.charCodeAt(index))) return false;
  return true;
}

/** What /^(diff --git|@@ -\d)/ finds at the line starting at `start`. */
function startsDiff(text: string, start: number): boolean {
  const first = text.charCodeAt(start);
  // Neither "d" nor "@": most lines, one comparison.
  if (first !== 100 && first !== 64) return false;
  if (text.startsWith("diff --git", start)) return true;
  if (!text.startsWith("@@ -", start)) return false;
  const code = text.charCodeAt(start + 4);
  return code >= 48 && code <= 57;
}

/**
 * A log, build or table line (text[start, end)): a known line start, or mostly digits and
 * punctuation, or columns (hasColumns, counted in the same loop as the letters).
 */
function looksLikeOutput(text: string, start: number, end: number): boolean {
  if (end - start < 8) return false;
  if (mayStartOutput(text, start)) {
    LINE_START.lastIndex = start;
    if (LINE_START.test(text)) return true;
  }
  let letters = 0;
  let visible = 0;
  let separators = 0;
  // The character after the line is "\n" or none: never a space, as past the end of a copy of the line.
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code === 9) {
      separators++;
      continue;
    }
    if (code === 32) {
      if (text.charCodeAt(index + 1) === 32) {
        separators++;
        while (text.charCodeAt(index + 1) === 32) index++;
      }
      continue;
    }
    visible++;
    if (isAsciiLetter(code)) letters++;
  }
  if (visible >= 16 && letters / visible < 0.5) return true;
  // Command tables (kubectl, docker ps): several columns separated by runs of spaces.
  return separators >= 3;
}

/**
 * Whether LINE_START can match at `start`, from the character each of its alternatives must start
 * with (the expression is case-sensitive): "[" or a digit (dates, times, addresses, counts, "[INFO"),
 * an upper-case letter that starts a level or a word it knows (INFO DEBUG WARN ERROR TRACE FATAL
 * NOTICE, File, Step, Compiling…), one of "#@+-", white space other than a line break, or a lower-case
 * word it knows, checked whole. A line that fails this cannot match: the expression is not run on
 * it (most prose lines; run on each, it was most of the split's time on a small request).
 */
export function mayStartOutput(text: string, start: number): boolean {
  const code = text.charCodeAt(start);
  if (code >= 48 && code <= 57) return true;
  switch (code) {
    case 91: // [
    case 35: // #
    case 64: // @
    case 43: // +
    case 45: // -
    case 67: // C: Compiling, Collecting
    case 68: // D: DEBUG, Downloading
    case 69: // E: ERROR
    case 70: // F: FATAL, File
    case 73: // I: INFO, Installing
    case 78: // N: NOTICE
    case 83: // S: Step, Successfully
    case 84: // T: TRACE
    case 87: // W: WARN, WARNING
      return true;
    case 97: // a
      return text.startsWith("added ", start) || text.startsWith("audited ", start);
    case 99: // c
      return text.startsWith("changed ", start);
    case 100: // d
      return text.startsWith("diff --git", start);
    case 102: // f
      return text.startsWith("found ", start);
    case 105: // i
      return text.startsWith("index ", start);
    case 110: // n
      return text.startsWith("npm ", start);
    case 114: // r
      return text.startsWith("removed ", start) || text.startsWith("run `", start);
    case 117: // u
      return text.startsWith("up to date ", start);
    default:
      // [^\S\n]: white space other than a line break (a line of 8 characters or more never starts with one).
      return code !== 10 && isJsWhitespace(code);
  }
}

/**
 * Whether the line has at least 4 columns: 3 separators, each a tab or a run of 2+ spaces (what
 * `line.split(/ {2,}|\t/).length >= 4` says, counted without building the array).
 */
export function hasColumns(line: string): boolean {
  let separators = 0;
  for (let index = 0; index < line.length; index++) {
    const code = line.charCodeAt(index);
    if (code === 9) separators++;
    else if (code === 32 && line.charCodeAt(index + 1) === 32) {
      separators++;
      while (line.charCodeAt(index + 1) === 32) index++;
    } else continue;
    if (separators >= 3) return true;
  }
  return false;
}
