import { isAscii, isUtf8 } from "node:buffer";

/**
 * A UTF-8 JSON body as text whose characters all fit in one byte, so that JavaScriptCore keeps it,
 * and every string JSON.parse makes from it, as an 8-bit string. Decoded as it is, one character
 * above U+00FF anywhere (an em dash in a pasted source file) makes the whole 200 KB text, and every
 * string parsed from it, 16-bit: twice the memory, and every later pass (hashing, compression,
 * JSON.stringify for the upstream, the UTF-8 encoding for fetch) takes the slower 16-bit path or
 * transcodes. Here each run of non-ASCII bytes is written as JSON escapes instead (`—` as
 * `\u2014`, a character past U+FFFF as its escaped surrogate pair): inside a JSON string an escape
 * and the character it names are the same value, so JSON.parse returns the same request.
 *
 * Undefined when this text could differ in meaning from the decoded one, and the caller decodes
 * the bytes as before (also to refuse them with the same words): an ASCII body (TextDecoder
 * already gives an 8-bit string), bytes that are not UTF-8, and a run right after a backslash
 * (`"\é"` is not JSON, but `"\\u00e9"` would be), and a body in which non-ASCII is not rare
 * (MOSTLY_ASCII). A run outside a string (a BOM, stray text) turns
 * into an escape there, which is not JSON either: the caller's parse fails and it decodes again.
 */
export function oneByteJsonText(bytes: Uint8Array): string | undefined {
  if (isAscii(bytes) || !isUtf8(bytes)) return undefined;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let text = "";
  let copied = 0;
  let nonAscii = 0;
  for (let start = firstNonAscii(bytes, 0); start < bytes.length; start = firstNonAscii(bytes, copied)) {
    if (start > 0 && bytes[start - 1] === BACKSLASH) return undefined;
    let end = start + 1;
    while (end < bytes.length && bytes[end]! >= 0x80) end++;
    nonAscii += end - start;
    if (nonAscii > bytes.length * MOSTLY_ASCII) return undefined;
    text += buffer.toString("latin1", copied, start) + escaped(buffer.toString("utf8", start, end));
    copied = end;
  }
  return text + buffer.toString("latin1", copied, bytes.length);
}

const BACKSLASH = 92;
/**
 * Past this share of non-ASCII bytes the escapes cost more than they save (a text in Greek or
 * Chinese: six bytes of escape per character, and its strings are 16-bit either way).
 */
const MOSTLY_ASCII = 1 / 64;

/** The index of the first byte at or after `from` that is not ASCII, or `bytes.length`. */
function firstNonAscii(bytes: Uint8Array, from: number): number {
  let index = from;
  // Four bytes at a time where the view allows it: a tenth of the text's bytes are looked at one by one.
  if ((bytes.byteOffset & 3) === 0) {
    const words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
    while (index & 3 && index < bytes.length && bytes[index]! < 0x80) index++;
    if ((index & 3) === 0) {
      let word = index >> 2;
      while (word < words.length && (words[word]! & HIGH_BITS) === 0) word++;
      index = word << 2;
    }
  }
  while (index < bytes.length && bytes[index]! < 0x80) index++;
  return index;
}

/** 0x80808080 as an Int32Array element compares: the top bit of each of the four bytes. */
const HIGH_BITS = 0x80808080 | 0;

/** Each character as a JSON `\uXXXX` escape (a character past U+FFFF is two units, so two escapes). */
function escaped(chars: string): string {
  let out = "";
  for (let index = 0; index < chars.length; index++) out += `\\u${chars.charCodeAt(index).toString(16).padStart(4, "0")}`;
  return out;
}
