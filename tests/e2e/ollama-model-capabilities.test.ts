import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { ChatCompletionTool } from "openai/resources/chat/completions";
import type { ModelCatalog } from "../../src/catalog/model-catalog";
import { loadConfig } from "../../src/config";
import { silentLogger } from "../../src/logger";
import { createOllamaProviders } from "../../src/providers/ollama/ollama-provider";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import type { OllamaShowReply } from "../helpers/mock-ollama-show";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Ollama says what each pulled model can do (`POST /api/show`, its `capabilities`): the router
 * sends tools only to a model with "tools", images only to one with "vision", and never lists an
 * embedding-only model for chat. Where /api/show does not say (an old Ollama, an error, no answer
 * within OLLAMA_PROBE_TIMEOUT_MS), a model is assumed to take tools and images, as before.
 */
const readFile: ChatCompletionTool = { type: "function", function: { name: "read_file", parameters: { type: "object", properties: { path: { type: "string" } } } } };
const image = [
  { type: "text" as const, text: "What is in it?" },
  { type: "image_url" as const, image_url: { url: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==" } },
];

describe("through the proxy, with capabilities reported", () => {
  let ollama: MockOpenAIUpstream;
  let lab: MockOpenAIUpstream;
  let proxy: TestProxy;
  let client: OpenAI;

  beforeAll(async () => {
    ollama = startMockOpenAIUpstream({
      ollamaModels: ["gemma2:2b", "llava:7b", "nomic-embed-text:latest"],
      ollamaShow: {
        "gemma2:2b": { capabilities: ["completion"] },
        "llava:7b": { capabilities: ["completion", "vision"] },
        "nomic-embed-text:latest": { capabilities: ["embedding"] },
      },
    });
    lab = startMockOpenAIUpstream();
    const providers = [{ id: "lab", baseUrl: lab.url, models: [{ id: "lab-mini", inputPricePerMillion: 0.1, outputPricePerMillion: 0.4, tier: "economy" }] }];
    proxy = await startTestProxy({ OLLAMA_ENABLED: "true", OLLAMA_BASE_URL: ollama.origin, CUSTOM_PROVIDERS: JSON.stringify(providers) });
    client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
  });

  afterAll(async () => {
    await proxy.close();
    await ollama.close();
    await lab.close();
  });

  const chatRequests = () => ollama.requests.filter((request) => request.path === "/v1/chat/completions");

  test("tools go to a model that has them, without first trying the local models that do not", async () => {
    const before = chatRequests().length;
    const { response } = await client.chat.completions.create({ model: "economy", tools: [readFile], messages: [{ role: "user", content: "Read a.ts" }] }).withResponse();
    expect(response.headers.get("x-provider")).toBe("lab");
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ provider: "lab", fallbacks: 0 });
    expect(chatRequests().length).toBe(before);
  });

  test("an image goes to the local model with vision", async () => {
    const { response } = await client.chat.completions.create({ model: "economy", messages: [{ role: "user", content: image }] }).withResponse();
    expect(response.headers.get("x-provider")).toBe("ollama");
    expect(response.headers.get("x-model")).toBe("llava:7b");
  });

  test("plain text still goes to a $0 local model", async () => {
    const { response } = await client.chat.completions.create({ model: "economy", messages: [{ role: "user", content: "Hello" }] }).withResponse();
    expect(response.headers.get("x-provider")).toBe("ollama");
  });

  test("an embedding-only model is not offered for chat", async () => {
    const ids = (await client.models.list()).data.map((model) => model.id);
    expect(ids).toContain("gemma2:2b");
    expect(ids).not.toContain("nomic-embed-text:latest");
  });
});

test("with only local models that lack tools, the refusal says which provider cannot run them", async () => {
  const ollama = startMockOpenAIUpstream({ ollamaModels: ["gemma2:2b"], ollamaShow: { "gemma2:2b": { capabilities: ["completion"] } } });
  const proxy = await startTestProxy({ OLLAMA_ENABLED: "true", OLLAMA_BASE_URL: ollama.origin });
  try {
    const client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
    const error = await client.chat.completions.create({ model: "economy", tools: [readFile], messages: [{ role: "user", content: "Read a.ts" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((error as Error).message).toContain("ollama cannot run client tools");
  } finally {
    await proxy.close();
    await ollama.close();
  }
});

describe("when /api/show does not say, today's assumption holds", () => {
  const catalog = undefined as unknown as ModelCatalog;
  async function probe(show: Record<string, OllamaShowReply>, probeTimeoutMs = 300) {
    const ollama = startMockOpenAIUpstream({ ollamaModels: ["gemma2:2b"], ollamaShow: show });
    try {
      const config = loadConfig({ OLLAMA_ENABLED: "true", OLLAMA_BASE_URL: ollama.origin, OLLAMA_PROBE_TIMEOUT_MS: String(probeTimeoutMs), CLAUDE_CLI_ENABLED: "false", LOG_LEVEL: "silent" });
      const started = performance.now();
      const [provider] = await createOllamaProviders(config, catalog, { logger: silentLogger });
      return { elapsed: performance.now() - started, models: await provider!.listModels() };
    } finally {
      await ollama.close();
    }
  }

  test("an Ollama too old to report capabilities", async () => {
    const { models } = await probe({ "gemma2:2b": { capabilities: undefined } });
    expect(models).toEqual([expect.objectContaining({ id: "gemma2:2b" })]);
    expect(models[0]!.capabilities).toBeUndefined();
  });

  test("an /api/show that fails", async () => {
    const { models } = await probe({ "gemma2:2b": { kind: "error", status: 500 } });
    expect(models[0]!.capabilities).toBeUndefined();
  });

  test("an /api/show that never answers holds start-up no longer than OLLAMA_PROBE_TIMEOUT_MS", async () => {
    const { models, elapsed } = await probe({ "gemma2:2b": { kind: "hang" } }, 300);
    expect(models).toEqual([expect.objectContaining({ id: "gemma2:2b" })]);
    expect(models[0]!.capabilities).toBeUndefined();
    // The show hangs for ever: bounded by the probe deadline, with room for a loaded machine.
    expect(elapsed).toBeLessThan(300 + 2_000);
  });

  test("reported capabilities are read (the reverse of the above)", async () => {
    const { models } = await probe({ "gemma2:2b": { capabilities: ["completion", "tools", "thinking"] } });
    expect(models[0]!.capabilities).toEqual({ tools: true, vision: false, reasoning: true });
  });
});
