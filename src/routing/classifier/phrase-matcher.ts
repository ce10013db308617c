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

type Slot =
  | { kind: "words"; exact: number[]; stems: number[] }
  | { kind: "number"; minimum: number }
  | { kind: "any" }
  | { kind: "not"; word: number };

interface Phrase<Key> {
  key: Key;
  /** Numbers the (key, group) pairs of the matcher, for a cheap "already hit" check. */
  group: number;
  slots: Slot[];
}

export interface PhraseMatcher<Key extends string> {
  /** Per key, how many of its groups have a phrase in the text. */
  count(text: string, only?: readonly Key[]): Map<Key, number>;
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

  // Phrases by their first slot: per word id, per stem id, and those that start with a number.
  const byWord: Phrase<Key>[][] = [];
  const byStem: Phrase<Key>[][] = [];
  const numeric: { phrase: Phrase<Key>; minimum: number }[] = [];
  for (const { key, group, slots: texts, text } of parsed) {
    const slots: Slot[] = texts.map((slot) => {
      if (slot.kind === "words") return { kind: "words", exact: slot.exact.map((word) => vocabulary.wordId(word)), stems: slot.stems.map((stem) => vocabulary.stemId(stem)) };
      if (slot.kind === "not") return { kind: "not", word: vocabulary.wordId(slot.word) };
      if (slot.kind === "number") return { kind: "number", minimum: slot.minimum ?? 0 };
      return slot;
    });
    const phrase: Phrase<Key> = { key, group, slots };
    const first = slots[0]!;
    if (first.kind === "number") numeric.push({ phrase, minimum: first.minimum });
    else if (first.kind !== "words") throw new Error(`phrase '${text}' must start with a word or a number`);
    else {
      for (const word of first.exact) (byWord[word] ??= []).push(phrase);
      for (const stem of first.stems) (byStem[stem] ??= []).push(phrase);
    }
  }
  // Dense arrays: a hole would make every lookup a slow one.
  for (let id = 0; id < byWord.length; id++) byWord[id] ??= [];
  for (let id = 0; id < byStem.length; id++) byStem[id] ??= [];
  const stemParent = vocabulary.stemParent;

  const slotMatches = (slot: Slot, tokens: TokenStream, position: number): boolean => {
    if (position >= tokens.count) return false;
    switch (slot.kind) {
      case "any":
        return true;
      case "not":
        return tokens.word[position] !== slot.word;
      case "number":
        // Numbers are never negative: -1 is "not a number"; a plain `#` has minimum 0.
        return tokens.number[position]! >= slot.minimum;
      case "words": {
        if (slot.exact.includes(tokens.word[position]!)) return true;
        for (let stem = tokens.stem[position]!; stem !== -1; stem = stemParent[stem]!) if (slot.stems.includes(stem)) return true;
        return false;
      }
    }
  };
  const matchesAt = (phrase: Phrase<Key>, tokens: TokenStream, start: number): boolean => {
    let position = start + 1;
    for (let index = 1; index < phrase.slots.length; index++) {
      const slot = phrase.slots[index]!;
      if (!slotMatches(slot, tokens, position)) return false;
      if (slot.kind !== "not") position++;
    }
    return true;
  };

  // The `only` lists callers pass are constants: each becomes a set once.
  const onlySets = new WeakMap<readonly Key[], Set<Key>>();
  const setOf = (only: readonly Key[]) => {
    let set = onlySets.get(only);
    if (!set) onlySets.set(only, (set = new Set(only)));
    return set;
  };

  return {
    count(text, only) {
      const tokens = vocabulary.read(text);
      const hit = new Uint8Array(groups);
      const found = new Map<Key, number>();
      const allowed = only ? setOf(only) : undefined;
      const consider = (phrase: Phrase<Key>, index: number) => {
        if (hit[phrase.group] === 1 || (allowed && !allowed.has(phrase.key)) || !matchesAt(phrase, tokens, index)) return;
        hit[phrase.group] = 1;
        found.set(phrase.key, (found.get(phrase.key) ?? 0) + 1);
      };
      for (let index = 0; index < tokens.count; index++) {
        const word = tokens.word[index]!;
        if (word >= 0 && word < byWord.length) for (const phrase of byWord[word]!) consider(phrase, index);
        for (let stem = tokens.stem[index]!; stem !== -1; stem = stemParent[stem]!) if (stem < byStem.length) for (const phrase of byStem[stem]!) consider(phrase, index);
        const number = tokens.number[index]!;
        // A leading number slot needs only its minimum checked (-1 is "not a number").
        if (number >= 0) for (const { phrase, minimum } of numeric) if (number >= minimum) consider(phrase, index);
      }
      return found;
    },
  };
}
