import { describe, expect, test } from "bun:test";
import { HARD_CONCEPTS, TASK_PHRASES } from "../../src/routing/classifier/concepts";
import { TASK_CONCEPTS } from "../../src/routing/classifier/features";
import { compilePhrases, tokenize } from "../../src/routing/classifier/phrase-matcher";
import { loadBlindSet } from "../fixtures/routing-eval/load-blind-set";
import { loadEvalSet } from "../fixtures/routing-eval/load-eval-set";
import { compilePhrases as referencePhrases, tokenize as referenceTokenize } from "./reference/phrase-matcher-reference";

/**
 * The phrase matcher's hot loop was tuned (no closure per word end, no string slice per token for
 * stem lookups, no array per miss, `only` as a set). Its results must be exactly the untuned
 * matcher's (tests/routing/reference/), or the classifier's features, and with them every trained
 * weight, would silently mean something else. Compared on every text of every labelled and blind
 * evaluation case, with the shipped phrase lists, for each `only` list the classifier passes.
 */
type Lists = Record<string, readonly (readonly string[])[]>;
const lists = TASK_PHRASES as unknown as Lists;
const tuned = compilePhrases(lists);
const reference = referencePhrases(lists);

function textsOf(value: unknown, into: string[]): void {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) for (const item of value) textsOf(item, into);
  else if (value && typeof value === "object") for (const item of Object.values(value)) textsOf(item, into);
}

const texts: string[] = [];
for (const entry of [...loadEvalSet(), ...loadBlindSet(["a", "b", "c"])]) textsOf(entry.request.messages, texts);
// Whole conversations too, and the edge cases of the tokenizer.
texts.push(...[..."abc"].map((_, index) => texts.slice(index * 50, index * 50 + 50).join("\n\n")));
texts.push("", "'", "can't won’t it's", "100% 200k 2m 3x", "ÄÖü naïve café ß", "a_b-c.d", "x".repeat(5000));

describe("the tuned phrase matcher agrees with the untuned one", () => {
  test(`on ${texts.length} texts from the evaluation cases: same tokens`, () => {
    expect(texts.length).toBeGreaterThan(3000);
    for (const text of texts) expect(tokenize(text)).toEqual(referenceTokenize(text));
  });

  for (const [name, only] of [["all concepts", undefined], ["task concepts", TASK_CONCEPTS], ["hard concepts", HARD_CONCEPTS]] as const) {
    test(`same counts per concept, ${name}`, () => {
      let matched = 0;
      for (const text of texts) {
        const expected = reference.count(text, only as readonly string[] | undefined);
        expect(tuned.count(text, only as readonly string[] | undefined)).toEqual(expected);
        matched += expected.size;
      }
      // The comparison covers texts that do match phrases, not only empty results.
      expect(matched).toBeGreaterThan(500);
    });
  }
});
