import { describe, expect, test } from "bun:test";
import { requestDigest, requestKey } from "../../src/cache/request-key";
import { chatRequestSchema } from "../../src/chat/request-schema";

/** The cache key: what changes the answer is in it, what does not is left out. */
const parse = (body: Record<string, unknown>) => chatRequestSchema.parse(body);
const base = { model: "gpt-4o-mini", messages: [{ role: "user", content: "Explain closures" }], temperature: 0 };
const keyOf = (body: Record<string, unknown>) => requestKey(parse(body)).key;

describe("requestKey", () => {
  test("is 32 hex digits and the same for the same request", () => {
    expect(keyOf(base)).toMatch(/^[0-9a-f]{32}$/);
    expect(keyOf(base)).toBe(keyOf(structuredClone(base)));
  });

  test("delivery and bookkeeping fields are not part of it", () => {
    const same = [
      { ...base, stream: true, stream_options: { include_usage: true } },
      { ...base, user: "alice", metadata: { run: 7 } },
      { ...base, store: false, prompt_cache_key: "session-9", safety_identifier: "u1", service_tier: "flex" },
      { ...base, temperature: 0, seed: null },
    ];
    for (const body of same) expect(keyOf(body)).toBe(keyOf(base));
  });

  test("everything that can change the answer is", () => {
    const tool = { type: "function", function: { name: "read", parameters: { type: "object" } } };
    const different = [
      { ...base, model: "auto" },
      { ...base, model: "economy" },
      { ...base, messages: [{ role: "user", content: "Explain closures!" }] },
      { ...base, messages: [{ role: "system", content: "Be brief." }, ...base.messages] },
      { ...base, temperature: 0.7 },
      { ...base, top_p: 0.5 },
      { ...base, max_tokens: 100 },
      { ...base, seed: 1 },
      { ...base, stop: ["\n"] },
      { ...base, tools: [tool] },
      { ...base, tools: [tool], tool_choice: "required" },
      { ...base, response_format: { type: "json_object" } },
      { ...base, reasoning_effort: "high" },
      { ...base, parallel_tool_calls: false },
      { ...base, some_vendor_field: 1 },
    ];
    const keys = new Set(different.map(keyOf));
    expect(keys.size).toBe(different.length);
    expect(keys.has(keyOf(base))).toBe(false);
  });

  test("values that would run together in a naive encoding stay apart", () => {
    const split = (a: string, b: string) => keyOf({ ...base, messages: [{ role: "user", content: a }, { role: "assistant", content: b }] });
    expect(split("ab", "c")).not.toBe(split("a", "bc"));
    expect(keyOf({ ...base, stop: ["1"] })).not.toBe(keyOf({ ...base, stop: "1" }));
    expect(keyOf({ ...base, seed: 1 })).not.toBe(keyOf({ ...base, seed: 11 }));
  });

  test("vendor fields in any order give one key; a null field is an absent one", () => {
    expect(keyOf({ ...base, alpha: 1, beta: 2 })).toBe(keyOf({ beta: 2, ...base, alpha: 1 }));
    expect(keyOf({ ...base, top_p: null })).toBe(keyOf(base));
  });

  test("the digest is SHA-256 of the canonical text", () => {
    const { canonical } = requestKey(parse(base));
    expect(requestDigest(canonical)).toBe(new Bun.CryptoHasher("sha256").update(canonical).digest("hex"));
    expect(requestDigest(canonical)).not.toBe(requestDigest(requestKey(parse({ ...base, temperature: 1 })).canonical));
  });
});
