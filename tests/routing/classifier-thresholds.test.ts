import { describe, expect, test } from "bun:test";
import { chatRequestSchema } from "../../src/chat/request-schema";
import { DEFAULT_THRESHOLDS, classifyRequest } from "../../src/routing/classifier/classify-request";
import { WORK_CATEGORIES } from "../../src/routing/classifier/categories";
import { resolveThresholds, tierForScore } from "../../src/routing/classifier/thresholds";

const request = (content: string, extra: Record<string, unknown> = {}) => chatRequestSchema.parse({ model: "m", messages: [{ role: "user", content }], ...extra });

describe("thresholds", () => {
  test("score → tier at the default boundaries", () => {
    expect(tierForScore(DEFAULT_THRESHOLDS.standard - 1)).toBe("economy");
    expect(tierForScore(DEFAULT_THRESHOLDS.standard)).toBe("standard");
    expect(tierForScore(DEFAULT_THRESHOLDS.premium - 1)).toBe("standard");
    expect(tierForScore(DEFAULT_THRESHOLDS.premium)).toBe("premium");
  });

  test("overrides apply; undefined keeps the default", () => {
    expect(resolveThresholds({})).toEqual({ ...DEFAULT_THRESHOLDS });
    expect(resolveThresholds({ standard: undefined, premium: undefined })).toEqual({ ...DEFAULT_THRESHOLDS });
    expect(resolveThresholds({ standard: 10, premium: 90 })).toEqual({ standard: 10, premium: 90 });
  });

  test("a lone override that crosses the other default moves it just past", () => {
    expect(resolveThresholds({ standard: 80 })).toEqual({ standard: 80, premium: 81 });
    expect(resolveThresholds({ premium: 5 })).toEqual({ standard: 4, premium: 5 });
  });

  test("bad overrides are refused with the offending value", () => {
    expect(() => resolveThresholds({ standard: 70, premium: 30 })).toThrow("standard=70 premium=30");
    expect(() => resolveThresholds({ premium: 101 })).toThrow("premium must be a number from 0 to 100, got 101");
    expect(() => resolveThresholds({ standard: Number.NaN })).toThrow("standard");
  });

  test("classifyRequest honours overrides: the same score lands in another tier", () => {
    const ordinary = request("add a GET /orders/:id/items endpoint following the pattern of the other routes");
    const defaultResult = classifyRequest(ordinary);
    expect(defaultResult.tier).toBe("standard");
    expect(classifyRequest(ordinary, { standard: defaultResult.score + 1 }).tier).toBe("economy");
    expect(classifyRequest(ordinary, { standard: 1, premium: defaultResult.score }).tier).toBe("premium");
    expect(classifyRequest(ordinary, { standard: 1, premium: defaultResult.score }).score).toBe(defaultResult.score);
  });

  test("one overrides object passed again (the proxy's configuration): its values as they are now, bad ones refused every time", () => {
    const ordinary = request("add a GET /orders/:id/items endpoint following the pattern of the other routes");
    const { score } = classifyRequest(ordinary);
    const overrides: { standard?: number; premium?: number } = { standard: score + 1 };
    expect(classifyRequest(ordinary, overrides).tier).toBe("economy");
    expect(classifyRequest(ordinary, overrides).tier).toBe("economy");
    overrides.standard = 1;
    overrides.premium = score;
    expect(classifyRequest(ordinary, overrides).tier).toBe("premium");
    expect(classifyRequest(ordinary, { standard: 1, premium: 100 }).tier).toBe("standard");
    expect(classifyRequest(ordinary, overrides).tier).toBe("premium");
    overrides.premium = 101;
    expect(() => classifyRequest(ordinary, overrides)).toThrow("premium must be a number from 0 to 100, got 101");
    expect(() => classifyRequest(ordinary, overrides)).toThrow("premium must be a number from 0 to 100, got 101");
  });
});

describe("classifyRequest", () => {
  test("returns an explainable classification", () => {
    const result = classifyRequest(
      request("Do a security review of the auth middleware and the payments webhook: token checks, signature verification, replayed events."),
    );
    expect(result.tier).toBe("premium");
    expect(result.category).toBe("security");
    expect(result.score).toBeGreaterThanOrEqual(0);
    expect(result.score).toBeLessThanOrEqual(100);
    // Reasons are the features that moved the score most, with their signed effect.
    expect(result.reasons[0]).toMatch(/^task:security \+\d+\.\d$/);
    for (const value of Object.values(result.features)) expect(["number", "boolean"]).toContain(typeof value);
    expect(result.features["task:security"]).toBeGreaterThanOrEqual(2);
  });

  test("trivial asks go to economy, ordinary ones to standard", () => {
    expect(classifyRequest(request("fix the typo 'recieve' in README.md")).tier).toBe("economy");
    expect(classifyRequest(request("great, thanks!"))).toMatchObject({ tier: "economy", category: "chat" });
    expect(classifyRequest(request("Hello")).tier).toBe("economy");
    expect(classifyRequest(request("write unit tests for parseAmount in src/lib/money.ts")).tier).toBe("standard");
  });

  test("a failing tool loop escalates an ordinary task", () => {
    const call = (id: string) => ({ role: "assistant", content: null, tool_calls: [{ id, type: "function", function: { name: "Bash", arguments: '{"command":"npm test"}' } }] });
    const failure = (id: string) => ({ role: "tool", tool_call_id: id, content: " FAIL tests/a.test.ts\nAssertionError: expected 1 to be 2\n ❯ tests/a.test.ts:3:5" });
    const task = { role: "user", content: "make the orders test pass" };
    const calm = classifyRequest(chatRequestSchema.parse({ model: "m", messages: [task] }));
    const struggling = classifyRequest(chatRequestSchema.parse({ model: "m", messages: [task, call("a"), failure("a"), call("b"), failure("b"), call("c"), failure("c")] }));
    expect(calm.tier).toBe("standard");
    expect(struggling.tier).toBe("premium");
    expect(struggling.score).toBeGreaterThan(calm.score + 20);
    expect(struggling.reasons.some((reason) => reason.startsWith("tool-errors +"))).toBe(true);
    expect(struggling.reasons.some((reason) => reason.startsWith("repeated-failures +"))).toBe(true);
    expect(struggling.category).toBe("debug");
  });

  test("only categories from the closed list are emitted", () => {
    const asks = ["fix the typo", "hello", "design a rate limiter across 3 regions", "why does the webhook deadlock under load?", "write tests for parseAmount", "explain the retry loop", "which port does the api use?"];
    for (const ask of asks) expect([...WORK_CATEGORIES, "general"]).toContain(classifyRequest(request(ask)).category);
  });
});
