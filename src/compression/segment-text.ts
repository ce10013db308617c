import { mayContainBlock, verbatimBlockEnd } from "./verbatim-blocks";
import { elementEnd, isCodeTag, isProseTag, tagAt } from "./xml-tags";

/**
 * Splits a text into the parts the compressor may normalise and the parts it must leave byte for
 * byte (code blocks, diffs, edit blocks, tags and the contents of non-prose elements). Joining
 * the segments gives the text back exactly.
 */
export interface Segment {
  text: string;
  verbatim: boolean;
  /** Whether the segment starts at the start of a line (the first line of a text segment is whole). */
  atLineStart: boolean;
}

export function segmentText(text: string): Segment[] {
  const segments: Segment[] = [];
  let textStart = 0;
  let position = 0;
  const flushText = (end: number) => {
    if (end > textStart) segments.push({ text: text.slice(textStart, end), verbatim: false, atLineStart: textStart === 0 || text[textStart - 1] === "\n" });
  };
  const pushVerbatim = (start: number, end: number) => {
    flushText(start);
    const previous = segments[segments.length - 1];
    if (previous?.verbatim) previous.text += text.slice(start, end);
    else segments.push({ text: text.slice(start, end), verbatim: true, atLineStart: start === 0 || text[start - 1] === "\n" });
    textStart = position = end;
  };

  let nextAngle = text.indexOf("<");
  const blocks = mayContainBlock(text);
  if (!blocks && nextAngle === -1) return [{ text, verbatim: false, atLineStart: true }];
  while (position < text.length) {
    if (blocks && (position === 0 || text.charCodeAt(position - 1) === 10)) {
      const blockEnd = verbatimBlockEnd(text, position);
      if (blockEnd !== -1) {
        pushVerbatim(position, blockEnd);
        continue;
      }
    }
    const newline = text.indexOf("\n", position);
    const lineEnd = newline === -1 ? text.length : newline + 1;
    if (nextAngle !== -1 && nextAngle < position) nextAngle = text.indexOf("<", position);
    let cursor = nextAngle;
    let consumed = false;
    while (cursor !== -1 && cursor < lineEnd) {
      const tag = tagAt(text, cursor);
      if (!tag) {
        cursor = nextAngle = text.indexOf("<", cursor + 1);
        continue;
      }
      const prose = isProseTag(tag.name) || tag.selfClosing;
      const end = prose || tag.closing ? -1 : elementEnd(text, tag);
      const codeBoundary = !prose && isCodeTag(tag.name);
      if (end !== -1) {
        pushVerbatim(tag.start, end); // an element that may hold code: all of it, tags included
      } else if (codeBoundary && tag.closing) {
        // A code element closed here but opened in an earlier part: what came before may be its contents.
        segments.length = 0;
        textStart = 0;
        pushVerbatim(0, tag.end);
      } else if (codeBoundary) {
        pushVerbatim(tag.start, text.length); // opened here, closed in a later part
      } else if (text.slice(tag.start, tag.end).includes("\n")) {
        pushVerbatim(tag.start, tag.end); // a tag spread over lines: trailing spaces inside it are its own
      } else {
        // A tag on its own (prose container, closing tag, `<module>`): no step changes the
        // characters of a one-line tag, so it stays in the text and its line keeps its context.
        cursor = nextAngle = text.indexOf("<", tag.end);
        continue;
      }
      consumed = true;
      break;
    }
    if (consumed) continue;
    position = lineEnd;
  }
  flushText(text.length);
  return segments;
}
