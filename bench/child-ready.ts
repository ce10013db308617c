/**
 * Shared plumbing for the benchmark's child processes: announce the port on stdout as one JSON
 * line, and stop when the parent closes stdin (or dies), so no child outlives the benchmark.
 */
export function announce(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

export function onParentGone(stop: () => Promise<void> | void, hardCapMs = 15 * 60_000): void {
  let stopping = false;
  const run = async () => {
    if (stopping) return;
    stopping = true;
    await stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void run());
  process.on("SIGINT", () => void run());
  // stdin EOF: the parent closed it or exited.
  void (async () => {
    for await (const _ of Bun.stdin.stream()) {
      // Nothing is sent on stdin; reading only detects EOF.
    }
    await run();
  })();
  // A last resort so a wedged child never lingers.
  setTimeout(() => process.exit(2), hardCapMs).unref();
}
