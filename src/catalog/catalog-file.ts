import { readFileSync } from "node:fs";
import { z } from "zod";
import type { CatalogEntry } from "./catalog-entry";
import { modelKey } from "./model-key";

/**
 * MODEL_CATALOG_FILE: a JSON array of catalog entries. An entry for a provider/model the catalog
 * already has overrides only the fields it names (e.g. a new price); a new one must be complete.
 */
const capabilities = z.object({ tools: z.boolean(), vision: z.boolean(), json: z.boolean(), reasoning: z.boolean() }).partial();

const fileEntry = z.strictObject({
  provider: z.string().min(1),
  model: z.string().min(1),
  tier: z.enum(["economy", "standard", "premium"]).optional(),
  input: z.number().min(0).optional(),
  output: z.number().min(0).optional(),
  cacheRead: z.number().min(0).optional(),
  cacheWrite: z.number().min(0).optional(),
  webSearch: z.number().min(0).optional(),
  contextWindow: z.number().int().positive().optional(),
  maxOutput: z.number().int().positive().optional(),
  capabilities: capabilities.optional(),
  aliases: z.array(z.string().min(1)).optional(),
  source: z.string().optional(),
});
const catalogFileSchema = z.array(fileEntry);

export class CatalogFileError extends Error {}

export function readCatalogFile(path: string): z.infer<typeof catalogFileSchema> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CatalogFileError(`MODEL_CATALOG_FILE (${path}): cannot read JSON: ${(error as Error).message}`);
  }
  const parsed = catalogFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new CatalogFileError(`MODEL_CATALOG_FILE (${path}) is invalid:\n  - ${problems.join("\n  - ")}`);
  }
  return parsed.data;
}

/** Applies the file's entries on top of `base`: partial overrides merge, new entries must be complete. */
export function mergeCatalogEntries(base: CatalogEntry[], overrides: z.infer<typeof catalogFileSchema>): CatalogEntry[] {
  const merged = new Map(base.map((entry) => [modelKey(entry.provider, entry.model), entry]));
  for (const override of overrides) {
    const key = modelKey(override.provider, override.model);
    const existing = merged.get(key);
    if (existing) {
      const entry: CatalogEntry = { ...existing, ...override, capabilities: { ...existing.capabilities, ...override.capabilities } };
      // A price given here is the price the entry lacked (a CUSTOM_PROVIDERS model that left it out).
      if (override.input !== undefined || override.output !== undefined) delete entry.unpriced;
      merged.set(key, entry);
      continue;
    }
    const missing = (["tier", "input", "output", "contextWindow"] as const).filter((field) => override[field] === undefined);
    if (missing.length > 0) throw new CatalogFileError(`MODEL_CATALOG_FILE: new model ${key} needs ${missing.join(", ")}`);
    merged.set(key, {
      provider: override.provider,
      model: override.model,
      tier: override.tier!,
      input: override.input!,
      output: override.output!,
      cacheRead: override.cacheRead,
      cacheWrite: override.cacheWrite,
      webSearch: override.webSearch,
      contextWindow: override.contextWindow!,
      maxOutput: override.maxOutput,
      capabilities: { tools: true, vision: false, json: true, reasoning: false, ...override.capabilities },
      aliases: override.aliases ?? [],
      source: override.source ?? "MODEL_CATALOG_FILE",
    });
  }
  return [...merged.values()];
}
