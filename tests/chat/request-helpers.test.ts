import { describe, expect, test } from "bun:test";
import { parseDataUrl } from "../../src/chat/data-url";
import { mergeSameRoleTurns } from "../../src/chat/merge-turns";
import { isReasoningEffort, reasoningEfforts } from "../../src/chat/reasoning-effort";
import { type ChatMessage, chatRequestSchema } from "../../src/chat/request-schema";
import { collectSystemMessages, systemPromptText } from "../../src/chat/system-messages";
import { parseToolArguments } from "../../src/chat/tool-arguments";

describe("parseDataUrl", () => {
  test("base64 data URLs keep their data; the media type is lower-cased", () => {
    expect(parseDataUrl("data:image/png;base64,iVBORw0KGgo=")).toEqual({ mediaType: "image/png", data: "iVBORw0KGgo=" });
    expect(parseDataUrl("data:IMAGE/JPEG;name=a.jpg;base64,/9j/4AAQ")).toEqual({ mediaType: "image/jpeg", data: "/9j/4AAQ" });
  });

  test("a percent-encoded payload becomes base64; no media type means text/plain", () => {
    expect(parseDataUrl("data:,Hello%2C%20World")).toEqual({ mediaType: "text/plain", data: Buffer.from("Hello, World").toString("base64") });
    expect(parseDataUrl("data:text/csv,a%2Cb")).toEqual({ mediaType: "text/csv", data: Buffer.from("a,b").toString("base64") });
  });

  test("anything else is undefined", () => {
    expect(parseDataUrl("https://example.com/a.png")).toBeUndefined();
    expect(parseDataUrl("data:image/png;base64")).toBeUndefined();
    expect(parseDataUrl("data:text/plain,%E0%A4%A")).toBeUndefined();
  });
});

describe("parseToolArguments", () => {
  test("blank text is {}; a JSON object is itself", () => {
    expect(parseToolArguments("")).toEqual({ input: {}, malformed: false });
    expect(parseToolArguments("  \n")).toEqual({ input: {}, malformed: false });
    expect(parseToolArguments('{"city":"Paris","days":[1,2]}')).toEqual({ input: { city: "Paris", days: [1, 2] }, malformed: false });
  });

  test("JSON cut short, arrays and bare values are kept whole under _raw_arguments", () => {
    for (const text of ['{"city": "Par', "[1,2]", '"Paris"', "null", "42"]) {
      expect(parseToolArguments(text)).toEqual({ input: { _raw_arguments: text }, malformed: true });
    }
  });
});

describe("mergeSameRoleTurns", () => {
  test("consecutive turns of one role merge; empty turns are left out first, so their neighbours merge", () => {
    const turns = [
      { role: "user", parts: ["a"] },
      { role: "user", parts: ["b"] },
      { role: "assistant", parts: [] },
      { role: "user", parts: ["c"] },
      { role: "assistant", parts: ["d", "e"] },
      { role: "user", parts: ["f"] },
    ] as const;
    expect(mergeSameRoleTurns(turns.map((turn) => ({ role: turn.role, parts: [...turn.parts] })))).toEqual([
      { role: "user", parts: ["a", "b", "c"] },
      { role: "assistant", parts: ["d", "e"] },
      { role: "user", parts: ["f"] },
    ]);
  });

  test("the input turns are not changed", () => {
    const first = { role: "user", parts: [1] };
    mergeSameRoleTurns([first, { role: "user", parts: [2] }]);
    expect(first.parts).toEqual([1]);
  });
});

describe("collectSystemMessages", () => {
  const messages = chatRequestSchema.parse({
    model: "m",
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "developer", content: [{ type: "text", text: "Use British spelling." }] },
      { role: "system", content: "" },
      { role: "assistant", content: "Hello" },
    ],
  }).messages as ChatMessage[];

  test("system and developer messages, wherever they are, come apart from the turns, each with its position", () => {
    const { system, conversation } = collectSystemMessages(messages);
    expect(system.map(({ message, index }) => [message.role, index])).toEqual([
      ["system", 0],
      ["developer", 2],
      ["system", 3],
    ]);
    expect(conversation.map(({ message, index }) => [message.role, index])).toEqual([
      ["user", 1],
      ["assistant", 4],
    ]);
  });

  test("as one prompt: texts in order, empty ones left out, a blank line between", () => {
    expect(systemPromptText(collectSystemMessages(messages).system)).toBe("Be brief.\n\nUse British spelling.");
  });
});

describe("ReasoningEffort", () => {
  test("one scale, weakest first, and a guard for values from the wire", () => {
    expect(reasoningEfforts).toEqual(["none", "minimal", "low", "medium", "high", "xhigh", "max"]);
    expect(isReasoningEffort("xhigh")).toBe(true);
    expect(isReasoningEffort("turbo")).toBe(false);
    expect(isReasoningEffort(3)).toBe(false);
  });
});
