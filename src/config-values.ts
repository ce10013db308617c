import { homedir } from "node:os";
import { z } from "zod";
import { isUnpricedCustomModel } from "./config-custom-prices";
import { secret } from "./config-secrets";
import { normalizeHostName } from "./security/host-names";

/** The value types of the configuration's variables (config.ts): numbers, flags, paths, lists and JSON. */

export const port = z.coerce.number().int().min(0).max(65535);
export const positiveInt = z.coerce.number().int().positive();
export const nonNegativeInt = z.coerce.number().int().min(0);
export const ratio = z.coerce.number().min(0).max(1);
export const url = z.url({ protocol: /^https?$/ });
export const boolFlag = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"])
  .transform((value) => ["true", "1", "yes", "on"].includes(value));

/**
 * A file or directory path, with a leading `~` or `~/` read as the home directory as a shell would:
 * Bun's .env, docker's env files and `--data-dir=~/…` in some shells leave it as written, and
 * DATA_DIR=~/.claude-proxy made a directory named "~" in the working directory.
 */
export const filePath = z.string().transform((text) => (text === "~" || text.startsWith("~/") ? homedir() + text.slice(1) : text));

/** A comma-separated list of host names (ALLOWED_HOSTS): `proxy.example.com, [fd00::1]`. */
export const hostList = z
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
  // Left out, a price counts as 0 (config-custom-prices.ts: on a hosted endpoint it is marked unpriced).
  inputPricePerMillion: z.number().min(0).optional(),
  outputPricePerMillion: z.number().min(0).optional(),
  cacheReadPricePerMillion: z.number().min(0).optional(),
  contextWindow: z.number().int().positive().optional(),
  tier: z.enum(["economy", "standard", "premium"]).optional(),
});

export const customProviderSchema = knownKeysObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, "id must be lower-case letters, digits, '-' or '_'"),
  displayName: z.string().min(1).optional(),
  baseUrl: url,
  apiKey: secret(z.string().optional()),
  models: z.array(customModelSchema).min(1),
}).transform((provider) => ({
  ...provider,
  models: provider.models.map((model) => ({ ...model, ...(isUnpricedCustomModel(provider.baseUrl, model) ? { unpriced: true as const } : {}) })),
}));
export type CustomProviderConfig = z.infer<typeof customProviderSchema>;

export const json = <T extends z.ZodType>(schema: T) =>
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
export const jsonArray = <T extends z.ZodType>(item: T) => json(z.array(item));

export const usd = z.coerce.number().finite().min(0);
/** Per-provider budgets: {"openai": {"daily": 5, "monthly": 100}, "anthropic": {"monthly": 50}}. */
export const providerBudgetsSchema = z
  .record(z.string(), z.strictObject({ daily: z.number().finite().min(0).optional(), monthly: z.number().finite().min(0).optional() }))
  .superRefine((budgets, context) => {
    for (const provider of Object.keys(budgets)) {
      if (!/^[a-z0-9][a-z0-9_-]*$/.test(provider)) context.addIssue({ code: "custom", path: [provider], message: "provider ids are lower-case letters, digits, '-' or '_'" });
    }
  });
export const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, "must be an IANA time zone such as UTC or Europe/Berlin");

