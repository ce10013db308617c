import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import type { ChatCompletionTool } from "openai/resources/chat/completions";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Ollama's `/api/tags` does not say what a pulled model can do, so every Ollama model is offered
 * for tools and images, and a $0 local model wins economy. A model without tool (or image)
 * support answers such a request with a 400 `<model> does not support tools`: that model cannot
 * serve it, another candidate can. The 400 went to the client instead, with a paid model able to
 * answer one step down the route.
 */
let ollama: MockOpenAIUpstream;
let lab: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  ollama = startMockOpenAIUpstream({ ollamaModels: ["gemma2:2b"] });
  lab = startMockOpenAIUpstream();
  const providers = [{ id: "lab", baseUrl: lab.url, models: [{ id: "lab-mini", inputPricePerMillion: 0.1, outputPricePerMillion: 0.4, tier: "economy" }] }];
  proxy = await startTestProxy({ OLLAMA_ENABLED: "true", OLLAMA_BASE_URL: ollama.origin, CUSTOM_PROVIDERS: JSON.stringify(providers), CONSECUTIVE_FAILURE_LIMIT: "2" });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await ollama.close();
  await lab.close();
});

const readFile: ChatCompletionTool = { type: "function", function: { name: "read_file", parameters: { type: "object", properties: { path: { type: "string" } } } } };
// Ollama's OpenAI-compatible endpoint wraps its capability error in OpenAI's error shape.
const unsupported = (what: string) => ({
  kind: "error" as const,
  status: 400,
  body: { error: { message: `registry.ollama.ai/library/gemma2:2b does not support ${what}`, type: "api_error", param: null, code: null } },
});

test.each([
  { name: "tools, streamed", stream: true, what: "tools" },
  { name: "tools, not streamed", stream: false, what: "tools" },
  { name: "tools, a third time: the model's breaker stays closed", stream: false, what: "tools" },
])("a model that does not support $name: the next candidate answers", async ({ stream, what }) => {
  ollama.enqueue(unsupported(what));
  const { response } = await client.chat.completions
    .create({ model: "economy", stream, tools: [readFile], messages: [{ role: "user", content: "Read a.ts" }] })
    .withResponse();
  expect(response.status).toBe(200);
  expect(response.headers.get("x-provider")).toBe("lab");
  const row = await proxy.logRow(response.headers.get("x-task-id")!);
  expect(row).toMatchObject({ status: 200, provider: "lab", model: "lab-mini", fallbacks: 1 });
  expect(row!.attempts![0]).toMatchObject({ provider: "ollama", model: "gemma2:2b" });
  expect(row!.attempts![0]!.error).toContain("does not support tools");
});

test("a named Ollama model that does not support the request: its 400 reaches the client", async () => {
  ollama.enqueue(unsupported("tools"));
  const error = await client.chat.completions
    .create({ model: "ollama:gemma2:2b", tools: [readFile], messages: [{ role: "user", content: "Read a.ts" }] })
    .catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  expect((error as Error).message).toContain("does not support tools");
});
