/**
 * Names close to `name` (edit distance or substring), best first: the "did you mean" of a 404.
 * Bounded whatever the input: the edit distance of two strings is at least the difference of
 * their lengths, so a candidate whose length is too far off is skipped before the (quadratic)
 * distance is computed, and only the candidates' own lengths ever enter that computation.
 */
export function closestNames(name: string, names: string[], count: number): string[] {
  const target = name.toLowerCase();
  const close: Array<{ candidate: string; distance: number }> = [];
  for (const candidate of names) {
    const lower = candidate.toLowerCase();
    const allowed = Math.max(2, Math.floor(candidate.length / 3));
    if (target.length <= lower.length && lower.includes(target)) {
      close.push({ candidate, distance: lower.length - target.length });
    } else if (Math.abs(target.length - lower.length) <= allowed) {
      const distance = editDistance(target, lower);
      if (distance <= allowed) close.push({ candidate, distance });
    }
  }
  return close
    .sort((a, b) => a.distance - b.distance)
    .slice(0, count)
    .map(({ candidate }) => candidate);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
