import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config";
import type { LLMProvider } from "../../src/providers/types";
import { buildCatalog } from "../../src/catalog/build-catalog";
import { CatalogFileError, mergeCatalogEntries, readCatalogFile } from "../../src/catalog/catalog-file";
import { SHIPPED_CATALOG } from "../../src/catalog/shipped-catalog";
import { ModelCatalog } from "../../src/catalog/model-catalog";
import { ModelDirectory } from "../../src/routing/model-directory";

const folder = mkdtempSync(join(tmpdir(), "catalog-file-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const write = (name: string, content: unknown) => {
  const path = join(folder, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
};

describe("MODEL_CATALOG_FILE", () => {
  test("a partial entry overrides only the fields it names; a complete new entry is added", () => {
    const known = SHIPPED_CATALOG.find((entry) => entry.provider === "openai" && entry.model === "gpt-4o-mini")!;
    const path = write("ok.json", [
      { provider: "openai", model: "gpt-4o-mini", input: 0.01, capabilities: { vision: false } },
      { provider: "openai", model: "ft:gpt-4o-mini:acme", tier: "economy", input: 0.3, output: 1.2, contextWindow: 128000, aliases: ["acme"] },
    ]);
    const catalog = buildCatalog(loadConfig({ MODEL_CATALOG_FILE: path }));
    expect(catalog.get("openai", "gpt-4o-mini")).toEqual({ ...known, input: 0.01, capabilities: { ...known.capabilities, vision: false } });
    expect(catalog.get("openai", "ft:gpt-4o-mini:acme")).toMatchObject({ tier: "economy", input: 0.3, output: 1.2, aliases: ["acme"], source: "MODEL_CATALOG_FILE" });
  });

  test("custom provider prices come from CUSTOM_PROVIDERS and can still be overridden by the file", () => {
    const custom = JSON.stringify([{ id: "lab", baseUrl: "http://127.0.0.1:9/v1", models: [{ id: "m1", inputPricePerMillion: 1, outputPricePerMillion: 2, tier: "premium" }] }]);
    const path = write("custom.json", [{ provider: "lab", model: "m1", output: 3 }]);
    const catalog = buildCatalog(loadConfig({ CUSTOM_PROVIDERS: custom, MODEL_CATALOG_FILE: path }));
    expect(catalog.get("lab", "m1")).toMatchObject({ tier: "premium", input: 1, output: 3 });
  });

  test("bad files are refused with a message that says where", () => {
    expect(() => readCatalogFile(write("broken.json", "[{"))).toThrow(/cannot read JSON/);
    expect(() => readCatalogFile(join(folder, "missing.json"))).toThrow(CatalogFileError);
    expect(() => readCatalogFile(write("typo.json", [{ provider: "openai", model: "x", inptu: 1 }]))).toThrow(/0: Unrecognized key/);
    expect(() => readCatalogFile(write("negative.json", [{ provider: "openai", model: "x", input: -1 }]))).toThrow(/0\.input/);
    expect(() => mergeCatalogEntries([], readCatalogFile(write("incomplete.json", [{ provider: "openai", model: "new-one", input: 1 }])))).toThrow(
      /new model openai:new-one needs tier, output, contextWindow/,
    );
  });

  test("start-up stops with that message", async () => {
    const path = write("bad.json", [{ provider: "openai", model: "x", input: "cheap" }]);
    const child = Bun.spawn(["bun", "run", "src/index.ts"], {
      cwd: join(import.meta.dir, "..", ".."),
      env: { ...process.env, MODEL_CATALOG_FILE: path, DATA_DIR: join(folder, "data"), PORT: "0", CLAUDE_CLI_ENABLED: "false", OLLAMA_ENABLED: "false" },
      stderr: "pipe",
      stdout: "pipe",
    });
    expect(await child.exited).toBe(1);
    expect(await new Response(child.stderr).text()).toContain("MODEL_CATALOG_FILE");
  });
});

describe("models the catalog does not know", () => {
  test("local models are free and get a tier from their size", async () => {
    const fail = () => Promise.reject(new Error("unused"));
    const ollama: LLMProvider = {
      id: "ollama",
      displayName: "Ollama",
      capabilities: { tools: true, vision: false, jsonMode: true, reasoning: false },
      listModels: async () => [
        { id: "qwen2.5-coder:7b", parameterBillions: 7.6 },
        { id: "qwen2.5-coder:32b", parameterBillions: 32.8 },
        { id: "llama3.1:405b", parameterBillions: 405 },
        { id: "mystery:latest" },
      ],
      complete: fail,
      stream: fail,
    };
    const directory = await ModelDirectory.build([ollama], new ModelCatalog([]));
    expect(directory.all().map((candidate) => [candidate.model, candidate.entry.tier, candidate.entry.input, candidate.entry.output])).toEqual([
      ["qwen2.5-coder:7b", "economy", 0, 0],
      ["qwen2.5-coder:32b", "standard", 0, 0],
      ["llama3.1:405b", "premium", 0, 0],
      ["mystery:latest", "economy", 0, 0],
    ]);
  });
});
