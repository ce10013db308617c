import { describe, expect, test } from "bun:test";
import { requestDigest, requestKey } from "../../src/cache/request-key";
import { forgetTextDigests } from "../../src/cache/text-digests";
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

  test("max_completion_tokens alone is the same limit as max_tokens alone (the doors fill one or the other)", () => {
    expect(keyOf({ ...base, max_completion_tokens: 100 })).toBe(keyOf({ ...base, max_tokens: 100 }));
    expect(keyOf({ ...base, max_completion_tokens: 100 })).not.toBe(keyOf({ ...base, max_tokens: 101 }));
    expect(keyOf({ ...base, max_completion_tokens: 100, max_tokens: 50 })).not.toBe(keyOf({ ...base, max_tokens: 50 }));
    expect(keyOf({ ...base, max_completion_tokens: 100, max_tokens: 50 })).not.toBe(keyOf({ ...base, max_completion_tokens: 100 }));
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

  test("a null inside a tool's or a response format's JSON schema is a value (an upstream reads it), not an absent field", () => {
    const toolWith = (mode: Record<string, unknown>) => ({
      ...base,
      tools: [{ type: "function", function: { name: "set_mode", parameters: { type: "object", properties: { mode } } } }],
    });
    // "must be null" against "anything": a model told the first answers differently.
    expect(keyOf(toolWith({ const: null }))).not.toBe(keyOf(toolWith({})));
    expect(keyOf(toolWith({ type: ["string", "null"], default: null }))).not.toBe(keyOf(toolWith({ type: ["string", "null"] })));
    const formatWith = (extra: Record<string, unknown>) => ({
      ...base,
      response_format: { type: "json_schema", json_schema: { name: "answer", strict: true, schema: { type: "object", properties: { note: { type: ["string", "null"], ...extra } } } } },
    });
    expect(keyOf(formatWith({ const: null }))).not.toBe(keyOf(formatWith({})));
    // Outside a schema a null field is still an absent one: the doors differ in which they send.
    expect(keyOf({ ...base, vendor_options: { region: "eu", fallback: null } })).toBe(keyOf({ ...base, vendor_options: { region: "eu" } }));
  });

  test("strings of every length and script, numbers and nesting all count", () => {
    const long = "x".repeat(5_000);
    const pairs: Array<[unknown, unknown]> = [
      [long, `${long.slice(1)}y`],
      [`${long}é`, `${long}e`],
      ["a".repeat(32), "a".repeat(33)],
      ["ab", "ba"],
      ["日本", "日木"],
      ["😀", "😁"],
      [`${long}\ud800`, `${long}\udc00`],
      [`${long}\ud800`, `${long}\ufffd`],
      ["\ud800", "\udc00"],
      [1, "1"],
      [0.1, 0.2],
      [true, "true"],
      [[1, 2], [2, 1]],
      [{ a: 1 }, { a: 2 }],
      [{ a: [1] }, { a: 1 }],
    ];
    for (const [one, other] of pairs) {
      expect(keyOf({ ...base, vendor: one })).not.toBe(keyOf({ ...base, vendor: other }));
      expect(keyOf({ ...base, vendor: one })).toBe(keyOf({ ...base, vendor: structuredClone(one) }));
    }
  });

  test("a string's key does not depend on how the runtime holds it (Latin-1 or UTF-16, flat or concatenated)", () => {
    const text = `café ${"x".repeat(100)}`;
    const widened = `${text}😀`.slice(0, text.length);
    const concatenated = ["caf", "é ", "x".repeat(100)].join("");
    expect(keyOf({ ...base, messages: [{ role: "user", content: widened }] })).toBe(keyOf({ ...base, messages: [{ role: "user", content: text }] }));
    expect(keyOf({ ...base, messages: [{ role: "user", content: concatenated }] })).toBe(keyOf({ ...base, messages: [{ role: "user", content: text }] }));
    const short = "café";
    expect(keyOf({ ...base, vendor: `${short}😀`.slice(0, 4) })).toBe(keyOf({ ...base, vendor: short }));
  });

  test("a huge request between two small ones changes neither their keys nor a key already made", () => {
    const before = requestKey(parse(base));
    const words = before.canonical.words.slice();
    const huge = { ...base, tools: Array.from({ length: 20_000 }, (_, index) => ({ type: "function", function: { name: `t${index}`, parameters: { type: "object", properties: { a: { type: "string" } } } } })) };
    expect(keyOf(huge)).toMatch(/^[0-9a-f]{32}$/);
    expect(keyOf(base)).toBe(before.key);
    expect(before.canonical.words).toEqual(words);
  });

  test("is the same in another process (several instances share the table)", () => {
    const request = { ...base, messages: [{ role: "system", content: "s".repeat(500) }, ...base.messages], tools: [{ type: "function", function: { name: "read", parameters: { type: "object" } } }], top_p: 0.9 };
    const script = `import { requestKey } from "./src/cache/request-key"; import { chatRequestSchema } from "./src/chat/request-schema"; console.log(requestKey(chatRequestSchema.parse(${JSON.stringify(request)})).key);`;
    const child = Bun.spawnSync([process.execPath, "-e", script], { cwd: `${import.meta.dir}/../..` });
    expect(child.stdout.toString().trim()).toBe(keyOf(request));
  });

  test("the key is the words' wyhash and xxHash3, each as 16 big-endian hex digits with leading zeros", () => {
    // Enough requests that some hash starts with a zero digit (one in sixteen each).
    const keys = Array.from({ length: 64 }, (_, index) => requestKey(parse({ ...base, messages: [{ role: "user", content: `question ${index}` }] })));
    const hex = (value: bigint) => value.toString(16).padStart(16, "0");
    for (const key of keys) expect(key.key).toBe(hex(Bun.hash.wyhash(key.canonical.words)) + hex(Bun.hash.xxHash3(key.canonical.words)));
    expect(keys.some((key) => key.key[0] === "0" || key.key[16] === "0")).toBe(true);
  });

  test("digests made one after another are each the digest of their own request alone", () => {
    const first = requestKey(parse({ ...base, messages: [{ role: "user", content: "a".repeat(100) }] }));
    const second = requestKey(parse({ ...base, messages: [{ role: "user", content: "b".repeat(100) }] }));
    const alone = (key: typeof first) => {
      const hasher = new Bun.CryptoHasher("sha256").update(key.canonical.words);
      for (const text of key.canonical.texts) hasher.update(text);
      return hasher.digest("hex");
    };
    expect([requestDigest(first), requestDigest(second), requestDigest(first)]).toEqual([alone(first), alone(second), alone(first)]);
  });

  test("the digest is SHA-256 of the words and every long string in full", () => {
    const key = requestKey(parse({ ...base, messages: [{ role: "user", content: "q".repeat(100) }] }));
    expect(key.canonical.texts).toEqual(["q".repeat(100)]);
    expect(requestDigest(key)).toBe(new Bun.CryptoHasher("sha256").update(key.canonical.words).update("q".repeat(100)).digest("hex"));
    expect(requestDigest(key)).not.toBe(requestDigest({ ...key, canonical: { ...key.canonical, texts: ["q".repeat(99) + "r"] } }));
    expect(requestDigest(key)).not.toBe(requestDigest(requestKey(parse({ ...base, temperature: 1 }))));
  });

  test("a text of 1,024 characters or more goes into the digest as its own SHA-256, a shorter one in full", () => {
    const sha256 = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest();
    const long = "L".repeat(1024);
    const short = "s".repeat(1023);
    const key = requestKey(parse({ ...base, messages: [{ role: "user", content: long }, { role: "assistant", content: short }, { role: "user", content: "é".repeat(1100) }] }));
    expect(key.canonical.texts).toEqual([long, short, "é".repeat(1100)]);
    const expected = new Bun.CryptoHasher("sha256").update(key.canonical.words).update(sha256(long)).update(short).update(sha256("é".repeat(1100))).digest("hex");
    expect(requestDigest(key)).toBe(expected);
    // Remembered: the same again, also for another string with the same text.
    expect(requestDigest(requestKey(parse({ ...base, messages: [{ role: "user", content: "LL".repeat(512) }, { role: "assistant", content: short }, { role: "user", content: "é".repeat(1100) }] })))).toBe(expected);
  });

  test("a remembered text's digest is used only for that same text, not one with the same length and ends", () => {
    forgetTextDigests();
    const text = (middle: string) => `${"a".repeat(1000)}${middle}${"z".repeat(1000)}`;
    const digests = ["m".repeat(100), "n".repeat(100), "m".repeat(99) + "n"].map((middle) => requestDigest(requestKey(parse({ ...base, messages: [{ role: "user", content: text(middle) }] }))));
    expect(new Set(digests).size).toBe(3);
    const fresh = (middle: string) => {
      forgetTextDigests();
      return requestDigest(requestKey(parse({ ...base, messages: [{ role: "user", content: text(middle) }] })));
    };
    expect(digests).toEqual([fresh("m".repeat(100)), fresh("n".repeat(100)), fresh("m".repeat(99) + "n")]);
  });
});
