import { describe, expect, test } from "bun:test";
import { createLogger, redactSecrets } from "../src/logger";

describe("redactSecrets", () => {
  test.each([
    ["OpenAI project key", "Incorrect API key provided: sk-proj-Zq8RkT2vLm9XwB4nYc7HdF1s.", "Incorrect API key provided: [redacted]."],
    ["key OpenAI masked with asterisks", `key sk-proj-${"*".repeat(30)}7QwA. Find yours`, "key [redacted]. Find yours"],
    ["elided key", "Incorrect API key provided: sk-proj-abc...xyz.", "Incorrect API key provided: [redacted]."],
    ["Anthropic key", "x-api-key sk-ant-api03-Qm3xR8vT2LpW9zK4 is invalid", "x-api-key [redacted] is invalid"],
    ["Gemini key in a URL", "GET /v1beta/models?key=AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStU failed", "GET /v1beta/models?key=[redacted] failed"],
    ["Bearer token", "Authorization: Bearer abcdEFGH12345678", "Authorization: Bearer [redacted]"],
    ["api_key value", 'api_key="abcd1234efgh5678"', 'api_key="[redacted]"'],
  ])("%s", (_name, input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  test("leaves ordinary text alone: ids, model names, short sk- words", () => {
    const text = "task 3f1c9a2e-7b4d-4e8f-9a1b-2c3d4e5f6a7b on gpt-4o-mini-2024-07-18 used sk-learn; risk-assessment done.";
    expect(redactSecrets(text)).toBe(text);
  });
});

describe("createLogger", () => {
  test("writes one JSON line per event at or above its level, secrets scrubbed from every field", () => {
    const lines: string[] = [];
    const logger = createLogger("info", (line) => lines.push(line));
    logger.debug("not written");
    logger.error("request failed", { cause: "Error: 401 Incorrect API key provided: sk-proj-Zq8RkT2vLm9XwB4nYc7HdF1s" });
    expect(lines).toHaveLength(1);
    const event = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(event).toMatchObject({ level: "error", message: "request failed", cause: "Error: 401 Incorrect API key provided: [redacted]" });
    expect(lines[0]).not.toContain("Zq8RkT2v");
  });

  test("silent writes nothing", () => {
    const lines: string[] = [];
    const logger = createLogger("silent", (line) => lines.push(line));
    logger.error("nope");
    expect(lines).toEqual([]);
  });
});

test("enabled(level) says exactly whether a line at that level is written", () => {
  const levels = ["debug", "info", "warn", "error"] as const;
  for (const configured of [...levels, "silent"] as const) {
    const lines: string[] = [];
    const logger = createLogger(configured, (line) => lines.push(line));
    for (const level of levels) {
      const before = lines.length;
      logger[level]("event");
      expect({ configured, level, enabled: logger.enabled?.(level) }).toEqual({ configured, level, enabled: lines.length > before });
    }
  }
});
