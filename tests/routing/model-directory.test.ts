import { describe, expect, test } from "bun:test";
import { ProxyError } from "../../src/errors";
import type { LLMProvider, ProviderCapabilities, ProviderModel } from "../../src/providers/types";
import type { CatalogEntry } from "../../src/catalog/catalog-entry";
import { ModelCatalog } from "../../src/catalog/model-catalog";
import { ModelDirectory, type ModelSelection } from "../../src/routing/model-directory";

/** The directory of active models: names clients see, and resolution of what clients send. */

const capabilities: ProviderCapabilities = { tools: true, vision: false, jsonMode: true, reasoning: false };

function provider(id: string, models: Array<string | ProviderModel>): LLMProvider {
  const unused = () => Promise.reject(new Error("not called by the directory"));
  return {
    id,
    displayName: id.toUpperCase(),
    capabilities,
    listModels: async () => models.map((model) => (typeof model === "string" ? { id: model } : model)),
    complete: unused,
    stream: unused,
  };
}

const entry = (providerId: string, model: string, extra: Partial<CatalogEntry> = {}): CatalogEntry => ({
  provider: providerId,
  model,
  tier: "standard",
  input: 1,
  output: 2,
  contextWindow: 128_000,
  capabilities: { tools: true, vision: true, json: true, reasoning: false },
  aliases: [],
  ...extra,
});

const catalog = new ModelCatalog([
  entry("openai", "gpt-4o-mini", { tier: "economy", aliases: ["4o-mini"] }),
  entry("openai", "gpt-4o", { aliases: ["4o"] }),
  entry("router", "gpt-4o", { input: 2.5 }),
]);

const openai = provider("openai", ["gpt-4o-mini", "gpt-4o"]);
const ollama = provider("ollama", [
  { id: "qwen2.5-coder:latest", parameterBillions: 7.6 },
  { id: "qwen2.5-coder:32b", parameterBillions: 32.8 },
  { id: "llama3.1:405b", parameterBillions: 405 },
  { id: "mystery:latest" },
]);
const router = provider("router", ["gpt-4o"]);

const build = (defaultProvider?: string) => ModelDirectory.build([openai, ollama, router], catalog, defaultProvider);

function candidatesOf(selection: ModelSelection) {
  if (selection.kind !== "model") throw new Error(`expected a model selection, got ${selection.kind}`);
  return selection.candidates.map((candidate) => `${candidate.provider.id}:${candidate.model}`);
}

function notFound(directory: ModelDirectory, name: string): ProxyError {
  try {
    directory.select(name);
  } catch (error) {
    expect(error).toBeInstanceOf(ProxyError);
    return error as ProxyError;
  }
  throw new Error(`'${name}' was expected not to resolve`);
}

describe("listing", () => {
  test("every model of every active provider, each with its catalog entry", async () => {
    const directory = await build();
    expect(directory.activeProviders().map((active) => active.id)).toEqual(["openai", "ollama", "router"]);
    expect(directory.all().map((candidate) => `${candidate.provider.id}:${candidate.model}`)).toEqual([
      "openai:gpt-4o-mini",
      "openai:gpt-4o",
      "ollama:qwen2.5-coder:latest",
      "ollama:qwen2.5-coder:32b",
      "ollama:llama3.1:405b",
      "ollama:mystery:latest",
      "router:gpt-4o",
    ]);
    expect(directory.find("router", "gpt-4o")!.entry.input).toBe(2.5);
  });

  test("a name two providers serve is bare for the first and prefixed for the other", async () => {
    const directory = await build();
    const names = directory.all().map((candidate) => directory.publicName(candidate));
    expect(names).toContain("gpt-4o");
    expect(names).toContain("router:gpt-4o");
    expect(new Set(names).size).toBe(names.length);
  });

  test("DEFAULT_PROVIDER comes first, so its model gets the bare name", async () => {
    const directory = await build("router");
    expect(directory.activeProviders()[0]!.id).toBe("router");
    expect(directory.publicName(directory.find("router", "gpt-4o")!)).toBe("gpt-4o");
    expect(directory.publicName(directory.find("openai", "gpt-4o")!)).toBe("openai:gpt-4o");
  });

  test("models the catalog does not know are free, with a tier guessed from their size", async () => {
    const directory = await build();
    const tierOf = (model: string) => directory.find("ollama", model)!.entry.tier;
    expect(tierOf("qwen2.5-coder:latest")).toBe("economy");
    expect(tierOf("qwen2.5-coder:32b")).toBe("standard");
    expect(tierOf("llama3.1:405b")).toBe("premium");
    expect(tierOf("mystery:latest")).toBe("economy");
    const unknown = directory.find("ollama", "qwen2.5-coder:32b")!.entry;
    expect([unknown.input, unknown.output]).toEqual([0, 0]);
    expect(unknown.capabilities).toEqual({ tools: true, vision: false, json: true, reasoning: false });
  });

  test("with no active provider the directory is empty", async () => {
    const directory = await ModelDirectory.build([], catalog);
    expect(directory.all()).toEqual([]);
    expect(directory.activeProviders()).toEqual([]);
  });
});

