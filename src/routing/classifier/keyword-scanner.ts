/**
 * Which of a fixed list of lower-case ASCII words a text's lower case holds, found in one pass over
 * the text (an Aho–Corasick automaton) without lower-casing it: for a few dozen words over a
 * system prompt, one pass instead of a lower-cased copy and a search per word.
 *
 * The text is read as `text.toLowerCase()` would spell it, as far as ASCII words can tell: A–Z are
 * a–z, İ (U+0130) is "i" and a combining dot, the Kelvin sign (U+212A) is "k"; no other character
 * lower-cases to one holding ASCII (tests/routing/classifier-phrase-matcher.test.ts checks that
 * list), so every other character beyond ASCII ends any word in progress.
 * tests/routing/classifier-background.test.ts compares it with `toLowerCase().includes`.
 */
const OTHER = 0;
const DOTTED_CAPITAL_I = 0x130;
const KELVIN = 0x212a;

export class KeywordScanner {
  private readonly classOf = new Int32Array(128);
  private readonly classes: number;
  /** next[state * classes + class]: the automaton's move on each character class. */
  private readonly next: Int32Array;
  /** The words each state ends (its own and those of its suffixes), or undefined. */
  private readonly ends: (number[] | undefined)[];
  private readonly found: Uint8Array;

  constructor(readonly words: readonly string[]) {
    let classes = 1;
    for (const word of words) {
      if (word === "" || /[^\x20-\x7e]/.test(word) || word !== word.toLowerCase()) throw new Error(`keyword '${word}' must be lower-case printable ASCII`);
      for (let index = 0; index < word.length; index++) {
        const code = word.charCodeAt(index);
        if (this.classOf[code] === OTHER) this.classOf[code] = classes++;
      }
    }
    this.classes = classes;
    // The trie of the words, then each state's failure link, breadth first.
    const children: number[][] = [new Array<number>(classes).fill(-1)];
    const own: number[][] = [[]];
    words.forEach((word, id) => {
      let state = 0;
      for (let index = 0; index < word.length; index++) {
        const slot = this.classOf[word.charCodeAt(index)]!;
        if (children[state]![slot] === -1) {
          children[state]![slot] = children.length;
          children.push(new Array<number>(classes).fill(-1));
          own.push([]);
        }
        state = children[state]![slot]!;
      }
      own[state]!.push(id);
    });
    const next = new Int32Array(children.length * classes);
    const fail = new Int32Array(children.length);
    const ends: (number[] | undefined)[] = new Array(children.length).fill(undefined);
    const queue: number[] = [];
    for (let slot = 0; slot < classes; slot++) {
      const child = children[0]![slot]!;
      next[slot] = child === -1 ? 0 : child;
      if (child !== -1) queue.push(child);
    }
    ends[0] = own[0]!.length > 0 ? own[0] : undefined;
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      const inherited = ends[fail[state]!];
      const all = [...own[state]!, ...(inherited ?? [])];
      ends[state] = all.length > 0 ? all : undefined;
      for (let slot = 0; slot < classes; slot++) {
        const child = children[state]![slot]!;
        const fallback = next[fail[state]! * classes + slot]!;
        if (child === -1) next[state * classes + slot] = fallback;
        else {
          next[state * classes + slot] = child;
          fail[child] = fallback;
          queue.push(child);
        }
      }
    }
    this.next = next;
    this.ends = ends;
    this.found = new Uint8Array(words.length);
  }

  /** Per word (by its index), 1 if the texts' lower case, joined by "\n", holds it. Reused: read it before the next call. */
  scan(texts: readonly string[]): Uint8Array {
    const found = this.found;
    found.fill(0);
    const { classOf, classes, next, ends } = this;
    const newline = classOf[10]!;
    let state = 0;
    for (let part = 0; part < texts.length; part++) {
      if (part > 0) state = this.step(state, newline);
      const text = texts[part]!;
      for (let index = 0; index < text.length; index++) {
        let code = text.charCodeAt(index);
        if (code >= 65 && code <= 90) code += 32;
        let slot = OTHER;
        if (code < 128) slot = classOf[code]!;
        else if (code === KELVIN) slot = classOf[107]!;
        else if (code === DOTTED_CAPITAL_I) {
          // "i" then the combining dot (beyond ASCII: no word holds it).
          state = this.step(state, classOf[105]!);
        }
        state = next[state * classes + slot]!;
        const ended = ends[state];
        if (ended !== undefined) for (const id of ended) found[id] = 1;
      }
    }
    return found;
  }

  private step(state: number, slot: number): number {
    const moved = this.next[state * this.classes + slot]!;
    const ended = this.ends[moved];
    if (ended !== undefined) for (const id of ended) this.found[id] = 1;
    return moved;
  }
}
