import type { Logger } from "./logger";
import type { Proxy } from "./server";

/**
 * What SIGTERM and SIGINT do. The first signal stops taking connections and lets the requests
 * in flight finish; those still running after SHUTDOWN_GRACE_MS are cut (a stream ends with a
 * 503 error event in its door's shape, a call still waiting for its upstream answers 503), so
 * every one of them is logged; then the request log is flushed and the process exits 0 (1 when the
 * flush, with the database gone, outlasts SHUTDOWN_GRACE_MS and at least 30 s). A second
 * signal exits at once (128 + the signal's number), for a user who will not wait; the same signal
 * again within REPEAT_MS of the first is that first one delivered twice, not a second: Ctrl-C on
 * `bun run start` signals the terminal's whole process group, so the proxy gets SIGINT from the
 * terminal and again, milliseconds later, from `bun run`, which passes it on to its child (as
 * systemd's SIGTERM to a service's control group does). Read as a second signal, every Ctrl-C cut
 * the streams in flight without their error event and lost their rows.
 */
export interface ShutdownOptions {
  server: { stop(closeActiveConnections?: boolean): Promise<void> };
  proxy: Pick<Proxy, "cutInFlight" | "close" | "logWriter">;
  logger: Logger;
  graceMs: number;
  /** How long the closing writes get (default: SHUTDOWN_GRACE_MS, at least CLOSE_MIN_MS). */
  closeTimeoutMs?: number;
  exit?: (code: number) => void;
}

/** How long the error events of cut streams get to reach their clients before connections close. */
const CUT_DELIVERY_MS = 1_000;
/** A backlog of rows after a database stall takes a while to write (PGlite: ~15 ms a 100 rows, more under load). */
const CLOSE_MIN_MS = 30_000;
const signalNumbers = { SIGINT: 2, SIGTERM: 15 } as const;
/** How long a repeat of the first signal counts as the same one (observed: 0–6 ms apart, load ~20). */
export const REPEAT_MS = 500;

export function handleShutdownSignals(options: ShutdownOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let first: { signal: string; at: number } | undefined;
  for (const signal of Object.keys(signalNumbers) as Array<keyof typeof signalNumbers>) {
    process.on(signal, () => {
      if (first === undefined) {
        first = { signal, at: performance.now() };
        void shutDown(signal, options).then(
          (closed) => exit(closed ? 0 : 1),
          (error: unknown) => {
            options.logger.error("shutdown failed", { error: String(error) });
            exit(1);
          },
        );
        return;
      }
      if (signal === first.signal && performance.now() - first.at < REPEAT_MS) {
        options.logger.debug("the same signal again at once (the process group's and `bun run`'s copies): already shutting down", { signal });
        return;
      }
      options.logger.warn("second signal: exiting now, without waiting for requests in flight or flushing the request log", {
        signal,
        pending: options.proxy.logWriter.unwritten,
      });
      exit(128 + signalNumbers[signal]);
    });
  }
}

/** Whether everything closed; false when the closing writes (the log's last rows) outlasted the grace period. */
async function shutDown(signal: string, { server, proxy, logger, graceMs, closeTimeoutMs = Math.max(graceMs, CLOSE_MIN_MS) }: ShutdownOptions): Promise<boolean> {
  logger.info("shutting down; flushing the request log", { signal, pending: proxy.logWriter.unwritten, graceMs });
  const drained = server.stop();
  if (!(await settlesWithin(drained, graceMs))) {
    logger.warn("requests still running after SHUTDOWN_GRACE_MS; cutting them", { graceMs });
    proxy.cutInFlight();
    if (!(await settlesWithin(drained, CUT_DELIVERY_MS))) await server.stop(true);
  }
  // A database that no longer answers would hold the last writes, and the exit, for ever.
  const closing = proxy.close();
  if (await settlesWithin(closing, closeTimeoutMs)) return true;
  logger.error("could not write the request log's last rows in time (is the database reachable?); exiting without them", {
    closeTimeoutMs,
    pending: proxy.logWriter.unwritten,
  });
  return false;
}

/** Whether the promise settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
