import { isAsciiLetter, isDigit } from "./char-codes";

/**
 * Signs that something is failing: stack traces (in what the human pasted or a tool printed) and
 * tool results that report an error. Literal look-ups first; the few regexes start with a literal
 * so the engine skips ahead instead of trying every position.
 */
const TRACE_LITERALS = [
  "Traceback (most recent call last)",
  "WARNING: DATA RACE",
  "' panicked at",
  'Exception in thread "',
  "Minified React error #",
  "\ngoroutine ",
  "\npanic: ",
];
/** A JS/Java/C# frame ("    at fn (file.ts:12:5)"), a Python frame, a vitest pointer. */
const TRACE_LINE = /\n[ \t]+at [^\n]{1,300}:\d+|\n[ \t]+File "[^"\n]+", line \d+|❯ [\w./-]+:\d+:\d+/;

/**
 * Signs of an error. Words that are plain text are searched with `includes` (one fast pass each);
 * a regex with many alternatives tries each at every position (with the literals, about 30% of
 * the classifier's time on agent requests).
 */
const ERROR_LITERALS = [
  "<tool_use_error>",
  "AssertionError",
  "Traceback (most recent call last)",
  "DATA RACE",
  "Unhandled Rejection",
  "does not match anything in the file",
  "linter errors",
  "panic:",
  ": error:",
  "xception",
];
/**
 * Failure words that test and build summaries print beside a count: one is a sign unless its count
 * is zero ("0 failed", "0 tests failed", "failed=0", "0 FAILED": a green run's summary). "The tool
 * execution failed" and "command failed" need no entry of their own: "failed" finds them.
 */
const COUNTED_FAILURES = ["FAIL", "failed"];
/** The signs that are not plain text (Qwen Code's "Error: (none)" reports none; "KeyError: 0" is an error). */
const ERROR_WORDS = /error TS\d|error\[E\d|[Ee]xit ([Cc]ode|[Ss]tatus):? [1-9]|not found in (file|content)|Error: (?!\(none\))/;
/** Only the ends of a tool result are read: errors show in the first or last lines. */
const ERROR_EDGE = 800;

export function hasStackTrace(text: string): boolean {
  for (const literal of TRACE_LITERALS) if (text.includes(literal)) return true;
  return TRACE_LINE.test(text);
}

/**
 * Below this many characters a search costs about what a memo look-up does (hashing the key,
 * comparing it); above it, twelve searches and a regex over up to 1,601 characters cost about ten
 * times a look-up. An agent request reads up to 24 tool results, nearly all of them sent before.
 */
const MEMO_FROM = 256;
const MEMO_SIZE = 512;

/**
 * The memo's entries by a hash of a sample of the ends' characters (every SAMPLE_STEP-th of each end,
 * and the length), each holding its ends as one string of its own. A look-up reads the sample, then
 * compares the whole ends with the entry's (as the engine compares strings): the same answers as a
 * map keyed on the ends themselves, without building them (a 1,601-character string per long
 * result, flattened and hashed whole on every look-up: most of an agent request's task-text time).
 * Two ends with one sample hash share a slot: the later replaces the earlier.
 */
interface ToolErrorEntry {
  ends: string;
  answer: boolean;
}
const toolErrors = new Map<number, ToolErrorEntry>();
const SAMPLE_STEP = 16;

export function looksLikeToolError(result: string): boolean {
  const whole = result.length <= ERROR_EDGE * 2;
  const length = whole ? result.length : ERROR_EDGE * 2 + 1;
  if (length < MEMO_FROM) return searchToolError(result);
  const key = sampleHash(result, whole);
  const known = toolErrors.get(key);
  if (known !== undefined && sameEnds(known.ends, result, whole)) return known.answer;
  // A string of its own (never the result or a slice of it, which may keep a far larger request alive).
  const ends = whole ? `${result.slice(0, ERROR_EDGE)}${result.slice(ERROR_EDGE)}` : result.slice(0, ERROR_EDGE) + "\n" + result.slice(-ERROR_EDGE);
  const answer = searchToolError(ends);
  if (known === undefined && toolErrors.size >= MEMO_SIZE) toolErrors.delete(toolErrors.keys().next().value!);
  toolErrors.set(key, { ends, answer });
  return answer;
}

/** A hash of the length and every SAMPLE_STEP-th character of the ends (the whole result, or its first and last ERROR_EDGE). */
function sampleHash(result: string, whole: boolean): number {
  let hash = whole ? result.length : -1;
  if (whole) {
    for (let index = 0; index < result.length; index += SAMPLE_STEP) hash = (Math.imul(hash, 31) + result.charCodeAt(index)) | 0;
    return hash;
  }
  const tail = result.length - ERROR_EDGE;
  for (let index = 0; index < ERROR_EDGE; index += SAMPLE_STEP) hash = (Math.imul(hash, 31) + result.charCodeAt(index)) | 0;
  for (let index = 0; index < ERROR_EDGE; index += SAMPLE_STEP) hash = (Math.imul(hash, 31) + result.charCodeAt(tail + index)) | 0;
  return hash;
}

/** Whether `ends` is exactly the ends of `result` that looksLikeToolError reads. */
function sameEnds(ends: string, result: string, whole: boolean): boolean {
  if (whole) return ends === result;
  return ends.length === ERROR_EDGE * 2 + 1 && ends.charCodeAt(ERROR_EDGE) === 10 && ends.startsWith(result.slice(0, ERROR_EDGE)) && ends.endsWith(result.slice(-ERROR_EDGE));
}

/** The test itself, on the ends of a result (what looksLikeToolError cuts). */
function searchToolError(text: string): boolean {
  // Qwen Code reports every run with an "Error: (none)" line; a summary may start "Errors: 0".
  if ((text.startsWith("Error") && !countsNone(text, wordEnd(text, 0))) || text.startsWith("Exit code ")) return true;
  // The commonest signs first: an error result stops at the first found.
  for (const word of COUNTED_FAILURES) if (hasCountedFailure(text, word)) return true;
  for (const literal of ERROR_LITERALS) if (text.includes(literal)) return true;
  return ERROR_WORDS.test(text);
}

/** Whether some occurrence of `word` in the text is not a zero count (indexOf: as fast as `includes` when there is none). */
function hasCountedFailure(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + word.length)) {
    if (!countedZero(text, at)) return true;
  }
  return false;
}

