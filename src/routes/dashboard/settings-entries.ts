import { redactSecrets } from "../../logger";

/**
 * The effective configuration as a flat list of named values for the settings page, with every
 * secret masked: any value whose name (at any depth) mentions a key, token, secret or password,
 * any header value (authorization headers), and the password of any URL. It walks whatever object
 * it is given, so new settings appear without changes here.
 */
export interface SettingEntry {
  name: string;
  value: string;
  masked: boolean;
}

const SECRET_NAME = /key|token|secret|password|passwd|credential|authorization|cookie/i;
const HEADERS_NAME = /headers?$/i;
export const MASK = "••••••••";

export function settingEntries(config: object): SettingEntry[] {
  const entries: SettingEntry[] = [];
  walk(config, "", false, entries);
  return entries;
}

function walk(value: unknown, name: string, secret: boolean, entries: SettingEntry[]): void {
  if (Array.isArray(value)) {
    if (value.length === 0) entries.push({ name, value: "[]", masked: false });
    value.forEach((item, index) => walk(item, `${name}[${index}]`, secret, entries));
    return;
  }
  if (value !== null && typeof value === "object" && !(value instanceof Date) && !(value instanceof RegExp)) {
    const keys = Object.keys(value);
    if (keys.length === 0 && name) entries.push({ name, value: "{}", masked: false });
    for (const key of keys) {
      const child = name ? `${name}.${key}` : key;
      walk((value as Record<string, unknown>)[key], child, secret || SECRET_NAME.test(key) || HEADERS_NAME.test(key), entries);
    }
    return;
  }
  if (value === undefined || value === null || value === "") {
    entries.push({ name, value: "(not set)", masked: false });
    return;
  }
  if (secret) {
    entries.push({ name, value: MASK, masked: true });
    return;
  }
  const text = value instanceof Date ? value.toISOString() : String(value);
  const withoutPassword = maskSecretsInText(text);
  entries.push({ name, value: withoutPassword, masked: withoutPassword !== text });
}

/**
 * `postgres://user:pw@host/db` → `postgres://user:••••••••@host/db` (also inside a longer string),
 * `?key=…` and `&token=…` query values masked, and anything shaped like an API key redacted.
 */
export function maskSecretsInText(text: string): string {
  // Pattern redaction first, so the dashboard's own mask is what the user sees where both apply.
  return redactSecrets(text)
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):([^\s@/]+)@/gi, `$1:${MASK}@`)
    .replace(/([?&][^=&\s]*(?:key|token|secret|password|signature)[^=&\s]*=)[^&\s]+/gi, `$1${MASK}`);
}
