import { describe, expect, test } from "bun:test";
import { chatRequestSchema } from "../../src/chat/request-schema";
import { ProxyError } from "../../src/errors";
import { type RenderOptions, renderPrompt } from "../../src/providers/claude-cli/render-prompt";
import type { UserBlock } from "../../src/providers/claude-cli/user-content";

const render = (messages: unknown[], options?: RenderOptions) => renderPrompt(chatRequestSchema.parse({ model: "m", messages }), options);
const text = (blocks: UserBlock[]) => blocks.map((block) => (block.type === "text" ? block.text : `[${block.type}]`)).join("");
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

describe("renderPrompt", () => {
  test("one user message is sent as it is; system and developer messages become the system prompt", () => {
    expect(
      render([
        { role: "system", content: "You are terse." },
        { role: "developer", content: [{ type: "text", text: "Use British spelling." }] },
        { role: "user", content: [{ type: "text", text: "Hello " }, { type: "text", text: "there" }] },
      ]),
    ).toEqual({ systemPrompt: "You are terse.\n\nUse British spelling.", content: [{ type: "text", text: "Hello there" }] });
  });

  test("no system message gives an empty system prompt (which replaces the CLI's own)", () => {
    expect(render([{ role: "user", content: "Hi" }]).systemPrompt).toBe("");
  });

  const conversation = [
    { role: "system", content: "sys" },
    { role: "user", content: "Read a.ts" },
    { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "read_file", arguments: '{"path":"a.ts"}' } }] },
    { role: "tool", tool_call_id: "call_1", content: "export const a = 1;" },
    { role: "assistant", content: "It exports a." },
    { role: "user", content: "And b?" },
  ];

  test("a conversation becomes a transcript with tool calls and results, the last message last", () => {
    const { content } = render(conversation);
    expect(content).toHaveLength(1);
    expect(text(content)).toBe(
      [
        "Below is a conversation between a user and an assistant, oldest turn first. Write the assistant's next reply only, without a tag around it.",
        "<user>\nRead a.ts\n</user>",
        '<assistant>\n<tool_call id="call_1" name="read_file">\n{"path":"a.ts"}\n</tool_call>\n</assistant>',
        '<tool_result tool_call_id="call_1">\nexport const a = 1;\n</tool_result>',
        "<assistant>\nIt exports a.\n</assistant>",
        "<user>\nAnd b?\n</user>",
      ].join("\n\n"),
    );
    expect(text(content)).not.toContain("sys");
  });

  test("with the client's tools offered, earlier calls carry the name the model knows and the intro says how to call", () => {
    const { content } = render(conversation, { toolName: (name) => `mcp__client__${name}` });
    expect(text(content)).toContain('<tool_call id="call_1" name="mcp__client__read_file">');
    expect(text(content)).toContain("to call a tool now, use your tools, never such a tag");
  });

  test("attribute values are escaped", () => {
    const { content } = render([
      { role: "user", content: "x" },
      { role: "assistant", content: "", tool_calls: [{ id: 'a"b', type: "function", function: { name: "f<g>", arguments: "{}" } }] },
      { role: "tool", tool_call_id: 'a"b', content: "ok" },
    ]);
    expect(text(content)).toContain('<tool_call id="a&#34;b" name="f&#60;g&#62;">');
  });

  test("text that starts with '/' gets a leading space (the CLI would run it as a slash command)", () => {
    expect(render([{ role: "user", content: "/clear" }]).content).toEqual([{ type: "text", text: " /clear" }]);
    const afterImage = render([{ role: "user", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }, { type: "text", text: "/compact" }] }]);
    expect(afterImage.content.at(-1)).toEqual({ type: "text", text: " /compact" });
  });

  test("images stay where they were: a data URL as base64, an http URL as a url source", () => {
    const { content } = render([
      { role: "user", content: [{ type: "text", text: "Compare " }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] },
      { role: "assistant", content: "Which other?" },
      { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/b.jpg" } }, { type: "text", text: "this one" }] },
    ]);
    expect(content.map((block) => block.type)).toEqual(["text", "image", "text", "image", "text"]);
    expect(content[1]).toEqual({ type: "image", source: { type: "base64", media_type: "image/png", data: PNG } });
    expect(content[3]).toEqual({ type: "image", source: { type: "url", url: "https://example.com/b.jpg" } });
    expect(text(content)).toEndWith("[image]this one\n</user>");
  });

  test("a PDF becomes a document block", () => {
    const { content } = render([{ role: "user", content: [{ type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0xLjQK" } }, { type: "text", text: "Summarise" }] }]);
    expect(content[0]).toEqual({ type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0xLjQK" }, title: "a.pdf" });
  });

  test("audio and images in other formats are refused with a 400 naming the part", () => {
    const refusal = (messages: unknown[]) => {
      try {
        render(messages);
      } catch (caught) {
        return caught;
      }
      return undefined;
    };
    const audio = refusal([
      { role: "user", content: "hi" },
      { role: "user", content: [{ type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }] },
    ]);
    expect(audio).toBeInstanceOf(ProxyError);
    expect(audio).toMatchObject({ status: 400, code: "unsupported_content", param: "messages[1].content[0]" });
    expect(refusal([{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/tiff;base64,AAAA" } }] }])).toMatchObject({ status: 400, param: "messages[0].content[0]" });
  });
});
