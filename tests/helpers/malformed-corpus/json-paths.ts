/** A field's place in a JSON body: keys and indexes, as `["messages", 1, "content"]`. */
export type JsonPath = ReadonlyArray<string | number>;

/** "messages[1].content" */
export function formatPath(path: JsonPath): string {
  return path.reduce<string>((text, part) => (typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${part}` : part), "");
}

/** A deep copy of `body` with the value at `path` replaced (or removed, for `undefined`). */
export function withValue(body: unknown, path: JsonPath, value: unknown): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let parent = copy;
  for (const part of path.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value !== undefined) parent[last] = value;
  else if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete parent[last];
  return copy;
}

/** The value at `path`. */
export function valueAt(body: unknown, path: JsonPath): unknown {
  let value = body as Record<string | number, unknown> | undefined;
  for (const part of path) value = value?.[part] as Record<string | number, unknown> | undefined;
  return value;
}
