import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { type Config, loadConfig } from "../src/config";

/** The environment as the proxy reads it: documented defaults and every value in its place. Bad values: config-errors.test.ts. */

const defaults: Config = {
  port: 3000,
  host: "127.0.0.1",
  databaseUrl: undefined,
  dataDir: "./data",
  embeddedDatabase: "auto",
  logLevel: "info",
  logRequests: true,
  maxBodyBytes: 20 * 1024 * 1024,
  bodyReadTimeoutMs: 30_000,
  upstreamTimeoutMs: 120_000,
  upstreamIdleTimeoutMs: 120_000,
  shutdownGraceMs: 10_000,
  streamHeartbeatMs: 5_000,
  logFlushIntervalMs: undefined,
  proxyApiKey: undefined,
  allowUnauthenticatedRemote: false,
  allowedHosts: [],
  openai: { apiKey: undefined, baseUrl: "https://api.openai.com/v1" },
  anthropic: { apiKey: undefined, baseUrl: undefined },
  gemini: { apiKey: undefined, baseUrl: undefined },
  claudeCli: { path: undefined, enabled: true, poolSize: 0, billing: "subscription" },
  ollama: { baseUrl: "http://localhost:11434", enabled: true, probeTimeoutMs: 500, refreshMs: 30_000 },
  anthropicDoorModels: undefined,
  customProviders: [],
  defaultProvider: undefined,
  modelCatalogFile: undefined,
  baselineModel: undefined,
  successThreshold: 0.8,
  successMinSamples: 10,
  consecutiveFailureLimit: 3,
  circuitCooldownMs: 30_000,
  fallbackTotalTimeoutMs: 180_000,
  cache: { enabled: true, ttlSeconds: 86_400, maxEntries: 1_000, maxBytes: 16 * 1024 * 1024, maxTemperature: 1 },
  compression: "safe",
  budget: { dailyUsd: undefined, monthlyUsd: undefined, providers: {}, action: "downgrade", timeZone: "UTC" },
  routingThresholds: { standard: undefined, premium: undefined },
};

/** Every variable the proxy reads. */
const variables = [
  "PORT", "HOST", "DATABASE_URL", "DATA_DIR", "EMBEDDED_DATABASE", "LOG_LEVEL", "LOG_REQUESTS", "LOG_RETENTION_DAYS", "MAX_BODY_BYTES", "BODY_READ_TIMEOUT_MS", "UPSTREAM_TIMEOUT_MS", "UPSTREAM_IDLE_TIMEOUT_MS",
  "SHUTDOWN_GRACE_MS", "STREAM_HEARTBEAT_MS",
  "LOG_FLUSH_INTERVAL_MS", "PROXY_API_KEY", "ALLOW_UNAUTHENTICATED_REMOTE", "ALLOWED_HOSTS", "OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "GEMINI_API_KEY",
  "GEMINI_BASE_URL", "CLAUDE_CLI_PATH", "CLAUDE_CLI_ENABLED", "CLAUDE_CLI_POOL_SIZE", "CLAUDE_CLI_BILLING", "OLLAMA_BASE_URL", "OLLAMA_ENABLED",
  "OLLAMA_PROBE_TIMEOUT_MS", "OLLAMA_REFRESH_MS", "ANTHROPIC_DOOR_MODELS", "CUSTOM_PROVIDERS", "DEFAULT_PROVIDER", "MODEL_CATALOG_FILE", "BASELINE_MODEL",
  "SUCCESS_THRESHOLD", "SUCCESS_MIN_SAMPLES", "CONSECUTIVE_FAILURE_LIMIT", "CIRCUIT_COOLDOWN_MS", "FALLBACK_TOTAL_TIMEOUT_MS",
  "ROUTING_STANDARD_THRESHOLD", "ROUTING_PREMIUM_THRESHOLD", "CACHE_ENABLED", "CACHE_TTL_SECONDS", "CACHE_MAX_ENTRIES",
  "CACHE_MAX_BYTES", "CACHE_MAX_TEMPERATURE", "COMPRESSION", "BUDGET_DAILY_USD", "BUDGET_MONTHLY_USD", "BUDGET_PROVIDERS",
  "BUDGET_ACTION", "BUDGET_TIME_ZONE",
];

