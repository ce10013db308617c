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
 * the classifier's time on agent requests). "The tool execution failed" and "command failed" need no
 * entry of their own: "failed" finds them.
 */
const ERROR_LITERALS = [
  "<tool_use_error>",
  "AssertionError",
  "Traceback (most recent call last)",
  "DATA RACE",
  "Unhandled Rejection",
  "does not match anything in the file",
  "linter errors",
  "FAIL",
  "failed",
  "panic:",
  ": error:",
  "xception",
];
/** The signs that are not plain text. */
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
  // Qwen Code reports every run with an "Error: (none)" line.
  if ((text.startsWith("Error") && !text.startsWith("Error: (none)")) || text.startsWith("Exit code ")) return true;
  for (const literal of ERROR_LITERALS) if (text.includes(literal)) return true;
  return ERROR_WORDS.test(text);
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
