import type { ChatRequest } from "../../chat/request-schema";
import { boundedMemo } from "./bounded-memo";
import { type Concept, HARD_CONCEPTS, TASK_CONCEPTS, detectConcepts, detectLatestConcepts } from "./concepts";
import { hasStackTrace, looksGreen, looksLikeToolError, saysRetry } from "./error-signals";
import type { TaskText } from "./extract-task-text";
import { addContextPaths, addPathsFrom } from "./file-paths";
import { isJsWhitespace } from "./js-whitespace";
import { joinedTask } from "./joined-task";
import { splitPastedOutput } from "./pasted-output";
import { splitProse } from "./split-prose";

/**
 * The explainable measurements the model reads, each scaled to about 0..3 so one weight per
 * feature is comparable. Names are what `x-route-reason` quotes. Kinds of work are read from the
 * current task's words (the latest human turn and the follow-ups it continues); the rest of the
 * session (earlier human turns, the assistant's latest analysis) counts as one "session" signal, so
 * "yes, do it" after a deadlock hunt inherits it, while an acknowledgement says the work is done.
 */
export const LATEST_CONCEPTS: readonly Concept[] = ["trivial-edit", "vcs-chore", "lookup", "how-to", "greeting", "acknowledgement", "go-ahead", "retry", "review"];

