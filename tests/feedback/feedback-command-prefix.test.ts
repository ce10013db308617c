import { expect, test } from "bun:test";
import fc from "fast-check";
import { FEEDBACK_PREFIXES, isFeedbackCommand } from "../../src/feedback/parse-feedback-command";

/**
 * isFeedbackCommand answers most texts from their first character (no command starts otherwise);
 * it must answer every text as the full test did: the trimmed text, lowercased whole, starting
 * with a prefix that ends there or before white space.
 */
function referencePrefix(text: string): string | undefined {
  const trimmed = text.trimStart();
  return FEEDBACK_PREFIXES.find((prefix) => trimmed.toLowerCase().startsWith(prefix) && (trimmed.length === prefix.length || /\s/.test(trimmed[prefix.length]!)));
}

// The ratings parse-feedback-command.ts takes, so that the reference depends on nothing it tests.
const ratings = new Set(["good", "+1", "1", "up", "yes", "great", "ok", "👍", "thumbsup", "correct", "right", "bad", "-1", "down", "no", "wrong", "poor", "👎", "thumbsdown", "incorrect"]);

function referenceIsCommand(text: string): boolean {
  const prefix = referencePrefix(text);
  if (prefix === undefined) return false;
  const first = text.trimStart().slice(prefix.length).trim().split(/\s+/)[0] ?? "";
  return prefix === "/feedback" || ratings.has(first.toLowerCase().replace(/[.!,:;]+$/, ""));
}

test("every command starts with a slash", () => {
  for (const prefix of FEEDBACK_PREFIXES) expect(prefix.startsWith("/")).toBe(true);
});

test("the same answer as the full test, on edge cases and generated texts", () => {
  const starts = ["", " ", "\n\t ", "\u00a0", "\u2028"];
  const heads = ["/feedback", "/FEEDBACK", "/Feedback", "/rate", "/RATE", "/rat", "/ratE", "/feedbacK", "/feedbac\u212a", "/rate\u0130", "\u0130/rate", "feedback", "\\feedback", "/", "//rate", "Request 12."];
  const tails = ["", " 1", " ok", " good", "\tbad wrong file", "good", " +1", " limits are too low", "\n👍", "x"];
  for (const start of starts) for (const head of heads) for (const tail of tails) expect(isFeedbackCommand(start + head + tail)).toBe(referenceIsCommand(start + head + tail));
  fc.assert(
    fc.property(fc.constantFrom(...starts), fc.constantFrom(...heads, ""), fc.string({ unit: "grapheme-composite" }), (start, head, tail) => {
      expect(isFeedbackCommand(start + head + tail)).toBe(referenceIsCommand(start + head + tail));
    }),
    { numRuns: 5000 },
  );
});
