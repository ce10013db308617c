import { describe, expect, test } from "bun:test";
import { type FieldSupport, geminiEfforts, geminiModelRules } from "../../src/providers/gemini/gemini-model-rules";
import { ModelCatalog } from "../../src/catalog/model-catalog";
import { SHIPPED_CATALOG } from "../../src/catalog/shipped-catalog";

/** The per-model rules table (gemini-model-rules.ts) itself: coverage of the catalog and which row a model gets. */
describe("the Gemini rules table", () => {
  test("every Gemini model in the catalog has its own row, not the fallback", () => {
    const models = new ModelCatalog(SHIPPED_CATALOG).forProvider("gemini").map((entry) => entry.model);
    expect(models.length).toBeGreaterThan(0);
    for (const model of models) expect({ model, family: geminiModelRules(model).family }).not.toEqual({ model, family: "Gemini" });
  });

  test("catalog models get the thinking style and sampling support their generation takes", () => {
    const expected: Record<string, { family: string; style: "budget" | "level"; temperature: FieldSupport; penalties: FieldSupport }> = {
      "gemini-4-carbon": { family: "Gemini 4", style: "level", temperature: "ignored", penalties: "rejected" },
      "gemini-4-argon": { family: "Gemini 4", style: "level", temperature: "ignored", penalties: "rejected" },
      "gemini-4-hydrogen": { family: "Gemini 4 Hydrogen", style: "level", temperature: "ignored", penalties: "rejected" },
      "gemini-3.8-flash": { family: "Gemini 3.7+ Flash", style: "level", temperature: "ignored", penalties: "rejected" },
      "gemini-3.5-flash-lite": { family: "Gemini 3.5+ Flash-Lite", style: "level", temperature: "ignored", penalties: "rejected" },
      "gemini-2.5-pro": { family: "Gemini 2.5 Pro", style: "budget", temperature: "accepted", penalties: "rejected" },
      "gemini-2.5-flash": { family: "Gemini 2.5 Flash", style: "budget", temperature: "accepted", penalties: "rejected" },
      "gemini-2.5-flash-lite": { family: "Gemini 2.5 Flash", style: "budget", temperature: "accepted", penalties: "rejected" },
    };
    for (const [model, want] of Object.entries(expected)) {
      const rules = geminiModelRules(model);
      expect({ model, family: rules.family, style: rules.thinking.style, temperature: rules.sampling.temperature, penalties: rules.sampling.presence_penalty }).toEqual({
        model,
        ...want,
      });
      expect(rules.sampling.frequency_penalty).toBe(rules.sampling.presence_penalty);
      expect(rules.sampling.top_p).toBe(rules.sampling.temperature);
    }
  });

  test("level rows never ask a model for a level it lacks: no MINIMAL on Gemini 4 or 3.8 Flash, XHIGH only on Hydrogen", () => {
    for (const model of ["gemini-4-carbon", "gemini-4-argon", "gemini-4-hydrogen", "gemini-3.8-flash", "gemini-3.7-flash"]) {
      const { thinking } = geminiModelRules(model);
      if (thinking.style !== "level") throw new Error(`${model} should take a thinking level`);
      expect({ model, levels: Object.values(thinking.levels).filter((level) => level === "MINIMAL") }).toEqual({ model, levels: [] });
      expect(thinking.levels.xhigh).toBe(model === "gemini-4-hydrogen" ? "XHIGH" : "HIGH");
    }
    const lite = geminiModelRules("gemini-3.5-flash-lite").thinking;
    expect(lite.style === "level" && lite.levels.minimal).toBe("MINIMAL");
  });

  test("budget rows: 2.5 Flash can turn thinking off, 2.5 Pro cannot (128 is its smallest budget); no budget is above the model's maximum", () => {
    const flash = geminiModelRules("gemini-2.5-flash").thinking;
    const pro = geminiModelRules("gemini-2.5-pro").thinking;
    if (flash.style !== "budget" || pro.style !== "budget") throw new Error("2.5 models take budgets");
    expect(flash.budgets.none).toBe(0);
    expect(pro.budgets.none).toBe(128);
    for (const effort of geminiEfforts) {
      expect(flash.budgets[effort]).toBeLessThanOrEqual(24_576);
      expect(pro.budgets[effort]).toBeLessThanOrEqual(32_768);
    }
  });

  test("the first matching row wins; prefixed and suffixed ids match; other models keep the old rules", () => {
    expect(geminiModelRules("gemini-3.5-flash-lite-preview-09-2026").family).toBe("Gemini 3.5+ Flash-Lite");
    expect(geminiModelRules("models/gemini-4-argon").family).toBe("Gemini 4");
    expect(geminiModelRules("gemini-4-neon").family).toBe("Gemini 4");
    expect(geminiModelRules("gemini-3.1-pro-preview").family).toBe("Gemini 3");
    expect(geminiModelRules("gemini-3.6-flash").family).toBe("Gemini 3");
    expect(geminiModelRules("gemini-2.5-flash-lite").family).toBe("Gemini 2.5 Flash");
    // Not a Gemini 4 model: the pattern wants a separator after the generation number.
    expect(geminiModelRules("gemini-40-flash").family).toBe("Gemini");
    expect(geminiModelRules("gemini-2.0-flash")).toMatchObject({ family: "Gemini", thinking: { style: "budget" }, sampling: { temperature: "accepted", presence_penalty: "accepted" } });
  });
});
