import { describe, expect, test } from "bun:test";
import { worstCaseCostUsd } from "../../src/budget/worst-case-cost";
import { buildCatalog } from "../../src/catalog/build-catalog";
import { chatRequestSchema } from "../../src/chat/request-schema";
import { loadConfig } from "../../src/config";
import type { LLMProvider } from "../../src/providers/types";
import { CHARACTERS_PER_TOKEN, requestNeeds } from "../../src/routing/request-needs";

/**
 * A PDF or a text document sent as a file part (the chat door's `file`, the Anthropic door's
 * `document` block) is billed as prompt tokens like the text around it: the budget's reservation
 * and the router's estimate must count it, not take it for nothing.
 */
const catalog = buildCatalog(loadConfig({}));
const provider = { id: "anthropic", billing: "metered" } as unknown as LLMProvider;
const candidate = { provider, model: "claude-haiku-4-5", entry: catalog.get("anthropic", "claude-haiku-4-5")! };

/** A small PDF whose page objects are written out (as most producers do): `pages` of them, the tree's own `/Pages` besides. */
function pdf(pages: number, objectSpacing = " "): string {
  const objects = Array.from({ length: pages }, (_, index) => `${index + 3} 0 obj\n<< /Type${objectSpacing}/Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\n`);
  return `%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Count ${pages} >>\nendobj\n${objects.join("")}%%EOF\n`;
}

const dataUrl = (mediaType: string, text: string) => `data:${mediaType};base64,${Buffer.from(text, "latin1").toString("base64")}`;

function request(parts: Array<Record<string, unknown>>) {
  return chatRequestSchema.parse({ model: "claude-haiku-4-5", max_tokens: 1_000, messages: [{ role: "user", content: [{ type: "text", text: "Summarise this." }, ...parts] }] });
}

const promptTokens = (parts: Array<Record<string, unknown>>) => requestNeeds(request(parts)).promptTokens;
const reserved = (parts: Array<Record<string, unknown>>) => {
  const built = request(parts);
  return worstCaseCostUsd(candidate, requestNeeds(built), built);
};
const file = (file_data: string) => ({ type: "file", file: { file_data, filename: "report.pdf" } });

describe("file parts in the prompt estimate and the budget's reservation", () => {
  test("a PDF counts per page, whatever its size in bytes", () => {
    const none = promptTokens([]);
    const three = promptTokens([file(dataUrl("application/pdf", pdf(3)))]) - none;
    const thirty = promptTokens([file(dataUrl("application/pdf", pdf(30, "")))]) - none;
    expect(three).toBeGreaterThanOrEqual(3 * 2_000);
    expect(thirty).toBe(10 * three);
    expect(reserved([file(dataUrl("application/pdf", pdf(30)))])).toBeGreaterThan(reserved([]) + (30 * 2_000 * candidate.entry.input) / 1_000_000);
  });

  test("a PDF whose page objects cannot be read (compressed object streams) still counts, by its size", () => {
    const opaque = `%PDF-1.5\n${"x".repeat(400_000)}\n%%EOF\n`;
    expect(promptTokens([file(dataUrl("application/pdf", opaque))]) - promptTokens([])).toBeGreaterThanOrEqual(2 * 2_000);
  });

  test("a text document counts as its text would", () => {
    const text = "const answer = 42;\n".repeat(2_000);
    const asFile = promptTokens([file(dataUrl("text/plain", text))]);
    const asText = promptTokens([{ type: "text", text }]);
    expect(Math.abs(asFile - asText)).toBeLessThanOrEqual(2);
    expect(asFile - promptTokens([])).toBeGreaterThanOrEqual(Math.floor(text.length / CHARACTERS_PER_TOKEN));
  });
});