describe("resolution", () => {
  test("an exact name; a name two providers serve gives both, DEFAULT_PROVIDER first", async () => {
    expect(candidatesOf((await build()).select("gpt-4o-mini"))).toEqual(["openai:gpt-4o-mini"]);
    expect(candidatesOf((await build()).select("gpt-4o"))).toEqual(["openai:gpt-4o", "router:gpt-4o"]);
    expect(candidatesOf((await build("router")).select("gpt-4o"))).toEqual(["router:gpt-4o", "openai:gpt-4o"]);
  });

  test("a provider prefix picks that provider's model", async () => {
    expect(candidatesOf((await build()).select("router:gpt-4o"))).toEqual(["router:gpt-4o"]);
    expect(candidatesOf((await build()).select("openai:gpt-4o"))).toEqual(["openai:gpt-4o"]);
  });

  test("an Ollama name without a tag means :latest, with or without the prefix", async () => {
    const directory = await build();
    expect(candidatesOf(directory.select("ollama:qwen2.5-coder"))).toEqual(["ollama:qwen2.5-coder:latest"]);
    expect(candidatesOf(directory.select("qwen2.5-coder"))).toEqual(["ollama:qwen2.5-coder:latest"]);
    expect(candidatesOf(directory.select("ollama:qwen2.5-coder:32b"))).toEqual(["ollama:qwen2.5-coder:32b"]);
    expect(candidatesOf(directory.select("qwen2.5-coder:32b"))).toEqual(["ollama:qwen2.5-coder:32b"]);
  });

  test("aliases resolve to their model", async () => {
    expect(candidatesOf((await build()).select("4o-mini"))).toEqual(["openai:gpt-4o-mini"]);
  });

  test("tiers and auto are selections of their own, in any case", async () => {
    const directory = await build();
    expect(directory.select("Economy")).toEqual({ kind: "tier", tier: "economy" });
    expect(directory.select("AUTO")).toEqual({ kind: "auto" });
  });

  test("an unknown name is a 404 model_not_found that suggests close names and lists what exists", async () => {
    const error = notFound(await build(), "gpt-4o-mnii");
    expect(error.status).toBe(404);
    expect(error.code).toBe("model_not_found");
    expect(error.param).toBe("model");
    expect(error.type).toBe("invalid_request_error");
    expect(error.message).toContain("'gpt-4o-mnii'");
    expect(error.message).toContain("Did you mean 'gpt-4o-mini'");
    expect(error.message).toMatch(/Available: .*gpt-4o-mini.*qwen2\.5-coder:32b.*router:gpt-4o/);
  });

  test("an unknown name far from everything gets no suggestion, only the list", async () => {
    const error = notFound(await build(), "totally-unrelated-model-name");
    expect(error.message).not.toContain("Did you mean");
    expect(error.message).toContain("Available: ");
  });

  test("with no provider active, the 404 says how to activate one", async () => {
    const error = notFound(await ModelDirectory.build([], catalog), "gpt-4o");
    expect(error.message).toContain("no provider is active");
    expect(error.message).toContain("OPENAI_API_KEY");
  });

  test("an unknown provider prefix is not a provider: the whole string is a model name", async () => {
    const error = notFound(await build(), "nobody:gpt-4o");
    expect(error.message).toContain("'nobody:gpt-4o'");
  });
});
