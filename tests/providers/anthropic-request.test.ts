import { describe, expect, test } from "bun:test";
import { ProxyError } from "../../src/errors";
import { JSON_OBJECT_INSTRUCTION } from "../../src/providers/anthropic/to-anthropic-request";
import { haiku45, translate, user } from "../helpers/translate-anthropic-request";

/** Request translation, OpenAI chat → Anthropic Messages, on the pure function. Thinking: anthropic-request-thinking.test.ts. */
describe("system, history and merging", () => {
  test("system and developer messages, wherever they are, become system blocks in order", () => {
    const { result } = translate({
      messages: [{ role: "system", content: "Be brief." }, user("Hi"), { role: "developer", content: [{ type: "text", text: "Use British spelling." }] }, user("Colour?")],
    });
    expect(result.system).toEqual([
      { type: "text", text: "Be brief." },
      { type: "text", text: "Use British spelling." },
    ]);
    // The two user turns, no longer separated by the developer message, are merged into one.
    expect(result.messages).toEqual([{ role: "user", content: [{ type: "text", text: "Hi" }, { type: "text", text: "Colour?" }] }]);
  });

  test("multi-turn history alternates; consecutive same-role turns merge; empty turns are left out", () => {
    const { result } = translate({
      messages: [user("One"), { role: "assistant", content: "Two" }, { role: "assistant", content: "" }, { role: "assistant", content: "Three" }, user("Four")],
    });
    // A turn that is one message's keeps its plain-string content; a merged turn is blocks.
    expect(result.messages).toEqual([
      { role: "user", content: "One" },
      { role: "assistant", content: [{ type: "text", text: "Two" }, { type: "text", text: "Three" }] },
      { role: "user", content: "Four" },
    ]);
    expect(result.system).toBeUndefined();
  });

  test("cache_control a client put on a part is kept", () => {
    const { result } = translate({
      messages: [{ role: "system", content: [{ type: "text", text: "Long prompt", cache_control: { type: "ephemeral" } }] }, user("Hi")],
    });
    expect(result.system).toEqual([{ type: "text", text: "Long prompt", cache_control: { type: "ephemeral" } }]);
  });

  test("a conversation with only system messages is a 400", () => {
    expect(() => translate({ messages: [{ role: "system", content: "x" }] })).toThrow(ProxyError);
  });
});

