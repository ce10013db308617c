/**
 * The words and stems of a phrase list as a trie over the characters a token can hold (a-z, 0-9,
 * `_`), so a text's tokens are read as numbers in one pass over its characters: which vocabulary
 * word a token is, the longest stem it starts with, and the number it spells. No lower-cased copy
 * of the text, no string per token, no hash lookup per token.
 *
 * The tokens are exactly those of `tokenize` (phrase-matcher.ts): lower-cased, words of letters,
 * digits and `_` and characters beyond ASCII, apostrophes inside a word dropped, `%` a word of its
 * own. A character beyond ASCII never lower-cases to one a vocabulary word holds (the words are
 * ASCII), except the two in LOWERS_TO_ASCII; a text with one of those is tokenized as strings
 * first. tests/routing/classifier-phrase-matcher.test.ts proves both readings equal the reference.
 */
import { tokenize } from "./tokenize";

/** Tokens of a text, as parallel arrays of `count` entries (reused between calls). */
export interface TokenStream {
  count: number;
  /** Vocabulary word id, or -1. */
  word: Int32Array;
  /** Id of the longest stem the token starts with (shorter ones via `stemParent`), or -1. */
  stem: Int32Array;
  /** The number the token spells (digits, then k or m: 200k is 200000), or -1 if none. */
  number: Float64Array;
}

const CLASSES = 37;
/** a-z → 0–25, 0-9 → 26–35, _ → 36, anything else → -1. */
const CLASS = new Int8Array(128).fill(-1);
for (let code = 97; code <= 122; code++) CLASS[code] = code - 97;
for (let code = 48; code <= 57; code++) CLASS[code] = code - 48 + 26;
CLASS[95] = 36;
/** The characters beyond ASCII whose lower case holds an ASCII letter: İ (i̇) and the Kelvin sign (k). */
export const LOWERS_TO_ASCII = [0x130, 0x212a];
const APOSTROPHE = 39;
const RIGHT_QUOTE = 8217;
const PERCENT = 37;
const NOT_A_NUMBER = 2;

export class PhraseVocabulary {
  private readonly ids = new Map<string, number>();
  private readonly stemIds = new Map<string, number>();
  private next: Int32Array = new Int32Array(0);
  private wordAt: Int32Array = new Int32Array(0);
  private stemAt: Int32Array = new Int32Array(0);
  /** Per stem id, the longest shorter stem that is a prefix of it, or -1. */
  stemParent: Int32Array = new Int32Array(0);
  private percent = -1;
  private readonly stream: TokenStream = { count: 0, word: new Int32Array(64), stem: new Int32Array(64), number: new Float64Array(64) };

  constructor(words: Iterable<string>, stems: Iterable<string>) {
    const children: number[][] = [new Array<number>(CLASSES).fill(-1)];
    const wordAt = [-1];
    const ownStem = [-1];
    const insert = (text: string): number => {
      let node = 0;
      for (let index = 0; index < text.length; index++) {
        const code = text.charCodeAt(index);
        if (code >= 128) throw new Error(`phrase word '${text}' is not ASCII`);
        const slot = CLASS[code]!;
        // Upper case or punctuation: no token holds it, the word never matches.
        if (slot === -1) return -1;
        if (children[node]![slot] === -1) {
          children[node]![slot] = children.length;
          children.push(new Array<number>(CLASSES).fill(-1));
          wordAt.push(-1);
          ownStem.push(-1);
        }
        node = children[node]![slot]!;
      }
      return node;
    };
    for (const word of words) {
      if (this.ids.has(word)) continue;
      const id = this.ids.size;
      this.ids.set(word, id);
      if (word === "%") this.percent = id;
      const node = word === "" ? -1 : insert(word);
      if (node > 0) wordAt[node] = id;
    }
    for (const stem of stems) {
      if (this.stemIds.has(stem)) continue;
      const id = this.stemIds.size;
      this.stemIds.set(stem, id);
      const node = insert(stem);
      if (node > 0) ownStem[node] = id;
    }
    // Each node's longest stem at or above it, and each stem's next shorter one, top down.
    const nearest = new Int32Array(children.length).fill(-1);
    this.stemParent = new Int32Array(this.stemIds.size).fill(-1);
    const visit = (node: number, above: number) => {
      const own = ownStem[node]!;
      if (own !== -1) this.stemParent[own] = above;
      nearest[node] = own !== -1 ? own : above;
      for (const child of children[node]!) if (child !== -1) visit(child, nearest[node]!);
    };
    visit(0, -1);
    this.next = Int32Array.from(children.flat());
    this.wordAt = Int32Array.from(wordAt);
    this.stemAt = nearest;
  }

  /** The id of a word (any word, even one no token can be), for the slots to compare with. */
  wordId(word: string): number {
    return this.ids.get(word) ?? -2;
  }

  stemId(stem: string): number {
    return this.stemIds.get(stem)!;
  }

