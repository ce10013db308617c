import { type CompressionStats, recordTransform, type TransformKind } from "./compression-stats";
import type { BodyEdges } from "./line-kinds";
import { collapseBlankLines, normalizeLineEndings, trimTrailingWhitespace } from "./line-whitespace";
import { renderTerminal } from "./render-terminal";
import { collapseRepeatedLines, hasRepeatedLines } from "./repeated-lines";
import { segmentText } from "./segment-text";

/**
 * One text (a message's string content or one text part) through the steps its context allows.
 * - prose: system, developer and assistant text, tool descriptions;
 * - output: tool results and user turns (text-protocol clients put command output there), which
 *   also get repeated-line collapsing;
 * - verbatim: file reads, JSON payloads, anything from a tool that may have printed code.
 * Each step runs over every normalisable segment of the text; if it throws, that step is skipped
 * for this text and the text goes on to the next step unchanged.
 */
export type TextContext = "prose" | "output" | "verbatim";

export type TextStep = readonly [TransformKind, (body: string, edges: BodyEdges) => string];
type Step = TextStep;

const PROSE_STEPS: readonly Step[] = [
  ["terminal", renderTerminal],
  ["line-endings", normalizeLineEndings],
  ["trailing-whitespace", trimTrailingWhitespace],
  ["blank-lines", collapseBlankLines],
];
const OUTPUT_STEPS: readonly Step[] = [...PROSE_STEPS, ["repeated-lines", collapseRepeatedLines]];

/** Anything a step could change: controls, CRLF, trailing blanks, three blank lines, or (output) a repeat. */
const MAY_CHANGE = /[\r\x1b\x07\x08]|[ \t]\n|[ \t]$|\n[ \t]*\n[ \t]*\n[ \t]*\n/;

interface Body {
  head: string;
  body: string;
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

/** `steps` is the context's list; tests pass their own to show that a failing step is skipped. */
export function compressText(text: string, context: TextContext, stats: CompressionStats, where: string, steps: readonly Step[] = context === "output" ? OUTPUT_STEPS : PROSE_STEPS): string {
  if (context === "verbatim" || text === "") return text;
  if (!MAY_CHANGE.test(text) && (context === "prose" || !hasRepeatedLines(text))) return text;
  let pieces: Array<Body | string>;
  try {
    const segments = segmentText(text);
    pieces = segments.map((segment, index) => (segment.verbatim ? segment.text : splitBody(segment.text, segment.atLineStart, index === 0, index === segments.length - 1)));
  } catch {
    stats.skipped.push({ step: "segmentation", where });
    return text;
  }
  for (const [kind, step] of steps) {
    try {
      let saved = 0;
      let changed = false;
      const next = pieces.map((piece) => {
        if (typeof piece === "string" || piece.body === "") return piece;
        const body = step(piece.body, piece.edges);
        if (body === piece.body) return piece;
        saved += piece.body.length - body.length;
        changed = true;
        return { ...piece, body };
      });
      if (changed) recordTransform(stats, kind, saved);
      pieces = next;
    } catch {
      stats.skipped.push({ step: kind, where });
    }
  }
  return join(pieces);
}

function join(pieces: Array<Body | string>): string {
  let result = "";
  for (const piece of pieces) result += typeof piece === "string" ? piece : piece.head + piece.body + piece.tail;
  return result;
}
