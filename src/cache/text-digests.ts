/**
 * The SHA-256 of the long texts the request digest met lately (request-key.ts), for the next
 * request that sends the same text: coding agents send the whole conversation again every turn,
 * so all but the newest turn's texts were digested for the request before. A text is found by a
 * cheap fingerprint (its length and ends) and then compared in full with the remembered one, so a
 * remembered digest is only ever used for exactly the text it was computed from. Bounded by
 * entries and characters; past either bound the memo starts again.
 */

/** Strings this long or longer are digested alone (and remembered); shorter ones go into the request digest as they are. */
export const DIGESTED_ALONE = 1024;

const MAX_ENTRIES = 512;
const MAX_CHARACTERS = 2 * 1024 * 1024;

const entries = new Map<string, { text: string; digest: Uint8Array }>();
let characters = 0;

const fingerprint = (text: string) => `${text.length}\u0000${text.slice(0, 64)}\u0000${text.slice(-64)}`;

/** SHA-256 of the text's UTF-8 bytes (as CryptoHasher.update takes a string). */
export function textDigest(text: string): Uint8Array {
  const key = fingerprint(text);
  const known = entries.get(key);
  if (known && known.text === text) return known.digest;
  const digest = new Bun.CryptoHasher("sha256").update(text).digest();
  if (text.length <= MAX_CHARACTERS / 8) {
    if (entries.size >= MAX_ENTRIES || characters + text.length > MAX_CHARACTERS) forgetTextDigests();
    if (known) characters -= known.text.length;
    entries.set(key, { text, digest });
    characters += text.length;
  }
  return digest;
}

/** Empties the memo (tests, and the bounds above). */
export function forgetTextDigests(): void {
  entries.clear();
  characters = 0;
}
