/**
 * Text the database will take. PostgreSQL (and PGlite) refuse a NUL character in text and jsonb,
 * and a lone UTF-16 surrogate (half an emoji, left by a cut at a fixed length) is invalid UTF-8 or
 * an invalid JSON escape: either makes the whole row fail. Every text and every jsonb string of
 * every stored row goes through `storedText` first.
 */

/** The longest text any one column or JSON string keeps, in UTF-16 code units; callers may ask for less. */
export const MAX_STORED_TEXT = 4_000;

/** Strips NUL, replaces lone surrogates with U+FFFD, and cuts to `maxLength` without splitting a character. */
export function storedText(value: string, maxLength = MAX_STORED_TEXT): string {
  let text = value.includes("\u0000") ? value.replaceAll("\u0000", "") : value;
  if (!text.isWellFormed()) text = text.toWellFormed();
  if (text.length <= maxLength) return text;
  // Well-formed here, so a high surrogate just before the cut has its low half just after it.
  const last = text.charCodeAt(maxLength - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? maxLength - 1 : maxLength);
}

/** `storedText` applied to every string in a value, JSON object keys included; other values pass unchanged. */
export function storedValue(value: unknown): unknown {
  if (typeof value === "string") return storedText(value);
  if (Array.isArray(value)) return value.map(storedValue);
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[storedText(key)] = storedValue(inner);
    return out;
  }
  return value;
}

/**
 * `JSON.stringify(storedValue(value))`, without copying the value when storedValue would change
 * nothing: JSON.stringify writes a NUL as `\u0000` and a lone surrogate as `\ud800`–`\udfff`, and no
 * string or key is longer than the whole text, so text without those escapes and within the limit
 * is already what storedValue would give (a look-alike `\\u0000` only takes the longer way).
 */
export function storedJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json.length <= MAX_STORED_TEXT && !/\\u(?:0000|d[89a-f])/.test(json)) return json;
  return JSON.stringify(storedValue(value));
}

/** A row with `storedValue` applied to each of its values. */
export function storedRow<T extends object>(row: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = storedValue(value);
  return out as T;
}