describe("images and files", () => {
  test("data URLs become base64 sources; http URLs become url sources", () => {
    const { result } = translate({
      messages: [
        user([
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          { type: "image_url", image_url: { url: "https://example.com/cat.jpg", detail: "high" } },
          { type: "image_url", image_url: { url: "data:image/jpg;base64,/9j/4AAQ" } },
        ]),
      ],
    });
    expect(result.messages[0]!.content).toEqual([
      { type: "text", text: "What is this?" },
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
      { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
      { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/4AAQ" } },
    ]);
  });

  test("a PDF file part becomes a document block", () => {
    const { result } = translate({ messages: [user([{ type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } }])] });
    expect(result.messages[0]!.content).toEqual([{ type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" }, title: "a.pdf" }]);
  });

  test("unsupported image types and part types are 400s naming the part", () => {
    const bmp = () => translate({ messages: [user([{ type: "image_url", image_url: { url: "data:image/bmp;base64,Qk0=" } }])] });
    expect(bmp).toThrow(/image\/bmp/);
    try {
      translate({ messages: [user("Hi"), user([{ type: "input_audio", input_audio: { data: "x", format: "wav" } }])] });
      throw new Error("expected a 400");
    } catch (error) {
      expect(error).toBeInstanceOf(ProxyError);
      expect((error as ProxyError).status).toBe(400);
      expect((error as ProxyError).param).toBe("messages[1].content[0]");
    }
  });
});

describe("tools", () => {
  const weather = { type: "function", function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } };

  test("tools become input_schema tools; a tool without parameters gets an empty object schema", () => {
    const { result } = translate({ messages: [user("Hi")], tools: [weather, { type: "function", function: { name: "now" } }] });
    expect(result.tools).toEqual([
      { name: "get_weather", description: "Weather", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
      { name: "now", input_schema: { type: "object", properties: {} } },
    ]);
    expect(result.tool_choice).toBeUndefined();
  });

  test("tool_choice and parallel_tool_calls map onto Anthropic's tool_choice", () => {
    const choice = (extra: Record<string, unknown>) => translate({ messages: [user("Hi")], tools: [weather], ...extra }).result.tool_choice;
    expect(choice({ tool_choice: "auto" })).toEqual({ type: "auto" });
    expect(choice({ tool_choice: "none" })).toEqual({ type: "none" });
    expect(choice({ tool_choice: "required" })).toEqual({ type: "any" });
    expect(choice({ tool_choice: { type: "function", function: { name: "get_weather" } } })).toEqual({ type: "tool", name: "get_weather" });
    expect(choice({ parallel_tool_calls: false })).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(choice({ tool_choice: "required", parallel_tool_calls: false })).toEqual({ type: "any", disable_parallel_tool_use: true });
    expect(choice({ parallel_tool_calls: true })).toBeUndefined();
  });

  test("tool_choice without tools is dropped", () => {
    const { result, logs } = translate({ messages: [user("Hi")], tool_choice: "auto" });
    expect(result.tool_choice).toBeUndefined();
    expect(logs.some((line) => line.includes("tool_choice"))).toBe(true);
  });

  test("assistant tool_calls become tool_use blocks; consecutive tool results share one user turn", () => {
    const { result } = translate({
      tools: [weather],
      messages: [
        user("Weather in Paris and Rome?"),
        {
          role: "assistant",
          content: "Checking.",
          tool_calls: [
            { id: "toolu_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
            { id: "toolu_2", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: "tool", tool_call_id: "toolu_1", content: "18C" },
        { role: "tool", tool_call_id: "toolu_2", content: [{ type: "text", text: "Error: station offline" }], is_error: true },
        user("Thanks"),
      ],
    });
    expect(result.messages).toEqual([
      { role: "user", content: "Weather in Paris and Rome?" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking." },
          { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "toolu_2", name: "get_weather", input: { city: "Rome" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_1", content: "18C" },
          // Tool output keeps the form it came in: a string as a string, parts as blocks.
          { type: "tool_result", tool_use_id: "toolu_2", content: [{ type: "text", text: "Error: station offline" }], is_error: true },
          { type: "text", text: "Thanks" },
        ],
      },
    ]);
  });

  test("a tool result starting with 'Error' is not marked is_error without the client saying so", () => {
    const { result } = translate({
      tools: [weather],
      messages: [
        user("x"),
        { role: "assistant", content: null, tool_calls: [{ id: "t1", type: "function", function: { name: "get_weather", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "t1", content: "Error: line 3 of the log" },
      ],
    });
    expect(result.messages[2]!.content).toEqual([{ type: "tool_result", tool_use_id: "t1", content: "Error: line 3 of the log" }]);
  });

  test("empty arguments are {}; invalid JSON arguments are kept under _raw_arguments with a log line", () => {
    const { result, logs } = translate({
      tools: [weather],
      messages: [
        user("x"),
        {
          role: "assistant",
          content: "",
          tool_calls: [
            { id: "t1", type: "function", function: { name: "now", arguments: "" } },
            { id: "t2", type: "function", function: { name: "get_weather", arguments: '{"city": "Par' } },
            { id: "t3", type: "function", function: { name: "get_weather", arguments: "[1,2]" } },
          ],
        },
        { role: "tool", tool_call_id: "t1", content: "noon" },
      ],
    });
    expect(result.messages[1]!.content).toEqual([
      { type: "tool_use", id: "t1", name: "now", input: {} },
      { type: "tool_use", id: "t2", name: "get_weather", input: { _raw_arguments: '{"city": "Par' } },
      { type: "tool_use", id: "t3", name: "get_weather", input: { _raw_arguments: "[1,2]" } },
    ]);
    expect(logs.filter((line) => line.includes("_raw_arguments")).length).toBe(2);
  });

  test("legacy function messages are a 400", () => {
    expect(() => translate({ messages: [user("x"), { role: "function", name: "f", content: "r" }] })).toThrow(/Legacy/);
  });
});

describe("parameters", () => {
  test("stop → stop_sequences; whitespace-only ones are dropped", () => {
    expect(translate({ messages: [user("x")], stop: "END" }).result.stop_sequences).toEqual(["END"]);
    expect(translate({ messages: [user("x")], stop: ["A", "\n", "B"] }).result.stop_sequences).toEqual(["A", "B"]);
  });

  test("max_tokens: client's value, capped at the model maximum, else the catalog maximum, else 8192", () => {
    expect(translate({ messages: [user("x")], max_tokens: 500 }).result.max_tokens).toBe(500);
    expect(translate({ messages: [user("x")], max_completion_tokens: 700, max_tokens: 500 }).result.max_tokens).toBe(700);
    const capped = translate({ messages: [user("x")], max_tokens: 100_000 });
    expect(capped.result.max_tokens).toBe(64_000);
    expect(capped.logs.some((line) => line.includes("max_tokens"))).toBe(true);
    expect(translate({ messages: [user("x")] }).result.max_tokens).toBe(64_000);
    expect(translate({ messages: [user("x")] }, { reasoning: false, structuredOutputs: false }).result.max_tokens).toBe(8192);
  });

  test("temperature above 1 is lowered to 1 with a log line; top_p and top_k pass on a model that takes all three", () => {
    const high = translate({ messages: [user("x")], temperature: 1.6, top_p: 0.9, top_k: 40 }, haiku45, "claude-3-7-sonnet-20250219");
    expect(high.result.temperature).toBe(1);
    expect(high.result.top_p).toBe(0.9);
    expect(high.result.top_k).toBe(40);
    expect(high.logs.some((line) => line.includes("temperature"))).toBe(true);
    expect(translate({ messages: [user("x")], temperature: 0.2 }).result.temperature).toBe(0.2);
    expect(translate({ messages: [user("x")] }).result.temperature).toBeUndefined();
  });

  test("Claude 4.5 takes temperature or top_p, not both: top_p is dropped with a log line", () => {
    const both = translate({ messages: [user("x")], temperature: 0.4, top_p: 0.9 });
    expect(both.result.temperature).toBe(0.4);
    expect(both.result).not.toHaveProperty("top_p");
    expect(both.logs.some((line) => line.includes("not both"))).toBe(true);
    expect(translate({ messages: [user("x")], top_p: 0.9 }).result.top_p).toBe(0.9);
    expect(translate({ messages: [user("x")], top_p: 0.9 }).result).not.toHaveProperty("temperature");
  });

  test("user → metadata.user_id; OpenAI-only parameters are dropped with a log line", () => {
    const { result, logs } = translate({ messages: [user("x")], user: "u-42", seed: 7, presence_penalty: 0.5, metadata: { app: "cline" } });
    expect(result.metadata).toEqual({ user_id: "u-42" });
    expect(result).not.toHaveProperty("seed");
    expect(result).not.toHaveProperty("presence_penalty");
    expect(logs.some((line) => line.includes("dropped parameters"))).toBe(true);
  });

  test("json_schema → output_config.format; json_object → a system instruction", () => {
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false };
    const structured = translate({ messages: [user("x")], response_format: { type: "json_schema", json_schema: { name: "a", schema, strict: true } } });
    expect(structured.result.output_config).toEqual({ format: { type: "json_schema", schema } });
    expect(structured.result.system).toBeUndefined();

    const object = translate({ messages: [{ role: "system", content: "Be terse." }, user("x")], response_format: { type: "json_object" } });
    expect(object.result.system).toEqual([
      { type: "text", text: "Be terse." },
      { type: "text", text: JSON_OBJECT_INSTRUCTION },
    ]);
    expect(object.result.output_config).toBeUndefined();

    const noStructured = translate({ messages: [user("x")], response_format: { type: "json_schema", json_schema: { name: "a", schema } } }, { reasoning: false, structuredOutputs: false });
    expect(noStructured.result.system).toEqual([{ type: "text", text: JSON_OBJECT_INSTRUCTION }]);
  });
});
