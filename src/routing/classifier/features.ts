import type { ChatRequest } from "../../chat/request-schema";
import { hasStackTrace, saysRetry } from "./error-signals";
import type { TaskText } from "./extract-task-text";
import { addContextPaths, addPathsFrom } from "./file-paths";
import { type MarkerCategory, detectMarkers } from "./markers";

/** Explainable measurements of one request; the score is a weighted reading of these. */
export interface RequestFeatures {
  /** Characters the human wrote for the current task (boilerplate and attachments excluded). */
  taskChars: number;
  contextChars: number;
  toolResultChars: number;
  systemChars: number;
  totalChars: number;
  codeBlocks: number;
  stackTrace: boolean;
  files: number;
  toolsOffered: number;
  /** Tool calls since the task was stated. */
  toolDepth: number;
  totalToolCalls: number;
  toolErrors: number;
  retries: number;
  humanTurns: number;
  /** Marker categories found in the human's words, with how many distinct phrases each. */
  markers: Map<MarkerCategory, number>;
  /** A short, self-contained ask (a question, or a snippet request in a tool-less chat). */
  quickQuestion: boolean;
  /** The latest turn only thanks or acknowledges. */
  gratitude: boolean;
}

const QUICK_QUESTION_CHARS = 160;
const HARD: readonly MarkerCategory[] = ["security", "concurrency", "elusive-bug", "architecture", "migration", "performance", "refactor"];
const INTERROGATIVE = /^(quick question:?\s*)?(what|what's|whats|how|which|where|when|who|is|are|can|does|do|should)\b/i;
const SNIPPET_ASK = /^(an? )?(regex|regexp|regular expression|sql|query|one-liner|bash|shell|command|cron( expression)?|curl|jq|awk|sed|git command|docker command|css selector|format string|glob)\b/i;

const WORD_CHARACTER = /\w/;

/** A punctuation-dense token (a regex, a type signature, minified code): the ask carries code. */
function hasCodeLikeToken(text: string): boolean {
  for (const token of text.split(/\s+/)) {
    if (token.length < 12) continue;
    let punctuation = 0;
    for (const character of token) if (!WORD_CHARACTER.test(character)) punctuation++;
    if (punctuation >= 6) return true;
  }
  return false;
}

export function computeFeatures(request: ChatRequest, text: TaskText): RequestFeatures {
  const human = text.human.join("\n\n");
  const latest = text.human[0] ?? "";
  // Intent is stated in prose at the start or end; a pasted log in the middle adds no markers.
  const markers = detectMarkers(bounded(human, 6_000));
  const gratitude = detectMarkers(latest).has("gratitude");
  if (!gratitude) markers.delete("gratitude");

  const files = new Set<string>();
  addPathsFrom(human, files);
  addContextPaths(text.context, files);
  addPathsFrom(text.toolPaths.join("\n"), files);

  let toolResultChars = 0;
  for (const result of text.toolResults) toolResultChars += result.length;
  const stackTrace = text.stackTraceInResults || hasStackTrace(bounded(human, 8_000));
  const retries = text.repeatedFailures + (text.human.some(saysRetry) ? 1 : 0);

  const codeBlocks = countFences(human) + countFences(text.context);
  const question = INTERROGATIVE.test(latest.trim()) || latest.trim().endsWith("?");
  // A short request for a standalone snippet ("regex to match semver") in a chat without tools.
  const toolless = (request.tools?.length ?? 0) === 0 && text.systemChars < 4_000 && text.humanTurns === 1;
  const snippetAsk = toolless && SNIPPET_ASK.test(latest.trim());
  const quickQuestion =
    latest.length <= QUICK_QUESTION_CHARS &&
    text.human.length === 1 &&
    codeBlocks === 0 &&
    files.size === 0 &&
    text.toolTurns === 0 &&
    !hasCodeLikeToken(latest) &&
    (question || snippetAsk) &&
    !HARD.some((category) => markers.has(category)) &&
    !markers.has("debug");

  return {
    taskChars: human.length,
    contextChars: text.context.length,
    toolResultChars,
    systemChars: text.systemChars,
    totalChars: text.totalChars,
    codeBlocks,
    stackTrace,
    files: files.size,
    toolsOffered: request.tools?.length ?? 0,
    toolDepth: text.toolTurns,
    totalToolCalls: text.totalToolTurns,
    toolErrors: text.failedResults,
    retries,
    humanTurns: text.humanTurns,
    markers,
    quickQuestion,
    gratitude,
  };
}

function bounded(value: string, limit: number): string {
  return value.length <= limit ? value : value.slice(0, limit * 0.7) + "\n" + value.slice(-limit * 0.3);
}

/** Fenced code blocks (pairs of ``` at a line start), counted on bounded text. */
function countFences(text: string): number {
  let fences = 0;
  const bounded = text.length > 60_000 ? text.slice(0, 60_000) : text;
  for (let index = bounded.indexOf("```"); index !== -1; index = bounded.indexOf("```", index + 3)) {
    if (index === 0 || bounded[index - 1] === "\n") fences++;
  }
  return Math.floor(fences / 2);
}
