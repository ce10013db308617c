import type { ChatMessage, ChatRequest } from "../../chat/request-schema";
import { hasStackTrace, looksLikeToolError } from "./error-signals";
import { humanWordsIn } from "./human-words";
import { type UserTurn, firstTextPart, humanWords, quickToolResultTurn, splitUserTurn, textParts } from "./split-user-turn";

/**
 * The parts of a request that say how hard the task is, found by walking the conversation from
 * the end. The tool's system prompt (10–40 KB, identical on every call), repo maps and workspace
 * listings are measured but never read; the human's latest words, the files attached to them and
 * the tool loop since then are kept, each bounded so a 200 KB request costs about what a 10 KB
 * one does.
 */
export interface TaskText {
  /** Human turns of the current task, latest first (a short follow-up pulls in the one before). */
  human: string[];
  /** Earlier human turns of the session, outside the task window, latest first: the session's subject. */
  earlier: string[];
  /** Prose of the latest assistant messages (their analysis of the task), bounded. */
  assistant: string;
  /** Attached file contents, bounded. */
  context: string;
  /** Tool output since the task was stated, latest first, each cut to head and tail. */
  toolResults: string[];
  /** Recent tool-call signatures (name and arguments, or Cline result headers), latest first. */
  toolCalls: string[];
  /** File paths named in tool-call arguments since the task was stated. */
  toolPaths: string[];
  /** Tool calls made since the task was stated. */
  toolTurns: number;
  /** Tool results in that window that report an error. */
  failedResults: number;
  /** One of those failed results carries a stack trace (only failed results are searched). */
  stackTraceInResults: boolean;
  /** Identical tool calls that failed again after failing before: retries that did not help. */
  repeatedFailures: number;
  totalToolTurns: number;
  /** Failed tool results in the whole session (the window's included), among the last SESSION_RESULTS. */
  sessionFailures: number;
  humanTurns: number;
  systemChars: number;
  /** The opening of each system message, where background prompts state their job. */
  systemHeads: string[];
  /** Opening and end of the final user turn, raw, for FIM markers and appended instructions. */
  lastUserHead: string;
  lastUserTail: string;
  lastUserChars: number;
  /** The request ends with tool output (the agent is waiting for its next step). */
  endsWithToolResult: boolean;
  totalChars: number;
  boilerplateChars: number;
}

const HUMAN_CAP = 24_000;
const CONTEXT_CAP = 120_000;
const RESULT_EDGE = 1_000;
const MAX_RESULTS = 12;
const ARGUMENT_CAP = 400;
const MAX_CALLS = 40;
const MAX_PATHS = 64;
/** Argument names that hold a file path in the tools of Claude Code, opencode, Cursor, Cline… */
const PATH_KEYS = ['"file_path":"', '"filePath":"', '"path":"', '"target_file":"', '"relative_workspace_path":"', '"notebook_path":"'];
const SYSTEM_HEAD = 600;
const EARLIER_TURNS = 3;
const EARLIER_CAP = 3_000;
const ASSISTANT_MESSAGES = 2;
const ASSISTANT_CAP = 1_500;
const SESSION_RESULTS = 24;
/**
 * A human turn that only continues the task before it ("still failing", "ok do that", "also add it
 * to refunds"): very short, or short and worded as a continuation.
 */
const FOLLOW_UP_CHARS = 60;
const CONTINUATION_CHARS = 300;
const CONTINUATION = /^(ok|okay|yes|yep|sure|go ahead|do (it|that|this)|continue|also|and\b|same|again|try|that|this|it|still|nope|no,|didn'?t|doesn'?t|not )/i;

