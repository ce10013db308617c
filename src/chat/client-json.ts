/**
 * The client's own JSON text of each element of a large chat request's `messages` and `tools`, so
 * that the OpenAI-wire upstream body can be built from those bytes instead of JSON.stringify and
 * fetch's encoding of its result, two native passes over the whole body
 * (providers/openai-compatible/spliced-body.ts). The door (doors/json-body.ts) remembers, for each
 * element it outputs, the slice of the ASCII text it parsed and the value JSON.parse made of it.
 *
 * An element's slice is used only when the element about to be sent is still equal, as JSON, to
 * what was parsed from that slice (sameJsonValue): whatever a stage changed, copied or not, in place
 * or not, is serialised as today. The parsed values are reachable from nothing else, since an
 * element sharing an object with them is never used (a stage could change that object in place
 * and both sides with it). A duplicate key (JSON.parse keeps the last, an upstream's parser might
 * keep the first) shows as fewer parsed members than the slice has colons, and the slice is not used.
 */
export interface ClientJson {
  /** The text the door parsed: ASCII (non-ASCII written as `\uXXXX` escapes), so its bytes are its characters. */
  text: string;
  start: number;
  end: number;
  /** Object members in the slice, duplicates included. */
  colons: number;
  parsed: unknown;
}

const remembered = new WeakMap<object, ClientJson>();

export function rememberClientJson(element: unknown, json: ClientJson): void {
  // Shared with the parsed value: a change in place would reach both, unseen.
  if (typeof element === "object" && element !== null && element !== json.parsed) remembered.set(element, json);
}

/** The client's text for `element` when it still holds exactly what that text says, else undefined. */
export function unchangedClientJson(element: unknown): ClientJson | undefined {
  if (typeof element !== "object" || element === null) return undefined;
  const json = remembered.get(element);
  if (!json) return undefined;
  const members = { count: 0 };
  return sameJsonValue(element, json.parsed, members) && members.count === json.colons ? json : undefined;
}

/**
 * Whether JSON.stringify(sent) parses to `parsed`, member order aside: the same members (a member
 * whose value JSON.stringify leaves out counts as absent), the same primitives, no object shared
 * between the two. A number only when its text round-trips in every parser (finite, not -0, a safe
 * integer or not an integer): the slice keeps the client's spelling of it. Counts the parsed
 * members into `members`.
 */
export function sameJsonValue(sent: unknown, parsed: unknown, members: { count: number }): boolean {
  if (typeof parsed !== "object" || parsed === null) {
    if (typeof parsed === "number") return sent === parsed && Number.isFinite(parsed) && !Object.is(parsed, -0) && (Number.isSafeInteger(parsed) || !Number.isInteger(parsed));
    return sent === parsed;
  }
  if (typeof sent !== "object" || sent === null || sent === parsed) return false;
  if (Array.isArray(parsed)) {
    if (!Array.isArray(sent) || sent.length !== parsed.length) return false;
    for (let index = 0; index < parsed.length; index++) if (!sameJsonValue(sent[index], parsed[index], members)) return false;
    return true;
  }
  if (Array.isArray(sent) || Object.getPrototypeOf(sent) !== Object.prototype || "toJSON" in sent) return false;
  const fields = sent as Record<string, unknown>;
  const source = parsed as Record<string, unknown>;
  let count = 0;
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined || typeof value === "function" || typeof value === "symbol") continue;
    if (!Object.hasOwn(source, key) || !sameJsonValue(value, source[key], members)) return false;
    count++;
  }
  let parsedCount = 0;
  for (const _key in source) parsedCount++;
  members.count += parsedCount;
  return count === parsedCount;
}
