import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../src/config";

/** A bad value in the environment: a clear error naming each bad variable, and a process that stops with it. */
function configError(environment: Record<string, string>): ConfigError {
  try {
    loadConfig(environment);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(environment)}`);
}

const lmStudio = { id: "lmstudio", baseUrl: "http://127.0.0.1:1234/v1", models: [{ id: "qwen2.5-coder-7b-instruct" }] };

describe("bad values name the variable", () => {
  test.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["PORT", "-1"],
    ["PORT", "80.5"],
    ["SUCCESS_THRESHOLD", "2"],
    ["SUCCESS_THRESHOLD", "-0.1"],
    ["SUCCESS_THRESHOLD", "most"],
    ["MAX_BODY_BYTES", "0"],
    ["UPSTREAM_TIMEOUT_MS", "soon"],
    ["STREAM_HEARTBEAT_MS", "-5"],
    ["LOG_FLUSH_INTERVAL_MS", "1.5"],
    ["LOG_LEVEL", "verbose"],
    ["LOG_RETENTION_DAYS", "0"],
    ["DATABASE_URL", "mysql://root@localhost/db"],
    ["OPENAI_BASE_URL", "api.openai.com/v1"],
    ["OPENAI_BASE_URL", "ftp://example.com"],
    ["OLLAMA_ENABLED", "maybe"],
    ["CLAUDE_CLI_POOL_SIZE", "9"],
    ["CONSECUTIVE_FAILURE_LIMIT", "0"],
    ["ROUTING_PREMIUM_THRESHOLD", "101"],
    ["CACHE_TTL_SECONDS", "0"],
    ["CACHE_MAX_TEMPERATURE", "3"],
    ["COMPRESSION", "aggressive"],
    ["BUDGET_DAILY_USD", "-1"],
    ["BUDGET_MONTHLY_USD", "lots"],
    ["BUDGET_ACTION", "deny"],
    ["BUDGET_TIME_ZONE", "Mars/Olympus"],
  ])("%s=%p", (variable, value) => {
    const error = configError({ [variable]: value });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]!.startsWith(`${variable}: `)).toBe(true);
    expect(error.message).toContain(variable);
    expect(error.message.startsWith("Invalid configuration:")).toBe(true);
  });

  test("every bad variable is named at once", () => {
    const error = configError({ PORT: "abc", SUCCESS_THRESHOLD: "2", LOG_LEVEL: "loud" });
    expect(error.problems.map((problem) => problem.split(":")[0])).toEqual(["PORT", "LOG_LEVEL", "SUCCESS_THRESHOLD"]);
  });

  test("CUSTOM_PROVIDERS that is not JSON says so", () => {
    const error = configError({ CUSTOM_PROVIDERS: "[{id: lmstudio}]" });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toStartWith("CUSTOM_PROVIDERS: not valid JSON");
  });

  test.each([
    ["an object instead of an array", lmStudio, "CUSTOM_PROVIDERS: "],
    ["a missing baseUrl", [{ id: "x", models: [{ id: "m" }] }], "CUSTOM_PROVIDERS (at 0.baseUrl): "],
    ["a baseUrl that is not a URL", [{ ...lmStudio, baseUrl: "localhost:1234" }], "CUSTOM_PROVIDERS (at 0.baseUrl): "],
    ["an id with capitals and spaces", [{ ...lmStudio, id: "LM Studio" }], "CUSTOM_PROVIDERS (at 0.id): id must be lower-case"],
    ["no models", [{ ...lmStudio, models: [] }], "CUSTOM_PROVIDERS (at 0.models): "],
    ["a price as a string", [{ ...lmStudio, models: [{ id: "m", inputPricePerMillion: "0.5" }] }], "CUSTOM_PROVIDERS (at 0.models.0.inputPricePerMillion): "],
    ["a bad second entry", [lmStudio, { ...lmStudio, id: "two", models: [{ id: "" }] }], "CUSTOM_PROVIDERS (at 1.models.0.id): "],
  ])("CUSTOM_PROVIDERS with %s points at the spot", (_name, value, expected) => {
    const error = configError({ CUSTOM_PROVIDERS: JSON.stringify(value) });
    expect(error.problems.some((problem) => problem.startsWith(expected))).toBe(true);
  });

  test("CUSTOM_PROVIDERS whose key lost its quotes says it is not JSON without repeating the key", () => {
    const error = configError({ CUSTOM_PROVIDERS: '[{"id":"x","baseUrl":"http://127.0.0.1:1/v1","apiKey": gsk_live_secret_never_printed,"models":[{"id":"m"}]}]' });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toStartWith("CUSTOM_PROVIDERS: not valid JSON");
    expect(error.message).not.toContain("gsk_live_secret");
  });

  test.each([
    ["baseURL for baseUrl", [{ id: "x", baseURL: "http://127.0.0.1:1234/v1", models: [{ id: "m" }] }], "0", "baseURL", "baseUrl"],
    ["api_key for apiKey", [{ ...lmStudio, api_key: "sk-live-secret-never-printed-0001" }], "0", "api_key", "apiKey"],
    ["base_url for baseUrl", [{ id: "x", base_url: "http://127.0.0.1:1234/v1", models: [{ id: "m" }] }], "0", "base_url", "baseUrl"],
    ["a model's input_price", [{ ...lmStudio, models: [{ id: "m", input_price_per_million: 1 }] }], "0.models.0", "input_price_per_million", "inputPricePerMillion"],
    ["a model's contextLength", [lmStudio, { ...lmStudio, id: "two", models: [{ id: "m", contextLength: 8192 }] }], "1.models.0", "contextLength", undefined],
  ])("CUSTOM_PROVIDERS with an unknown key (%s) stops the start, naming the key, never its value", (_name, value, at, key, suggestion) => {
    const error = configError({ CUSTOM_PROVIDERS: JSON.stringify(value) });
    const problem = error.problems.find((line) => line.startsWith(`CUSTOM_PROVIDERS (at ${at}): `) && line.includes(`"${key}"`));
    expect(problem).toBeDefined();
    if (suggestion) expect(problem).toContain(`did you mean "${suggestion}"`);
    expect(error.message).not.toContain("sk-live-secret");
  });

  test.each([
    ["a provider id with capitals", { OpenAI: { daily: 1 } }, "BUDGET_PROVIDERS (at OpenAI): provider ids are lower-case"],
    ["a negative limit", { openai: { daily: -1 } }, "BUDGET_PROVIDERS (at openai.daily): "],
    ["an unknown period", { openai: { weekly: 1 } }, "BUDGET_PROVIDERS (at openai): "],
  ])("BUDGET_PROVIDERS with %s points at the spot", (_name, value, expected) => {
    const error = configError({ BUDGET_PROVIDERS: JSON.stringify(value) });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toStartWith(expected);
  });

  test("ROUTING thresholds in the wrong order", () => {
    const error = configError({ ROUTING_STANDARD_THRESHOLD: "70", ROUTING_PREMIUM_THRESHOLD: "30" });
    expect(error.problems).toEqual(["ROUTING_PREMIUM_THRESHOLD: must be greater than ROUTING_STANDARD_THRESHOLD"]);
  });
});

describe("start-up with a bad value", () => {
  const entry = new URL("../src/index.ts", import.meta.url).pathname;

  /** Runs the real entry point in an empty directory (no .env) with only the given variables. */
  async function start(environment: Record<string, string>) {
    const directory = mkdtempSync(join(tmpdir(), "claude-proxy-config-"));
    try {
      const child = Bun.spawn([process.execPath, "run", entry], {
        cwd: directory,
        env: { PATH: process.env.PATH ?? "", HOME: directory, DATA_DIR: join(directory, "data"), OLLAMA_ENABLED: "false", CLAUDE_CLI_ENABLED: "false", ...environment },
        stdout: "pipe",
        stderr: "pipe",
      });
      const timer = setTimeout(() => child.kill(), 20_000);
      const [exitCode, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
      clearTimeout(timer);
      return { exitCode, stderr };
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }

  test("PORT=abc stops the process with a message naming PORT", async () => {
    const { exitCode, stderr } = await start({ PORT: "abc" });
    expect(exitCode).toBe(1);
    // The same first words as every other start-up failure (README, "Operating it").
    expect(stderr).toContain("claude-proxy could not start: Invalid configuration:");
    expect(stderr).toContain("PORT:");
    // A plain message for a person, not a stack trace.
    expect(stderr).not.toContain("    at ");
  });

  test("a broken CUSTOM_PROVIDERS and a bad SUCCESS_THRESHOLD are both reported", async () => {
    const { exitCode, stderr } = await start({ CUSTOM_PROVIDERS: "not json", SUCCESS_THRESHOLD: "2" });
    expect(exitCode).toBe(1);
    expect(stderr).toContain("CUSTOM_PROVIDERS: not valid JSON");
    expect(stderr).toContain("SUCCESS_THRESHOLD:");
  });
});
