import { verbatimBlockEnd } from "./verbatim-blocks";
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
  while (position < text.length) {
    if (position === 0 || text[position - 1] === "\n") {
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
      if (isProseTag(tag.name) || tag.selfClosing || (tag.closing && !isCodeTag(tag.name))) {
        pushVerbatim(tag.start, tag.end);
      } else if (tag.closing) {
        // A code element closed here but not opened in this text (it began in an earlier part):
        // whatever came before may be its contents.
        segments.length = 0;
        textStart = 0;
        pushVerbatim(0, tag.end);
      } else {
        const end = elementEnd(text, tag);
        pushVerbatim(tag.start, end !== -1 ? end : isCodeTag(tag.name) ? text.length : tag.end);
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
