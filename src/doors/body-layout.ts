import { CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, OPEN_BRACE, OPEN_BRACKET, QUOTE, stringEnd } from "./json-depth";

/**
 * Where the elements of a large body's top-level `messages` and `tools` arrays lie in its text,
 * found by the same one pass that checks the nesting (json-depth.ts's firstTooDeep, which this
 * replaces for such bodies): the OpenAI-wire upstream body can then take those elements as the
 * client's own bytes instead of serialising them again (chat/client-json.ts). Each element's
 * count of object members (colons outside strings) is kept so that a duplicate key, which
 * JSON.parse collapses to its last value, is seen as a count that does not match the parsed one.
 */
export interface ElementSpans {
  /** Each element's text is `text.slice(starts[i], ends[i])`, whitespace around it included. */
  starts: number[];
  ends: number[];
  colons: number[];
}

export interface BodyLayout {
  /** As firstTooDeep: where the text first goes deeper than the limit, or -1. */
  tooDeep: number;
  /** Colons directly inside the top-level object: its member count, duplicates included. */
  topColons: number;
  /**
   * Undefined when the key is missing or its value is not an array; of a repeated key, the last
   * (a caller must compare topColons with the parsed member count: a key spelt with escapes is
   * not recognised here).
   */
  messages?: ElementSpans;
  tools?: ElementSpans;
}

export function bodyLayout(text: string, maxDepth: number): BodyLayout {
  const layout: BodyLayout = { tooDeep: -1, topColons: 0 };
  let depth = 0;
  let colons = 0;
  let keyNext = false;
  let key: "messages" | "tools" | undefined;
  let spans: ElementSpans | undefined;
  let elementStart = 0;
  let elementColons = 0;
  // A number with a fraction or an exponent: its spelling ("1.0", "1e2") is not JSON.stringify's
  // ("1", "100"), and a parser with integer and float types reads it as another value.
  let spelledNumber = false;
  const endElement = (at: number) => {
    spans!.starts.push(elementStart);
    spans!.ends.push(at);
    // -1 matches no member count: the element is never taken as the client's text.
    spans!.colons.push(spelledNumber ? -1 : colons - elementColons);
    spelledNumber = false;
  };
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      const end = stringEnd(text, index);
      if (end < 0) return layout;
      if (depth === 1 && keyNext) {
        const length = end - index - 1;
        key = length === 8 && text.startsWith("messages", index + 1) ? "messages" : length === 5 && text.startsWith("tools", index + 1) ? "tools" : undefined;
      }
      index = end;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > maxDepth) {
        layout.tooDeep = index;
        return layout;
      }
      if (depth === 1) keyNext = true;
      else if (depth === 2 && key && code === OPEN_BRACKET) {
        spans = layout[key] = { starts: [], ends: [], colons: [] };
        elementStart = index + 1;
        elementColons = colons;
        spelledNumber = false;
      }
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      if (depth === 2 && spans) {
        // `[]` has no element; anything else ends its last one here.
        if (spans.starts.length > 0 || text.slice(elementStart, index).trim() !== "") endElement(index);
        spans = undefined;
      }
      depth--;
    } else if (code === COMMA) {
      if (depth === 1) keyNext = true;
      else if (depth === 2 && spans) {
        endElement(index);
        elementStart = index + 1;
        elementColons = colons;
      }
    } else if (code === COLON) {
      colons++;
      if (depth === 1) {
        layout.topColons++;
        keyNext = false;
      }
    } else if (code === DOT || ((code === LOWER_E || code === UPPER_E) && isDigit(text.charCodeAt(index - 1)))) {
      // Outside strings a dot, or an e after a digit, is only ever part of a number.
      spelledNumber = true;
    }
  }
  return layout;
}

const DOT = 46;
const LOWER_E = 101;
const UPPER_E = 69;

const isDigit = (code: number) => code >= 48 && code <= 57;
