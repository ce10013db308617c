import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";

/**
 * Starts one benchmark server (bench/serve-*.ts) as its own Bun process, waits for the JSON line
 * carrying its port, and reads its memory from /proc. Stopping sends SIGTERM, waits a bounded
 * time for the child's final report line, then kills it.
 */
export interface BenchChild {
  name: string;
  pid: number;
  port: number;
  origin: string;
  /** Resident memory now and at its peak (VmHWM), in bytes; undefined once the process is gone. */
  memory(): { rss: number; peak: number } | undefined;
  /** CPU time (user + system) the process has used so far, in ms (10 ms resolution). */
  cpuMs(): number;
  /** Stops the child and returns the last JSON line it printed, if any. */
  stop(timeoutMs?: number): Promise<Record<string, unknown> | undefined>;
  /** What the child wrote to stderr so far, when started with `captureStderr` (else ""). */
  stderr(): string;
}

export async function startChild(
  name: string,
  script: string,
  env: Record<string, string>,
  bunFlags: string[] = [],
  readyTimeoutMs = 60_000,
  captureStderr = false,
): Promise<BenchChild> {
  const child: Subprocess<"pipe", "pipe", "inherit" | "pipe"> = Bun.spawn([process.execPath, ...bunFlags, "run", join(import.meta.dir, script)], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: captureStderr ? "pipe" : "inherit",
    env: { ...process.env, ...env },
  });
  let stderrText = "";
  if (captureStderr) void collectText(child.stderr as ReadableStream<Uint8Array>, (text) => (stderrText += text));
  const lines = readLines(child.stdout);
  const first = await withTimeout(lines.next(), readyTimeoutMs, `${name} did not report its port within ${readyTimeoutMs} ms`).catch((error: unknown) => {
    child.kill("SIGKILL");
    throw error;
  });
  if (first.done) throw new Error(`${name} exited before reporting its port (exit code ${await child.exited})`);
  const port = Number(first.value.port);
  return {
    name,
    pid: child.pid,
    port,
    origin: `http://127.0.0.1:${port}`,
    memory: () => readMemory(child.pid),
    cpuMs: () => processCpuMs(child.pid),
    stderr: () => stderrText,
    async stop(timeoutMs = 15_000) {
      child.kill("SIGTERM");
      let last: Record<string, unknown> | undefined;
      const drain = (async () => {
        for await (const line of { [Symbol.asyncIterator]: () => lines }) last = line;
        await child.exited;
      })();
      try {
        await withTimeout(drain, timeoutMs, `${name} did not stop within ${timeoutMs} ms`);
      } catch {
        child.kill("SIGKILL");
      }
      return last;
    },
  };
}

async function collectText(stream: ReadableStream<Uint8Array>, append: (text: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  for await (const bytes of stream) append(decoder.decode(bytes, { stream: true }));
}

async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<Record<string, unknown>> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const bytes of stream) {
    buffered += decoder.decode(bytes, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (!line.startsWith("{")) continue;
      try {
        yield JSON.parse(line) as Record<string, unknown>;
      } catch {
        // Not one of our report lines.
      }
    }
  }
}

function readMemory(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kib("VmRSS"), peak: kib("VmHWM") };
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a process has used so far, in ms (10 ms resolution); NaN once it is gone. */
export function processCpuMs(pid: number): number {
  return cpuMsOf(`/proc/${pid}/stat`);
}

/** The same for the process's main thread only: the one that runs its JavaScript (Bun's event loop). */
export function mainThreadCpuMs(pid: number): number {
  return cpuMsOf(`/proc/${pid}/task/${pid}/stat`);
}

/** The same for one thread of the process (a task id from /proc/<pid>/task). */
export function threadCpuMs(pid: number, task: number | string): number {
  return cpuMsOf(`/proc/${pid}/task/${task}/stat`);
}

function cpuMsOf(statPath: string): number {
  try {
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
    const stat = readFileSync(statPath, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
  } catch {
    return NaN;
  }
}

// USER_HZ is 100 on every Linux this runs on.
const clockTicksPerSecond = 100;

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
