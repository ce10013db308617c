/**
 * Finds phrases in text by words, in one pass over its tokens, so the cost grows with the text
 * and not with the number of phrases (a regex per phrase list is tried at every position).
 *
 * Text is lower-cased and split into words of letters, digits and `_`; apostrophes are dropped
 * ("can't" → "cant"), `%` is a word of its own, anything else separates words, so "lock-free",
 * "lock free" and "lock_free"… match the phrase "lock free" (the last only as "lock_free").
 * A phrase is words separated by spaces; each word slot is one of:
 *   `word`     that word            `stem*`  a word starting with stem (three letters or more)
 *   `a|b*|c`   any of those         `#`      a number (digits, optionally k or m: 200k, 2m)
 *   `#5`       a number ≥ 5 (200k counts as 200000)   `~`  any one word
 *   `!word`    the next word is not `word` (consumes nothing; only after another slot)
 *
 * Tokens are read as numbers (phrase-vocabulary.ts): a word id, the longest stem the token starts
 * with, the number it spells; slots compare those numbers.
 */
import { PhraseVocabulary, type TokenStream } from "./phrase-vocabulary";

export { tokenize } from "./tokenize";

type SlotText =
  | { kind: "words"; exact: string[]; stems: string[] }
  | { kind: "number"; minimum: number | undefined }
  | { kind: "any" }
  | { kind: "not"; word: string };

/**
 * One shape for every kind of slot (a kind number and all four kinds' fields), so the matcher's
 * reads of a slot see one shape and stay fast, whatever mix of kinds a phrase holds.
 */
interface Slot {
  kind: SlotKind;
  /** `words`: the word ids and stem ids it accepts. */
  exact: number[];
  stems: number[];
  /** `number`: the least number it accepts (0 for a plain `#`). */
  minimum: number;
  /** `not`: the word id the next token must not be. */
  word: number;
}

type SlotKind = number;
const WORDS: SlotKind = 0;
const NUMBER: SlotKind = 1;
const ANY: SlotKind = 2;
const NOT: SlotKind = 3;

interface Phrase<Key> {
  key: Key;
  /** Numbers the (key, group) pairs of the matcher, for a cheap "already hit" check. */
  group: number;
  slots: Slot[];
}

/** Phrases by their first slot: per word id, per stem id, and those that start with a number. */
interface FirstSlotIndex<Key> {
  byWord: Phrase<Key>[][];
  byStem: Phrase<Key>[][];
  numeric: { phrase: Phrase<Key>; minimum: number }[];
}

export interface PhraseMatcher<Key extends string> {
  /** Per key, how many of its groups have a phrase in the text. */
  count(text: string, only?: readonly Key[]): Map<Key, number>;
  /** What `countJoined` needs of a text: the groups it hits in order, and its first tokens. */
  scan(text: string, only: readonly Key[]): PhraseScan;
  /**
   * `count(head + separator + rest, only)` from `scan(rest, only)` (with the same `only`), where the
   * separator holds no letter, digit, `_`, `%`, apostrophe or character beyond ASCII (a line break):
   * the joined text's tokens are the head's, then the rest's, so the phrases that start in the rest
   * are those the scan found, and only phrases that start in the head are looked for. The same
   * counts, in the same order.
   */
  countJoined(head: string, rest: PhraseScan, only: readonly Key[]): Map<Key, number>;
}

/** A text's phrase groups hit (in the order `count` meets them) and its first tokens (as many as a phrase has slots). */
export interface PhraseScan {
  hits: Int32Array;
  headCount: number;
  headWord: Int32Array;
  headStem: Int32Array;
  headNumber: Float64Array;
}

function parseSlot(word: string): SlotText {
  if (word === "~") return { kind: "any" };
  if (word.startsWith("!")) return { kind: "not", word: word.slice(1) };
  if (word.startsWith("#")) return { kind: "number", minimum: word.length > 1 ? Number(word.slice(1)) : undefined };
  const exact: string[] = [];
  const stems: string[] = [];
  for (const option of word.split("|")) {
    if (option.endsWith("*")) {
      if (option.length < 4) throw new Error(`phrase stem '${option}' is shorter than three letters`);
      stems.push(option.slice(0, -1));
    } else exact.push(option);
  }
  return { kind: "words", exact, stems };
}

