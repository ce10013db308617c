import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * An image in a tool result (Claude Code's Read of a screenshot, a Codex view_image, an OpenAI
 * client's tool message with an image part) must reach an OpenAI-wire model in a shape its API
 * takes. OpenAI's chat completions take only text in a tool message ("Image URLs are only allowed
 * for messages with role 'user'"), so the image goes in a user message right after the tool
 * messages; the Responses API takes it in the function_call_output's output array, where it was
 * dropped before.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-tool-result-images-000000", OPENAI_BASE_URL: upstream.url });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const DATA_URL = `data:image/png;base64,${PNG}`;
const screenshotTool: Anthropic.Tool = { name: "screenshot", input_schema: { type: "object", properties: {} } };

function anthropicToolLoop(model: string): Anthropic.MessageCreateParamsNonStreaming {
  return {
    model,
    max_tokens: 100,
    tools: [screenshotTool],
    messages: [
      { role: "user", content: "What is on the screen?" },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_01", name: "screenshot", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01", content: [{ type: "text", text: "Screenshot taken." }, { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } }] }] },
    ],
  };
}

type Sent = { role: string; content: unknown; tool_call_id?: string };

describe("images in tool results, to OpenAI chat completions", () => {
  test("Anthropic door: the tool message keeps its text, the image follows in a user message", async () => {
    const anthropic = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
    const message = await anthropic.messages.create(anthropicToolLoop("gpt-4o"));
    expect(message.content[0]?.type).toBe("text");
    const sent = (upstream.requests.at(-1)!.body as { messages: Sent[] }).messages;
    expect(sent.map((entry) => entry.role)).toEqual(["user", "assistant", "tool", "user"]);
    const tool = sent[2]!;
    expect(tool.tool_call_id).toBe("toolu_01");
    expect(JSON.stringify(tool.content)).not.toContain("image_url");
    expect(JSON.stringify(tool.content)).toContain("Screenshot taken.");
    expect(sent[3]!.content).toEqual([
      { type: "text", text: "The tool result toolu_01 came with this attachment:" },
      { type: "image_url", image_url: { url: DATA_URL } },
    ]);
  });

  test("OpenAI door: several tool messages with images; the images come after the last of them", async () => {
    const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
    await client.chat.completions.create({
      model: "gpt-4o",
      tools: [{ type: "function", function: { name: "screenshot", parameters: { type: "object", properties: {} } } }],
      messages: [
        { role: "user", content: "Compare both screens." },
        { role: "assistant", content: null, tool_calls: [{ id: "call_a", type: "function", function: { name: "screenshot", arguments: "{}" } }, { id: "call_b", type: "function", function: { name: "screenshot", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "call_a", content: [{ type: "image_url", image_url: { url: DATA_URL } }] as unknown as string },
        { role: "tool", tool_call_id: "call_b", content: "no screen attached" },
      ],
    });
    const sent = (upstream.requests.at(-1)!.body as { messages: Sent[] }).messages;
    expect(sent.map((entry) => entry.role)).toEqual(["user", "assistant", "tool", "tool", "user"]);
    expect(JSON.stringify(sent[2]!.content)).not.toContain("image_url");
    expect(sent[3]!.content).toBe("no screen attached");
    expect(sent[4]!.content).toEqual([
      { type: "text", text: "The tool result call_a came with this attachment:" },
      { type: "image_url", image_url: { url: DATA_URL } },
    ]);
  });

  test("a tool message with text only is sent as it was", async () => {
    const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: "user", content: "Read it." },
      { role: "assistant", content: null, tool_calls: [{ id: "call_t", type: "function", function: { name: "read", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "call_t", content: [{ type: "text", text: "file body" }] },
    ];
    await client.chat.completions.create({ model: "gpt-4o", messages, tools: [{ type: "function", function: { name: "read", parameters: { type: "object", properties: {} } } }] });
    const sent = (upstream.requests.at(-1)!.body as { messages: Sent[] }).messages;
    expect(sent).toHaveLength(3);
    expect(sent[2]!.content).toEqual([{ type: "text", text: "file body" }]);
  });
});

describe("images in tool results, to OpenAI's Responses API", () => {
  test("the function_call_output carries the image as input_image", async () => {
    const anthropic = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0 });
    // GPT-6.1 Terra takes tools only on the Responses API.
    await anthropic.messages.create(anthropicToolLoop("gpt-6.1-terra")).catch(() => undefined);
    const request = upstream.requests.at(-1)!;
    expect(request.path).toBe("/v1/responses");
    const output = (request.body as { input: Array<Record<string, unknown>> }).input.find((item) => item.type === "function_call_output");
    expect(output).toEqual({
      type: "function_call_output",
      call_id: "toolu_01",
      output: [
        { type: "input_text", text: "Screenshot taken." },
        { type: "input_image", image_url: DATA_URL, detail: "auto" },
      ],
    });
  });
});
