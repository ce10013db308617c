import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI, { BadRequestError } from "openai";
import { type MockGeminiUpstream, startMockGeminiUpstream } from "../helpers/mock-gemini-upstream";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A `provider:model` name the catalog does not know goes to that provider as it is, so it must
 * not be able to reach another path of the provider's host: Gemini puts the model in its URL
 * (`/v1beta/models/{model}:generateContent`), the OpenAI wire in the body.
 */
let gemini: MockGeminiUpstream;
let openai: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  gemini = startMockGeminiUpstream();
  openai = startMockOpenAIUpstream();
  proxy = await startTestProxy({ GEMINI_API_KEY: "gemini-test-key-0123", GEMINI_BASE_URL: gemini.url, OPENAI_API_KEY: "sk-test-0123456789", OPENAI_BASE_URL: openai.url });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await gemini.close();
  await openai.close();
});

const ask = (model: string) => client.chat.completions.create({ model, messages: [{ role: "user", content: "Hi" }] });

describe("refused with a 400 naming the field, before any upstream call", () => {
  test.each([
    "gemini:tunedModels/x",
    "gemini:../../v1beta/files",
    "gemini:%2e%2e%2ffiles",
    "gemini:gemini-2.5-flash?alt=json",
    "gemini:gemini-2.5-flash#x",
    "gemini:gemini-2.5-flash:countTokens",
    "gemini:models/gemini-2.5-flash",
    "openai:../..",
    "openai:a/../../b",
    "openai:%2e%2e",
    "openai:gpt-x?y=1",
    "openai:gpt-x#y",
    "openai:/etc/passwd",
    "openai:a//b",
    "openai:-gpt",
    "openai:gpt 4",
    `openai:${"x".repeat(300)}`,
  ])("%s", async (model) => {
    const before = { gemini: gemini.paths.length, openai: openai.requests.length };
    const error = await ask(model).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).param).toBe("model");
    // An over-long name is already refused by the request schema (code invalid_request); the others by the name rules.
    expect((error as BadRequestError).code).toBe(model.length > 256 ? "invalid_request" : "invalid_model_name");
    expect({ gemini: gemini.paths.length, openai: openai.requests.length }).toEqual(before);
    const row = await proxy.logRow((error as BadRequestError).headers!.get("x-task-id")!);
    expect(row).toMatchObject({ status: 400, errorType: "invalid_request_error" });
  });
});

describe("real names of models the catalog does not list still go through", () => {
  test("a Gemini preview model, at its own path", async () => {
    const completion = await ask("gemini:gemini-2.5-flash-preview-09-2025");
    expect(completion.choices[0]!.message.content).toBe("Hello from the mock Gemini.");
    expect(gemini.paths.at(-1)).toBe("/v1beta/models/gemini-2.5-flash-preview-09-2025:generateContent");
  });

  test.each(["ft:gpt-4o-mini-2024-07-18:acme::AbC123", "hf.co/org/model-GGUF:Q4_K_M", "accounts/fireworks/models/llama-v3p1-8b-instruct"])("openai:%s, in the body", async (model) => {
    await ask(`openai:${model}`);
    expect(openai.requests.at(-1)!.body.model).toBe(model);
  });
});
