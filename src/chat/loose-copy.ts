import { fitsInLength } from "./bounded-length";
import { hasNoControlCharacters } from "./control-characters";
import { MAX_NAME_LENGTH } from "./name-schema";

/**
 * What the hand-built parts of a chat request (known-messages.ts, known-tools.ts) share with the
 * zod schema they stand in for: its object test, its name check (name-schema.ts) and its way of
 * copying a loose object.
 */
export type Fields = Record<string, unknown>;

/** Zod's object test: not null, not an array. */
export const isObject = (value: unknown): value is Fields => typeof value === "object" && value !== null && !Array.isArray(value);

/** nameSchema(minLength), with the schema's own length and control-character checks. */
export const isName = (value: unknown, minLength: number): value is string =>
  typeof value === "string" && value.length >= minLength && fitsInLength(value, MAX_NAME_LENGTH) && hasNoControlCharacters(value);

/**
 * A new object as zod's loose object outputs it: the schema's keys that the input has (or that
 * `changed` sets: a default), in the schema's order, with `changed`'s values; then the input's
 * other keys in their order. Undefined for a `__proto__` key, which zod leaves out.
 */
export function rebuilt(input: Fields, schemaKeys: readonly string[], changed: Fields): Fields | undefined {
  const output: Fields = {};
  for (const key of schemaKeys) {
    if (key in changed) output[key] = changed[key];
    else if (key in input) output[key] = input[key];
  }
  for (const key in input) {
    if (key === "__proto__") return undefined;
    if (!schemaKeys.includes(key)) output[key] = input[key];
  }
  return output;
}
