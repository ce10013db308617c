import { z } from "zod";
import { collectSecretValues, secret, urlPassword } from "./config-secrets";
import { ownAddressIssues } from "./config-self-address";
import { boolFlag, customProviderSchema, filePath, hostList, json, jsonArray, port, positiveInt, nonNegativeInt, providerBudgetsSchema, ratio, timeZone, url, usd } from "./config-values";
import { isLoopbackHost } from "./security/host-names";

/**
 * The only reader of the environment. Bun loads `.env` on its own, so this module sees
 * `.env` values and real environment variables alike. Every variable is documented in
 * `.env.example`; a bad value stops start-up with a message naming it.
 */

/** Which environment variable fills each leaf of the config schema. */
const variables = z.registry<{ variable: string }>();

/** A config value read from one environment variable. */
function fromEnv<T extends z.ZodType>(variable: string, schema: T): T {
  // A shared schema instance would carry one name only; every leaf gets its own.
  if (variables.has(schema)) throw new Error(`config: ${variable} reuses the schema of ${variables.get(schema)!.variable}`);
  variables.add(schema, { variable });
  return schema;
}

/**
 * The one description of the configuration: its shape is the Config type, each leaf names the
 * variable it reads, its default and its check. A new setting is one entry here (and one line
 * in `.env.example`).
 */
