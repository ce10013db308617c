import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { claudeFamilyTier } from "../../src/doors/anthropic/model-policy";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * How the Anthropic door reads model names (ANTHROPIC_DOOR_MODELS). Without the Anthropic provider
 * the default is `auto`: a Claude name is a tier hint (haiku economy, sonnet standard, opus premium)
 * and the request is routed from that tier, except that Claude Code's background work (a title, a
 * summary) is economy whatever name it came with. With the Anthropic provider the default is
 * `exact`: the named model serves, a dated name the catalog does not list included; `auto` can be
 * chosen there too. `auto`, tiers and provider:model work under both. The log keeps the name the
 * client sent.
 */
let openaiUpstream: MockOpenAIUpstream;
let anthropicUpstream: MockAnthropicUpstream;
let openaiOnly: TestProxy;
let withAnthropic: TestProxy;
let forcedAuto: TestProxy;

beforeAll(async () => {
  openaiUpstream = startMockOpenAIUpstream();
  anthropicUpstream = startMockAnthropicUpstream();
  const openai = { OPENAI_API_KEY: "sk-test-door-models-000000", OPENAI_BASE_URL: openaiUpstream.url };
  const anthropic = { ANTHROPIC_API_KEY: "sk-ant-door-models", ANTHROPIC_BASE_URL: anthropicUpstream.url };
  openaiOnly = await startTestProxy(openai);
  withAnthropic = await startTestProxy({ ...openai, ...anthropic });
  forcedAuto = await startTestProxy({ ...openai, ...anthropic, ANTHROPIC_DOOR_MODELS: "auto" });
}, 60_000);

afterAll(async () => {
  await Promise.all([openaiOnly.close(), withAnthropic.close(), forcedAuto.close()]);
  await Promise.all([openaiUpstream.close(), anthropicUpstream.close()]);
});

const CODING = "Refactor the session cache in src/cache.ts so that expired entries are evicted lazily, and add tests for the eviction path.";
/** The instruction Claude Code sends for a conversation title. */
const TITLE = "Summarize this coding conversation in under 50 characters.\nCapture the main task, key files, problems addressed, and current status.";

async function ask(proxy: TestProxy, model: string, system?: string) {
  const client = new Anthropic({ apiKey: "any", baseURL: proxy.origin, maxRetries: 0 });
  const { response } = await client.messages
    .create({ model, max_tokens: 256, ...(system ? { system } : {}), messages: [{ role: "user", content: CODING }] })
    .withResponse();
  const row = await proxy.logRow(response.headers.get("x-task-id")!);
  return { provider: response.headers.get("x-provider"), model: response.headers.get("x-model"), tier: response.headers.get("x-tier"), reason: response.headers.get("x-route-reason") ?? "", row };
}

test("Claude model families and the tiers they stand for", () => {
  expect(["claude-haiku-4-5", "claude-3-5-haiku-20241022", "claude-sonnet-5-5", "claude-opus-5-5", "claude-fable-5-1", "claude-instant-1", "gpt-4o", "haiku"].map(claudeFamilyTier)).toEqual([
    "economy",
    "economy",
    "standard",
    "premium",
    "premium",
    undefined,
    undefined,
    undefined,
  ]);
});

test("a provider:model name is a choice, not a tier hint, even the Claude CLI's (its id starts with claude-)", () => {
  // claude-cli:claude-sonnet-5-5 was read as "sonnet asks for standard" and routed to any provider.
  expect(["claude-cli:claude-sonnet-5-5", "claude-cli:claude-haiku-4-5", "anthropic:claude-opus-5-5"].map(claudeFamilyTier)).toEqual([undefined, undefined, undefined]);
});

describe("auto (the default without the Anthropic provider)", () => {
  test.each([
    ["claude-haiku-4-5", "economy"],
    ["claude-sonnet-5-5", "standard"],
    ["claude-opus-5-5", "premium"],
  ])("%s is routed as %s work", async (name, tier) => {
    const answer = await ask(openaiOnly, name);
    expect(answer).toMatchObject({ provider: "openai", tier });
    expect(answer.reason).toContain(`${name} asks for ${tier}`);
    expect(answer.row).toMatchObject({ door: "anthropic", requestedModel: name, tier });
  });

  test("a title request is economy even under an opus name: Claude Code's background work", async () => {
    const answer = await ask(openaiOnly, "claude-opus-5-5", TITLE);
    expect(answer.tier).toBe("economy");
    expect(answer.row).toMatchObject({ requestedModel: "claude-opus-5-5", category: "background:title", tier: "economy" });
  });

  test("auto, a tier name and provider:model work as on the OpenAI door", async () => {
    expect((await ask(openaiOnly, "economy")).tier).toBe("economy");
    expect((await ask(openaiOnly, "auto")).provider).toBe("openai");
    expect(await ask(openaiOnly, "openai:gpt-4o-mini")).toMatchObject({ provider: "openai", model: "gpt-4o-mini" });
  });
});

describe("exact (the default with the Anthropic provider)", () => {
  test("a Claude name is the model that serves, a dated one the catalog does not list included", async () => {
    expect(await ask(withAnthropic, "claude-opus-5-5")).toMatchObject({ provider: "anthropic", model: "claude-opus-5-5" });
    expect(await ask(withAnthropic, "claude-haiku-4-5-20251001")).toMatchObject({ provider: "anthropic", model: "claude-haiku-4-5-20251001" });
    expect(anthropicUpstream.requests.at(-1)!.body.model).toBe("claude-haiku-4-5-20251001");
    expect(await ask(withAnthropic, "openai:gpt-4o-mini")).toMatchObject({ provider: "openai", model: "gpt-4o-mini" });
  });

  test("ANTHROPIC_DOOR_MODELS=auto reads the name as a tier there too", async () => {
    const answer = await ask(forcedAuto, "claude-haiku-4-5");
    expect(answer.tier).toBe("economy");
    expect(answer.reason).toContain("claude-haiku-4-5 asks for economy");
  });
});

test("count_tokens without a provider that counts is the router's estimate, and says so", async () => {
  const client = new Anthropic({ apiKey: "any", baseURL: openaiOnly.origin, maxRetries: 0 });
  const { data, response } = await client.messages.countTokens({ model: "claude-opus-5-5", messages: [{ role: "user", content: CODING }] }).withResponse();
  expect(response.headers.get("x-token-count-source")).toBe("estimate");
  // About 3.5 characters a token, plus 4 for the message.
  expect(data.input_tokens).toBe(Math.ceil(CODING.length / 3.5) + 4);
});
