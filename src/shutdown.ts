import type { Logger } from "./logger";
import type { Proxy } from "./server";

/**
 * What SIGTERM and SIGINT do. The first signal stops taking connections and lets the requests
 * in flight finish; those still running after SHUTDOWN_GRACE_MS are cut (a stream ends with a
 * 503 error event in its door's shape, a call still waiting for its upstream answers 503), so
 * every one of them is logged; then the request log is flushed and the process exits 0. A second
 * signal exits at once (128 + the signal's number), for a user who will not wait.
 */
export interface ShutdownOptions {
  server: { stop(closeActiveConnections?: boolean): Promise<void> };
  proxy: Pick<Proxy, "cutInFlight" | "close" | "logWriter">;
  logger: Logger;
  graceMs: number;
  exit?: (code: number) => void;
}

/** How long the error events of cut streams get to reach their clients before connections close. */
const CUT_DELIVERY_MS = 1_000;
const signalNumbers = { SIGINT: 2, SIGTERM: 15 } as const;

export function handleShutdownSignals(options: ShutdownOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  for (const signal of Object.keys(signalNumbers) as Array<keyof typeof signalNumbers>) {
    process.on(signal, () => {
      if (!stopping) {
        stopping = true;
        void shutDown(signal, options).then(
          () => exit(0),
          (error: unknown) => {
            options.logger.error("shutdown failed", { error: String(error) });
            exit(1);
          },
        );
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

async function shutDown(signal: string, { server, proxy, logger, graceMs }: ShutdownOptions): Promise<void> {
  logger.info("shutting down; flushing the request log", { signal, pending: proxy.logWriter.unwritten, graceMs });
  const drained = server.stop();
  if (!(await settlesWithin(drained, graceMs))) {
    logger.warn("requests still running after SHUTDOWN_GRACE_MS; cutting them", { graceMs });
    proxy.cutInFlight();
    if (!(await settlesWithin(drained, CUT_DELIVERY_MS))) await server.stop(true);
  }
  await proxy.close();
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
