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
 */
type Slot =
  | { kind: "words"; exact: string[]; stems: string[] }
  | { kind: "number"; minimum: number | undefined }
  | { kind: "any" }
  | { kind: "not"; word: string };

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

const NUMBER = /^\d+(?:k|m)?$/;

function parseSlot(word: string): Slot {
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

function slotMatches(slot: Slot, token: string | undefined): boolean {
  if (token === undefined) return false;
  switch (slot.kind) {
    case "any":
      return true;
    case "not":
      return token !== slot.word;
    case "number":
      return NUMBER.test(token) && (slot.minimum === undefined || numberValue(token) >= slot.minimum);
    case "words":
      return slot.exact.includes(token) || slot.stems.some((stem) => token.startsWith(stem));
  }
}

function numberValue(token: string): number {
  const value = Number.parseInt(token, 10);
  return token.endsWith("k") ? value * 1_000 : token.endsWith("m") ? value * 1_000_000 : value;
}

export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const lower = text.toLowerCase();
  let start = -1;
  let dropped = false;
  // Inlined word ends (no closure call per character); the same tokens as a per-word helper.
  for (let index = 0; index < lower.length; index++) {
    const code = lower.charCodeAt(index);
    // a-z, 0-9, _ and letters beyond ASCII continue a word; an apostrophe inside a word is dropped.
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 95 || (code > 127 && code !== 8217)) {
      if (start === -1) start = index;
    } else if ((code === 39 || code === 8217) && start !== -1) {
      dropped = true;
    } else {
      if (start !== -1) {
        const word = lower.slice(start, index);
        tokens.push(dropped ? word.replace(/['\u2019]/g, "") : word);
        start = -1;
        dropped = false;
      }
      if (code === 37) tokens.push("%");
    }
  }
  if (start !== -1) {
    const word = lower.slice(start);
    tokens.push(dropped ? word.replace(/['\u2019]/g, "") : word);
  }
  return tokens;
}

/** A number for a token's first three characters (a Map key without slicing a string per token). */
function headKey(text: string): number {
  return text.charCodeAt(0) * 4294967296 + text.charCodeAt(1) * 65536 + text.charCodeAt(2);
}

export function compilePhrases<Key extends string>(lists: Readonly<Record<Key, readonly (readonly string[])[]>>): PhraseMatcher<Key> {
  const exact = new Map<string, Phrase<Key>[]>();
  const byStemHead = new Map<number, { stem: string; phrase: Phrase<Key> }[]>();
  const numeric: Phrase<Key>[] = [];
  let groups = 0;
  for (const [key, keyGroups] of Object.entries(lists) as [Key, readonly (readonly string[])[]][]) {
    keyGroups.forEach((phrases) => {
      const group = groups++;
      for (const text of phrases) {
        const slots = text.split(" ").map(parseSlot);
        const phrase: Phrase<Key> = { key, group, slots };
        const first = slots[0]!;
        if (first.kind === "number") numeric.push(phrase);
        else if (first.kind !== "words") throw new Error(`phrase '${text}' must start with a word or a number`);
        else {
          for (const word of first.exact) exact.set(word, [...(exact.get(word) ?? []), phrase]);
          for (const stem of first.stems) {
            const head = headKey(stem);
            byStemHead.set(head, [...(byStemHead.get(head) ?? []), { stem, phrase }]);
          }
        }
      }
    });
  }

  const matchesAt = (phrase: Phrase<Key>, tokens: string[], start: number): boolean => {
    let position = start + 1;
    for (let index = 1; index < phrase.slots.length; index++) {
      const slot = phrase.slots[index]!;
      if (!slotMatches(slot, tokens[position])) return false;
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
      const tokens = tokenize(text);
      const hit = new Uint8Array(groups);
      const found = new Map<Key, number>();
      const allowed = only ? setOf(only) : undefined;
      const consider = (phrase: Phrase<Key>, index: number) => {
        if (hit[phrase.group] === 1 || (allowed && !allowed.has(phrase.key)) || !matchesAt(phrase, tokens, index)) return;
        hit[phrase.group] = 1;
        found.set(phrase.key, (found.get(phrase.key) ?? 0) + 1);
      };
      for (let index = 0; index < tokens.length; index++) {
        const token = tokens[index]!;
        const exactPhrases = exact.get(token);
        if (exactPhrases) for (const phrase of exactPhrases) consider(phrase, index);
        if (token.length >= 3) {
          const stemmed = byStemHead.get(headKey(token));
          if (stemmed) for (const { stem, phrase } of stemmed) if (token.startsWith(stem)) consider(phrase, index);
        }
        const first = token.charCodeAt(0);
        if (numeric.length > 0 && first >= 48 && first <= 57) {
          for (const phrase of numeric) if (slotMatches(phrase.slots[0]!, token)) consider(phrase, index);
        }
      }
      return found;
    },
  };
}
