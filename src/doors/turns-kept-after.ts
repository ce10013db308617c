/**
 * For a door whose output is built after validation (the Anthropic door translates its body onto
 * the internal request in the route's handler): json-body.ts parks here the step that walks that
 * output and keeps the body's turns (resent-turns.ts keepTurns), and the handler runs it on the
 * request it built. A handler that refuses the body never runs it: nothing is kept, and the
 * request's turns die with it.
 */
const pending = new WeakMap<Request, (output: unknown) => void>();

export function parkTurnsKeeping(request: Request, keep: (output: unknown) => void): void {
  pending.set(request, keep);
}

/** Keeps the body's turns, once the door's `output` (what the pipeline gets) is built. */
export function keepTurnsAfter(request: Request, output: unknown): void {
  const keep = pending.get(request);
  if (!keep) return;
  pending.delete(request);
  keep(output);
}
