/**
 * The tool-error test and Cline's human-words lookup as they were before tuning (a regex and ten
 * literals, failure words' zero counts read with regexes; a sliced head searched with tags built per call), kept only so that
 * tests/routing/classifier-scanners.test.ts can prove the tuned ones give the same answers.
 */
const ERROR_LITERALS = [
  "<tool_use_error>",
  "The tool execution failed",
  "AssertionError",
  "Traceback (most recent call last)",
  "DATA RACE",
  "Unhandled Rejection",
  "does not match anything in the file",
  "linter errors",
  "command failed",
  "Command failed",
];
const ERROR_WORDS = /panic:|error TS\d|error\[E\d|: error:|xception|[Ee]xit ([Cc]ode|[Ss]tatus):? [1-9]|not found in (file|content)|Error: (?!\(none\))/;
const ERROR_EDGE = 800;
/** A failure word's count of none: before it ("0 failed", "0 tests failed") or after it ("failed=0", "Errors: 0", "Error: (none)"). */
const ZERO_BEFORE = /(^|[ \t\n\r,;|(\[])0[ \t]*([A-Za-z]+[ \t]*)?$/;
const NONE_AFTER = /^[ \t]*([:=][ \t]*)?(\(none\)|0(?![0-9.A-Za-z]))/;

export function referenceLooksLikeToolError(result: string): boolean {
  const text = result.length <= ERROR_EDGE * 2 ? result : result.slice(0, ERROR_EDGE) + "\n" + result.slice(-ERROR_EDGE);
  if ((text.startsWith("Error") && !NONE_AFTER.test(text.replace(/^[A-Za-z]*/, ""))) || text.startsWith("Exit code ")) return true;
  for (const literal of ERROR_LITERALS) if (text.includes(literal)) return true;
  for (const match of text.matchAll(/FAIL|failed/g)) {
    const before = text.slice(0, match.index).replace(/[A-Za-z]*$/, "");
    const after = text.slice(match.index).replace(/^[A-Za-z]*/, "");
    if (!ZERO_BEFORE.test(before) && !NONE_AFTER.test(after)) return true;
  }
  return ERROR_WORDS.test(text);
}

const HUMAN_TAGS = ["feedback", "answer", "user_message"];
export function referenceHumanWordsIn(result: string): string | undefined {
  const head = result.slice(0, 600);
  for (const tag of HUMAN_TAGS) {
    const open = head.indexOf(`<${tag}>`);
    if (open === -1) continue;
    const close = result.indexOf(`</${tag}>`, open);
    return result.slice(open + tag.length + 2, close === -1 ? undefined : close);
  }
  return undefined;
}

const PATH_KEYS = ['"file_path":"', '"filePath":"', '"path":"', '"target_file":"', '"relative_workspace_path":"', '"notebook_path":"'];

/** addArgumentPaths (extract-task-text.ts) as it was before its keys were found in one pass: a search per key. */
export function referenceAddArgumentPaths(argumentsJson: string, paths: string[]): void {
  for (const key of PATH_KEYS) {
    const start = argumentsJson.indexOf(key);
    if (start === -1) continue;
    const valueStart = start + key.length;
    const valueEnd = argumentsJson.indexOf('"', valueStart);
    if (valueEnd !== -1 && valueEnd - valueStart < 300) paths.push(argumentsJson.slice(valueStart, valueEnd));
  }
}
