/**
 * Log lines written in one turn of the event loop reach stderr in one write: under load a turn
 * finishes dozens of requests, and one synchronous write per line was ~4% of the proxy's busy time
 * at LOG_LEVEL=info (bench/soak.ts under --cpu-prof). Pending lines are written when the turn
 * ends, and at exit (process.exit, a fatal error), so none is lost but to kill -9.
 */
export function bufferedLineWriter(writeOut: (text: string) => void): (line: string) => void {
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const lines = pending;
    pending = [];
    writeOut(lines.join("\n"));
  };
  process.once("exit", flush);
  return (line) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push(line);
  };
}

let stderrWriter: ((line: string) => void) | undefined;

/** The process's one buffered writer to stderr (one exit hook, however many loggers). */
export function bufferedStderr(line: string): void {
  stderrWriter ??= bufferedLineWriter((text) => console.error(text));
  stderrWriter(line);
}
