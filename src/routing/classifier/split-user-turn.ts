import type { ChatMessage } from "../../chat/request-schema";
import { isJsWhitespace } from "./js-whitespace";

/**
 * What one user turn really carries. Coding tools put far more than the human's words into user
 * turns: Cline's <environment_details> (a listing of the whole workspace) and tool results,
 * Claude Code's <system-reminder> blocks, aider's repo map and added files, Cursor's
 * <additional_data>, Continue's context items. Only `human` is what the person asked.
 */
export interface UserTurn {
  kind: "human" | "tool-result" | "context" | "boilerplate";
  human: string;
  /** Attached file contents: evidence of how many files are in play, not of task size. */
  context: string;
  /** Tool output delivered as a user turn (Cline, Roo). */
  toolResult: string;
  /** "[execute_command for 'npm test'] Result:": names the tool call this turn answers. */
  toolHeader: string;
  /** The client reported a failed step (a nudge, test output) in place of a tool result. */
  failureNotice: boolean;
  boilerplateChars: number;
  /**
   * `human.trim()`, when it is known without reading `human`: `human` is built as pieces each
   * followed by a line break, and trimming that joined string copies it whole (a 20 KB pasted log
   * in Claude Code's first turn, on every request of the session). Set while `human` holds one piece.
   */
  words?: string | undefined;
}

const CLINE_RESULT_HEADER = /^\[[\w-]+(?: for '[^\n]*?')?(?: in '[^\n]*?')?\] Result:/;
const BOILERPLATE_PREFIXES = [
  "<environment_details>",
  "<system-reminder>",
  "Here are summaries of some files present in my git repository",
  "[TASK RESUMPTION]",
  // Codex: AGENTS.md and the sandbox description arrive as user messages.
  "# AGENTS.md instructions",
  "<user_instructions>",
  "<environment_context>",
  // Qwen Code and Gemini CLI open every session with a context turn (date, OS, folder tree).
  "This is the Qwen Code. We are setting up the context",
  "This is the Gemini CLI. We are setting up the context",
];
/**
 * Turns the client writes when a step went wrong rather than words of the human: Cline's nudge
 * after an answer without a tool, aider's test or lint output after an edit. They count as failed
 * tool results.
 */
const FAILURE_PREFIXES = ["[ERROR] You did not use a tool", "Fix any errors below"];
/** IDE rewrite prompts (Continue's edit, Cursor's Cmd-K) wrap the human's instruction in a template. */
const REWRITE_INSTRUCTION = /(?:^|\n)(?:The user's request is: |Instruction: )([^\n]{1,2000})/;
const CONTEXT_PREFIXES = [
  "I have *added these files to the chat*",
  "Here are some READ ONLY files",
  "Called the Read tool with the following input",
  "Result of calling the Read tool",
  "<file_content",
  "<file>",
];

/** Text parts of a message, without joining them into one big string. */
export function textParts(content: ChatMessage["content"]): string[] {
  if (typeof content === "string") return [content];
  if (!content) return [];
  const parts: string[] = [];
  for (const part of content) if (part.type === "text" && typeof part.text === "string") parts.push(part.text);
  return parts;
}

/** The first text part of a message ("" if none), without collecting the others. */
export function firstTextPart(content: ChatMessage["content"]): string {
  if (typeof content === "string") return content;
  if (!content) return "";
  for (const part of content) if (part.type === "text" && typeof part.text === "string") return part.text;
  return "";
}

/**
 * Fast path for the many tool-result turns of a long Cline/Roo loop once enough output is kept:
 * the result header and any human words in the head of the result part, nothing else.
 */
export function quickToolResultTurn(content: ChatMessage["content"]): UserTurn | undefined {
  if (!Array.isArray(content) || content.length < 2) return undefined;
  const first = content[0];
  if (first?.type !== "text" || typeof first.text !== "string" || !first.text.startsWith("[")) return undefined;
  // Cline's header part is the header alone: "[tool for 'argument'] Result:".
  const close = first.text.indexOf("] Result:");
  if (close === -1 || close > 600 || first.text.length > close + 12) return undefined;
  const turn: UserTurn = { kind: "tool-result", human: "", context: "", toolResult: "", toolHeader: first.text.slice(0, close + 9), failureNotice: false, boilerplateChars: 0, words: "" };
  const second = content[1];
  const resultText = second?.type === "text" && typeof second.text === "string" ? second.text : "";
  addToolResult(turn, resultText, false);
  return turn;
}

/**
 * `keepToolOutput: false` skips collecting tool output (the caller has enough of it): a long
 * agent loop then costs a header check and a look at the head of each part per turn.
 */
export function splitUserTurn(content: ChatMessage["content"], keepToolOutput = true): UserTurn {
  const turn: UserTurn = { kind: "boilerplate", human: "", context: "", toolResult: "", toolHeader: "", failureNotice: false, boilerplateChars: 0, words: "" };
  const parts = textParts(content);
  const header = parts.length > 0 ? CLINE_RESULT_HEADER.exec(headOf(parts[0]!, 600)) : null;
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!;
    const head = headOf(part, 120);
    if (header && index === 0) {
      turn.toolHeader = header[0];
      addToolResult(turn, part.slice(part.indexOf(header[0]) + header[0].length), keepToolOutput);
    } else if (startsWithAny(head, BOILERPLATE_PREFIXES) && !(head.startsWith("<system-reminder>") && hasTrailingText(part))) {
      turn.boilerplateChars += part.length;
    } else if (startsWithAny(head, FAILURE_PREFIXES)) {
      turn.toolHeader ||= `[${head.slice(0, 30)}]`;
      turn.failureNotice = true;
      if (keepToolOutput) turn.toolResult += `Error: ${part}\n`;
    } else if (startsWithAny(head, CONTEXT_PREFIXES) || (parts.length > 1 && head.startsWith("```"))) {
      turn.context += `${part}\n`;
    } else if (header) {
      addToolResult(turn, part, keepToolOutput);
    } else {
      addHumanText(turn, part);
    }
  }
  // Anthropic-shaped tool_result blocks, should a door pass them through rather than turn them into tool turns.
  if (Array.isArray(content)) {
    for (const part of content) {
      if (part.type !== "tool_result") continue;
      turn.toolHeader ||= "[tool_result]";
      if (keepToolOutput) turn.toolResult += `${part.is_error === true ? "Error: " : ""}${blockText(part.content)}\n`;
    }
  }
  if (turn.toolHeader) turn.kind = "tool-result";
  else if (humanWords(turn) !== "") turn.kind = "human";
  else if (turn.context !== "") turn.kind = "context";
  return turn;
}

