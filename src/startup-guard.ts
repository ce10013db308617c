import { createRedactor } from "./security/redactor";

/**
 * Start-up ends in one line and exit code 1 whatever fails: a step that rejects with something
 * that is not an Error, a task that rejects with nothing awaiting it, a throw in the entry's own
 * code. Without this, Bun prints a source excerpt and a stack, and a rejection nothing awaits may
 * come after the "listening" line. The guard covers start-up only (src/index.ts ends it once the
 * proxy listens); the line goes through the configuration's redactor once main.ts has built it,
 * and through the generic key patterns before that.
 */
const PREFIX = "claude-proxy could not start: ";
let redact: (text: string) => string = createRedactor().redact;

/** The first line of what an error says, for any thrown or rejected value. */
export function failureText(error: unknown): string {
  let text: string;
  if (error instanceof Error) text = error.message || error.name;
  else if (typeof error === "string") text = error;
  else if (error === undefined || error === null) text = "";
  else {
    try {
      text = JSON.stringify(error) ?? String(error);
    } catch {
      text = Object.prototype.toString.call(error);
    }
  }
  const line = text.split("\n").find((part) => part.trim() !== "")?.trim() ?? "";
  return line === "" ? "a start-up step failed without saying why" : line.slice(0, 1000);
}

/** Writes the one line and exits 1. */
export function startupFailed(error: unknown, prefix = PREFIX): never {
  console.error(redact(`${prefix}${failureText(error)}`));
  process.exit(1);
}

const onFailure = (error: unknown) => startupFailed(error);

export function guardStartup(): void {
  process.on("unhandledRejection", onFailure);
  process.on("uncaughtException", onFailure);
}

/** The configuration's redactor, once there is one: it knows the configured keys. */
export function redactStartupFailures(configured: (text: string) => string): void {
  redact = configured;
}

/** The proxy listens: later failures are the running proxy's, no longer start-up's. */
export function endStartupGuard(): void {
  process.off("unhandledRejection", onFailure);
  process.off("uncaughtException", onFailure);
}
