import { describe, expect, test } from "bun:test";
import { HitMemo } from "../../src/cache/hit-memo";

const bytes = (text: string) => new TextEncoder().encode(text);
const hit = (prepared: string) => ({ prepared, key: `key-${prepared}`, digest: `digest-${prepared}` });

describe("HitMemo", () => {
  test("finds a remembered body only for the same door, variant and bytes", () => {
    const memo = new HitMemo<string>(10, 1_000_000);
    memo.remember("openai", "", bytes('{"a":1}'), hit("A"));
    expect(memo.find("openai", "", bytes('{"a":1}'))).toMatchObject(hit("A"));
    expect(memo.find("responses", "", bytes('{"a":1}'))).toBeUndefined();
    expect(memo.find("openai", "beta", bytes('{"a":1}'))).toBeUndefined();
    expect(memo.find("openai", "", bytes('{"a":2}'))).toBeUndefined();
    expect(memo.find("openai", "", bytes('{"a":1} '))).toBeUndefined();
  });

  test("bounded by entries and by bytes (each body charged with the parsed request beside it); forget drops a slot", () => {
    const byCount = new HitMemo<string>(2, 1_000_000);
    for (const name of ["a", "b", "c"]) byCount.remember("openai", "", bytes(name), hit(name));
    expect(byCount.size).toBe(2);
    expect(byCount.find("openai", "", bytes("a"))).toBeUndefined();
    byCount.forget("openai", bytes("c"));
    expect(byCount.find("openai", "", bytes("c"))).toBeUndefined();
    expect(byCount.size).toBe(1);

    const body = bytes("x".repeat(10_000));
    const byBytes = new HitMemo<string>(100, 40_000);
    byBytes.remember("openai", "", body, hit("x"));
    expect(byBytes.bytes).toBeGreaterThanOrEqual(3 * body.byteLength);
    byBytes.remember("openai", "", bytes("y".repeat(10_000)), hit("y"));
    expect(byBytes.size).toBe(1);
    expect(byBytes.bytes).toBeLessThanOrEqual(40_000);
  });

  test("a slot with the same hash but other bytes is not a hit (the bytes are compared, not only hashed)", () => {
    const memo = new HitMemo<string>(10, 1_000_000);
    const remembered = bytes('{"question":"one"}');
    memo.remember("openai", "", remembered, hit("one"));
    // Same length, so the slot key differs only by the hash; forge a collision by rewriting the kept bytes.
    const other = bytes('{"question":"two"}');
    const found = memo.find("openai", "", remembered);
    expect(found).toBeDefined();
    remembered.set(other);
    expect(memo.find("openai", "", bytes('{"question":"one"}'))).toBeUndefined();
  });
});
