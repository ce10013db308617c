/**
 * Whether a line looks like a row of data rather than log noise: a JSON value on one line
 * (`{…}`, `[…]`, also with the comma of an array element after it) or a delimited row (CSV,
 * semicolon-separated, TSV, a psql / sqlite3 / markdown table). Identical rows are data the
 * model may be asked to count or compare, so the repeated-line step leaves them as they are.
 * Generous on purpose: a log line with a comma that is not collapsed costs a few tokens, a data
 * row that is collapsed can change the answer.
 */
export function looksLikeDataRow(line: string): boolean {
  const first = line.charCodeAt(0);
  let end = line.length - 1;
  if (line.charCodeAt(end) === 44) end -= 1; // `},` / `],`: an element of a JSON array
  const last = line.charCodeAt(end);
  if ((first === 123 && last === 125) || (first === 91 && last === 93)) return true;
  return line.includes(",") || line.includes(";") || line.includes("\t") || line.includes("|");
}
