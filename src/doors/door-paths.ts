import type { Door, DoorEndpoint } from "./door";

/** The door whose ground a path is: the one with the longest matching prefix, if any. */
export function doorForPath(doors: readonly Door[], path: string): Door | undefined {
  let found: Door | undefined;
  let length = -1;
  for (const door of doors) {
    for (const prefix of door.prefixes) {
      if (prefix.length > length && path.startsWith(prefix)) {
        found = door;
        length = prefix.length;
      }
    }
  }
  return found;
}

/**
 * The door that answers a request's errors: its path's door, except on a path that is not exactly one
 * door's endpoint (an unknown route, or GET /v1/models, which two doors serve), where a door that
 * claims the caller by its headers answers instead: an Anthropic SDK's 401 or 404 there is then in
 * Anthropic's shape. Only error paths call this.
 */
export function doorForRequest(doors: readonly Door[], path: string, headers: Headers): Door | undefined {
  const byPath = doorForPath(doors, path);
  if (!byPath) return undefined;
  const owners = doors.filter((door) => door.endpoints.some((endpoint) => endpoint.path === path)).length;
  if (owners === 1) return byPath;
  return doors.find((door) => door.claims?.(headers)) ?? byPath;
}

/** Each path with the methods it takes, in the order first declared (for 405 answers). */
export function allowedMethods(endpoints: readonly DoorEndpoint[]): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const { path, method } of endpoints) {
    const methods = table.get(path) ?? [];
    if (!methods.includes(method)) methods.push(method);
    table.set(path, methods);
  }
  return table;
}

/** "a", "a and b", "a, b and c". */
export function listInWords(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
