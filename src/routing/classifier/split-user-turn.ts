import type { ChatMessage } from "../../chat/request-schema";

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
  boilerplateChars: number;
}

const CLINE_RESULT_HEADER = /^\[[\w-]+(?: for '[^\n]*?')?(?: in '[^\n]*?')?\] Result:/;
const BOILERPLATE_PREFIXES = [
  "<environment_details>",
  "<system-reminder>",
  "Here are summaries of some files present in my git repository",
  "[TASK RESUMPTION]",
];
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

export function splitUserTurn(content: ChatMessage["content"]): UserTurn {
  const turn: UserTurn = { kind: "boilerplate", human: "", context: "", toolResult: "", toolHeader: "", boilerplateChars: 0 };
  const parts = textParts(content);
  const header = parts.length > 0 ? CLINE_RESULT_HEADER.exec(parts[0]!.trimStart().slice(0, 2000)) : null;
  parts.forEach((part, index) => {
    const head = part.trimStart().slice(0, 120);
    if (header && index === 0) {
      turn.toolHeader = header[0];
      addToolResult(turn, part.trimStart().slice(header[0].length));
    } else if (BOILERPLATE_PREFIXES.some((prefix) => head.startsWith(prefix)) && !hasTrailingText(part)) {
      turn.boilerplateChars += part.length;
    } else if (CONTEXT_PREFIXES.some((prefix) => head.startsWith(prefix)) || (parts.length > 1 && head.startsWith("```"))) {
      turn.context += `${part}\n`;
    } else if (header) {
      addToolResult(turn, part);
    } else {
      addHumanText(turn, part);
    }
  });
  if (header) turn.kind = "tool-result";
  else if (turn.human.trim() !== "") turn.kind = "human";
  else if (turn.context !== "") turn.kind = "context";
  return turn;
}

/** A boilerplate block followed by the human's words in the same part (Claude Code does this). */
function hasTrailingText(part: string): boolean {
  const close = part.indexOf("</system-reminder>");
  return close !== -1 && part.slice(close + 18).trim() !== "";
}

/** Tool output in a user turn may carry the human's feedback (<feedback>, <user_message>). */
function addToolResult(turn: UserTurn, text: string): void {
  let rest = removeBlock(turn, text, "environment_details", "boilerplate");
  for (const tag of ["feedback", "user_message", "answer"]) {
    const inner = blockContent(rest, tag);
    if (inner !== undefined) {
      turn.human += `${inner}\n`;
      rest = rest.replace(`<${tag}>${inner}</${tag}>`, "");
    }
  }
  turn.toolResult += rest;
}

function addHumanText(turn: UserTurn, text: string): void {
  let rest = text;
  rest = removeBlock(turn, rest, "environment_details", "boilerplate");
  rest = removeBlock(turn, rest, "system-reminder", "boilerplate");
  rest = removeBlock(turn, rest, "additional_data", "context");
  rest = removeBlock(turn, rest, "file_content", "context");
  const query = blockContent(rest, "user_query");
  // Cline wraps the first request in <task>; the tags are not the human's words.
  turn.human += `${(query ?? rest).replace("<task>", "").replace("</task>", "").trim()}\n`;
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
