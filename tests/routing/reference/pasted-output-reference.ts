/**
 * splitPastedOutput as it was before its lines were read in one pass (a map over the lines, then a
 * regex per line for diffs, then the prose built line by line even when nothing was output; the
 * letters count and the command-table test in two loops), kept only so that
 * tests/routing/classifier-pasted-output.test.ts can prove the tuned one gives the same results.
 */
const OUTPUT_RUN = 3;
const LINE_START =
  /^(\[?\d{4}-\d\d-\d\d[T ]\d|\[?\d\d:\d\d(:\d\d)?[\].,\s]|\d{1,3}(\.\d{1,3}){3}\s|\[?(INFO|DEBUG|WARN|WARNING|ERROR|TRACE|FATAL|NOTICE)\b|npm (warn|WARN|ERR!)|(diff --git|index [0-9a-f]{6,}\.\.|@@ -\d|\+\+\+ b\/|--- a\/)|\s+at \S|\s*File "[^"]+", line \d+|#\d+ \d+\.\d+ |Step \d+\/\d+ :|\d+\s*(passed|failed|ok)\b|\d+ packages? |(added|removed|changed|audited|found|up to date|Compiling|Downloading|Collecting|Installing|Successfully) |\s*run `)/;
const DIFF_LINE = /^([+\- @\\]|index |diff |$)/;

export function referenceSplitPastedOutput(text: string): { prose: string; outputChars: number } {
  if (text.length < 200) return { prose: text, outputChars: 0 };
  const lines = text.split("\n");
  const isOutput = lines.map(looksLikeOutput);
  // Inside a diff, context and change lines are output too.
  let inDiff = false;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (/^(diff --git|@@ -\d)/.test(line)) inDiff = true;
    else if (inDiff && !DIFF_LINE.test(line)) inDiff = false;
    if (inDiff) isOutput[index] = true;
  }
  let prose = "";
  let outputChars = 0;
  for (let start = 0; start < lines.length; ) {
    let end = start;
    let count = 0;
    while (end < lines.length && (isOutput[end] || (count > 0 && lines[end]!.trim() === ""))) {
      if (isOutput[end]) count++;
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

/** A log, build or table line: a known line start, or mostly digits and punctuation in columns. */
function looksLikeOutput(line: string): boolean {
  if (line.length < 8) return false;
  if (LINE_START.test(line)) return true;
  let letters = 0;
  let visible = 0;
  for (let index = 0; index < line.length; index++) {
    const code = line.charCodeAt(index);
    if (code === 32 || code === 9) continue;
    visible++;
    if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) letters++;
  }
  if (visible >= 16 && letters / visible < 0.5) return true;
  // Command tables (kubectl, docker ps): several columns separated by runs of spaces.
  return hasColumns(line);
}

/**
 * Whether the line has at least 4 columns: 3 separators, each a tab or a run of 2+ spaces (what
 * `line.split(/ {2,}|\t/).length >= 4` says, counted without building the array).
 */
function hasColumns(line: string): boolean {
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
