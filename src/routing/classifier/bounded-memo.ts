/**
 * A pure function's answers for its most recent `size` distinct string inputs (first in, first out).
 * The classifier reads every request whole, and agent clients send the whole session again with
 * every request: the same tool results come back turn after turn. Keys are compared as strings,
 * so an answer is only ever reused for the very same input.
 *
 * An input is looked up as it is (a hit copies nothing). A key is stored as a string of its own (the
 * input's two halves concatenated, flattened into a new buffer when the map hashes it), never as
 * the input itself, which may be a slice that keeps a far larger request string alive: what the memo
 * holds is at most `size` keys of their own length. (A slice of `"\0" + input` would not do: the
 * engine answers it with the input itself; tests/routing/classifier-bounded-memo.test.ts checks.)
 */
export function boundedMemo<Answer>(compute: (input: string) => Answer, size: number): (input: string) => Answer {
  const answers = new Map<string, Answer>();
  return (input) => {
    const known = answers.get(input);
    if (known !== undefined) return known;
    // The look-up flattened a rope input: the computation reads that buffer.
    const answer = compute(input);
    if (answers.size >= size) answers.delete(answers.keys().next().value!);
    const half = input.length >> 1;
    answers.set(`${input.slice(0, half)}${input.slice(half)}`, answer);
    return answer;
  };
}