export function extractTaskText(request: ChatRequest): TaskText {
  const text: TaskText = {
    human: [],
    earlier: [],
    assistant: "",
    context: "",
    toolResults: [],
    toolCalls: [],
    toolPaths: [],
    toolTurns: 0,
    failedResults: 0,
    stackTraceInResults: false,
    repeatedFailures: 0,
    totalToolTurns: 0,
    sessionFailures: 0,
    humanTurns: 0,
    systemChars: 0,
    systemHeads: [],
    lastUserHead: "",
    lastUserTail: "",
    lastUserChars: 0,
    endsWithToolResult: false,
    totalChars: 0,
    boilerplateChars: 0,
  };
  const messages = request.messages;
  // Walking backwards, a result is seen before its call: remember which calls failed.
  const failedCallIds = new Set<string>();
  const failedSignatures = new Set<string>();
  const noteCall = (signature: string, failed: boolean) => {
    if (!failed) return;
    if (failedSignatures.has(signature)) text.repeatedFailures++;
    failedSignatures.add(signature);
  };
  let windowOpen = true;
  let lastUserSeen = false;
  let assistantMessages = 0;
  let sessionResults = 0;

  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index]!;
    const size = contentLength(message.content);
    const last = index === messages.length - 1;
    if (last && (message.role === "tool" || message.role === "function")) text.endsWithToolResult = true;
    text.totalChars += size;
    switch (message.role) {
      case "system":
      case "developer":
        text.systemChars += size;
        if (text.systemHeads.length < 6) text.systemHeads.push(headOf(message.content, SYSTEM_HEAD));
        break;
      case "assistant": {
        const calls = message.tool_calls ?? [];
        if (calls.length > 0) text.totalToolTurns += calls.length;
        if (assistantMessages < ASSISTANT_MESSAGES && size > 0) {
          assistantMessages++;
          const prose = textParts(message.content).join("\n");
          text.assistant += `${prose.length > ASSISTANT_CAP ? prose.slice(0, ASSISTANT_CAP) : prose}\n`;
        }
        if (!windowOpen) break;
        for (const call of calls) {
          text.toolTurns++;
          if (text.toolCalls.length >= MAX_CALLS) continue;
          const signature = `${call.function.name}:${call.function.arguments.slice(0, ARGUMENT_CAP)}`;
          noteCall(signature, failedCallIds.has(call.id));
          text.toolCalls.push(signature);
          if (text.toolPaths.length < MAX_PATHS) addArgumentPaths(call.function.arguments, text.toolPaths);
        }
        break;
      }
      case "tool":
      case "function": {
        const said = humanWordsIn(firstTextPart(message.content));
        if (said !== undefined) {
          // Cline's native tools deliver the human's feedback on a result as the tool's output.
          if (last) text.endsWithToolResult = false;
          addHuman(said);
          break;
        }
        if (!windowOpen || text.toolResults.length >= MAX_RESULTS) {
          if (sessionResults < SESSION_RESULTS) {
            sessionResults++;
            // looksLikeToolError reads the ends only, the same ends edges() keeps: no need to cut first.
            if (looksLikeToolError(textParts(message.content).join("\n"))) text.sessionFailures++;
          }
          break;
        }
        sessionResults++;
        const result = edges(textParts(message.content).join("\n"));
        text.toolResults.push(result);
        if (isFailure(text, result) && message.role === "tool") failedCallIds.add(message.tool_call_id);
        break;
      }
      case "user": {
        if (!lastUserSeen) {
          lastUserSeen = true;
          const raw = textParts(message.content);
          const first = raw[0] ?? "";
          const last = raw[raw.length - 1] ?? "";
          text.lastUserHead = first.slice(0, 800);
          text.lastUserTail = last.slice(-400);
          text.lastUserChars = size;
        }
        const keepToolOutput: boolean = windowOpen && text.toolResults.length < MAX_RESULTS;
        // Outside the window, output is still read for the session's failure count, up to a cap.
        const readOutput = keepToolOutput || sessionResults < SESSION_RESULTS;
        const turn: UserTurn = (!readOutput && quickToolResultTurn(message.content)) || splitUserTurn(message.content, readOutput);
        text.boilerplateChars += turn.boilerplateChars;
        if (turn.context && text.context.length < CONTEXT_CAP) text.context += turn.context.slice(0, CONTEXT_CAP - text.context.length);
        if (turn.kind === "tool-result") text.totalToolTurns++;
        if (last && turn.kind === "tool-result" && humanWords(turn) === "") text.endsWithToolResult = true;
        if (turn.kind === "tool-result" && !keepToolOutput && sessionResults < SESSION_RESULTS) {
          sessionResults++;
          if (turn.failureNotice || (turn.toolResult !== "" && looksLikeToolError(turn.toolResult))) text.sessionFailures++;
        }
        if (windowOpen && turn.kind === "tool-result") {
          text.toolTurns++;
          if (text.toolCalls.length < MAX_CALLS) {
            text.toolCalls.push(turn.toolHeader);
            if (text.toolPaths.length < MAX_PATHS) text.toolPaths.push(turn.toolHeader);
          }
          if (text.toolResults.length < MAX_RESULTS) {
            sessionResults++;
            const result = edges(turn.toolResult);
            noteCall(turn.toolHeader, isFailure(text, result));
            text.toolResults.push(result);
          }
        }
        addHuman(humanWords(turn));
        break;
      }
    }
  }
  return text;

  function addHuman(words: string): void {
    const human: string = words.trim();
    if (human === "") return;
    text.humanTurns++;
    if (!windowOpen && text.earlier.length < EARLIER_TURNS) text.earlier.push(human.length > EARLIER_CAP ? human.slice(0, EARLIER_CAP) : human);
    if (windowOpen) {
      text.human.push(human.length > HUMAN_CAP ? human.slice(0, HUMAN_CAP - 4_000) + human.slice(-4_000) : human);
      // A follow-up belongs to the task stated before it; anything else starts the window.
      const followUp: boolean = human.length < FOLLOW_UP_CHARS || (human.length < CONTINUATION_CHARS && CONTINUATION.test(human));
      windowOpen = followUp && text.human.length < 3;
    }
  }
}

