import { type Concept, TASK_CONCEPTS, detectConceptsJoined, scanConcepts } from "./concepts";
import { hasStackTrace, saysRetry } from "./error-signals";
import { addPathsFrom } from "./file-paths";
import { LINE_SPLIT_FROM, hasOutputLine, splitPastedLines } from "./pasted-output";
import type { PhraseScan } from "./phrase-matcher";
import { splitProse } from "./split-prose";

/**
 * What the task's features read of its turns after the latest (`rest`, the turns joined by blank
 * lines), kept for the next request: a follow-up ("Request 12.", "still failing") repeats the turns
 * before it, and reading them again (splits, phrases, paths, traces) was most of a small request's
 * features. Each part is what the whole task's reading gives for that part, which holds when the
 * task is `head + "\n\n" + rest`, `head` has no fence and no output line, and nothing is bounded:
 * - splitProse: the fences are the rest's, so the prose is head + "\n\n" + the rest's prose;
 * - splitPastedOutput: the head's lines and the blank line are prose and start no diff, so the rest's
 *   lines are marked and grouped as alone (read line by line: the joined text is LINE_SPLIT_FROM characters or more);
 * - phrases: the tokens are the head's, then the rest's (phrase-matcher.ts, countJoined);
 * - paths: a token never crosses a line break, so the paths are the head's and the rest's;
 * - stack traces: a trace literal or line holds no blank line, except a "\ngoroutine " or "\npanic: "
 *   the second line break starts; the rest is trimmed, so no frame line starts there;
 * - retries: read turn by turn, as before.
 * `turns` (each turn's length) tells apart rests that join to the same text from other turns.
 */
export interface TaskRest {
  turns: number[];
  /** Length of the rest's prose (fences removed) and of what its line-by-line split keeps. */
  fencedLength: number;
  proseLength: number;
  codeChars: number;
  outputChars: number;
  phrases: PhraseScan;
  paths: string[];
  stackTrace: boolean;
  retry: boolean;
}

/** Below this length the task is read whole (as before): the memo would save next to nothing. */
const JOINED_FROM = 200;

function readTaskRest(rest: string, human: readonly string[]): TaskRest {
  const fenced = splitProse(rest);
  const split = splitPastedLines(fenced.prose);
  const paths = new Set<string>();
  addPathsFrom(rest, paths);
  return {
    turns: human.slice(1).map((turn) => turn.length),
    fencedLength: fenced.prose.length,
    proseLength: split.prose.length,
    codeChars: fenced.codeChars,
    outputChars: split.outputChars,
    phrases: scanConcepts(split.prose, TASK_CONCEPTS),
    paths: [...paths],
    stackTrace: hasStackTrace(rest) || rest.startsWith("goroutine ") || rest.startsWith("panic: "),
    retry: human.slice(1).some(saysRetry),
  };
}

const rememberedRests = new Map<string, TaskRest>();
const RESTS = 64;

/**
 * The task's features from the head's reading and the rest's (remembered), or undefined where that
 * would not be the same. `proseCap`: where features.ts bounds the task's prose; from there on a
 * bound would cut the joined task (its prose is at most one character longer than the task).
 */
export function joinedTask(
  human: readonly string[],
  task: string,
  proseCap: number,
): { taskProseLength: number; codeChars: number; outputChars: number; concepts: Map<Concept, number>; rest: TaskRest } | undefined {
  if (human.length < 2 || task.length < JOINED_FROM || task.length >= proseCap) return undefined;
  const head = human[0]!;
  if (head.includes("```") || hasOutputLine(head)) return undefined;
  const restText = task.slice(head.length + 2);
  let rest = rememberedRests.get(restText);
  if (!rest || !sameTurns(rest.turns, human)) {
    rest = readTaskRest(restText, human);
    if (rememberedRests.size >= RESTS) rememberedRests.delete(rememberedRests.keys().next().value!);
    // A key of its own (not a slice of the request's text, which would keep it alive).
    const half = restText.length >> 1;
    rememberedRests.set(`${restText.slice(0, half)}${restText.slice(half)}`, rest);
  }
  // The joined text's split reads it line by line only from LINE_SPLIT_FROM characters on.
  if (head.length + 2 + rest.fencedLength < LINE_SPLIT_FROM) return undefined;
  const taskProseLength = head.length + 2 + rest.proseLength;
  if (taskProseLength > proseCap) return undefined;
  return { taskProseLength, codeChars: rest.codeChars, outputChars: rest.outputChars, concepts: detectConceptsJoined(head, rest.phrases, TASK_CONCEPTS), rest };
}

function sameTurns(turns: readonly number[], human: readonly string[]): boolean {
  if (turns.length !== human.length - 1) return false;
  for (let index = 0; index < turns.length; index++) if (turns[index] !== human[index + 1]!.length) return false;
  return true;
}

