import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type MockGeminiUpstream, startMockGeminiUpstream } from "../helpers/mock-gemini-upstream";
import { sdkFailure } from "../helpers/sdk-failure";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Through the Responses door a provider's refusal names the client's own fields in its message, as
 * its `param` does: `input_file.file_data`, `input[1].call_id`, never the internal chat request's
 * `file.file_data` or `messages[2].tool_call_id`.
 */
const anthropicKey = "sk-ant-responses-error-messages";
const geminiKey = "gemini-responses-error-messages";
let anthropic: MockAnthropicUpstream;
let gemini: MockGeminiUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  anthropic = startMockAnthropicUpstream({ apiKey: anthropicKey });
  gemini = startMockGeminiUpstream({ apiKey: geminiKey });
  proxy = await startTestProxy({ ANTHROPIC_API_KEY: anthropicKey, ANTHROPIC_BASE_URL: anthropic.url, GEMINI_API_KEY: geminiKey, GEMINI_BASE_URL: gemini.url });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await anthropic.close();
  await gemini.close();
});

const internalName = /messages\[|(?<!input_)file\.file_data|tool_call_id|image_url\.url/;

test("Claude refusing a file part names input_file.file_data", async () => {
  const error = await sdkFailure(() =>
    client.responses.create({
      model: "anthropic:claude-haiku-4-5",
      input: [{ role: "user", content: [{ type: "input_text", text: "Unpack" }, { type: "input_file", filename: "a.zip", file_data: "data:application/zip;base64,UEsDBAo=" }] }],
    }),
  );
  expect(error.status).toBe(400);
  expect(error.error).toMatchObject({ param: "input[0].content[1]" });
  const message = (error.error as { message: string }).message;
  expect(message).toContain("input_file.file_data");
  expect(message).not.toMatch(internalName);
});

test("Claude refusing an image URL names input_image.image_url", async () => {
  const error = await sdkFailure(() =>
    client.responses.create({ model: "anthropic:claude-haiku-4-5", input: [{ role: "user", content: [{ type: "input_image", image_url: "ftp://example.invalid/a.png", detail: "auto" }] }] }),
  );
  expect(error.status).toBe(400);
  const message = (error.error as { message: string }).message;
  expect(message).toContain("input_image.image_url");
  expect(message).not.toMatch(internalName);
});

test("Gemini refusing a function_call_output with no call names input[i].call_id", async () => {
  const error = await sdkFailure(() =>
    client.responses.create({
      model: "gemini:gemini-2.5-flash",
      input: [
        { role: "user", content: "Look it up" },
        { type: "function_call_output", call_id: "call_nowhere", output: "42" },
      ],
    }),
  );
  expect(error.status).toBe(400);
  expect(error.error).toMatchObject({ param: "input[1].call_id" });
  const message = (error.error as { message: string }).message;
  expect(message).toStartWith('input[1].call_id "call_nowhere"');
  expect(message).not.toMatch(internalName);
});
