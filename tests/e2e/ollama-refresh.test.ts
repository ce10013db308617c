import { afterAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Ollama's models read again every OLLAMA_REFRESH_MS while the proxy runs: a model pulled after
 * start-up is listed and routed to, a removed one is not, and an Ollama started after the proxy
 * becomes a provider without a restart.
 */
const REFRESH = { OLLAMA_ENABLED: "true", OLLAMA_REFRESH_MS: "50" };
const started: Array<{ close(): Promise<void> }> = [];

afterAll(async () => {
  for (const running of started.reverse()) await running.close();
});

async function ollamaModelsOf(proxy: TestProxy): Promise<string[]> {
  const client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
  return (await client.models.list()).data.filter((model) => model.owned_by === "ollama").map((model) => model.id).sort();
}

/** Waits (up to 10 s, polling) until the proxy lists `expected`; returns what it listed last. */
async function listedEventually(proxy: TestProxy, expected: string[]): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  let listed = await ollamaModelsOf(proxy);
  while (JSON.stringify(listed) !== JSON.stringify(expected) && Date.now() < deadline) {
    await Bun.sleep(25);
    listed = await ollamaModelsOf(proxy);
  }
  return listed;
}

describe("Ollama's models while the proxy runs", () => {
  test("a model pulled after start-up is listed and served; a removed one is no longer listed", async () => {
    const pulled = ["llama3.2:3b"];
    const ollama: MockOpenAIUpstream = startMockOpenAIUpstream({ ollamaModels: pulled });
    started.push(ollama);
    const proxy = await startTestProxy({ ...REFRESH, OLLAMA_BASE_URL: ollama.origin });
    started.push(proxy);
    expect(await ollamaModelsOf(proxy)).toEqual(["llama3.2:3b"]);

    pulled.push("qwen2.5-coder:latest");
    expect(await listedEventually(proxy, ["llama3.2:3b", "qwen2.5-coder:latest"])).toEqual(["llama3.2:3b", "qwen2.5-coder:latest"]);
    const client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
    // The bare name resolves as a listed model (not only through the `ollama:` pass-through).
    const { response } = await client.chat.completions.create({ model: "qwen2.5-coder", messages: [{ role: "user", content: "Hi" }] }).withResponse();
    expect(response.headers.get("x-provider")).toBe("ollama");
    expect(ollama.requests.at(-1)!.body.model).toBe("qwen2.5-coder:latest");

    pulled.splice(0, 1);
    expect(await listedEventually(proxy, ["qwen2.5-coder:latest"])).toEqual(["qwen2.5-coder:latest"]);
    const gone = await fetch(`${proxy.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "llama3.2:3b", messages: [{ role: "user", content: "Hi" }] }),
    });
    expect(gone.status).toBe(404);
  });

  test("an Ollama started after the proxy becomes a provider", async () => {
    // A port nothing listens on yet.
    const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const port = probe.port!;
    await probe.stop(true);
    const proxy = await startTestProxy({ ...REFRESH, OLLAMA_BASE_URL: `http://127.0.0.1:${port}` });
    started.push(proxy);
    expect(await ollamaModelsOf(proxy)).toEqual([]);

    const ollama = startMockOpenAIUpstream({ ollamaModels: ["qwen2.5-coder:latest"], port });
    started.push(ollama);
    expect(await listedEventually(proxy, ["qwen2.5-coder:latest"])).toEqual(["qwen2.5-coder:latest"]);
    const health = (await (await fetch(`${proxy.origin}/health`)).json()) as { providers: Array<{ id: string }> };
    expect(health.providers.map((provider) => provider.id)).toContain("ollama");
    const client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
    const { response } = await client.chat.completions.create({ model: "ollama:qwen2.5-coder", messages: [{ role: "user", content: "Hi" }] }).withResponse();
    expect(response.headers.get("x-provider")).toBe("ollama");
  });

  test("OLLAMA_REFRESH_MS=0 reads the list only at start-up", async () => {
    const pulled = ["llama3.2:3b"];
    const ollama = startMockOpenAIUpstream({ ollamaModels: pulled });
    started.push(ollama);
    const proxy = await startTestProxy({ OLLAMA_ENABLED: "true", OLLAMA_REFRESH_MS: "0", OLLAMA_BASE_URL: ollama.origin });
    started.push(proxy);
    pulled.push("qwen2.5-coder:latest");
    await Bun.sleep(300);
    expect(await ollamaModelsOf(proxy)).toEqual(["llama3.2:3b"]);
  });
});
