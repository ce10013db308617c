import { z } from "zod";

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

const customModelSchema = z.object({
  id: z.string().min(1),
  inputPricePerMillion: z.number().min(0).default(0),
  outputPricePerMillion: z.number().min(0).default(0),
  cacheReadPricePerMillion: z.number().min(0).optional(),
  contextWindow: z.number().int().positive().optional(),
  tier: z.enum(["economy", "standard", "premium"]).optional(),
});

const customProviderSchema = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, "id must be lower-case letters, digits, '-' or '_'"),
  displayName: z.string().min(1).optional(),
  baseUrl: url,
  apiKey: z.string().optional(),
  models: z.array(customModelSchema).min(1),
});
export type CustomProviderConfig = z.infer<typeof customProviderSchema>;

const jsonArray = <T extends z.ZodType>(item: T) =>
  z.string().transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      context.addIssue({ code: "custom", message: `not valid JSON (${(error as Error).message})` });
      return z.NEVER;
    }
  }).pipe(z.array(item));

const envSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://").optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  MAX_BODY_BYTES: positiveInt.default(20 * 1024 * 1024),
  UPSTREAM_TIMEOUT_MS: positiveInt.default(120_000),
  STREAM_HEARTBEAT_MS: positiveInt.default(5_000),
  // Unset: the request-log writer picks one for the database in use (src/db/request-log-writer.ts).
  LOG_FLUSH_INTERVAL_MS: positiveInt.optional(),

  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: url.default("https://api.openai.com/v1"),
  ANTHROPIC_API_KEY: z.string().optional(),
  ANTHROPIC_BASE_URL: url.optional(),
  GEMINI_API_KEY: z.string().optional(),
  GEMINI_BASE_URL: url.optional(),
  CLAUDE_CLI_PATH: z.string().optional(),
  CLAUDE_CLI_ENABLED: boolFlag.default(true),
  CLAUDE_CLI_POOL_SIZE: z.coerce.number().int().min(0).max(8).default(0),
  OLLAMA_BASE_URL: url.default("http://localhost:11434"),
  OLLAMA_ENABLED: boolFlag.default(true),
  OLLAMA_PROBE_TIMEOUT_MS: positiveInt.default(500),
  CUSTOM_PROVIDERS: jsonArray(customProviderSchema).default([]),
  DEFAULT_PROVIDER: z.string().optional(),

  MODEL_CATALOG_FILE: z.string().optional(),
  BASELINE_MODEL: z.string().optional(),
  SUCCESS_THRESHOLD: ratio.default(0.8),
  SUCCESS_MIN_SAMPLES: positiveInt.default(10),
  CONSECUTIVE_FAILURE_LIMIT: positiveInt.default(3),
  CIRCUIT_COOLDOWN_MS: positiveInt.default(30_000),
  FALLBACK_TOTAL_TIMEOUT_MS: positiveInt.default(180_000),
  ROUTING_STANDARD_THRESHOLD: z.coerce.number().min(0).max(100).optional(),
  ROUTING_PREMIUM_THRESHOLD: z.coerce.number().min(0).max(100).optional(),
}).refine(
  (env) => env.ROUTING_STANDARD_THRESHOLD === undefined || env.ROUTING_PREMIUM_THRESHOLD === undefined || env.ROUTING_STANDARD_THRESHOLD < env.ROUTING_PREMIUM_THRESHOLD,
  { path: ["ROUTING_PREMIUM_THRESHOLD"], message: "must be greater than ROUTING_STANDARD_THRESHOLD" },
);

type Env = z.infer<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: Env["LOG_LEVEL"];
  maxBodyBytes: number;
  upstreamTimeoutMs: number;
  streamHeartbeatMs: number;
  logFlushIntervalMs: number | undefined;
  openai: { apiKey: string | undefined; baseUrl: string };
  anthropic: { apiKey: string | undefined; baseUrl: string | undefined };
  gemini: { apiKey: string | undefined; baseUrl: string | undefined };
  claudeCli: { path: string | undefined; enabled: boolean; poolSize: number };
  ollama: { baseUrl: string; enabled: boolean; probeTimeoutMs: number };
  customProviders: CustomProviderConfig[];
  defaultProvider: string | undefined;
  modelCatalogFile: string | undefined;
  baselineModel: string | undefined;
  successThreshold: number;
  successMinSamples: number;
  consecutiveFailureLimit: number;
  circuitCooldownMs: number;
  fallbackTotalTimeoutMs: number;
  /** Score thresholds of the classifier; unset ones keep the classifier's defaults. */
  routingThresholds: { standard?: number; premium?: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(environment: Record<string, string | undefined> = process.env): Config {
  // Treat empty values (`OPENAI_API_KEY=` in .env) as unset.
  const present = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && value.trim() !== ""),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = issue.path[0] ?? "environment";
        const where = issue.path.length > 1 ? ` (at ${issue.path.slice(1).join(".")})` : "";
        return `${String(variable)}${where}: ${issue.message}`;
      }),
    );
  }
  const env = parsed.data;
  return {
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    logLevel: env.LOG_LEVEL,
    maxBodyBytes: env.MAX_BODY_BYTES,
    upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
    streamHeartbeatMs: env.STREAM_HEARTBEAT_MS,
    logFlushIntervalMs: env.LOG_FLUSH_INTERVAL_MS,
    openai: { apiKey: env.OPENAI_API_KEY, baseUrl: env.OPENAI_BASE_URL },
    anthropic: { apiKey: env.ANTHROPIC_API_KEY, baseUrl: env.ANTHROPIC_BASE_URL },
    gemini: { apiKey: env.GEMINI_API_KEY, baseUrl: env.GEMINI_BASE_URL },
    claudeCli: { path: env.CLAUDE_CLI_PATH, enabled: env.CLAUDE_CLI_ENABLED, poolSize: env.CLAUDE_CLI_POOL_SIZE },
    ollama: { baseUrl: env.OLLAMA_BASE_URL, enabled: env.OLLAMA_ENABLED, probeTimeoutMs: env.OLLAMA_PROBE_TIMEOUT_MS },
    customProviders: env.CUSTOM_PROVIDERS,
    defaultProvider: env.DEFAULT_PROVIDER,
    modelCatalogFile: env.MODEL_CATALOG_FILE,
    baselineModel: env.BASELINE_MODEL,
    successThreshold: env.SUCCESS_THRESHOLD,
    successMinSamples: env.SUCCESS_MIN_SAMPLES,
    consecutiveFailureLimit: env.CONSECUTIVE_FAILURE_LIMIT,
    circuitCooldownMs: env.CIRCUIT_COOLDOWN_MS,
    fallbackTotalTimeoutMs: env.FALLBACK_TOTAL_TIMEOUT_MS,
    routingThresholds: { standard: env.ROUTING_STANDARD_THRESHOLD, premium: env.ROUTING_PREMIUM_THRESHOLD },
  };
}
