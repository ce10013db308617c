import { createLogger } from "../../src/logger";

/** A debug-level logger whose lines land, parsed, in `lines`. */
export function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logger: createLogger("debug", (line) => lines.push(JSON.parse(line) as Record<string, unknown>)) };
}