export const FEATURE_NAMES = [
  "task:concurrency",
  "task:security",
  "task:crypto",
  "task:memory-safety",
  "task:distributed",
  "task:hard-algorithm",
  "task:design",
  "task:breadth",
  "task:performance",
  "task:elusive",
  "task:symptom",
  "task:data-at-stake",
  "task:tests",
  "task:explain",
  "task:debug",
  "latest:trivial-edit",
  "latest:vcs-chore",
  "latest:lookup",
  "latest:how-to",
  "latest:greeting",
  "latest:acknowledgement",
  "latest:go-ahead",
  "latest:retry",
  "latest:review",
  "session:hard-earlier",
  "session:hard-assistant",
  "task-length",
  "short-latest",
  "plain-short-ask",
  "work-request",
  "question",
  "answered-by-tool",
  "green-run",
  "pasted-code",
  "pasted-output",
  "attached-files",
  "stack-trace",
  "files",
  "agent",
  "tool-calls",
  "tool-errors",
  "repeated-failures",
  "session-failures",
  "follow-ups",
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
export type FeatureVector = Record<FeatureName, number>;

/** Raw counts behind the vector, for the log and for tests. */
export interface FeatureFacts {
  taskChars: number;
  files: number;
  toolDepth: number;
  toolErrors: number;
  retries: number;
  sessionFailures: number;
  humanTurns: number;
  codeChars: number;
  stackTrace: boolean;
  concepts: Map<Concept, number>;
  latestConcepts: Map<Concept, number>;
}

/** Each concept with its feature's name, built once rather than per request. */
const TASK_FEATURES = TASK_CONCEPTS.map((concept) => [concept, `task:${concept}` as FeatureName] as const);
const LATEST_FEATURES = LATEST_CONCEPTS.map((concept) => [concept, `latest:${concept}` as FeatureName] as const);

/**
 * Every feature at 0, in FEATURE_NAMES' order: a request's vector starts as one copy of it (one
 * allocation of the right size, its keys in that order) instead of growing key by key.
 */
const ZERO_VECTOR = Object.fromEntries(FEATURE_NAMES.map((name) => [name, 0])) as FeatureVector;

const PROSE_CAP = 6_000;
const CHEAP_ASK_CHARS = 240;
const SENTENCE_CHARS = 80;
const CHEAP_CUES: readonly Concept[] = ["lookup", "vcs-chore", "how-to", "trivial-edit"];
const SESSION_CAP = 4_000;
/** The latest turn asks for work to be done (an imperative), not for an answer. */
const WORK_REQUEST =
  /^(please |pls |now |also |ok,? |can you |could you |would you |i need you to |let'?s )*(add|implement|write|create|build|make|fix|debug|find|investigate|track down|refactor|migrate|port|convert|update|change|remove|delete|rename|move|optimi[sz]e|improve|speed up|set ?up|configure|design|review|audit|split|extract|wire|hook up|handle|support|generate|replace|upgrade|bump|clean ?up|rewrite|rework|get rid of|figure out|look into)\b/i;
/** A polite request for work anywhere in the turn ("…, can you fix the job?"): work, not a question. */
const POLITE_WORK = /\b(can|could|would) you (please )?(add|implement|write|create|build|make|fix|debug|find|investigate|refactor|migrate|port|convert|update|change|remove|delete|rename|move|optimi[sz]e|improve|set ?up|configure|design|split|extract|handle|support|generate|replace|upgrade|rewrite|look into|figure out)\b/i;
const INTERROGATIVE = /^(quick q(uestion)?:?\s*)?(what|what's|whats|how|which|where|when|who|why|is|are|can|could|does|do|should|would)\b/i;

export function computeFeatures(request: ChatRequest, text: TaskText): { vector: FeatureVector; facts: FeatureFacts } {
  const latest = (text.human[0] ?? "").trim();
  const latestBounded = bounded(latest, PROSE_CAP);
  const latestFenced = splitProse(latestBounded);
  const latestSplit = splitPastedOutput(latestFenced.prose);
  const latestProse = latestSplit.prose.trim();
  const latestConcepts = detectLatestConcepts(latestProse.length > 600 ? latestProse.slice(0, 600) : latestProse);
  // "thanks" or "hi" continues no task: the work before it is done (or not started).
  const closing = latestConcepts.has("acknowledgement") || latestConcepts.has("greeting");
  const task = closing ? latest : text.human.join("\n\n");
  // A task of several turns whose earlier turns came before: their part read from memory (joined-task.ts).
  const joined = closing ? undefined : joinedTask(text.human, task, PROSE_CAP);
  let taskProseLength: number;
  let codeChars: number;
  let outputChars: number;
  let concepts: Map<Concept, number>;
  if (joined) {
    ({ taskProseLength, codeChars, outputChars, concepts } = joined);
  } else {
    // A task of one turn (a first ask, an API call) is the latest turn: its split is the one just made.
    const taskBounded = bounded(task, PROSE_CAP * 2);
    const same = taskBounded === latestBounded;
    const fenced = same ? latestFenced : splitProse(taskBounded);
    const split = same ? latestSplit : splitPastedOutput(fenced.prose);
    codeChars = fenced.codeChars;
    outputChars = split.outputChars;
    taskProseLength = split.prose.length;
    concepts = detectConcepts(bounded(split.prose, PROSE_CAP), TASK_CONCEPTS);
  }
  const hardInTask = HARD_CONCEPTS.some((concept) => concepts.has(concept));
  // The cheap asks' cues ("tell me what changed", "trailing commas") in a long ask that names hard
  // work are details of that work, not a cheap ask.
  if (latestProse.length > CHEAP_ASK_CHARS && hardInTask) for (const cheap of CHEAP_CUES) latestConcepts.delete(cheap);
  // After "thanks" the earlier hard work is done: the session does not carry over.
  const earlier = closing || text.earlier.length === 0 ? 0 : earlierHardConcepts(text.earlier.join("\n\n"));
  const assistant = closing || text.assistant === "" ? 0 : hardConceptsIn(text.assistant);

  const files = new Set<string>();
  if (joined) {
    addPathsFrom(text.human[0]!, files);
    for (const path of joined.rest.paths) files.add(path);
  } else addPathsFrom(task, files);
  addContextPaths(text.context, files);
  addPathsFrom(text.toolPaths.join("\n"), files);
  const stackTrace = text.stackTraceInResults || (joined ? joined.rest.stackTrace || hasStackTrace(text.human[0]!) : hasStackTrace(bounded(task, 8_000)));
  const retries = text.repeatedFailures + ((joined ? saysRetry(text.human[0]!) || joined.rest.retry : text.human.some(saysRetry)) ? 1 : 0);

  const vector: FeatureVector = { ...ZERO_VECTOR };
  for (const [concept, name] of TASK_FEATURES) vector[name] = Math.min(concepts.get(concept) ?? 0, 3);
  for (const [concept, name] of LATEST_FEATURES) vector[name] = latestConcepts.has(concept) ? 1 : 0;
  vector["session:hard-earlier"] = Math.min(earlier, 3);
  vector["session:hard-assistant"] = Math.min(assistant, 3);
  // Below a sentence, length says nothing more: a short ask is cheap only with evidence (a cue, a plain question).
  vector["task-length"] = Math.log10(1 + Math.max(taskProseLength, SENTENCE_CHARS)) - 2;
  // Pasted output does not make an ask long ("which test failed?" over a build log).
  const short = latest.length - latestSplit.outputChars < 80;
  const politeWork = POLITE_WORK.test(latestProse);
  const question = !politeWork && (INTERROGATIVE.test(latestProse) || latestProse.endsWith("?"));
  const lastResult = text.endsWithToolResult ? (text.toolResults[0] ?? "") : undefined;
  const lastFailed = lastResult !== undefined && looksLikeToolError(lastResult);
  // The rubric's cheap asks: a short question (not a request for work) with no hard topic,
  // nothing pasted, no agent loop, nothing hard earlier in the session.
  const workRequest = politeWork || WORK_REQUEST.test(latestProse);
  // A short turn that asks for work is not a cheap ask by its length ("write tests for parseAmount").
  vector["short-latest"] = short && !workRequest ? 1 : 0;
  vector["plain-short-ask"] = short && !workRequest && !hardInTask && earlier === 0 && text.toolTurns === 0 && codeChars === 0 && !hasCodeLikeToken(latest) ? 1 : 0;
  vector["work-request"] = workRequest ? 1 : 0;
  vector.question = question ? 1 : 0;
  // A look-up the last tool result already answers, or a run that came back green.
  vector["answered-by-tool"] = lastResult !== undefined && !lastFailed && (question || latestConcepts.has("lookup")) && !hardInTask ? 1 : 0;
  vector["green-run"] = lastResult !== undefined && looksGreen(lastResult) ? 1 : 0;
  vector["pasted-code"] = codeChars > 0 ? Math.log10(1 + codeChars) / 2 : 0;
  vector["pasted-output"] = outputChars > 0 ? Math.log10(1 + outputChars) / 2 : 0;
  vector["attached-files"] = text.context.length > 0 ? Math.log10(1 + text.context.length) / 2 : 0;
  vector["stack-trace"] = stackTrace ? 1 : 0;
  // One file is the rubric's ordinary unit of work; more files than that is breadth.
  vector.files = Math.log2(Math.max(files.size, 1)) / 2;
  vector.agent = (request.tools?.length ?? 0) > 0 || text.totalToolTurns > 0 ? 1 : 0;
  vector["tool-calls"] = Math.log2(1 + text.toolTurns) / 2;
  vector["tool-errors"] = Math.min(text.failedResults, 4) / 2;
  vector["repeated-failures"] = Math.min(retries, 3);
  vector["session-failures"] = Math.min(text.sessionFailures, 6) / 3;
  vector["follow-ups"] = Math.min(Math.max(text.humanTurns - 1, 0), 4) / 2;

  return {
    vector,
    facts: {
      taskChars: task.length,
      files: files.size,
      toolDepth: text.toolTurns,
      toolErrors: text.failedResults,
      retries,
      sessionFailures: text.sessionFailures,
      humanTurns: text.humanTurns,
      codeChars,
      stackTrace,
      concepts,
      latestConcepts,
    },
  };
}

/**
 * hardConceptsIn for the session's earlier human turns, from memory when the same turns came
 * before: an agent client sends the whole session again with every request, and those turns only
 * change when a new task starts, while reading them (up to SESSION_CAP characters through the
 * phrase matcher) was a quarter of a 200 KB Claude Code request's classification. Keyed on the
 * bounded text, the only part the count reads; a short text is read again (a look-up costs about as much).
 */
const rememberedHardConcepts = boundedMemo(hardConceptsInBounded, 128);
const MEMO_FROM = 256;
export function earlierHardConcepts(session: string): number {
  const text = bounded(session, SESSION_CAP);
  return text.length < MEMO_FROM ? hardConceptsInBounded(text) : rememberedHardConcepts(text);
}

/** How many hard concepts the session text names (an empty text names none: it is not read). */
export function hardConceptsIn(session: string): number {
  return hardConceptsInBounded(bounded(session, SESSION_CAP));
}

function hardConceptsInBounded(session: string): number {
  const found = detectConcepts(splitProse(session).prose, HARD_CONCEPTS);
  let count = 0;
  for (const concept of HARD_CONCEPTS) if (found.has(concept)) count++;
  return count;
}

/**
 * A punctuation-dense token (a regex, a type signature, minified code): the ask carries code.
 * Tokens are the runs between white space (the pieces of `text.split(/\s+/)`), read in place.
 */
export function hasCodeLikeToken(text: string): boolean {
  let length = 0;
  let punctuation = 0;
  for (let index = 0; index <= text.length; index++) {
    const code = index < text.length ? text.charCodeAt(index) : 32;
    if (isJsWhitespace(code)) {
      if (length >= 12 && punctuation >= 6) return true;
      length = 0;
      punctuation = 0;
      continue;
    }
    length++;
    const word = (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
    if (!word) punctuation++;
  }
  return false;
}

function bounded(value: string, limit: number): string {
  return value.length <= limit ? value : value.slice(0, limit * 0.7) + "\n" + value.slice(-limit * 0.3);
}