export function compilePhrases<Key extends string>(lists: Readonly<Record<Key, readonly (readonly string[])[]>>): PhraseMatcher<Key> {
  const parsed: { key: Key; group: number; slots: SlotText[]; text: string }[] = [];
  let groups = 0;
  for (const [key, keyGroups] of Object.entries(lists) as [Key, readonly (readonly string[])[]][]) {
    for (const phrases of keyGroups) {
      const group = groups++;
      for (const text of phrases) parsed.push({ key, group, slots: text.split(" ").map(parseSlot), text });
    }
  }
  const words = parsed.flatMap(({ slots }) => slots.flatMap((slot) => (slot.kind === "words" ? slot.exact : slot.kind === "not" ? [slot.word] : [])));
  const stems = parsed.flatMap(({ slots }) => slots.flatMap((slot) => (slot.kind === "words" ? slot.stems : [])));
  const vocabulary = new PhraseVocabulary(words, stems);

  const all: FirstSlotIndex<Key> = { byWord: [], byStem: [], numeric: [] };
  for (const { key, group, slots: texts, text } of parsed) {
    const slots: Slot[] = texts.map((slot) => {
      const compiled: Slot = { kind: ANY, exact: [], stems: [], minimum: 0, word: -2 };
      if (slot.kind === "words") {
        compiled.kind = WORDS;
        compiled.exact = slot.exact.map((word) => vocabulary.wordId(word));
        compiled.stems = slot.stems.map((stem) => vocabulary.stemId(stem));
      } else if (slot.kind === "not") {
        compiled.kind = NOT;
        compiled.word = vocabulary.wordId(slot.word);
      } else if (slot.kind === "number") {
        compiled.kind = NUMBER;
        compiled.minimum = slot.minimum ?? 0;
      }
      return compiled;
    });
    const phrase: Phrase<Key> = { key, group, slots };
    const first = slots[0]!;
    if (first.kind === NUMBER) all.numeric.push({ phrase, minimum: first.minimum });
    else if (first.kind !== WORDS) throw new Error(`phrase '${text}' must start with a word or a number`);
    else {
      for (const word of first.exact) (all.byWord[word] ??= []).push(phrase);
      for (const stem of first.stems) (all.byStem[stem] ??= []).push(phrase);
    }
  }
  const stemParent = vocabulary.stemParent;

  /**
   * The index of the phrases whose key is in `only`, in the same order: the `only` lists callers
   * pass are constants, so each is filtered once, and the loop never meets a phrase it must skip.
   */
  const onlyIndexes = new WeakMap<readonly Key[], FirstSlotIndex<Key>>();
  const indexFor = (only: readonly Key[] | undefined): FirstSlotIndex<Key> => {
    if (!only) return all;
    let index = onlyIndexes.get(only);
    if (!index) {
      const allowed = new Set(only);
      const keep = (phrases: Phrase<Key>[] | undefined) => phrases?.filter((phrase) => allowed.has(phrase.key)) ?? [];
      index = dense({
        byWord: Array.from(all.byWord, keep),
        byStem: Array.from(all.byStem, keep),
        numeric: all.numeric.filter(({ phrase }) => allowed.has(phrase.key)),
      });
      onlyIndexes.set(only, index);
    }
    return index;
  };
  dense(all);
  // Which groups already have a phrase in the text: one array for every call, cleared per call.
  const hit = new Uint8Array(groups);
  // Each group's key, and the most slots a phrase has (a phrase starting at a token reads at most this many).
  const groupKey: Key[] = [];
  for (const { key, group } of parsed) groupKey[group] = key;
  const longest = Math.max(...parsed.map(({ slots }) => slots.length));
  // The groups a scan hits, in order (one array for every call; the scan keeps a copy).
  const order = new Int32Array(groups);
  let ordered = -1;

  /** Looks for phrases starting at tokens [0, starts) of the stream, counting each group's first hit. */
  const countStarts = (tokens: TokenStream, starts: number, only: readonly Key[] | undefined, found: Map<Key, number>): void => {
    const { byWord, byStem, numeric } = indexFor(only);
    for (let index = 0; index < starts; index++) {
      const word = tokens.word[index]!;
      if (word >= 0 && word < byWord.length) considerEach(byWord[word]!, tokens, index, hit, found);
      for (let stem = tokens.stem[index]!; stem !== -1; stem = stemParent[stem]!) if (stem < byStem.length) considerEach(byStem[stem]!, tokens, index, hit, found);
      const number = tokens.number[index]!;
      // A leading number slot needs only its minimum checked (-1 is "not a number").
      if (number >= 0) for (const { phrase, minimum } of numeric) if (number >= minimum) considerOne(phrase, tokens, index, hit, found);
    }
  };

  return {
    count(text, only) {
      const found = new Map<Key, number>();
      const tokens = vocabulary.read(text);
      if (tokens.count === 0) return found;
      hit.fill(0);
      ordered = -1;
      countStarts(tokens, tokens.count, only, found);
      return found;
    },
    scan(text, only) {
      const tokens = vocabulary.read(text);
      hit.fill(0);
      ordered = 0;
      countStarts(tokens, tokens.count, only, new Map<Key, number>());
      const headCount = Math.min(tokens.count, longest);
      const scan: PhraseScan = {
        hits: order.slice(0, ordered),
        headCount,
        headWord: tokens.word.slice(0, headCount),
        headStem: tokens.stem.slice(0, headCount),
        headNumber: tokens.number.slice(0, headCount),
      };
      ordered = -1;
      return scan;
    },
    countJoined(head, rest, only) {
      const found = new Map<Key, number>();
      const tokens = vocabulary.readThenAppend(head, rest.headWord, rest.headStem, rest.headNumber, rest.headCount);
      const starts = tokens.count - rest.headCount;
      hit.fill(0);
      ordered = -1;
      // Phrases that start in the head (reading on into the rest's first tokens), then the rest's own hits.
      countStarts(tokens, starts, only, found);
      for (let at = 0; at < rest.hits.length; at++) {
        const group = rest.hits[at]!;
        if (hit[group] === 1) continue;
        hit[group] = 1;
        const key = groupKey[group]!;
        found.set(key, (found.get(key) ?? 0) + 1);
      }
      return found;
    },
  };

  function considerEach(phrases: Phrase<Key>[], tokens: TokenStream, index: number, hit: Uint8Array, found: Map<Key, number>): void {
    for (let at = 0; at < phrases.length; at++) considerOne(phrases[at]!, tokens, index, hit, found);
  }

  /** Counts the phrase's group once, if the phrase starts at `start` and its group has no hit yet. */
  function considerOne(phrase: Phrase<Key>, tokens: TokenStream, start: number, hit: Uint8Array, found: Map<Key, number>): void {
    if (hit[phrase.group] === 1 || !matchesAt(phrase, tokens, start)) return;
    hit[phrase.group] = 1;
    if (ordered !== -1) order[ordered++] = phrase.group;
    found.set(phrase.key, (found.get(phrase.key) ?? 0) + 1);
  }

  function matchesAt(phrase: Phrase<Key>, tokens: TokenStream, start: number): boolean {
    const slots = phrase.slots;
    let position = start + 1;
    for (let index = 1; index < slots.length; index++) {
      const slot = slots[index]!;
      if (!slotMatches(slot, tokens, position)) return false;
      if (slot.kind !== NOT) position++;
    }
    return true;
  }

  function slotMatches(slot: Slot, tokens: TokenStream, position: number): boolean {
    if (position >= tokens.count) return false;
    switch (slot.kind) {
      case NOT:
        return tokens.word[position] !== slot.word;
      case NUMBER:
        // Numbers are never negative: -1 is "not a number"; a plain `#` has minimum 0.
        return tokens.number[position]! >= slot.minimum;
      case WORDS: {
        const word = tokens.word[position]!;
        const exact = slot.exact;
        for (let at = 0; at < exact.length; at++) if (exact[at] === word) return true;
        const stems = slot.stems;
        if (stems.length === 0) return false;
        for (let stem = tokens.stem[position]!; stem !== -1; stem = stemParent[stem]!) for (let at = 0; at < stems.length; at++) if (stems[at] === stem) return true;
        return false;
      }
      default:
        // ANY: one word, whatever it is.
        return true;
    }
  }
}

/** Dense arrays: a hole would make every lookup a slow one. */
function dense<Key>(index: FirstSlotIndex<Key>): FirstSlotIndex<Key> {
  for (let id = 0; id < index.byWord.length; id++) index.byWord[id] ??= [];
  for (let id = 0; id < index.byStem.length; id++) index.byStem[id] ??= [];
  return index;
}
