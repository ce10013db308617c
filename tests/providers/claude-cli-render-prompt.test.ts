import { describe, expect, test } from "bun:test";
import { chatRequestSchema } from "../../src/chat/request-schema";
import { ProxyError } from "../../src/errors";
import { renderPrompt } from "../../src/providers/claude-cli/render-prompt";

const render = (messages: unknown[]) => renderPrompt(chatRequestSchema.parse({ model: "m", messages }));

describe("renderPrompt", () => {
  test("one user message is sent as it is; system and developer messages become the system prompt", () => {
    expect(
      render([
        { role: "system", content: "You are terse." },
        { role: "developer", content: [{ type: "text", text: "Use British spelling." }] },
        { role: "user", content: [{ type: "text", text: "Hello " }, { type: "text", text: "there" }] },
      ]),
    ).toEqual({ systemPrompt: "You are terse.\n\nUse British spelling.", prompt: "Hello there" });
  });

  test("no system message gives an empty system prompt (which replaces the CLI's own)", () => {
    expect(render([{ role: "user", content: "Hi" }]).systemPrompt).toBe("");
  });

  test("a conversation becomes a transcript with tool calls and results, the last message last", () => {
    const { prompt } = render([
      { role: "system", content: "sys" },
      { role: "user", content: "Read a.ts" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "read_file", arguments: '{"path":"a.ts"}' } }] },
      { role: "tool", tool_call_id: "call_1", content: "export const a = 1;" },
      { role: "assistant", content: "It exports a." },
      { role: "user", content: "And b?" },
    ]);
    expect(prompt).toBe(
      [
        "Below is a conversation between a user and an assistant, oldest turn first. Write the assistant's next reply only, without a tag around it.",
        "<user>\nRead a.ts\n</user>",
        '<assistant>\n<tool_call id="call_1" name="read_file">\n{"path":"a.ts"}\n</tool_call>\n</assistant>',
        '<tool_result tool_call_id="call_1">\nexport const a = 1;\n</tool_result>',
        "<assistant>\nIt exports a.\n</assistant>",
        "<user>\nAnd b?\n</user>",
      ].join("\n\n"),
    );
    expect(prompt).not.toContain("sys");
  });

  test("attribute values are escaped", () => {
    const { prompt } = render([
      { role: "user", content: "x" },
      { role: "assistant", content: "", tool_calls: [{ id: 'a"b', type: "function", function: { name: "f<g>", arguments: "{}" } }] },
      { role: "tool", tool_call_id: 'a"b', content: "ok" },
    ]);
    expect(prompt).toContain('<tool_call id="a&#34;b" name="f&#60;g&#62;">');
  });

  test("a prompt that starts with '/' gets a leading space (the CLI would run it as a slash command)", () => {
    expect(render([{ role: "user", content: "/clear" }]).prompt).toBe(" /clear");
  });

  test("image parts are refused with a 400 naming the message", () => {
    let error: unknown;
    try {
      render([
        { role: "user", content: "hi" },
        { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }] },
      ]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProxyError);
    expect(error).toMatchObject({ status: 400, code: "unsupported_content", param: "messages[1].content" });
  });
});
