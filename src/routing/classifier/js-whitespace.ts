/**
 * JavaScript's white space and line terminators: what `\s` matches and `trim` removes (the same
 * set), for scans that read a string in place instead of trimming or splitting a copy of it.
 * tests/routing/classifier-scanners.test.ts checks it against both on every UTF-16 code unit.
 */
export function isJsWhitespace(code: number): boolean {
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}
