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
export function oneByteJsonText(bytes: Uint8Array, shifts?: TextShifts): string | undefined {
  if (isAscii(bytes) || !isUtf8(bytes)) return undefined;
  const source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const limit = Math.floor(bytes.length * MOSTLY_ASCII);
  // An escape is at most three times the bytes it stands for (two bytes, one unit: six; four bytes, two units: twelve).
  const out = scratchFor(bytes.length + 2 * limit);
  let at = 0;
  let copied = 0;
  let nonAscii = 0;
  for (let start = firstNonAscii(bytes, 0); start < bytes.length; start = firstNonAscii(bytes, copied)) {
    if (start > 0 && bytes[start - 1] === BACKSLASH) return undefined;
    let end = start + 1;
    while (end < bytes.length && bytes[end]! >= 0x80) end++;
    nonAscii += end - start;
    if (nonAscii > limit) return undefined;
    out.set(bytes.subarray(copied, start), at);
    at = writeEscapes(source.toString("utf8", start, end), out, at + start - copied);
    copied = end;
    if (shifts) {
      shifts.textEnds.push(at);
      shifts.extra.push(at - end);
    }
  }
  out.set(bytes.subarray(copied), at);
  const text = out.toString("latin1", 0, at + bytes.length - copied);
  if (out.length > KEPT_SCRATCH_BYTES) scratch = undefined;
  return text;
}

/**
 * Where the text is longer than the bytes: after each run of escapes (ending at `textEnds[i]` in
 * the text), a character of the text lies `extra[i]` places after its byte in the body.
 */
export interface TextShifts {
  textEnds: number[];
  extra: number[];
}

/** The body's byte offset of the text's character at `index`, which lies outside every run of escapes. */
export function byteOffset(shifts: TextShifts | undefined, index: number): number {
  if (!shifts || shifts.textEnds.length === 0 || index < shifts.textEnds[0]!) return index;
  let low = 0;
  let high = shifts.textEnds.length - 1;
  // The last run that ends at or before `index`.
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (shifts.textEnds[middle]! <= index) low = middle;
    else high = middle - 1;
  }
  return index - shifts.extra[low]!;
}

/**
 * The escaped text is written here, then copied once into the string. Kept between requests (up to
 * KEPT_SCRATCH_BYTES) so that its pages stay mapped: built from pieces instead, the text cost two
 * fresh 200 KB allocations per request (the pieces, then the flattened string), each page a fault.
 */
let scratch: Buffer | undefined;
const KEPT_SCRATCH_BYTES = 1024 * 1024;

function scratchFor(bytes: number): Buffer {
  if (!scratch || scratch.length < bytes) scratch = Buffer.allocUnsafeSlow(Math.max(bytes, 64 * 1024));
  return scratch;
}

/** Each character as a JSON `\uXXXX` escape (a character past U+FFFF is two units, so two escapes), written at `at`; returns the end. */
function writeEscapes(chars: string, out: Buffer, at: number): number {
  for (let index = 0; index < chars.length; index++) {
    const unit = chars.charCodeAt(index);
    out[at++] = BACKSLASH;
    out[at++] = LOWER_U;
    for (let shift = 12; shift >= 0; shift -= 4) out[at++] = HEX_DIGITS[(unit >> shift) & 15]!;
  }
  return at;
}

const LOWER_U = 117;
/** "0123456789abcdef" as character codes. */
const HEX_DIGITS = Array.from("0123456789abcdef", (digit) => digit.charCodeAt(0));

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
