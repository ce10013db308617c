/**
 * hasCodeLikeToken as it was before it read the tokens in place (a split on white space first),
 * kept only so that tests/routing/classifier-scanners.test.ts can prove the tuned one agrees.
 */
export function referenceHasCodeLikeToken(text: string): boolean {
  for (const token of text.split(/\s+/)) {
    if (token.length < 12) continue;
    let punctuation = 0;
    for (let index = 0; index < token.length; index++) {
      const code = token.charCodeAt(index);
      const word = (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
      if (!word) punctuation++;
    }
    if (punctuation >= 6) return true;
  }
  return false;
}
