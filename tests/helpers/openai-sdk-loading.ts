import { chatRequestSchema, type ChatRequest } from "../../src/chat/request-schema";
import { ProxyError } from "../../src/errors";
import { silentLogger } from "../../src/logger";
import { createOpenAICompatibleProvider } from "../../src/providers/openai-compatible/openai-compatible-provider";

/**
 * Run as its own process by openai-sdk-loading.test.ts (a test file's process has the SDK
 * loaded already): builds an OpenAI-wire provider for the upstream at argv[2], then calls it twice
 * (the upstream answers 429, then 200) and prints, as one JSON line, whether the `openai` SDK's
 * client module was loaded at each step and what the calls gave.
 */
const sdkLoaded = () => Object.keys(require.cache).some((path) => /node_modules\/openai\/client\.m?js$/.test(path));
const loadedBeforeProvider = sdkLoaded();
const provider = createOpenAICompatibleProvider({
  id: "openai",
  displayName: "OpenAI",
  baseUrl: process.argv[2]!,
  apiKey: "sk-lazy-sdk-test",
  capabilities: { tools: true, vision: true, jsonMode: true, reasoning: true },
  maxTokensField: "max_completion_tokens",
  listModels: async () => [],
  logger: silentLogger,
});
const loadedAtStart = sdkLoaded();
const request = chatRequestSchema.parse({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }) as ChatRequest;
const call = () => provider.complete({ request, model: "gpt-4o-mini", signal: new AbortController().signal });
const error = await call().catch((caught: unknown) => caught);
const answer = await call();
console.log(
  JSON.stringify({
    loadedBeforeProvider,
    loadedAtStart,
    loadedAfterCalls: sdkLoaded(),
    error: error instanceof ProxyError ? { status: error.status, code: error.code, retryable: error.retryable, retryAfterSeconds: error.retryAfterSeconds, message: error.message } : String(error),
    answer: answer.choices[0]?.message.content,
  }),
);