const configShape = {
  port: fromEnv("PORT", port.default(3000)),
  host: fromEnv("HOST", z.string().min(1).default("127.0.0.1")),
  databaseUrl: fromEnv("DATABASE_URL", secret(z.string().regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://").optional(), urlPassword)),
  dataDir: fromEnv("DATA_DIR", filePath.pipe(z.string().min(1)).default("./data")),
  /** Without DATABASE_URL: auto (native PostgreSQL child process where installed, else PGlite), postgres, or pglite. */
  embeddedDatabase: fromEnv("EMBEDDED_DATABASE", z.enum(["auto", "postgres", "pglite"]).default("auto")),
  logLevel: fromEnv("LOG_LEVEL", z.enum(["debug", "info", "warn", "error", "silent"]).default("info")),
  /** One JSON line per request at info level (door, provider, model, status, tokens, cost, times; never a prompt). */
  logRequests: fromEnv("LOG_REQUESTS", boolFlag.default(true)),
  maxBodyBytes: fromEnv("MAX_BODY_BYTES", positiveInt.default(20 * 1024 * 1024)),
  /** Time allowed to receive a request's whole body, from the moment the proxy starts reading it; then a 408. */
  bodyReadTimeoutMs: fromEnv("BODY_READ_TIMEOUT_MS", positiveInt.default(30_000)),
  upstreamTimeoutMs: fromEnv("UPSTREAM_TIMEOUT_MS", positiveInt.default(120_000)),
  upstreamIdleTimeoutMs: fromEnv("UPSTREAM_IDLE_TIMEOUT_MS", positiveInt.default(120_000)),
  shutdownGraceMs: fromEnv("SHUTDOWN_GRACE_MS", z.coerce.number().int().min(0).default(10_000)),
  streamHeartbeatMs: fromEnv("STREAM_HEARTBEAT_MS", positiveInt.default(5_000)),
  // Unset: the request-log writer picks one for the database in use (src/db/request-log-writer.ts).
  logFlushIntervalMs: fromEnv("LOG_FLUSH_INTERVAL_MS", positiveInt.optional()),
  /** Request-log rows older than this are pruned in the background; unset keeps everything. */
  logRetentionDays: fromEnv("LOG_RETENTION_DAYS", positiveInt.optional()),
  /** The key clients must send (Bearer or x-api-key); required when HOST is beyond loopback. */
  proxyApiKey: fromEnv("PROXY_API_KEY", secret(z.string().min(16, "must be at least 16 characters (e.g. `openssl rand -hex 32`)").optional())),
  allowUnauthenticatedRemote: fromEnv("ALLOW_UNAUTHENTICATED_REMOTE", boolFlag.default(false)),
  /** Host names clients may use besides the bound address and the loopback names. */
  allowedHosts: fromEnv("ALLOWED_HOSTS", hostList.default([])),

  openai: z.object({
    apiKey: fromEnv("OPENAI_API_KEY", secret(z.string().optional())),
    baseUrl: fromEnv("OPENAI_BASE_URL", url.default("https://api.openai.com/v1")),
  }),
  anthropic: z.object({
    apiKey: fromEnv("ANTHROPIC_API_KEY", secret(z.string().optional())),
    baseUrl: fromEnv("ANTHROPIC_BASE_URL", url.optional()),
  }),
  gemini: z.object({
    apiKey: fromEnv("GEMINI_API_KEY", secret(z.string().optional())),
    baseUrl: fromEnv("GEMINI_BASE_URL", url.optional()),
  }),
  claudeCli: z.object({
    path: fromEnv("CLAUDE_CLI_PATH", filePath.optional()),
    enabled: fromEnv("CLAUDE_CLI_ENABLED", boolFlag.default(true)),
    poolSize: fromEnv("CLAUDE_CLI_POOL_SIZE", z.coerce.number().int().min(0).max(8).default(0)),
    /** subscription: the CLI runs under the user's Claude login and costs nothing per request; api: it is priced like the Anthropic API. */
    billing: fromEnv("CLAUDE_CLI_BILLING", z.enum(["subscription", "api"]).default("subscription")),
  }),
  ollama: z.object({
    baseUrl: fromEnv("OLLAMA_BASE_URL", url.default("http://localhost:11434")),
    enabled: fromEnv("OLLAMA_ENABLED", boolFlag.default(true)),
    probeTimeoutMs: fromEnv("OLLAMA_PROBE_TIMEOUT_MS", positiveInt.default(500)),
    /** How often its model list is read again (models pulled or removed, Ollama started late); 0: only at start-up. */
    refreshMs: fromEnv("OLLAMA_REFRESH_MS", nonNegativeInt.default(30_000)),
  }),
  /** How the Anthropic door reads Claude model names: `exact` (honoured as named) or `auto` (a tier hint); unset: exact when the Anthropic provider is active. */
  anthropicDoorModels: fromEnv("ANTHROPIC_DOOR_MODELS", z.enum(["exact", "auto"]).optional()),
  customProviders: fromEnv("CUSTOM_PROVIDERS", jsonArray(customProviderSchema).default([])),
  defaultProvider: fromEnv("DEFAULT_PROVIDER", z.string().optional()),

  modelCatalogFile: fromEnv("MODEL_CATALOG_FILE", filePath.optional()),
  baselineModel: fromEnv("BASELINE_MODEL", z.string().optional()),
  successThreshold: fromEnv("SUCCESS_THRESHOLD", ratio.default(0.8)),
  successMinSamples: fromEnv("SUCCESS_MIN_SAMPLES", positiveInt.default(10)),
  consecutiveFailureLimit: fromEnv("CONSECUTIVE_FAILURE_LIMIT", positiveInt.default(3)),
  circuitCooldownMs: fromEnv("CIRCUIT_COOLDOWN_MS", positiveInt.default(30_000)),
  fallbackTotalTimeoutMs: fromEnv("FALLBACK_TOTAL_TIMEOUT_MS", positiveInt.default(180_000)),
  cache: z.object({
    enabled: fromEnv("CACHE_ENABLED", boolFlag.default(true)),
    ttlSeconds: fromEnv("CACHE_TTL_SECONDS", positiveInt.default(86_400)),
    maxEntries: fromEnv("CACHE_MAX_ENTRIES", positiveInt.default(1_000)),
    maxBytes: fromEnv("CACHE_MAX_BYTES", positiveInt.default(16 * 1024 * 1024)),
    /** Answers to requests sampled hotter than this are not stored (no temperature counts as 1). */
    maxTemperature: fromEnv("CACHE_MAX_TEMPERATURE", z.coerce.number().min(0).max(2).default(1)),
  }),
  compression: fromEnv("COMPRESSION", z.enum(["off", "safe"]).default("safe")),
  budget: z.object({
    dailyUsd: fromEnv("BUDGET_DAILY_USD", usd.optional()),
    monthlyUsd: fromEnv("BUDGET_MONTHLY_USD", usd.optional()),
    providers: fromEnv("BUDGET_PROVIDERS", json(providerBudgetsSchema).default({})),
    action: fromEnv("BUDGET_ACTION", z.enum(["downgrade", "block"]).default("downgrade")),
    timeZone: fromEnv("BUDGET_TIME_ZONE", timeZone.default("UTC")),
  }),
  /** Score thresholds of the classifier; unset ones keep the classifier's defaults. */
  routingThresholds: z.object({
    standard: fromEnv("ROUTING_STANDARD_THRESHOLD", z.coerce.number().min(0).max(100).optional()),
    premium: fromEnv("ROUTING_PREMIUM_THRESHOLD", z.coerce.number().min(0).max(100).optional()),
  }),
};

const configSchema = z
  .object(configShape)
  .refine(({ routingThresholds: { standard, premium } }) => standard === undefined || premium === undefined || standard < premium, {
    path: ["routingThresholds", "premium"],
    message: "must be greater than ROUTING_STANDARD_THRESHOLD",
  })
  .superRefine(({ host, proxyApiKey, allowUnauthenticatedRemote }, context) => {
    if (proxyApiKey !== undefined || allowUnauthenticatedRemote || isLoopbackHost(host)) return;
    context.addIssue({
      code: "custom",
      path: ["proxyApiKey"],
      message:
        `required because HOST=${host} makes the proxy reachable from other machines, and anyone who reaches it spends your provider credits. ` +
        "Set PROXY_API_KEY to a long random string (`openssl rand -hex 32`) and give it to your clients as their API key, " +
        "or set ALLOW_UNAUTHENTICATED_REMOTE=true to serve without authentication.",
    });
  })
  .superRefine((config, context) => {
    for (const { path, message } of ownAddressIssues(config)) context.addIssue({ code: "custom", path, message });
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

type Shape = Readonly<Record<string, z.ZodType>>;

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(environment: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(readShape(configShape, environment));
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => describeIssue(issue.path, issue.message)));
  return parsed.data;
}

/** The schema's input: each leaf's variable, nested as the schema is. */
function readShape(shape: Shape, environment: Record<string, string | undefined>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(shape)) {
    const variable = variables.get(schema)?.variable;
    if (variable !== undefined) {
      const value = environment[variable];
      // Treat empty values (`OPENAI_API_KEY=` in .env) as unset.
      if (value !== undefined && value.trim() !== "") input[key] = value;
    } else if (schema instanceof z.ZodObject) {
      input[key] = readShape(schema.shape, environment);
    } else {
      throw new Error(`config: ${key} is neither a variable nor a group of them`);
    }
  }
  return input;
}

/** "PORT: Too big…" or "CUSTOM_PROVIDERS (at 0.baseUrl): …": the variable, then where inside its value. */
function describeIssue(path: PropertyKey[], message: string): string {
  let shape: Shape | undefined = configShape;
  for (const [index, part] of path.entries()) {
    const schema: z.ZodType | undefined = shape?.[String(part)];
    const variable = schema && variables.get(schema)?.variable;
    if (variable !== undefined) {
      const inside = path.slice(index + 1);
      return `${variable}${inside.length > 0 ? ` (at ${inside.join(".")})` : ""}: ${message}`;
    }
    shape = schema instanceof z.ZodObject ? (schema.shape as Shape) : undefined;
  }
  return `environment: ${message}`;
}

/**
 * Every configured secret value (API keys, PROXY_API_KEY, the DATABASE_URL password, each custom
 * provider's key): what the redactor takes out of every output. Built from the schema's marks, so
 * a new secret setting joins the list by being marked `secret(...)`.
 */
export function secretValues(config: Config): string[] {
  return collectSecretValues(configShape, config as Record<string, unknown>);
}
