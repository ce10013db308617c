import { describe, expect, test } from "bun:test";
import { KeyIndex } from "../../src/cache/key-index";
import { LruCache } from "../../src/cache/lru-cache";

describe("LruCache", () => {
  test("past its entry bound the least recently used goes first", () => {
    const cache = new LruCache<string>(2, 1_000);
    cache.set("a", "A", 1);
    cache.set("b", "B", 1);
    expect(cache.get("a")).toBe("A");
    cache.set("c", "C", 1);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe("A");
    expect(cache.get("c")).toBe("C");
    expect(cache.size).toBe(2);
  });

  test("past its byte bound as many as needed go; a value larger than the bound is not kept", () => {
    const cache = new LruCache<string>(100, 10);
    cache.set("a", "A", 4);
    cache.set("b", "B", 4);
    cache.set("c", "C", 6);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.bytes).toBe(10);
    cache.set("d", "D", 9);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("c")).toBeUndefined();
    expect(cache.bytes).toBe(9);
    cache.set("huge", "H", 11);
    expect(cache.get("huge")).toBeUndefined();
    expect(cache.get("d")).toBe("D");
  });

  test("setting a key again replaces its size", () => {
    const cache = new LruCache<string>(10, 10);
    cache.set("a", "A", 8);
    cache.set("a", "A2", 3);
    expect(cache.bytes).toBe(3);
    cache.delete("a");
    expect(cache.bytes).toBe(0);
    expect(cache.size).toBe(0);
  });
});

describe("KeyIndex", () => {
  test("knows a key until it expires, and drops the oldest past its bound", () => {
    const index = new KeyIndex(2);
    index.add("a", 2_000);
    index.add("b", 5_000);
    expect(index.has("a", 1_000)).toBe(true);
    expect(index.has("a", 2_000)).toBe(false);
    index.add("a", 9_000);
    index.add("c", 9_000);
    expect(index.has("b", 1_000)).toBe(false);
    expect(index.size).toBe(2);
    expect(index.prune(9_500)).toBe(2);
  });
});