/** Whether the word at `at` (FAILED, failed…) has a zero count: before it ("0 failed", "0 tests failed") or after it ("failed=0", "FAILED: 0"). */
function countedZero(text: string, at: number): boolean {
  let start = at;
  while (start > 0 && isAsciiLetter(text.charCodeAt(start - 1))) start--;
  return zeroBefore(text, start) || countsNone(text, wordEnd(text, at));
}

/** A zero count ending before `start`, with at most one word between ("0 failed", "0 tests failed"). */
function zeroBefore(text: string, start: number): boolean {
  let index = skipSpacesBack(text, start);
  if (isAsciiLetter(text.charCodeAt(index - 1))) {
    while (index > 0 && isAsciiLetter(text.charCodeAt(index - 1))) index--;
    index = skipSpacesBack(text, index);
  }
  // A "0" of its own ("passed; 0 failed", "| 0 failed"), not the end of "10", "2.0" or another count's "unreachable=0".
  return text.charCodeAt(index - 1) === 48 && (index === 1 || STANDS_ALONE_AFTER.includes(text[index - 2]!));
}
const STANDS_ALONE_AFTER = " \t\n\r,;|([";

/** After a word (ending at `end`): an optional ":" or "=" and a count of none ("=0", ": 0", ": (none)"). */
function countsNone(text: string, end: number): boolean {
  let index = skipSpaces(text, end);
  const separator = text.charCodeAt(index);
  if (separator === 58 || separator === 61) index = skipSpaces(text, index + 1);
  if (text.startsWith("(none)", index)) return true;
  // "0", not "0.21s", "0x1f" or "05".
  const after = text.charCodeAt(index + 1);
  return text.charCodeAt(index) === 48 && !isDigit(after) && after !== 46 && !isAsciiLetter(after);
}

function wordEnd(text: string, at: number): number {
  let end = at;
  while (isAsciiLetter(text.charCodeAt(end))) end++;
  return end;
}

/** Spaces and tabs only: a count is on its word's line. */
function skipSpaces(text: string, index: number): number {
  while (text.charCodeAt(index) === 32 || text.charCodeAt(index) === 9) index++;
  return index;
}

function skipSpacesBack(text: string, index: number): number {
  while (index > 0 && (text.charCodeAt(index - 1) === 32 || text.charCodeAt(index - 1) === 9)) index--;
  return index;
}

/** The human says the previous attempt did not work. */
const RETRY_PHRASES = /\bstill (failing|fails|broken|doesn'?t work|not working|the same|wrong|hangs?)\b|same error|didn'?t (work|help|fix)|doesn'?t work|not fixed|try again|neither helped|already tried/i;

export function saysRetry(text: string): boolean {
  return RETRY_PHRASES.test(text.length > 4_000 ? text.slice(0, 2_000) + text.slice(-2_000) : text);
}

/** Output of a run that went green: tests passed, a build succeeded. */
const GREEN = /\b\d+ (tests? )?passed\b|\ball tests passed|\btests? passed|\b0 (failed|failures)\b|\btest result: ok\b|✓|\bBUILD SUCCESSFUL\b|^OK( \(\d+ tests?\))?$|^ok\s+\S+\s+[\d.]+s$|\bPASS(ED)?\b|\bsucceeded\b|\bno (errors|issues|problems) found\b/m;

export function looksGreen(result: string): boolean {
  const text = result.length <= ERROR_EDGE * 2 ? result : result.slice(0, ERROR_EDGE) + "\n" + result.slice(-ERROR_EDGE);
  return GREEN.test(text) && !looksLikeToolError(result);
}
