import { describe, expect, test } from "bun:test";
import { KeyIndex } from "../../src/cache/key-index";
import { LruCache } from "../../src/cache/lru-cache";
import { OldestKeys } from "../../src/cache/oldest-keys";

/** A small deterministic generator, so a failure replays. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const hexKey = (n: number) => Bun.hash.wyhash(String(n)).toString(16).padStart(16, "0") + "9f".repeat(8);

describe("OldestKeys", () => {
  test("gives the oldest key each time, across adds, re-adds, deletes and emptying", () => {
    const map = new Map<number, true>();
    const oldest = new OldestKeys(map);
    expect(oldest.next()).toBeUndefined();
    const next = random(7);
    for (let step = 0; step < 5_000; step++) {
      const roll = next();
      const key = Math.floor(next() * 50);
      if (roll < 0.45) map.set(key, true);
      else if (roll < 0.6) (map.delete(key), map.set(key, true));
      else if (roll < 0.75) map.delete(key);
      else {
        const expected = map.keys().next();
        const got = oldest.next();
        expect(got).toBe(expected.done ? undefined : expected.value);
        if (got !== undefined) map.delete(got);
      }
    }
  });
});

describe("the cache's bounded maps drop their oldest entries, as a fresh look at the first key would", () => {
  test("KeyIndex past its bound, with keys added again and deleted", () => {
    const index = new KeyIndex(20);
    const model: string[] = [];
    const next = random(11);
    for (let step = 0; step < 4_000; step++) {
      const key = hexKey(Math.floor(next() * 60));
      if (next() < 0.8) {
        index.add(key, 10_000);
        if (model.includes(key)) model.splice(model.indexOf(key), 1);
        model.push(key);
        if (model.length > 20) model.shift();
      } else {
        index.delete(key);
        if (model.includes(key)) model.splice(model.indexOf(key), 1);
      }
    }
    expect(index.size).toBe(model.length);
    for (let n = 0; n < 60; n++) expect(index.has(hexKey(n), 0)).toBe(model.includes(hexKey(n)));
  });

  test("LruCache past its entry bound, with reads moving keys to the newest end", () => {
    const cache = new LruCache<number>(20, 1_000_000);
    const model: string[] = [];
    const next = random(13);
    const touch = (key: string) => {
      if (model.includes(key)) model.splice(model.indexOf(key), 1);
      model.push(key);
    };
    for (let step = 0; step < 4_000; step++) {
      const key = `k${Math.floor(next() * 60)}`;
      const roll = next();
      if (roll < 0.6) {
        cache.set(key, step, 10);
        touch(key);
        if (model.length > 20) model.shift();
      } else if (roll < 0.85) {
        if (cache.get(key) !== undefined) touch(key);
      } else {
        cache.delete(key);
        if (model.includes(key)) model.splice(model.indexOf(key), 1);
      }
    }
    expect(cache.size).toBe(model.length);
    for (let n = 0; n < 60; n++) expect(cache.get(`k${n}`) !== undefined).toBe(model.includes(`k${n}`));
  });
});
