/**
 * A JSON value copied all the way down (objects and arrays new, keys in their order, an own
 * `__proto__` key kept as one): for a part of a client's body handed on whole, so that nothing
 * later holds, or can change, the parsed value itself (doors/resent-turns.ts keeps those).
 */
export function plainCopy<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(plainCopy) as T;
  const copy: Record<string, unknown> = {};
  for (const key in value) {
    const item = plainCopy((value as Record<string, unknown>)[key]);
    if (key === "__proto__") Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    else copy[key] = item;
  }
  return copy as T;
}
