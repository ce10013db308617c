import { homedir } from "node:os";
import { z } from "zod";
import { ownAddressIssues } from "./config-self-address";
import { isLoopbackHost, normalizeHostName } from "./security/host-names";

/**
 * The only reader of the environment. Bun loads `.env` on its own, so this module sees
 * `.env` values and real environment variables alike. Every variable is documented in
 * `.env.example`; a bad value stops start-up with a message naming it.
 */

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const ratio = z.coerce.number().min(0).max(1);
const url = z.url({ protocol: /^https?$/ });
const boolFlag = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"])
  .transform((value) => ["true", "1", "yes", "on"].includes(value));

/**
 * Leaves whose values are secrets. The redactor takes every configured secret out of whatever
 * leaves the proxy (config.ts `secretValues`), so a new key or password is safe once marked here.
 */
const secrets = z.registry<{ parts?: (value: string) => string[] }>();

/** Marks a config leaf as secret; `parts` picks the secret out of a larger value (a URL's password). */
function secret<T extends z.ZodType>(schema: T, parts?: (value: string) => string[]): T {
  secrets.add(schema, { parts });
  return schema;
}

/** The password of a connection URL, as written and decoded. */
function urlPassword(text: string): string[] {
  try {
    const password = new URL(text).password;
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    return [];
  }
}

/**
 * A file or directory path, with a leading `~` or `~/` read as the home directory as a shell would:
 * Bun's .env, docker's env files and `--data-dir=~/…` in some shells leave it as written, and
 * DATA_DIR=~/.claude-proxy made a directory named "~" in the working directory.
 */
const filePath = z.string().transform((text) => (text === "~" || text.startsWith("~/") ? homedir() + text.slice(1) : text));

/** A comma-separated list of host names (ALLOWED_HOSTS): `proxy.example.com, [fd00::1]`. */
const hostList = z
  .string()
  .transform((text) => text.split(",").map((name) => name.trim()).filter((name) => name !== ""))
  .pipe(
    z.array(
      z
        .string()
        .regex(/^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)$/, "list host names or IP addresses without a port or scheme, separated by commas")
        .transform(normalizeHostName),
    ),
  );

/**
 * An object that refuses keys it does not know (a typo such as `baseURL` or `api_key` would
 * otherwise be dropped in silence and the provider misbehave), naming each key, never its value,
 * with the known key it most likely meant.
 */
function knownKeysObject<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  const folded = (key: string) => key.toLowerCase().replace(/[_-]/g, "");
  const meant = (key: string) => known.find((name) => folded(name) === folded(key) || folded(name).startsWith(folded(key)) || folded(key).startsWith(folded(name)));
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== "unrecognized_keys") return undefined;
      const keys = issue.keys.map((key) => {
        const guess = meant(key);
        return `"${key}"${guess ? ` (did you mean "${guess}"?)` : ""}`;
      });
      return `unknown key${keys.length > 1 ? "s" : ""} ${keys.join(", ")}; the keys here are ${known.join(", ")}`;
    },
  });
}

const customModelSchema = knownKeysObject({
  id: z.string().min(1),
  inputPricePerMillion: z.number().min(0).default(0),
  outputPricePerMillion: z.number().min(0).default(0),
  cacheReadPricePerMillion: z.number().min(0).optional(),
  contextWindow: z.number().int().positive().optional(),
  tier: z.enum(["economy", "standard", "premium"]).optional(),
});

const customProviderSchema = knownKeysObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, "id must be lower-case letters, digits, '-' or '_'"),
  displayName: z.string().min(1).optional(),
  baseUrl: url,
  apiKey: secret(z.string().optional()),
  models: z.array(customModelSchema).min(1),
});
export type CustomProviderConfig = z.infer<typeof customProviderSchema>;

const json = <T extends z.ZodType>(schema: T) =>
  z.string().transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      // The parser quotes the token it stopped at, which may be a secret whose quotes were lost (`"apiKey": sk_live_…`).
      const reason = (error as Error).message.replace(/"[^"]*"/g, "(a value not repeated here)");
      context.addIssue({ code: "custom", message: `not valid JSON (${reason})` });
      return z.NEVER;
    }
  }).pipe(schema);
const jsonArray = <T extends z.ZodType>(item: T) => json(z.array(item));

const usd = z.coerce.number().finite().min(0);
/** Per-provider budgets: {"openai": {"daily": 5, "monthly": 100}, "anthropic": {"monthly": 50}}. */
const providerBudgetsSchema = z
  .record(z.string(), z.strictObject({ daily: z.number().finite().min(0).optional(), monthly: z.number().finite().min(0).optional() }))
  .superRefine((budgets, context) => {
    for (const provider of Object.keys(budgets)) {
      if (!/^[a-z0-9][a-z0-9_-]*$/.test(provider)) context.addIssue({ code: "custom", path: [provider], message: "provider ids are lower-case letters, digits, '-' or '_'" });
    }
  });
const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, "must be an IANA time zone such as UTC or Europe/Berlin");

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
  const found: string[] = [];
  for (const [key, schema] of Object.entries(configShape)) collectSecrets(schema, (config as Record<string, unknown>)[key], found);
  return [...new Set(found)];
}

function collectSecrets(schema: z.ZodType, value: unknown, found: string[]): void {
  if (value === undefined || value === null) return;
  const mark = secrets.get(schema);
  if (mark) {
    if (typeof value === "string") found.push(...(mark.parts ? mark.parts(value) : [value]));
    return;
  }
  if (schema instanceof z.ZodObject) {
    for (const [key, child] of Object.entries(schema.shape as Shape)) collectSecrets(child, (value as Record<string, unknown>)[key], found);
  } else if (schema instanceof z.ZodArray && Array.isArray(value)) {
    for (const item of value) collectSecrets(schema.element as z.ZodType, item, found);
  } else if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault || schema instanceof z.ZodNullable) {
    collectSecrets(schema.unwrap() as z.ZodType, value, found);
  } else if (schema instanceof z.ZodPipe) {
    collectSecrets(schema.out as z.ZodType, value, found);
  }
}