function isFailure(text: TaskText, result: string): boolean {
  if (!looksLikeToolError(result)) return false;
  text.failedResults++;
  text.sessionFailures++;
  if (!text.stackTraceInResults) text.stackTraceInResults = hasStackTrace(result);
  return true;
}

/**
 * Values of path-like arguments, found by key without parsing the (possibly large) JSON: the first
 * value of each key, in PATH_KEYS' order. Every key ends in `":"`, so one pass over those (rare in
 * a file's content, which arguments often carry) finds them all, instead of one search per key
 * through the whole arguments when the key is missing.
 */
const firstKeyAt = new Int32Array(PATH_KEYS.length);
export function addArgumentPaths(argumentsJson: string, paths: string[]): void {
  firstKeyAt.fill(-1);
  for (let colon = argumentsJson.indexOf('":"'); colon !== -1; colon = argumentsJson.indexOf('":"', colon + 1)) {
    for (let key = 0; key < PATH_KEYS.length; key++) {
      const start = colon + 3 - PATH_KEYS[key]!.length;
      if (firstKeyAt[key] === -1 && start >= 0 && argumentsJson.startsWith(PATH_KEYS[key]!, start)) firstKeyAt[key] = start;
    }
  }
  for (let key = 0; key < PATH_KEYS.length; key++) {
    const start = firstKeyAt[key]!;
    if (start === -1) continue;
    const valueStart = start + PATH_KEYS[key]!.length;
    const valueEnd = argumentsJson.indexOf('"', valueStart);
    if (valueEnd !== -1 && valueEnd - valueStart < 300) paths.push(argumentsJson.slice(valueStart, valueEnd));
  }
}

/** Characters of a message without building its text. */
export function contentLength(content: ChatMessage["content"]): number {
  if (typeof content === "string") return content.length;
  if (!content) return 0;
  let length = 0;
  for (const part of content) if (part.type === "text" && typeof part.text === "string") length += part.text.length;
  return length;
}

function headOf(content: ChatMessage["content"], limit: number): string {
  let head = "";
  for (const part of textParts(content)) {
    head += part.slice(0, limit - head.length);
    if (head.length >= limit) break;
  }
  return head;
}

function edges(text: string): string {
  return text.length <= RESULT_EDGE * 2 ? text : `${text.slice(0, RESULT_EDGE)}\n…\n${text.slice(-RESULT_EDGE)}`;
}