  /** The tokens of `text`. The stream is reused: read it before the next call. */
  read(text: string): TokenStream {
    const stream = this.stream;
    if (stream.word.length < text.length + 1) this.grow(text.length + 1);
    const { word, stem, number } = stream;
    // Fields read once: the loop below runs per character.
    const next = this.next;
    const wordAt = this.wordAt;
    const stemAt = this.stemAt;
    const percent = this.percent;
    let count = 0;
    let inWord = false;
    let node = 0;
    let alive = true;
    let numberState = 0;
    let value = 0;
    let multiplier = 1;
    for (let index = 0; index < text.length; index++) {
      let code = text.charCodeAt(index);
      if (code >= 65 && code <= 90) code += 32;
      let slot = -1;
      if (code < 128) {
        slot = CLASS[code]!;
        if (slot === -1) {
          if (code === APOSTROPHE && inWord) continue;
          if (inWord) {
            word[count] = alive ? wordAt[node]! : -1;
            stem[count] = stemAt[node]!;
            number[count++] = numberState === NOT_A_NUMBER ? -1 : value * multiplier;
            inWord = false;
          }
          if (code === PERCENT) {
            word[count] = percent;
            stem[count] = -1;
            number[count++] = -1;
          }
          continue;
        }
      } else if (code === RIGHT_QUOTE) {
        // Dropped inside a word; outside one it ends nothing (none is open) and starts nothing.
        continue;
      } else if (code === LOWERS_TO_ASCII[0] || code === LOWERS_TO_ASCII[1]) {
        return this.readTokenStrings(text);
      }
      if (!inWord) {
        inWord = true;
        node = 0;
        alive = true;
        numberState = code >= 48 && code <= 57 ? 0 : NOT_A_NUMBER;
        value = 0;
        multiplier = 1;
      }
      if (alive) {
        const child = slot === -1 ? -1 : next[node * CLASSES + slot]!;
        if (child === -1) alive = false;
        else node = child;
      }
      if (numberState === 0) {
        if (code >= 48 && code <= 57) value = value * 10 + (code - 48);
        else if (code === 107 || code === 109) {
          numberState = 1;
          multiplier = code === 107 ? 1_000 : 1_000_000;
        } else numberState = NOT_A_NUMBER;
      } else if (numberState === 1) numberState = NOT_A_NUMBER;
    }
    if (inWord) {
      word[count] = alive ? wordAt[node]! : -1;
      stem[count] = stemAt[node]!;
      number[count++] = numberState === NOT_A_NUMBER ? -1 : value * multiplier;
    }
    stream.count = count;
    return stream;
  }

  /**
   * The tokens of `text` followed by `count` tokens given as they were read (the first tokens of a
   * text that follows it after a separator). The stream is reused: read it before the next call.
   */
  readThenAppend(text: string, word: Int32Array, stem: Int32Array, number: Float64Array, count: number): TokenStream {
    const stream = this.read(text);
    const at = stream.count;
    if (stream.word.length < at + count + 1) this.grow(at + count + 1, at);
    stream.word.set(word.subarray(0, count), at);
    stream.stem.set(stem.subarray(0, count), at);
    stream.number.set(number.subarray(0, count), at);
    stream.count = at + count;
    return stream;
  }

  /** The same reading, from `tokenize`'s strings: for texts whose lower case is not char by char. */
  readTokenStrings(text: string): TokenStream {
    const tokens = tokenize(text);
    const stream = this.stream;
    if (stream.word.length < tokens.length + 1) this.grow(tokens.length + 1);
    tokens.forEach((token, position) => {
      let node = 0;
      let alive = true;
      for (let index = 0; index < token.length && alive; index++) {
        const code = token.charCodeAt(index);
        const child = code < 128 && CLASS[code] !== -1 ? this.next[node * CLASSES + CLASS[code]!]! : -1;
        if (child === -1) alive = false;
        else node = child;
      }
      stream.word[position] = token === "%" ? this.percent : alive ? this.wordAt[node]! : -1;
      stream.stem[position] = this.stemAt[node]!;
      stream.number[position] = numberOf(token);
    });
    stream.count = tokens.length;
    return stream;
  }

  /** Larger arrays for the stream, the first `keep` tokens copied over. */
  private grow(size: number, keep = 0): void {
    const length = Math.max(size, this.stream.word.length * 2);
    const { word, stem, number } = this.stream;
    this.stream.word = new Int32Array(length);
    this.stream.stem = new Int32Array(length);
    this.stream.number = new Float64Array(length);
    if (keep > 0) {
      this.stream.word.set(word.subarray(0, keep));
      this.stream.stem.set(stem.subarray(0, keep));
      this.stream.number.set(number.subarray(0, keep));
    }
  }
}

/** What /^\d+(?:k|m)?$/ accepts, as parseInt reads it (times 1,000 for k, 1,000,000 for m); else -1. */
function numberOf(token: string): number {
  if (!/^\d+(?:k|m)?$/.test(token)) return -1;
  const value = Number.parseInt(token, 10);
  return token.endsWith("k") ? value * 1_000 : token.endsWith("m") ? value * 1_000_000 : value;
}
