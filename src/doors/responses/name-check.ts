import { MAX_NAME_LENGTH } from "../../chat/name-schema";
import { invalidRequest } from "../../errors";

/**
 * A tool name or call id of a Responses item, read from the loosely checked item: present, a
 * string, and what every upstream accepts in that place (chat/name-schema.ts), or a 400 naming
 * the field.
 */
export function requireName(item: Record<string, unknown>, field: string, param: string): string {
  const value = item[field];
  const where = `${param}.${field}`;
  if (typeof value !== "string" || value === "") throw invalidRequest(`${where} must be a non-empty string.`, where);
  if (value.length > MAX_NAME_LENGTH) throw invalidRequest(`${where} must be at most ${MAX_NAME_LENGTH} characters (it is ${value.length}).`, where);
  if (/\p{Cc}/u.test(value)) throw invalidRequest(`${where} must not contain control characters.`, where);
  return value;
}
