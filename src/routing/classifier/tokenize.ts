/**
 * The phrase matcher's words as strings: the text lower-cased and split into words of letters,
 * digits and `_` (and characters beyond ASCII); apostrophes are dropped ("can't" → "cant"), `%` is a
 * word of its own, anything else separates words. The matcher reads the same tokens as numbers
 * (phrase-vocabulary.ts); this reading serves texts whose lower case is not char by char, and tests.
 */
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
