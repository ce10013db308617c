import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Providers found at start-up: Ollama by probing OLLAMA_BASE_URL (its models are whatever it has
 * pulled), and every CUSTOM_PROVIDERS entry, with the prices it declares.
 */
let ollama: MockOpenAIUpstream;
let lab: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;

const LAB_KEY = "sk-lab-configured-key-987654321";
const customProviders = [
  {
    id: "lab",
    displayName: "Lab vLLM",
    baseUrl: "", // filled in once the mock is listening
    apiKey: LAB_KEY,
    models: [{ id: "lab-coder", inputPricePerMillion: 3, outputPricePerMillion: 15, tier: "standard", contextWindow: 32_768 }],
  },
];

interface HealthBody {
  status: string;
  providers: Array<{ id: string; name: string }>;
  models: number;
}

beforeAll(async () => {
  ollama = startMockOpenAIUpstream({ ollamaModels: ["qwen2.5-coder:latest", "llama3.2:3b"] });
  lab = startMockOpenAIUpstream();
  customProviders[0]!.baseUrl = lab.url;
  proxy = await startTestProxy({
    OLLAMA_ENABLED: "true",
    OLLAMA_BASE_URL: ollama.origin,
    CUSTOM_PROVIDERS: JSON.stringify(customProviders),
  });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await ollama.close();
  await lab.close();
});

async function health(on: TestProxy): Promise<HealthBody> {
  const response = await fetch(`${on.origin}/health`);
  expect(response.status).toBe(200);
  return (await response.json()) as HealthBody;
}

describe("Ollama, detected", () => {
  test("its pulled models appear in /v1/models, owned by ollama", async () => {
    const models = await client.models.list();
    const ollamaModels = models.data.filter((model) => model.owned_by === "ollama").map((model) => model.id);
    expect(ollamaModels.sort()).toEqual(["llama3.2:3b", "qwen2.5-coder:latest"]);
  });

  test("ollama:qwen2.5-coder resolves to qwen2.5-coder:latest and goes to Ollama's /v1, at no cost", async () => {
    const before = ollama.requests.length;
    const { data, response } = await client.chat.completions
      .create({ model: "ollama:qwen2.5-coder", messages: [{ role: "user", content: "Hi" }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe("Hello from the mock upstream.");
    expect(ollama.requests.length).toBe(before + 1);
    const sent = ollama.requests.at(-1)!;
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.body.model).toBe("qwen2.5-coder:latest");
    expect(response.headers.get("x-provider")).toBe("ollama");
    expect(response.headers.get("x-model")).toBe("qwen2.5-coder:latest");
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ provider: "ollama", model: "qwen2.5-coder:latest", status: 200, tokensIn: 20, tokensOut: 7, costUsd: 0 });
  });

  test("Ollama's streamed reasoning reaches the client as reasoning_content", async () => {
    ollama.enqueue({ kind: "fixture", name: "reasoning-ollama" });
    const stream = await client.chat.completions.create({ model: "llama3.2:3b", messages: [{ role: "user", content: "Hi" }], stream: true });
    let reasoning = "";
    let content = "";
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { content?: string | null; reasoning_content?: string } | undefined;
      reasoning += delta?.reasoning_content ?? "";
      content += delta?.content ?? "";
    }
    expect(reasoning).toBe("The user greets me.");
    expect(content).toBe("Hi there!");
  });
});

describe("custom providers", () => {
  test("their models appear in /v1/models", async () => {
    const models = await client.models.list();
    expect(models.data.find((model) => model.id === "lab-coder")).toMatchObject({ owned_by: "lab" });
  });

  test("a request for a custom model goes to its baseUrl with its key, and is priced with its prices", async () => {
    const { response } = await client.chat.completions.create({ model: "lab-coder", messages: [{ role: "user", content: "Hi" }] }).withResponse();
    const sent = lab.requests.at(-1)!;
    expect(sent.body.model).toBe("lab-coder");
    expect(sent.headers.authorization).toBe(`Bearer ${LAB_KEY}`);
    expect(response.headers.get("x-provider")).toBe("lab");
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ provider: "lab", model: "lab-coder", tokensIn: 20, tokensOut: 7 });
    // $3 per million in, $15 per million out.
    expect(row!.costUsd).toBeCloseTo((20 * 3 + 7 * 15) / 1e6, 12);
  });

  test("the prefixed name routes too", async () => {
    const { response } = await client.chat.completions.create({ model: "lab:lab-coder", messages: [{ role: "user", content: "Hi" }] }).withResponse();
    expect(response.headers.get("x-provider")).toBe("lab");
  });
});

describe("/health", () => {
  test("lists the active providers and counts their models", async () => {
    const body = await health(proxy);
    expect(body.status).toBe("ok");
    expect(body.providers).toEqual([
      { id: "ollama", name: "Ollama" },
      { id: "lab", name: "Lab vLLM" },
    ]);
    expect(body.models).toBe(3);
  });
});

describe("Ollama not there", () => {
  async function proxyWithOllamaAt(baseUrl: string, extra: Record<string, string> = {}) {
    return startTestProxy({ OLLAMA_ENABLED: "true", OLLAMA_BASE_URL: baseUrl, CUSTOM_PROVIDERS: JSON.stringify(customProviders), ...extra });
  }

  async function expectInactive(on: TestProxy) {
    expect((await health(on)).providers.map((active) => active.id)).toEqual(["lab"]);
    const models = (await (await fetch(`${on.url}/models`)).json()) as { data: Array<{ owned_by: string }> };
    expect(models.data.some((model) => model.owned_by === "ollama")).toBe(false);
    const response = await fetch(`${on.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "ollama:qwen2.5-coder", messages: [{ role: "user", content: "Hi" }] }),
    });
    expect(response.status).toBe(404);
  }

  test("a closed port: the provider is inactive and start-up does not fail", async () => {
    const gone = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const closedUrl = `http://127.0.0.1:${gone.port}`;
    await gone.stop(true);
    const without = await proxyWithOllamaAt(closedUrl);
    try {
      await expectInactive(without);
    } finally {
      await without.close();
    }
  });

  test("a server that never answers the probe: inactive after OLLAMA_PROBE_TIMEOUT_MS", async () => {
    const silent = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Promise<Response>(() => {}) });
    const without = await proxyWithOllamaAt(`http://127.0.0.1:${silent.port}`, { OLLAMA_PROBE_TIMEOUT_MS: "100" });
    try {
      await expectInactive(without);
    } finally {
      await without.close();
      await silent.stop(true);
    }
  });

  test("something else on the port (not Ollama's API): inactive", async () => {
    const other = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("<html>Not Found</html>", { status: 404 }) });
    const without = await proxyWithOllamaAt(`http://127.0.0.1:${other.port}`);
    try {
      await expectInactive(without);
    } finally {
      await without.close();
      await other.stop(true);
    }
  });

  test("OLLAMA_ENABLED=false never probes", async () => {
    let probed = 0;
    const watched = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () => {
        probed++;
        return Response.json({ models: [{ name: "qwen2.5-coder:latest" }] });
      },
    });
    const without = await proxyWithOllamaAt(`http://127.0.0.1:${watched.port}`, { OLLAMA_ENABLED: "false" });
    try {
      await expectInactive(without);
      expect(probed).toBe(0);
    } finally {
      await without.close();
      await watched.stop(true);
    }
  });
});
