import type { Tier } from "../catalog/catalog-entry";
import type { ChatRequest } from "../chat/request-schema";
import { KeyWords } from "./key-words";
import { DIGESTED_ALONE, textDigest } from "./text-digests";

/**
 * What identifies a cached answer: everything in the request that can change the answer (the
 * model field as sent, so `auto`, a tier or a name; messages, tools, tool_choice, response_format,
 * sampling and reasoning settings, vendor fields), and nothing that cannot. These top-level fields
 * are left out: how the answer is delivered (`stream`, `stream_options`) and bookkeeping
 * (`user`, `metadata`, `store`, `prompt_cache_key`, `safety_identifier`, `service_tier`), the
 * Messages door's `service_tier` too (kept under `anthropic.fields`). The door a request came
 * through is not part of the request, so a hit replays through any door.
 */
const IGNORED_FIELDS = new Set(["stream", "stream_options", "user", "metadata", "store", "prompt_cache_key", "safety_identifier", "service_tier"]);
const answerChanging = (field: string) => !IGNORED_FIELDS.has(field);

export interface RequestKey {
  /** 128 bits (two independent 64-bit hashes of the request's words) as 32 hex digits: the lookup key. */
  key: string;
  /**
   * What the SHA-256 digest is made of, kept only as far as a hit or a store needs it: a copy of
   * the words and the long strings themselves (immutable, so a later stage cannot change them).
   */
  canonical: { words: Uint8Array; texts: ReadonlyArray<string | Uint8Array> };
}

const encoder = new KeyWords();

/**
 * A door's tier hint (the Anthropic door under ANTHROPIC_DOOR_MODELS=auto turns `claude-haiku-…`
 * into `auto` from economy and `claude-opus-…` into `auto` from premium) routes the request as
 * much as its model field does, so it is part of the key: the same conversation asked as haiku and
 * as opus, or as `auto` on another door, are different requests.
 *
 * Every object's fields go in name order (the doors build the same request in different orders),
 * so the key depends only on the request's values: it is stable across processes and instances
 * (see key-words.ts) and the same whichever door the request came through.
 */
export function requestKey(request: ChatRequest, tierHint?: Tier): RequestKey {
  try {
    const { bytes, texts } = encoder.encodeTop(withoutAnthropicServiceTier(withOneOutputLimit(request)), answerChanging, tierHint);
    const key = hexPair(Bun.hash.wyhash(bytes), Bun.hash.xxHash3(bytes));
    return { key, canonical: { words: bytes.slice(), texts } };
  } finally {
    encoder.release();
  }
}

/**
 * SHA-256 over the words and every long string in full: what a hit must match, so neither a 128-bit
 * key collision nor a 64-bit one on a long string (crafted or not) is ever served. Computed only
 * on a hit and when an answer is stored, never on a miss.
 *
 * A string of DIGESTED_ALONE characters (1,024) or more goes in as its own SHA-256 (32 bytes), remembered
 * for the next request that sends the same text (text-digests.ts): an agent sends its whole
 * conversation again every turn, and hashing its 200 KB of tool results anew was the largest pass
 * over a big request after JSON.parse. The words give every text's length, so which texts went in
 * as a digest is fixed by the words, and the digest still covers every character.
 */
export function requestDigest(key: RequestKey): string {
  // One hasher for the process (constructing one per call was a quarter of the digest's samples in
  // the server's profile, 0.05–0.8 µs in a loop): digest() returns it to its initial state, and the
  // calls are synchronous (textDigest uses its own). One left mid-way is replaced.
  const hasher = digestHasher;
  try {
    hasher.update(key.canonical.words);
    for (const text of key.canonical.texts) hasher.update(typeof text === "string" && text.length >= DIGESTED_ALONE ? textDigest(text) : text);
    return hasher.digest("hex");
  } catch (error) {
    digestHasher = new Bun.CryptoHasher("sha256");
    throw error;
  }
}

/**
 * `max_tokens` and `max_completion_tokens` are one setting to every provider (each reads
 * `max_completion_tokens ?? max_tokens`), and the doors differ in which they fill: the Anthropic
 * door `max_tokens`, the Responses door `max_completion_tokens`. A request with only one of them
 * keys as `max_tokens`, so the same question through any door is one entry; one with both keeps both.
 */
function withOneOutputLimit(request: ChatRequest): ChatRequest {
  if (request.max_completion_tokens == null || request.max_tokens != null) return request;
  return { ...request, max_tokens: request.max_completion_tokens, max_completion_tokens: undefined };
}

/**
 * Anthropic's `service_tier` (which capacity pool serves the request) no more changes the answer
 * than OpenAI's, which the key leaves out; the Messages door keeps it under `anthropic.fields`, so
 * it is taken out there, and an `anthropic` or `fields` it leaves empty goes with it.
 */
function withoutAnthropicServiceTier(request: ChatRequest): ChatRequest {
  const fields = request.anthropic?.fields;
  if (!fields || !("service_tier" in fields)) return request;
  const { service_tier: _serviceTier, ...restFields } = fields;
  const { fields: _fields, ...restOptions } = request.anthropic!;
  const anthropic = Object.keys(restFields).length > 0 ? { ...restOptions, fields: restFields } : restOptions;
  return { ...request, anthropic: Object.keys(anthropic).length > 0 ? anthropic : undefined };
}

let digestHasher = new Bun.CryptoHasher("sha256");

/**
 * Two 64-bit hashes as 32 hex digits, each big-endian and zero-padded (what
 * `value.toString(16).padStart(16, "0")` of each gives, the keys' format in the shared table):
 * written into one reused buffer and hex-encoded natively, without two bigint-to-text conversions.
 */
const pairBytes = Buffer.alloc(16);
const pairView = new DataView(pairBytes.buffer, pairBytes.byteOffset, 16);
function hexPair(first: bigint, second: bigint): string {
  pairView.setBigUint64(0, first);
  pairView.setBigUint64(8, second);
  return pairBytes.toString("hex");
}