const lmStudio = { id: "lmstudio", baseUrl: "http://127.0.0.1:1234/v1", models: [{ id: "qwen2.5-coder-7b-instruct" }] };

describe("defaults", () => {
  test("an empty environment gives every documented default", () => {
    expect(loadConfig({})).toEqual(defaults);
  });

  test("empty and blank values count as unset (OPENAI_API_KEY= in .env)", () => {
    expect(loadConfig({ OPENAI_API_KEY: "", PORT: "  ", CUSTOM_PROVIDERS: "" })).toEqual(defaults);
  });

  test("unrelated variables of the environment are ignored", () => {
    expect(loadConfig({ PATH: "/usr/bin", HOME: "/home/someone", npm_config_cache: "x" })).toEqual(defaults);
  });

  test(".env.example documents exactly the variables the proxy reads", () => {
    const example = readFileSync(new URL("../.env.example", import.meta.url), "utf8");
    const documented = [...example.matchAll(/^#\s*([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]!);
    expect([...new Set(documented)].sort()).toEqual([...variables].sort());
  });
});

describe("values", () => {
  test("every variable is read into its place", () => {
    const config = loadConfig({
      PORT: "0",
      HOST: "0.0.0.0",
      DATABASE_URL: "postgresql://user@db:5432/proxy",
      DATA_DIR: "/var/lib/claude-proxy",
      EMBEDDED_DATABASE: "pglite",
      LOG_LEVEL: "debug",
      MAX_BODY_BYTES: "1024",
      BODY_READ_TIMEOUT_MS: "2500",
      UPSTREAM_TIMEOUT_MS: "5000",
      UPSTREAM_IDLE_TIMEOUT_MS: "7000",
      SHUTDOWN_GRACE_MS: "0",
      STREAM_HEARTBEAT_MS: "1000",
      LOG_FLUSH_INTERVAL_MS: "10",
      PROXY_API_KEY: "proxy-key-0123456789abcdef",
      ALLOW_UNAUTHENTICATED_REMOTE: "yes",
      ALLOWED_HOSTS: "proxy.example.com, Box.LAN., [fd00::1]",
      OPENAI_API_KEY: "sk-openai",
      OPENAI_BASE_URL: "http://127.0.0.1:9999/v1",
      ANTHROPIC_API_KEY: "sk-ant-x",
      ANTHROPIC_BASE_URL: "https://anthropic.example",
      GEMINI_API_KEY: "AIza-x",
      GEMINI_BASE_URL: "https://gemini.example",
      CLAUDE_CLI_PATH: "/opt/claude",
      CLAUDE_CLI_ENABLED: "no",
      CLAUDE_CLI_POOL_SIZE: "2",
      CLAUDE_CLI_BILLING: "api",
      OLLAMA_BASE_URL: "http://127.0.0.1:11435",
      OLLAMA_ENABLED: "off",
      OLLAMA_PROBE_TIMEOUT_MS: "50",
      OLLAMA_REFRESH_MS: "0",
      ANTHROPIC_DOOR_MODELS: "auto",
      CUSTOM_PROVIDERS: JSON.stringify([lmStudio]),
      DEFAULT_PROVIDER: "anthropic",
      MODEL_CATALOG_FILE: "./catalog.json",
      BASELINE_MODEL: "openai:gpt-5",
      SUCCESS_THRESHOLD: "0.5",
      SUCCESS_MIN_SAMPLES: "3",
      CONSECUTIVE_FAILURE_LIMIT: "5",
      CIRCUIT_COOLDOWN_MS: "1000",
      FALLBACK_TOTAL_TIMEOUT_MS: "9000",
      ROUTING_STANDARD_THRESHOLD: "30",
      ROUTING_PREMIUM_THRESHOLD: "70",
      CACHE_ENABLED: "false",
      CACHE_TTL_SECONDS: "60",
      CACHE_MAX_ENTRIES: "10",
      CACHE_MAX_BYTES: "4096",
      CACHE_MAX_TEMPERATURE: "0.5",
      COMPRESSION: "off",
      BUDGET_DAILY_USD: "5",
      BUDGET_MONTHLY_USD: "100.5",
      BUDGET_PROVIDERS: JSON.stringify({ openai: { daily: 2 }, anthropic: { monthly: 40 } }),
      BUDGET_ACTION: "block",
      BUDGET_TIME_ZONE: "Europe/Berlin",
    });
    expect(config).toEqual({
      port: 0,
      host: "0.0.0.0",
      databaseUrl: "postgresql://user@db:5432/proxy",
      dataDir: "/var/lib/claude-proxy",
      embeddedDatabase: "pglite",
      logLevel: "debug",
      logRequests: true,
      maxBodyBytes: 1024,
      bodyReadTimeoutMs: 2500,
      upstreamTimeoutMs: 5000,
      upstreamIdleTimeoutMs: 7000,
      shutdownGraceMs: 0,
      streamHeartbeatMs: 1000,
      logFlushIntervalMs: 10,
      proxyApiKey: "proxy-key-0123456789abcdef",
      allowUnauthenticatedRemote: true,
      allowedHosts: ["proxy.example.com", "box.lan", "[fd00::1]"],
      openai: { apiKey: "sk-openai", baseUrl: "http://127.0.0.1:9999/v1" },
      anthropic: { apiKey: "sk-ant-x", baseUrl: "https://anthropic.example" },
      gemini: { apiKey: "AIza-x", baseUrl: "https://gemini.example" },
      claudeCli: { path: "/opt/claude", enabled: false, poolSize: 2, billing: "api" },
      ollama: { baseUrl: "http://127.0.0.1:11435", enabled: false, probeTimeoutMs: 50, refreshMs: 0 },
      anthropicDoorModels: "auto",
      customProviders: [lmStudio],
      defaultProvider: "anthropic",
      modelCatalogFile: "./catalog.json",
      baselineModel: "openai:gpt-5",
      successThreshold: 0.5,
      successMinSamples: 3,
      consecutiveFailureLimit: 5,
      circuitCooldownMs: 1000,
      fallbackTotalTimeoutMs: 9000,
      cache: { enabled: false, ttlSeconds: 60, maxEntries: 10, maxBytes: 4096, maxTemperature: 0.5 },
      compression: "off",
      budget: { dailyUsd: 5, monthlyUsd: 100.5, providers: { openai: { daily: 2 }, anthropic: { monthly: 40 } }, action: "block", timeZone: "Europe/Berlin" },
      routingThresholds: { standard: 30, premium: 70 },
    });
  });

  test.each([
    ["true", true], ["1", true], ["yes", true], ["on", true],
    ["false", false], ["0", false], ["no", false], ["off", false],
  ])("flag value %p reads as %p", (value, expected) => {
    expect(loadConfig({ OLLAMA_ENABLED: value }).ollama.enabled).toBe(expected);
  });

  test("a leading ~ in a path is the home directory, as a shell would make it (Bun's .env does not)", () => {
    // DATA_DIR=~/.claude-proxy in .env used to create a directory named "~" in the working directory.
    const config = loadConfig({ DATA_DIR: "~/.claude-proxy", MODEL_CATALOG_FILE: "~/catalog.json", CLAUDE_CLI_PATH: "~" });
    expect(config.dataDir).toBe(join(homedir(), ".claude-proxy"));
    expect(config.modelCatalogFile).toBe(join(homedir(), "catalog.json"));
    expect(config.claudeCli.path).toBe(homedir());
    // Only a leading "~" or "~/": another user's home (~bob) and a ~ inside a name stay as written.
    expect(loadConfig({ DATA_DIR: "~bob/data" }).dataDir).toBe("~bob/data");
    expect(loadConfig({ DATA_DIR: "./a~/b" }).dataDir).toBe("./a~/b");
  });

  test("custom provider prices are kept", () => {
    const provider = { ...lmStudio, models: [{ id: "m", inputPricePerMillion: 0.5, outputPricePerMillion: 1.5, cacheReadPricePerMillion: 0.05, contextWindow: 32768, tier: "economy" as const }] };
    expect(loadConfig({ CUSTOM_PROVIDERS: JSON.stringify([provider]) }).customProviders[0]!.models[0]).toEqual(provider.models[0]!);
  });
});
