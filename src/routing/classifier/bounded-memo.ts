/**
 * A pure function's answers for its most recent `size` distinct string inputs (first in, first out).
 * The classifier reads every request whole, and agent clients send the whole session again with
 * every request: the same tool results come back turn after turn. Keys are compared as strings,
 * so an answer is only ever reused for the very same input.
 *
 * A key is stored as a string of its own (a concatenation, flattened into a new buffer when the map
 * hashes it), never as the input itself, which may be a slice that keeps a far larger request
 * string alive: what the memo holds is at most `size` keys of their own length.
 */
export function boundedMemo<Answer>(compute: (input: string) => Answer, size: number): (input: string) => Answer {
  const answers = new Map<string, Answer>();
  return (input) => {
    const key = `\u0000${input}`;
    const known = answers.get(key);
    if (known !== undefined) return known;
    // The key's own buffer (flattened by the look-up), not the input: a rope input is then not
    // flattened a second time by the computation.
    const answer = compute(key.slice(1));
    if (answers.size >= size) answers.delete(answers.keys().next().value!);
    answers.set(key, answer);
    return answer;
  };
}
