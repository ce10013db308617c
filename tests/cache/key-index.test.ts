import { describe, expect, test } from "bun:test";
import { heapStats } from "bun:jsc";
import { KeyIndex } from "../../src/cache/key-index";

/** A 32-hex-digit key like requestKey's, different in its first digits for every n. */
const hexKey = (n: number) => Bun.hash.wyhash(String(n)).toString(16).padStart(16, "0") + "9f".repeat(8);

describe("KeyIndex", () => {
  test("knows a key until it expires, is deleted or is pushed out by newer ones", () => {
    const index = new KeyIndex(3);
    index.add(hexKey(1), 2_000);
    index.add("not-hex", 2_000);
    expect(index.has(hexKey(1), 1_000)).toBe(true);
    expect(index.has("not-hex", 1_000)).toBe(true);
    expect(index.has(hexKey(2), 1_000)).toBe(false);
    expect(index.has(hexKey(1), 2_000)).toBe(false);
    expect(index.size).toBe(1);
    index.add(hexKey(3), 5_000);
    index.delete("not-hex");
    expect(index.has("not-hex", 1_000)).toBe(false);
    index.add(hexKey(4), 5_000);
    index.add(hexKey(5), 5_000);
    index.add(hexKey(6), 5_000);
    expect(index.has(hexKey(3), 1_000)).toBe(false);
    expect([4, 5, 6].every((n) => index.has(hexKey(n), 1_000))).toBe(true);
    index.add(hexKey(7), 500);
    expect(index.prune(1_000)).toBe(1);
    expect(index.size).toBe(2);
  });

  test("re-adding a key makes it the newest", () => {
    const index = new KeyIndex(2);
    index.add(hexKey(1), 9_000);
    index.add(hexKey(2), 9_000);
    index.add(hexKey(1), 9_000);
    index.add(hexKey(3), 9_000);
    expect(index.has(hexKey(1), 0)).toBe(true);
    expect(index.has(hexKey(2), 0)).toBe(false);
  });

  test("keys differing only after their first 52 bits share a slot (a collision costs a table lookup, never an answer)", () => {
    const index = new KeyIndex(10);
    index.add("0123456789abc" + "0".repeat(19), 9_000);
    expect(index.has("0123456789abc" + "f".repeat(19), 0)).toBe(true);
    expect(index.has("0123456789abd" + "0".repeat(19), 0)).toBe(false);
  });

  test("200,000 request keys cost under 18 MiB of heap (as strings they took ~25 MiB, and ~47 MiB of RSS)", () => {
    Bun.gc(true);
    const before = heapStats().heapSize;
    const index = new KeyIndex(200_000);
    for (let n = 0; n < 200_000; n++) index.add(hexKey(n), 1e15);
    Bun.gc(true);
    const grownMiB = (heapStats().heapSize - before) / 2 ** 20;
    expect(index.size).toBe(200_000);
    expect(grownMiB).toBeLessThan(18);
  });
});
