import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { compressText, type TextContext } from "../../src/compression/compress-text";
import { emptyStats } from "../../src/compression/compression-stats";
import { containsInOrder, expandRepeatMarkers, nonWhitespace, tags } from "./checker";
import { type Fragment, fragments } from "./fragments";

const RUNS = 1000;
const compress = (text: string, context: TextContext) => compressText(text, context, emptyStats("safe"), "property");

function assemble(list: Fragment[], dropFinalNewline: boolean) {
  let raw = list.map((fragment) => fragment.raw).join("");
  let visible = list.map((fragment) => fragment.visible).join("");
  if (dropFinalNewline && raw.endsWith("\n") && !list[list.length - 1]!.code) {
    raw = raw.replace(/\r?\n$/, "");
    visible = visible.replace(/\r?\n$/, "");
  }
  return { raw, visible, code: list.filter((fragment) => fragment.code).map((fragment) => fragment.raw) };
}

describe.each(["output", "prose"] as const)("compressText (%s)", (context) => {
  const input = fc.tuple(fragments, fc.boolean()).map(([list, drop]) => assemble(list, drop));

  test("every code block comes out byte-identical, in order", () => {
    fc.assert(fc.property(input, ({ raw, code }) => containsInOrder(compress(raw, context), code)), { numRuns: RUNS });
  });

  test("every tag is preserved (every tag still on screen, for redrawn terminal output)", () => {
    fc.assert(fc.property(input, ({ raw, visible }) => expect(tags(expandRepeatMarkers(compress(raw, context)))).toEqual(tags(visible))), { numRuns: RUNS });
  });

  test("the visible non-whitespace characters are unchanged once repeat markers are expanded", () => {
    fc.assert(fc.property(input, ({ raw, visible }) => expect(nonWhitespace(expandRepeatMarkers(compress(raw, context)))).toBe(nonWhitespace(visible))), { numRuns: RUNS });
  });

  test("it is idempotent", () => {
    fc.assert(fc.property(input, ({ raw }) => {
      const once = compress(raw, context);
      expect(compress(once, context)).toBe(once);
    }), { numRuns: RUNS });
  });

  test("it never grows a text", () => {
    fc.assert(fc.property(input, ({ raw }) => compress(raw, context).length <= raw.length), { numRuns: RUNS });
  });
});
