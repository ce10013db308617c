import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { loadConfig, secretValues } from "../../src/config";

/** What the configuration knows about secrets: which values the redactor takes out. */

describe("secret values", () => {
  test("every key, each custom provider's key and the DATABASE_URL password", () => {
    const config = loadConfig({
      OPENAI_API_KEY: "openai-secret-1",
      ANTHROPIC_API_KEY: "anthropic-secret-2",
      GEMINI_API_KEY: "gemini-secret-3",
      DATABASE_URL: "postgres://proxy:p%40ss%2Fword@db.example:5432/proxy",
      CUSTOM_PROVIDERS: JSON.stringify([
        { id: "groq", baseUrl: "https://api.groq.com/openai/v1", apiKey: "gsk_custom-secret-4", models: [{ id: "m" }] },
        { id: "local", baseUrl: "http://127.0.0.1:1234/v1", models: [{ id: "m" }] },
        { id: "xai", baseUrl: "https://api.x.ai/v1", apiKey: "xai-custom-secret-5", models: [{ id: "m" }] },
      ]),
    });
    expect(secretValues(config).sort()).toEqual(
      ["openai-secret-1", "anthropic-secret-2", "gemini-secret-3", "p%40ss%2Fword", "p@ss/word", "gsk_custom-secret-4", "xai-custom-secret-5"].sort(),
    );
  });

  test("nothing configured, nothing secret; a DATABASE_URL without a password has none", () => {
    expect(secretValues(loadConfig({}))).toEqual([]);
    expect(secretValues(loadConfig({ DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test" }))).toEqual([]);
  });

  test("every documented variable that names a key, token, secret or password is marked secret", () => {
    const example = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
    const secretLooking = [...new Set([...example.matchAll(/^#\s*([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]!))].filter((name) => /KEY|TOKEN|SECRET|PASSWORD/.test(name));
    expect(secretLooking.length).toBeGreaterThanOrEqual(3);
    for (const variable of secretLooking) {
      const value = `${variable.toLowerCase()}-canary-value`;
      expect({ variable, found: secretValues(loadConfig({ [variable]: value })).includes(value) }).toEqual({ variable, found: true });
    }
  });
});
