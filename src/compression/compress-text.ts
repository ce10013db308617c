import { type CompressionStats, recordTransform, type TransformKind } from "./compression-stats";
import { type BodyEdges, type Lines, fromLines, toLines } from "./line-kinds";
import { blankLinesStep, lineEndingsStep, trailingWhitespaceStep } from "./line-whitespace";
import { renderTerminal } from "./render-terminal";
import { hasRepeatedLines, repeatedLinesStep } from "./repeated-lines";
import { segmentText } from "./segment-text";
import { rememberText, rememberedText } from "./text-memo";
import { hasTerminalControls, hasTrailingWhitespace, mayHaveBlankRun, mayNeedLineSteps } from "./text-scan";

/**
 * One text (a message's string content or one text part) through the steps its context allows.
 * - prose: system, developer, assistant and user text, tool descriptions;
 * - output: tool results of commands (also a text-protocol client's, sent in a user turn), which
 *   also get repeated-line collapsing;
 * - verbatim: file reads, JSON payloads, anything from a tool that may have printed code.
 * Each step runs over every normalisable segment of the text; if it throws, that step is skipped
 * for this text and the text goes on to the next step unchanged.
 */
export type TextContext = "prose" | "output" | "verbatim";

/** A step works on a body's text, or on its lines (split and classified once for all line steps). */
export type TextStep =
  | { kind: TransformKind; needed: (body: string) => boolean; onText: (body: string) => string }
  | { kind: TransformKind; needed: (body: string) => boolean; onLines: (lines: Lines) => Lines };

const PROSE_STEPS: readonly TextStep[] = [
  { kind: "terminal", needed: hasTerminalControls, onText: renderTerminal },
  { kind: "line-endings", needed: (body) => body.includes("\r\n"), onLines: lineEndingsStep },
  { kind: "trailing-whitespace", needed: hasTrailingWhitespace, onLines: trailingWhitespaceStep },
  { kind: "blank-lines", needed: mayHaveBlankRun, onLines: blankLinesStep },
];
const OUTPUT_STEPS: readonly TextStep[] = [...PROSE_STEPS, { kind: "repeated-lines", needed: hasRepeatedLines, onLines: repeatedLinesStep }];

interface Body {
  head: string;
  body: string | Lines;
  tail: string;
  edges: BodyEdges;
}

/** A text segment as its whole lines (`body`) between partial lines shared with neighbouring verbatim segments. */
function splitBody(text: string, atLineStart: boolean, atTextStart: boolean, atTextEnd: boolean): Body {
  let head = "";
  let rest = text;
  const edges = { codeBefore: !atTextStart, codeAfter: !atTextEnd };
  if (!atLineStart) {
    const newline = rest.indexOf("\n");
    if (newline === -1) return { head: text, body: "", tail: "", edges };
    head = rest.slice(0, newline + 1);
    rest = rest.slice(newline + 1);
  }
  if (atTextEnd || rest.endsWith("\n")) return { head, body: rest, tail: "", edges };
  const lastNewline = rest.lastIndexOf("\n");
  return { head, body: rest.slice(0, lastNewline + 1), tail: rest.slice(lastNewline + 1), edges };
}

const linesLength = ({ lines }: Lines) => lines.reduce((total, line) => total + line.length, lines.length - 1);
const bodyLength = (body: string | Lines) => (typeof body === "string" ? body.length : linesLength(body));

/** Applies one step to a body, converting between text and lines only when the step needs the other form. */
function applyStep(piece: Body, step: TextStep): string | Lines {
  const { body } = piece;
  if ("onText" in step) {
    const text = typeof body === "string" ? body : fromLines(body);
    return step.needed(text) ? step.onText(text) : body;
  }
  if (typeof body === "string") return step.needed(body) ? step.onLines(toLines(body, piece.edges)) : body;
  return step.onLines(body);
}

/** `steps` is the context's list; tests pass their own to show that a failing step is skipped. */
export function compressText(text: string, context: TextContext, stats: CompressionStats, where: string, steps: readonly TextStep[] = context === "output" ? OUTPUT_STEPS : PROSE_STEPS): string {
  if (context === "verbatim" || text === "") return text;
  if (steps !== PROSE_STEPS && steps !== OUTPUT_STEPS) return compressWithSteps(text, stats, where, steps);
  if (!mayNeedLineSteps(text) && (context === "prose" || !hasRepeatedLines(text))) return text;
  // Remembered by context, so only for the context's own steps.
  if (steps !== (context === "output" ? OUTPUT_STEPS : PROSE_STEPS)) return compressWithSteps(text, stats, where, steps);
  // The same text as a recent request's (text-memo.ts): its result and its transforms again.
  const remembered = rememberedText(text, context);
  if (remembered) {
    for (const [kind, saved] of remembered.transforms) recordTransform(stats, kind, saved);
    return remembered.result;
  }
  const transforms: Array<[TransformKind, number]> = [];
  const skippedBefore = stats.skipped.length;
  const result = compressWithSteps(text, stats, where, steps, transforms);
  // A text a step failed on is not remembered: the failure (a stack overflow, say) may not happen again.
  if (stats.skipped.length === skippedBefore) rememberText({ text, context, result, transforms });
  return result;
}

/** The steps over a text's normalisable segments; `transforms`, when given, gets each one recorded. */
function compressWithSteps(text: string, stats: CompressionStats, where: string, steps: readonly TextStep[], transforms?: Array<[TransformKind, number]>): string {
  let pieces: Array<Body | string>;
  try {
    const segments = segmentText(text);
    pieces = segments.map((segment, index) => (segment.verbatim ? segment.text : splitBody(segment.text, segment.atLineStart, index === 0, index === segments.length - 1)));
  } catch {
    stats.skipped.push({ step: "segmentation", where });
    return text;
  }
  for (const step of steps) {
    try {
      let saved = 0;
      let changed = false;
      // Copied on the first piece a step touches: most steps touch none.
      let next: Array<Body | string> | undefined;
      for (let index = 0; index < pieces.length; index++) {
        const piece = pieces[index]!;
        if (typeof piece === "string" || piece.body === "") continue;
        const body = applyStep(piece, step);
        if (body === piece.body) continue;
        const difference = bodyLength(piece.body) - bodyLength(body);
        next ??= pieces.slice();
        next[index] = { ...piece, body };
        if (difference === 0 && typeof body !== "string" && typeof piece.body === "string") continue;
        saved += difference;
        changed = true;
      }
      if (changed) {
        recordTransform(stats, step.kind, saved);
        transforms?.push([step.kind, saved]);
      }
      if (next) pieces = next;
    } catch {
      stats.skipped.push({ step: step.kind, where });
    }
  }
  let result = "";
  for (const piece of pieces) result += typeof piece === "string" ? piece : piece.head + (typeof piece.body === "string" ? piece.body : fromLines(piece.body)) + piece.tail;
  return result;
}
