import type { ProxyError } from "../errors";

/**
 * The one place secrets are taken out of text before it leaves the proxy: error messages in HTTP
 * answers and stream events, log lines, request-log rows, /api/routing. Built once at start-up
 * from every value the config schema marks secret (config.ts `secretValues`), plus patterns for
 * keys and credentials nobody configured (an upstream echoing another key or a request header).
 *
 * Everything is one regular expression, compiled once: a single pass per text whatever the number
 * of keys. Only error texts and log lines go through it, never a streamed token.
 */
export interface Redactor {
  redact(text: string): string;
  /** The error with its message redacted; the same object when there was nothing to take out. */
  redactError(error: ProxyError): ProxyError;
}

export const REDACTED = "[redacted]";

/**
 * Configured values shorter than this are not searched for: placeholder keys of local servers
 * ("ollama", "none") are ordinary words, and taking them out of every text would garble it.
 * The patterns below still apply to them where they sit in a credential's place.
 */
export const MIN_SECRET_LENGTH = 8;

/** A credential's value: anything up to a delimiter, not ending in a full stop (the sentence's). */
const value = String.raw`[^\s"'\\,;&<>(){}\[\]]*[^\s"'\\,;&<>(){}\[\].]`;

/**
 * Credentials nobody configured. Case-insensitive; the text before the value (a header name, a
 * scheme, a query parameter) is kept so the message still says what was there.
 */
const patterns: string[] = [
  // A credential header or field echoed back, whatever the value's shape:
  // `Authorization: Bearer …`, `"x-api-key":"…"`, `api_key=…`, `API key provided: …`.
  String.raw`(?<label>\b(?:proxy-authorization|authorization|x-api-key|x-goog-api-key|api[-_ ]?key(?:\s+provided)?|x-auth-token|auth[-_]?token|access[-_]?token|client[-_]?secret|password)\\*["']?\s*[:=]\s*\\*["']?(?:(?:bearer|basic|token)\s+)?)${value}`,
  // A key in a URL's query string (Gemini's `?key=`).
  String.raw`(?<parameter>[?&](?:key|api[-_]?key|access[-_]?token|token)=)[^\s&"'\\#]+`,
  // A bearer token on its own.
  String.raw`(?<scheme>\bbearer\s+)${value}`,
  // Well-known key shapes; a partly masked key (`sk-proj-****7QwA`, `sk-abc...xyz`) goes whole:
  // its visible ends are key material.
  String.raw`\b(?:sk|rk|pk)-(?:[a-z0-9_*-]|\.{3}|…){8,}`,
  String.raw`\bAIza(?:[0-9a-z_*-]|\.{3}|…){20,}`,
  String.raw`\b(?:gsk|xai|hf|ghp|gho|github_pat|glpat)[-_](?:[a-z0-9_*-]|\.{3}|…){16,}`,
];

/** Each secret as it may appear in text: as is, escaped inside JSON, and URL-encoded. */
function spellings(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
}

const escapeForRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

export function createRedactor(secrets: readonly string[] = []): Redactor {
  const literals = [...new Set(secrets.flatMap(spellings))]
    .filter((secret) => secret.length >= MIN_SECRET_LENGTH)
    // Longest first, so a key that contains another is taken out whole.
    .sort((a, b) => b.length - a.length)
    .map(escapeForRegExp);
  // Configured values match exactly (case-sensitive); the patterns in any case.
  const alternatives = [...literals, `(?i:${patterns.join("|")})`];
  const search = new RegExp(alternatives.join("|"), "g");
  const replace = (...args: unknown[]) => {
    const groups = args.at(-1) as Record<string, string | undefined>;
    return `${groups.label ?? groups.parameter ?? groups.scheme ?? ""}${REDACTED}`;
  };

  const redact = (text: string) => text.replace(search, replace);
  return {
    redact,
    redactError(error) {
      const message = redact(error.message);
      return message === error.message ? error : error.reworded(message);
    },
  };
}

/** The patterns alone, for code that runs before the configuration is known. */
const patternsOnly = createRedactor();
export const redactSecrets = (text: string): string => patternsOnly.redact(text);
