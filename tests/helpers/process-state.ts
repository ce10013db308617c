import { readFileSync } from "node:fs";

/**
 * Whether a process still exists, read from /proc: "zombie" means it died but nobody reaped it
 * yet. Used to prove that spawned CLI processes (and what they started) are gone.
 */
export type ProcessState = "running" | "zombie" | "gone";

export function processState(pid: number): ProcessState {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The state follows the command name, which is in parentheses and may contain spaces.
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state === "Z" ? "zombie" : "running";
  } catch {
    return "gone";
  }
}

/** Polls until the process is gone (or, with `allowZombie`, at least dead); returns the last state. */
export async function waitUntilDead(pid: number, options: { timeoutMs?: number; allowZombie?: boolean } = {}): Promise<ProcessState> {
  const deadline = performance.now() + (options.timeoutMs ?? 3000);
  for (;;) {
    const state = processState(pid);
    if (state === "gone" || (options.allowZombie && state === "zombie")) return state;
    if (performance.now() > deadline) return state;
    await Bun.sleep(20);
  }
}
