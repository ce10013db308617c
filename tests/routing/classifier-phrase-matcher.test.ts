import { describe, expect, test } from "bun:test";
import { HARD_CONCEPTS, TASK_CONCEPTS, TASK_PHRASES } from "../../src/routing/classifier/concepts";
import { compilePhrases, tokenize } from "../../src/routing/classifier/phrase-matcher";
import { LOWERS_TO_ASCII, PhraseVocabulary, type TokenStream } from "../../src/routing/classifier/phrase-vocabulary";
import { loadBlindSet } from "../fixtures/routing-eval/load-blind-set";
import { loadEvalSet } from "../fixtures/routing-eval/load-eval-set";
import { compilePhrases as referencePhrases, tokenize as referenceTokenize } from "./reference/phrase-matcher-reference";

/**
 * The phrase matcher's hot loop was tuned (first: no closure per word end, no string slice per token
 * for stem lookups, no array per miss, `only` as a set; then: tokens read as numbers from a trie of
 * the vocabulary in one pass over the characters, phrase-vocabulary.ts). Its results must be exactly the untuned
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
// The token reading by numbers (phrase-vocabulary.ts): upper case, characters beyond ASCII inside and
// after vocabulary words, the two that lower-case to ASCII (İ, the Kelvin sign), apostrophes and
// right quotes inside, before and after words, numbers at the edges of 2^53 and with k/m suffixes,
// stems that are also words, and "not" slots at the end of the text.
texts.push(
  "RACE CONDITION in the Lock-Free queue; DEADLOCKS",
  // Each of the two alone: one in the text sends the whole text to the string reading.
  "LOC\u212A contention, de\u212Adlock",
  "İdempotent, İİ, race İn, MULTİTENANT",
  "concurrencé racé mutexé Σ ΣΑΣ raceΣ deadlock’s dead’lock 'deadlock' ’race’ don''t",
  "#5 files: 5 files, 4 files, 05 files, 5k files, 5K files, 5m files, 5km files, 1'000'000 rows, 999999 rows, 1000000 rows, 1m rows",
  "99999999999999999999 files 9007199254740993 replicas 12345678901234567890123k rows 0 files",
  "explain", "explain analyze", "a race", "a race detector", "the race", "take 5", "takes about 30 minutes",
  "lock order\u2019s interleaving_test concurren_cy 2pc p99 o(n^2) o n 2 n+1 queries 100%of runs 3 % of runs",
  "café\u0301 naïve\u00ad \ud83d\ude00deadlock dead\ud83dlock \udc00race",
);

describe("the tuned phrase matcher agrees with the untuned one", () => {
  test("tokens read as numbers in one pass equal tokens read as strings first", () => {
    const vocabulary = new PhraseVocabulary(["race", "condition", "lock", "%", "deadlock", "files", "cant", "lock_free", "5"], ["race", "racing", "concurren", "dead", "multi"]);
    let read = 0;
    for (const text of texts) {
      const copy = (stream: TokenStream) => ({
        word: [...stream.word.subarray(0, stream.count)],
        stem: [...stream.stem.subarray(0, stream.count)],
        // Past 2^53 parseInt and digit-by-digit differ in the last bits; both are larger than any minimum.
        number: [...stream.number.subarray(0, stream.count)].map((value) => Math.min(value, 2 ** 53)),
      });
      const fast = copy(vocabulary.read(text));
      const slow = copy(vocabulary.readTokenStrings(text));
      expect(fast).toEqual(slow);
      expect(fast.word.length).toBe(tokenize(text).length);
      read += fast.word.filter((word) => word >= 0).length;
    }
    expect(read).toBeGreaterThan(1000);
  });

  test("the characters beyond ASCII whose lower case holds ASCII are the two the fast reading leaves to strings", () => {
    const found: number[] = [];
    for (let code = 128; code < 65536; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const lower = String.fromCharCode(code).toLowerCase();
      if ([...lower].some((character) => character.charCodeAt(0) < 128)) found.push(code);
    }
    expect(found).toEqual(LOWERS_TO_ASCII);
  });

  test(`on ${texts.length} texts from the evaluation cases: same tokens`, () => {
    expect(texts.length).toBeGreaterThan(3000);
    for (const text of texts) expect(tokenize(text)).toEqual(referenceTokenize(text));
  });

  for (const [name, only] of [["all concepts", undefined], ["task concepts", TASK_CONCEPTS], ["hard concepts", HARD_CONCEPTS]] as const) {
    test(`same counts per concept, ${name}`, () => {
      let matched = 0;
      for (const text of texts) {
        const expected = reference.count(text, only as readonly string[] | undefined);
        const found = tuned.count(text, only as readonly string[] | undefined);
        expect(found).toEqual(expected);
        // In the same order too: the concepts' map is kept in the request's facts.
        expect([...found.keys()]).toEqual([...expected.keys()]);
        matched += expected.size;
      }
      // The comparison covers texts that do match phrases, not only empty results.
      expect(matched).toBeGreaterThan(500);
    });
  }
});
