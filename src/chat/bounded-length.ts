/**
 * Whether a text is at most `max` characters long, counting characters as zod's `.max()` on a
 * string does (Unicode code points: a surrogate pair is one). Zod counts the code points of the
 * whole text once it has more UTF-16 units than `max`, a search for a high surrogate that costs
 * about 1.2 ms per megabyte on a 1,000,000-character name; a text of more than twice `max` units
 * has more than `max` code points whatever it holds, so it is refused without looking at it.
 */
export function fitsInLength(text: string, max: number): boolean {
  if (text.length <= max) return true;
  if (text.length > 2 * max) return false;
  let codePoints = text.length;
  for (let index = 0; index < text.length - 1; index++) {
    if ((text.charCodeAt(index) & 0xfc00) === 0xd800 && (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00) {
      codePoints--;
      index++;
    }
  }
  return codePoints <= max;
}
