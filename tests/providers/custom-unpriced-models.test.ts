import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCatalog } from "../../src/catalog/build-catalog";
import { loadConfig } from "../../src/config";
import { createCustomProviders } from "../../src/providers/custom/custom-providers";
import { capturingLogger } from "../helpers/capturing-logger";

const API_KEY = "sk-or-v1-secret-value-0123456789";

async function startWith(providers: unknown[]) {
  const config = loadConfig({ CUSTOM_PROVIDERS: JSON.stringify(providers) });
  const { lines, logger } = capturingLogger();
  await createCustomProviders(config, buildCatalog(config), { logger });
  return lines.filter((line) => line.level === "warn");
}

describe("CUSTOM_PROVIDERS models without a price", () => {
  test("a hosted endpoint's model without a price is warned about at start-up, by name, never with the key", async () => {
    const warnings = await startWith([
      { id: "openrouter", baseUrl: "https://openrouter.ai/api/v1", apiKey: API_KEY, models: [{ id: "qwen/qwen3-coder" }, { id: "priced", inputPricePerMillion: 1, outputPricePerMillion: 2 }, { id: "half", inputPricePerMillion: 1 }] },
    ]);
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]!.message)).toContain('"openrouter" gives no price for qwen/qwen3-coder, half');
    expect(warnings[0]!.models).toEqual(["qwen/qwen3-coder", "half"]);
    expect(JSON.stringify(warnings)).not.toContain(API_KEY);
  });

  test("a price written as 0, or a server on this machine or a private address, is taken as free without a warning", async () => {
    const warnings = await startWith([
      { id: "free-hosted", baseUrl: "https://api.example.com/v1", models: [{ id: "m", inputPricePerMillion: 0, outputPricePerMillion: 0 }] },
      { id: "lmstudio", baseUrl: "http://127.0.0.1:1234/v1", models: [{ id: "m" }] },
      { id: "local-name", baseUrl: "http://localhost:8000/v1", models: [{ id: "m" }] },
      { id: "lan-vllm", baseUrl: "http://192.168.1.20:8000/v1", models: [{ id: "m" }] },
      { id: "lan-ten", baseUrl: "http://10.0.0.5:8000/v1", models: [{ id: "m" }] },
    ]);
    expect(warnings).toEqual([]);
  });

  test("a model MODEL_CATALOG_FILE prices is counted by the budgets, so it is not warned about", async () => {
    const directory = mkdtempSync(join(tmpdir(), "custom-priced-"));
    try {
      const file = join(directory, "catalog.json");
      writeFileSync(file, JSON.stringify([{ provider: "openrouter", model: "qwen/qwen3-coder", input: 1, output: 2 }]));
      const config = loadConfig({ CUSTOM_PROVIDERS: JSON.stringify([{ id: "openrouter", baseUrl: "https://openrouter.ai/api/v1", models: [{ id: "qwen/qwen3-coder" }, { id: "other" }] }]), MODEL_CATALOG_FILE: file });
      const { lines, logger } = capturingLogger();
      await createCustomProviders(config, buildCatalog(config), { logger });
      const warnings = lines.filter((line) => line.level === "warn");
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.models).toEqual(["other"]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test("an unpriced model still costs $0 in the catalog", () => {
    const config = loadConfig({ CUSTOM_PROVIDERS: JSON.stringify([{ id: "lab", baseUrl: "https://lab.example/v1", models: [{ id: "m1" }] }]) });
    const entry = buildCatalog(config).entries().find((candidate) => candidate.provider === "lab");
    expect(entry).toMatchObject({ input: 0, output: 0 });
  });
});

describe("the catalog's mark on CUSTOM_PROVIDERS models without a price", () => {
  const catalogOf = (providers: unknown[], catalogFile?: string) => {
    const config = loadConfig({ CUSTOM_PROVIDERS: JSON.stringify(providers), ...(catalogFile ? { MODEL_CATALOG_FILE: catalogFile } : {}) });
    return buildCatalog(config).entries().filter((entry) => entry.source !== undefined && entry.provider !== "openai");
  };

  test("a hosted endpoint's model without a price is unpriced, as a model the catalog does not list; a local one or a written 0 is free", () => {
    const entries = catalogOf([
      { id: "hosted", baseUrl: "https://api.example.com/v1", models: [{ id: "no-price" }, { id: "zero", inputPricePerMillion: 0, outputPricePerMillion: 0 }] },
      { id: "lmstudio", baseUrl: "http://127.0.0.1:1234/v1", models: [{ id: "local" }] },
    ]);
    const unpriced = (provider: string, model: string) => entries.find((entry) => entry.provider === provider && entry.model === model)?.unpriced;
    expect(unpriced("hosted", "no-price")).toBe(true);
    expect(unpriced("hosted", "zero")).toBeUndefined();
    expect(unpriced("lmstudio", "local")).toBeUndefined();
  });

  test("a price given in MODEL_CATALOG_FILE lifts the mark", () => {
    const directory = mkdtempSync(join(tmpdir(), "unpriced-custom-"));
    const file = join(directory, "catalog.json");
    writeFileSync(file, JSON.stringify([{ provider: "hosted", model: "no-price", input: 1, output: 3 }]));
    try {
      const entry = catalogOf([{ id: "hosted", baseUrl: "https://api.example.com/v1", models: [{ id: "no-price" }] }], file).find((candidate) => candidate.provider === "hosted");
      expect(entry).toMatchObject({ input: 1, output: 3 });
      expect(entry?.unpriced).toBeUndefined();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
