import { isoTime } from "./iso-time";
import { quoted } from "./literal-quote";

/**
 * Array literals for `$n::type[]` parameters: a batch of rows as one array per field, for
 * `select ... from unnest($1::t1[], $2::t2[], ...)`. Cheaper for the server to read than JSON
 * records (`json_to_recordset` hashes every record's field names), and the statement's text stays
 * the same whatever the batch size. Each array is its own tuplestore in the server: for a few
 * fields (the cache and budget writes), not for a wide table (record-array-insert.ts).
 */

/** An array literal of one value per item (`{"a",NULL,"b"}`), for a `$n::type[]` parameter. */
export function arrayLiteral<T>(items: readonly T[], value: (item: T) => unknown): string {
  // Joined, not concatenated: `+=` makes a rope node per piece, which postgres.js then flattens.
  const elements = new Array<string>(items.length);
  for (let index = 0; index < items.length; index++) elements[index] = arrayElement(value(items[index]!));
  return `{${elements.join(",")}}`;
}

/**
 * One element of an array literal: NULL, or the value's text (an object or array as JSON) in
 * double quotes with `"` and `\` escaped (a quoted element takes any character: commas, braces,
 * blanks). Text goes as it is: callers that store untrusted text pass it through storedValue first.
 */
export function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "string") return quoted(value);
  if (typeof value === "boolean") return value ? "t" : "f";
  // Non-finite numbers go as their names ("NaN", "Infinity"), which float columns parse.
  if (typeof value === "number" || typeof value === "bigint") return `"${String(value)}"`;
  // An invalid Date is null, as JSON.stringify writes it (the column's NOT NULL then refuses the row).
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "NULL" : `"${isoTime(value)}"`;
  return quoted(JSON.stringify(value));
}
