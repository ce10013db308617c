import type { ChatRequest } from "../chat/request-schema";

/**
 * What identifies a cached answer: everything in the request that can change the answer (the
 * model field as sent, so `auto`, a tier or a name; messages, tools, tool_choice, response_format,
 * sampling and reasoning settings, vendor fields), and nothing that cannot. These top-level fields
 * are left out: how the answer is delivered (`stream`, `stream_options`) and bookkeeping
 * (`user`, `metadata`, `store`, `prompt_cache_key`, `safety_identifier`, `service_tier`). The door
 * a request came through is not part of the request, so a hit replays through any door.
 */
const IGNORED_FIELDS = new Set(["stream", "stream_options", "user", "metadata", "store", "prompt_cache_key", "safety_identifier", "service_tier"]);

export interface RequestKey {
  /** 128 bits (two independent 64-bit hashes) as 32 hex digits: the lookup key. */
  key: string;
  /** The request's canonical text, kept for the SHA-256 digest a hit is checked against. */
  canonical: string;
}

/**
 * The canonical text is a length-prefixed encoding of the request's values in their order (a
 * string is `s<length>:<text>`, so no escaping is needed and no two requests encode alike); an
 * absent field, `null` and `undefined` are the same. Top-level fields go in name order; inside
 * them, the request schema's order (the door's parser builds every object the same way). Built as one rope and hashed once: on a 44 KB
 * Claude Code request this is ~4x faster than JSON.stringify, which has to escape every character.
 */
export function requestKey(request: ChatRequest): RequestKey {
  let canonical = "{";
  // Top-level fields by name: vendor fields the schema does not know keep the client's order.
  for (const field of Object.keys(request).sort()) {
    if (IGNORED_FIELDS.has(field)) continue;
    const value = request[field];
    if (value === null || value === undefined) continue;
    canonical += `${field.length}:${field}${encode(value)}`;
  }
  canonical += "}";
  const first = Bun.hash.wyhash(canonical).toString(16).padStart(16, "0");
  const second = Bun.hash.xxHash3(canonical).toString(16).padStart(16, "0");
  return { key: first + second, canonical };
}

/** SHA-256 of the canonical text: what a hit must match, so even a crafted 128-bit collision is never served. */
export function requestDigest(canonical: string): string {
  return Bun.SHA256.hash(canonical, "hex");
}

function encode(value: unknown): string {
  switch (typeof value) {
    case "string":
      return `s${value.length}:${value}`;
    case "number":
      return `n${value};`;
    case "boolean":
      return value ? "T" : "F";
    case "object": {
      if (value === null) return "N";
      if (Array.isArray(value)) {
        let out = "[";
        for (const item of value) out += encode(item);
        return `${out}]`;
      }
      let out = "{";
      for (const key in value) {
        const item = (value as Record<string, unknown>)[key];
        if (item === null || item === undefined) continue;
        out += `${key.length}:${key}${encode(item)}`;
      }
      return `${out}}`;
    }
    default:
      return "U";
  }
}
