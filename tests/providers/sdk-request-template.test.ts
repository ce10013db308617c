import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import OpenAI from "openai";
import { type ChatRequest, chatRequestSchema } from "../../src/chat/request-schema";
import { silentLogger } from "../../src/logger";
import { createOpenAICompatibleProvider } from "../../src/providers/openai-compatible/openai-compatible-provider";
import { type RequestTemplateSource, sdkHeaderVariables, sdkRequestTemplate } from "../../src/providers/openai-compatible/sdk-request-template";
import { defaultCompletion } from "../helpers/mock-openai-upstream";
import { startRawHttpCapture } from "../helpers/raw-http-capture";

/**
 * The chat path's URL and headers, built without the `openai` SDK, are the ones the SDK client
 * builds for the same options; where the SDK would add more (a base URL with a query, a variable
 * it reads for its headers), the template is not built and the SDK builds them. An SDK version
 * that reads a new variable fails here, so that it is looked at before it is ignored.
 */
const request = { method: "post", path: "/chat/completions", body: {} } as const;

async function built(source: RequestTemplateSource) {
  const { url, req } = await source.buildRequest(request);
  return { url, headers: [...new Headers(req.headers as ConstructorParameters<typeof Headers>[0])] };
}

const sdkOf = (apiKey: string, baseURL: string) => new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: 60 * 60 * 1000 });
const noVariables = {};

describe("the template is the SDK client's request", () => {
  const cases: Array<[string, string]> = [
    ["sk-proj-template-test-0000000000000000", "https://api.openai.com/v1"],
    ["local-key", "http://127.0.0.1:8000/v1/"],
    ["ollama", "http://localhost:11434/v1"],
    ["not-needed", "https://Models.Example.COM:8443/openai/deployments/x"],
    ["key with spaces", "http://[::1]:9/v1"],
  ];
  for (const [apiKey, baseUrl] of cases) {
    test(`${baseUrl}`, async () => {
      const template = sdkRequestTemplate({ apiKey, baseUrl }, noVariables);
      expect(template).toBeDefined();
      const ours = await built(template!);
      expect(ours).toEqual(await built(sdkOf(apiKey, baseUrl)));
      expect(ours.headers).toContainEqual(["authorization", `Bearer ${apiKey}`]);
    });
  }
});

describe("where the SDK would do more, it builds the request itself", () => {
  test("a base URL with a query string", () => {
    expect(sdkRequestTemplate({ apiKey: "k", baseUrl: "https://example.com/v1?api-version=2024-10-21" }, noVariables)).toBeUndefined();
  });
  for (const name of sdkHeaderVariables) {
    test(name, () => {
      expect(sdkRequestTemplate({ apiKey: "k", baseUrl: "https://example.com/v1" }, { [name]: "value" })).toBeUndefined();
      expect(sdkRequestTemplate({ apiKey: "k", baseUrl: "https://example.com/v1" }, { [name]: "  " })).toBeDefined();
    });
  }

  test("the variables the SDK client reads are the known ones", () => {
    const client = readFileSync(join(dirname(Bun.resolveSync("openai", import.meta.dir)), "client.mjs"), "utf8");
    const read = new Set([...client.matchAll(/readEnv\('([A-Z_]+)'\)/g)].map((match) => match[1]));
    // The rest name what the providers pass themselves (base URL, key), admin and webhook keys, and logging.
    expect([...read].sort()).toEqual(["OPENAI_ADMIN_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_LOG", "OPENAI_WEBHOOK_SECRET", ...sdkHeaderVariables].sort());
  });

  test("OPENAI_ORG_ID set: the chat call carries the SDK's OpenAI-Organization header", async () => {
    const capture = startRawHttpCapture((captured) => ({ status: 200, contentType: "application/json", body: JSON.stringify(defaultCompletion(JSON.parse(captured.body).model)) }));
    const previous = process.env.OPENAI_ORG_ID;
    process.env.OPENAI_ORG_ID = "org-template-test";
    try {
      const provider = createOpenAICompatibleProvider({
        id: "openai",
        displayName: "OpenAI",
        baseUrl: `${capture.origin}/v1`,
        apiKey: "sk-org-test",
        capabilities: { tools: true, vision: true, jsonMode: true, reasoning: true },
        maxTokensField: "max_completion_tokens",
        listModels: async () => [],
        logger: silentLogger,
      });
      const chat = chatRequestSchema.parse({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }) as ChatRequest;
      await provider.complete({ request: chat, model: "gpt-4o-mini", signal: new AbortController().signal });
      expect(capture.requests.at(-1)!.raw).toContain("\r\nopenai-organization: org-template-test\r\n");
    } finally {
      if (previous === undefined) delete process.env.OPENAI_ORG_ID;
      else process.env.OPENAI_ORG_ID = previous;
      capture.close();
    }
  });
});

