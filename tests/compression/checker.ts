import { parseRepeatMarker } from "../../src/compression/repeated-lines";

/**
 * The invariants of lossless compression, written independently of the implementation: what
 * was visible stays, character for character, once the exact-count markers are expanded back.
 */
/** A tag; a `<` right after a word character is a generic or a comparison (`Vec<u8>`, `a<b`), by design not a tag. */
const TAG = /(?<![A-Za-z0-9_])<[A-Za-z][\w.:-]*(?:\s[^<>]*)?>|<\/[A-Za-z][\w.:-]*(?:\s[^<>]*)?>/g;

/** Replaces each `[… previous line repeated N more times …]` line by N copies of the line before it. */
export function expandRepeatMarkers(text: string): string {
  const lines = text.split("\n");
  const expanded: string[] = [];
  for (const line of lines) {
    const repeats = parseRepeatMarker(line);
    if (repeats === undefined || expanded.length === 0) expanded.push(line);
    else for (let index = 0; index < repeats; index++) expanded.push(expanded[expanded.length - 1]!);
  }
  return expanded.join("\n");
}

export const nonWhitespace = (text: string) => text.replace(/\s+/g, "");
export const tags = (text: string) => text.match(TAG) ?? [];

/** Whether every string in `pieces` occurs in `text`, in order, without overlapping. */
export function containsInOrder(text: string, pieces: string[]): boolean {
  let position = 0;
  for (const piece of pieces) {
    const found = text.indexOf(piece, position);
    if (found === -1) return false;
    position = found + piece.length;
  }
  return true;
}
