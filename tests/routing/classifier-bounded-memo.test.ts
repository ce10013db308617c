import { describe, expect, test } from "bun:test";
import { boundedMemo } from "../../src/routing/classifier/bounded-memo";

/** The memo behind the classifier's tool-error test: the very same input only, and a bounded number of them. */
describe("boundedMemo", () => {
  test("computes once per distinct input and answers it again from memory", () => {
    const seen: string[] = [];
    const length = boundedMemo((input: string) => {
      seen.push(input);
      return input.length;
    }, 4);
    expect([length("abc"), length("abc"), length("abcd"), length("abc")]).toEqual([3, 3, 4, 3]);
    expect(seen).toEqual(["abc", "abcd"]);
  });

  test("never mixes inputs that differ by a character, a prefix or the empty string", () => {
    const upper = boundedMemo((input: string) => input.toUpperCase(), 8);
    for (const input of ["", "\u0000", "a", "a\u0000", "\u0000a", "A", "ab", "ba"]) expect(upper(input)).toBe(input.toUpperCase());
    for (const input of ["ba", "ab", "A", "\u0000a", "a\u0000", "a", "\u0000", ""]) expect(upper(input)).toBe(input.toUpperCase());
  });

  test("keeps at most `size` answers, dropping the oldest", () => {
    const computed: string[] = [];
    const echo = boundedMemo((input: string) => {
      computed.push(input);
      return input;
    }, 2);
    for (const input of ["a", "b", "c", "a", "c"]) echo(input);
    // "a" was dropped when "c" came in, so it is computed again; "c" is still known.
    expect(computed).toEqual(["a", "b", "c", "a"]);
  });

  test("a false or zero answer is remembered like any other", () => {
    let calls = 0;
    const never = boundedMemo(() => {
      calls++;
      return false;
    }, 2);
    never("x");
    never("x");
    expect(calls).toBe(1);
  });

  test("keeps no slice of a larger string alive", () => {
    const remember = boundedMemo((input: string) => input.length, 64);
    const before = process.memoryUsage().rss;
    // Ten 8 MB strings, each remembered by a slice of 400 characters, each dropped: if the memo kept
    // the slices, it would keep all ten alive (80 MB).
    for (let round = 0; round < 10; round++) {
      const large = `${"y".repeat(10)}${round}${"y".repeat(8_000_000)}z`;
      remember(large.slice(5, 405));
      Bun.gc(true);
    }
    Bun.gc(true);
    expect(process.memoryUsage().rss - before).toBeLessThan(40_000_000);
  });
});
