/**
 * Machine output pasted into a human's turn without a fence: log lines, build and install output,
 * diffs, command tables, stack frames. It is read, not written by the person, so it is neither the
 * task's words (a "deprecated" in an npm log names no security work) nor its length: "which test
 * failed?" over 20 KB of Maven output is a look-up. Runs of OUTPUT_RUN or more such lines count;
 * blank lines inside a run do not break it.
 */
const OUTPUT_RUN = 3;
const LINE_START =
  /^(\[?\d{4}-\d\d-\d\d[T ]\d|\[?\d\d:\d\d(:\d\d)?[\].,\s]|\d{1,3}(\.\d{1,3}){3}\s|\[?(INFO|DEBUG|WARN|WARNING|ERROR|TRACE|FATAL|NOTICE)\b|npm (warn|WARN|ERR!)|(diff --git|index [0-9a-f]{6,}\.\.|@@ -\d|\+\+\+ b\/|--- a\/)|\s+at \S|\s*File "[^"]+", line \d+|#\d+ \d+\.\d+ |Step \d+\/\d+ :|\d+\s*(passed|failed|ok)\b|\d+ packages? |(added|removed|changed|audited|found|up to date|Compiling|Downloading|Collecting|Installing|Successfully) |\s*run `)/;
const DIFF_LINE = /^([+\- @\\]|index |diff |$)/;

export function splitPastedOutput(text: string): { prose: string; outputChars: number } {
  if (text.length < 200) return { prose: text, outputChars: 0 };
  const lines = text.split("\n");
  const isOutput = new Uint8Array(lines.length);
  let anyOutput = false;
  // Inside a diff, context and change lines are output too.
  let inDiff = false;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (startsDiff(line)) inDiff = true;
    else if (inDiff && !DIFF_LINE.test(line)) inDiff = false;
    if (inDiff || looksLikeOutput(line)) {
      isOutput[index] = 1;
      anyOutput = true;
    }
  }
  // No output line: every line is prose, each followed by a line break.
  if (!anyOutput) return { prose: `${text}\n`, outputChars: 0 };
  let prose = "";
  let outputChars = 0;
  for (let start = 0; start < lines.length; ) {
    let end = start;
    let count = 0;
    while (end < lines.length && (isOutput[end] === 1 || (count > 0 && lines[end]!.trim() === ""))) {
      if (isOutput[end] === 1) count++;
      end++;
    }
    if (count >= OUTPUT_RUN) {
      for (let index = start; index < end; index++) outputChars += lines[index]!.length + 1;
    } else {
      for (let index = start; index < Math.max(end, start + 1) && index < lines.length; index++) prose += `${lines[index]}\n`;
    }
    start = Math.max(end, start + 1);
  }
  return { prose, outputChars };
}

/** What /^(diff --git|@@ -\d)/ finds. */
function startsDiff(line: string): boolean {
  if (line.startsWith("diff --git")) return true;
  if (!line.startsWith("@@ -")) return false;
  const code = line.charCodeAt(4);
  return code >= 48 && code <= 57;
}

/**
 * A log, build or table line: a known line start, or mostly digits and punctuation, or columns
 * (hasColumns, counted in the same loop as the letters).
 */
function looksLikeOutput(line: string): boolean {
  if (line.length < 8) return false;
  if (LINE_START.test(line)) return true;
  let letters = 0;
  let visible = 0;
  let separators = 0;
  for (let index = 0; index < line.length; index++) {
    const code = line.charCodeAt(index);
    if (code === 9) {
      separators++;
      continue;
    }
    if (code === 32) {
      if (line.charCodeAt(index + 1) === 32) {
        separators++;
        while (line.charCodeAt(index + 1) === 32) index++;
      }
      continue;
    }
    visible++;
    if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) letters++;
  }
  if (visible >= 16 && letters / visible < 0.5) return true;
  // Command tables (kubectl, docker ps): several columns separated by runs of spaces.
  return separators >= 3;
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
