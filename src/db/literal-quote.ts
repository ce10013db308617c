/**
 * Quoting text for array and row literals (column-arrays.ts, record-array-insert.ts): inside
 * double quotes only `"` and `\` need a backslash. A regular-expression replace did that at
 * ~2.4 µs for a 1 KB cached answer; JSON.stringify quotes the same way natively in ~0.6 µs, but
 * also escapes control characters (`\n`, `\u0001`) and lone surrogates (`\ud800`), which a literal
 * would read as the letters `n`, `u0001`, `ud800`. So it is used only when the text holds neither,
 * and text without `"` or `\` is just wrapped, without either scan.
 */

/** Two indexOf calls: ~12 ns on a short text, against ~20–40 for a regular expression's test. */
const needsBackslash = (text: string) => text.indexOf('"') !== -1 || text.indexOf("\\") !== -1;
const CONTROL = /[\u0000-\u001f]/;

/** JSON.stringify(text) is exactly `"` + text with `"` and `\` backslashed + `"`. */
function jsonQuotesExactly(text: string): boolean {
  return !CONTROL.test(text) && text.isWellFormed();
}

/** `"text"` with `"` and `\` backslashed: an array element, or a field of a row literal. */
export function quoted(text: string): string {
  if (!needsBackslash(text)) return `"${text}"`;
  return jsonQuotesExactly(text) ? JSON.stringify(text) : `"${text.replace(/["\\]/g, "\\$&")}"`;
}

/**
 * A field of a row literal that is itself an element of an array literal, quoted twice: each `"`
 * or `\` becomes four characters (`\\\"`, `\\\\`) and the quotes around it `\"`.
 */
export function quotedTwice(text: string): string {
  if (!needsBackslash(text)) return `\\"${text}\\"`;
  // The first stringify leaves no control character or lone surrogate for the second to escape,
  // and its quotes become the second's `\"`.
  if (jsonQuotesExactly(text)) return JSON.stringify(JSON.stringify(text)).slice(1, -1);
  return `\\"${text.replace(/["\\]/g, "\\\\\\$&")}\\"`;
}

const RECENT_JSON_LENGTH = 200;
const RECENT_JSON_ENTRIES = 256;
const recentJson = new Map<string, string>();

/**
 * `quotedTwice` for text that JSON.stringify wrote: it holds no control character or lone surrogate
 * (both are escaped in it), so it needs neither scan. A request-log row's JSON fields (candidates,
 * attempts) repeat from request to request, and quoting one costs two more JSON.stringify calls
 * (~200 ns), so short texts are remembered: a bounded map, emptied when full.
 */
export function quotedTwiceJson(json: string): string {
  let field = recentJson.get(json);
  if (field !== undefined) return field;
  field = JSON.stringify(JSON.stringify(json)).slice(1, -1);
  if (json.length <= RECENT_JSON_LENGTH) {
    if (recentJson.size >= RECENT_JSON_ENTRIES) recentJson.clear();
    recentJson.set(json, field);
  }
  return field;
}

