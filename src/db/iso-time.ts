/**
 * `date.toISOString()`, ~6 times cheaper when the last call was in the same second: toISOString
 * costs ~150 ns, and a request writes up to seven dates (its log row's, and three per budget
 * spend entry), mostly within a second of each other. Only the milliseconds (the last four
 * characters, `.mmmZ`) differ within a second, in every year toISOString writes.
 */
const MILLISECONDS = Array.from({ length: 1000 }, (_, ms) => String(ms).padStart(3, "0"));
let cachedSecond = Number.NaN;
let cachedPrefix = "";

/** The caller checks the date is valid (toISOString throws on an invalid one, as here). */
export function isoTime(date: Date): string {
  const time = date.getTime();
  // Floor, not truncation: a time before 1970 has its milliseconds counted up from the second before.
  const ms = time - Math.floor(time / 1000) * 1000;
  if (time - ms === cachedSecond) return `${cachedPrefix}${MILLISECONDS[ms]}Z`;
  const iso = date.toISOString();
  cachedSecond = time - ms;
  cachedPrefix = iso.slice(0, -4);
  return iso;
}
