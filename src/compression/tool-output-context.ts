import type { TextContext } from "./compress-text";

/**
 * Which tool results may be normalised. A result that may be a file's contents is left byte for
 * byte: the model copies such text into exact-match edits, where one trailing space matters.
 * That covers tools named for files, reading, searching or editing, shell commands that print
 * files (`cat`, `sed -n`, `git show`…), JSON payloads, and results of calls we cannot find.
 */

const FILE_TOOL = /read|view|open|cat|file|grep|search|find|glob|notebook|edit|write|patch|diff|code|source|symbol|definition|reference|snippet|replace|insert/i;
/** Programs whose output is (part of) a file. Checked on the first program of each command in a line. */
const FILE_PRINTER = /^(?:cat|tac|head|tail|sed|awk|nl|bat|batcat|less|more|view|xxd|od|hexdump|strings|diff|colordiff|grep|egrep|fgrep|rg|ag|ack|type|get-content|jq|yq|git\s+(?:show|diff|log\s.*-p|blame|cat-file|grep))\b/i;
export { looksLikeJson } from "./text-scan";

/** The shell command a call ran, from its JSON arguments, if it is a command-running call. */
export function commandOf(argumentsText: string | undefined): string | undefined {
  if (!argumentsText) return undefined;
  try {
    const parsed = JSON.parse(argumentsText) as Record<string, unknown>;
    const command = parsed.command ?? parsed.cmd ?? parsed.script ?? parsed.commandLine;
    if (typeof command === "string") return command;
    if (Array.isArray(command) && command.every((part) => typeof part === "string")) return command.join(" ");
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * A shell run on a script (`bash -lc …`, `sh -c '…'`, `/bin/zsh -c "…"`): Codex sends every command
 * as `["bash", "-lc", "<script>"]`, so the program that prints the file is the script's.
 */
const SHELL_WRAPPER = /^(?:ba|z|da|k|fi)?sh\s+(?:-\w+\s+)*-[a-z]*c[a-z]*\s+/i;

/** Whether any command in a shell line may print a file: `cd src && cat a.ts`, `sed -n 1,80p x.py`, `bash -lc 'cat a.ts'`. */
export function printsFiles(command: string): boolean {
  for (const statement of command.split(/&&|\|\||;|\n/)) {
    const firstStage = statement.split("|")[0]!.trim();
    const words = firstStage.replace(/^(?:\w+=\S*\s+)*(?:sudo\s+|time\s+|command\s+|exec\s+)*/, "");
    let program = words.replace(/^\S*\//, "");
    // The script of a shell wrapper, without the quotes around it (split above if it holds several statements).
    while (SHELL_WRAPPER.test(program)) program = program.replace(SHELL_WRAPPER, "").replace(/^["'(\s]+/, "").replace(/^\S*\//, "");
    program = program.replace(/^["'(\s]+/, "");
    if (FILE_PRINTER.test(program)) return true;
  }
  return false;
}

/** `command` is a thunk: parsing a call's arguments is only worth it for a tool that may run a shell. */
export function toolOutputContext(toolName: string | undefined, command: () => string | undefined): TextContext {
  if (toolName === undefined || FILE_TOOL.test(toolName)) return "verbatim";
  const line = command();
  if (line !== undefined && printsFiles(line)) return "verbatim";
  return "output";
}

/**
 * Tool results sent as text by text-protocol clients: Cline's `[read_file for 'src/a.ts'] Result:`
 * and Claude Code's `Result of calling the Read tool:` (files mentioned with @). Returns the
 * context for the text after such a header, or undefined when `text` does not start with one.
 */
const CLINE_HEADER = /^\[([\w-]+)(?: for '([\s\S]*?)')?\] Result:/;
const CLAUDE_CODE_HEADER = /^Result of calling the ([\w-]+) tool:/;

export function textProtocolContext(text: string): TextContext | undefined {
  const cline = CLINE_HEADER.exec(text);
  if (cline) return toolOutputContext(cline[1], () => (cline[1] === "execute_command" ? (cline[2] ?? "") : undefined));
  const claudeCode = CLAUDE_CODE_HEADER.exec(text);
  if (claudeCode) return toolOutputContext(claudeCode[1], () => undefined);
  return undefined;
}

/** A whole text part that is only a Cline tool-result header; the next part is that result. */
export function isResultHeader(text: string): boolean {
  return CLINE_HEADER.test(text) && !text.trimEnd().includes("\n");
}
