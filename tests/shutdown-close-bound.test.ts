import { afterEach, expect, test } from "bun:test";
import { createLogger } from "../src/logger";
import { handleShutdownSignals } from "../src/shutdown";

/**
 * The first SIGTERM flushes the request log before exiting. With the database gone (a server that
 * stopped, a network cut) that flush never ended: the proxy hung after "shutting down" until a
 * second signal or systemd's SIGKILL. Closing now has a bound (SHUTDOWN_GRACE_MS, at least 30 s);
 * then the proxy exits 1, saying how many rows it could not write.
 */
const added: Array<() => void> = [];
afterEach(() => added.splice(0).forEach((remove) => remove()));

test("a close that never ends is given up after the grace period: exit 1, logged", async () => {
  const before = new Set(process.listeners("SIGTERM"));
  const beforeInt = new Set(process.listeners("SIGINT"));
  const lines: string[] = [];
  let exitCode: number | undefined;
  const exited = new Promise<void>((resolve) => {
    handleShutdownSignals({
      server: { stop: async () => {} },
      proxy: { cutInFlight: () => {}, close: () => new Promise<void>(() => {}), logWriter: { unwritten: 3 } as never },
      logger: createLogger("debug", (line) => lines.push(line)),
      graceMs: 200,
      closeTimeoutMs: 300,
      exit: (code) => {
        exitCode = code;
        resolve();
      },
    });
  });
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    const known = signal === "SIGTERM" ? before : beforeInt;
    for (const listener of process.listeners(signal)) if (!known.has(listener)) added.push(() => process.off(signal, listener));
  }
  const started = performance.now();
  process.emit("SIGTERM", "SIGTERM");
  const outcome = await Promise.race([exited.then(() => "exited"), Bun.sleep(3_000).then(() => "hung")]);
  expect(outcome).toBe("exited");
  expect(exitCode).toBe(1);
  expect(performance.now() - started).toBeLessThan(2_000);
  expect(lines.some((line) => line.includes("could not") && line.includes("\"pending\":3"))).toBe(true);
});
