import { z } from "zod";

/**
 * Leaves whose values are secrets. The redactor takes every configured secret out of whatever
 * leaves the proxy (config.ts `secretValues`), so a new key or password is safe once marked here.
 */
const secrets = z.registry<{ parts?: (value: string) => string[] }>();

/** Marks a config leaf as secret; `parts` picks the secret out of a larger value (a URL's password). */
export function secret<T extends z.ZodType>(schema: T, parts?: (value: string) => string[]): T {
  secrets.add(schema, { parts });
  return schema;
}

/** The password of a connection URL, as written and decoded. */
export function urlPassword(text: string): string[] {
  try {
    const password = new URL(text).password;
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    return [];
  }
}

type Shape = Readonly<Record<string, z.ZodType>>;

/** Every secret value in `config`, found by walking `shape` (the config's schema) for marked leaves. */
export function collectSecretValues(shape: Shape, config: Record<string, unknown>): string[] {
  const found: string[] = [];
  for (const [key, schema] of Object.entries(shape)) collectSecrets(schema, config[key], found);
  return [...new Set(found)];
}

function collectSecrets(schema: z.ZodType, value: unknown, found: string[]): void {
  if (value === undefined || value === null) return;
  const mark = secrets.get(schema);
  if (mark) {
    if (typeof value === "string") found.push(...(mark.parts ? mark.parts(value) : [value]));
    return;
  }
  if (schema instanceof z.ZodObject) {
    for (const [key, child] of Object.entries(schema.shape as Shape)) collectSecrets(child, (value as Record<string, unknown>)[key], found);
  } else if (schema instanceof z.ZodArray && Array.isArray(value)) {
    for (const item of value) collectSecrets(schema.element as z.ZodType, item, found);
  } else if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault || schema instanceof z.ZodNullable) {
    collectSecrets(schema.unwrap() as z.ZodType, value, found);
  } else if (schema instanceof z.ZodPipe) {
    // A `.transform` is a pipe into a ZodTransform, which has no shape: its input schema has the
    // secrets (the config's transforms keep every key, adding some).
    collectSecrets((schema.out instanceof z.ZodTransform ? schema.in : schema.out) as z.ZodType, value, found);
  }
}