/** `turn.human.trim()`, without reading `human` when the turn knows it. */
export function humanWords(turn: UserTurn): string {
  return turn.words ?? turn.human.trim();
}

/** Appends `piece` and a line break to the turn's human words; `trimmed` is `piece.trim()` if known. */
function addHumanPiece(turn: UserTurn, piece: string, trimmed: string | undefined): void {
  // (piece + "\n").trim() is piece.trim(): the line break is white space.
  turn.words = turn.human === "" ? (trimmed ?? piece.trim()) : undefined;
  turn.human += `${piece}\n`;
}

function blockText(value: unknown): string {
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) return "";
  return value.map((item) => (item && typeof item === "object" && typeof (item as { text?: unknown }).text === "string" ? (item as { text: string }).text : "")).join("\n");
}

/**
 * The start of a part without leading whitespace, without copying the whole part: what
 * `part.slice(0, length + 40).trimStart().slice(0, length)` gives, as one slice.
 */
function headOf(part: string, length: number): string {
  const window = Math.min(part.length, length + 40);
  let start = 0;
  while (start < window && isJsWhitespace(part.charCodeAt(start))) start++;
  return part.slice(start, Math.min(window, start + length));
}

function startsWithAny(text: string, prefixes: readonly string[]): boolean {
  for (const prefix of prefixes) if (text.startsWith(prefix)) return true;
  return false;
}

/** A boilerplate block followed by the human's words in the same part (Claude Code does this). */
function hasTrailingText(part: string): boolean {
  const close = part.indexOf("</system-reminder>");
  return close !== -1 && part.slice(close + 18).trim() !== "";
}

/**
 * Tool output in a user turn may carry the human's words: Cline puts feedback, answers and
 * messages in tags right after a one-line preamble, so only the head of the part is searched.
 */
const HUMAN_TAG_SEARCH = 600;
function addToolResult(turn: UserTurn, text: string, keepToolOutput: boolean): void {
  let rest = text;
  const head = text.slice(0, HUMAN_TAG_SEARCH);
  for (const tag of ["feedback", "user_message", "answer"]) {
    if (!head.includes(`<${tag}>`)) continue;
    const inner = blockContent(rest, tag);
    if (inner !== undefined) {
      addHumanPiece(turn, inner, undefined);
      rest = rest.replace(`<${tag}>${inner}</${tag}>`, "");
    }
  }
  if (keepToolOutput) turn.toolResult += rest;
}

const HUMAN_WRAPPERS = /<\/?(task|feedback|user_message|answer)>/g;

function addHumanText(turn: UserTurn, text: string): void {
  // Every block, query and wrapper below starts with "<": one search for it spares the plain words five.
  const tagged = text.includes("<");
  let rest = text;
  if (tagged) {
    rest = removeBlock(turn, rest, "environment_details", "boilerplate");
    rest = removeBlock(turn, rest, "system-reminder", "boilerplate");
    rest = removeBlock(turn, rest, "additional_data", "context");
    rest = removeBlock(turn, rest, "file_content", "context");
  }
  const query = tagged ? blockContent(rest, "user_query") : undefined;
  const rewrite = query === undefined ? REWRITE_INSTRUCTION.exec(rest) : null;
  if (rewrite) {
    // The code around the instruction is what to rewrite: context, not the ask.
    turn.context += `${rest}\n`;
    const instruction = rewrite[1]!.replace(/^"|"$/g, "").trim();
    addHumanPiece(turn, instruction, instruction);
    return;
  }
  // Cline wraps the first request in <task> and later words in <feedback> or <answer>; the tags are not the human's words.
  const words = (tagged ? (query ?? rest).replace(HUMAN_WRAPPERS, "") : rest).trim();
  addHumanPiece(turn, words, words);
}

/** Moves every <tag …>…</tag> block out of text, into context or the boilerplate count. */
function removeBlock(turn: UserTurn, text: string, tag: string, into: "context" | "boilerplate"): string {
  let start = text.indexOf(`<${tag}`);
  if (start === -1) return text;
  let kept = "";
  let cursor = 0;
  while (start !== -1) {
    const close = text.indexOf(`</${tag}>`, start);
    const end = close === -1 ? text.length : close + tag.length + 3;
    kept += text.slice(cursor, start);
    if (into === "context") turn.context += `${text.slice(start, end)}\n`;
    else turn.boilerplateChars += end - start;
    cursor = end;
    start = text.indexOf(`<${tag}`, cursor);
  }
  return kept + text.slice(cursor);
}

function blockContent(text: string, tag: string): string | undefined {
  const open = text.indexOf(`<${tag}>`);
  if (open === -1) return undefined;
  const close = text.indexOf(`</${tag}>`, open);
  return text.slice(open + tag.length + 2, close === -1 ? undefined : close);
}
