import { bufferedStderr } from "./log-line-buffer";
import { redactSecrets } from "./security/redactor";

/**
 * A tiny levelled logger writing one JSON line per event to stderr (buffered per event-loop turn: log-line-buffer.ts). Callers log ids, models and
 * statuses; every line still goes through the redactor (the configured keys and anything that looks
 * like a credential), since fields may carry upstream error text.
 */

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Whether a line at `level` would be written, so a caller can skip building fields nobody reads; absent means yes. */
  enabled?(level: Exclude<LogLevel, "silent">): boolean;
}

export function createLogger(
  level: LogLevel,
  write: (line: string) => void = bufferedStderr,
  redact: (text: string) => string = redactSecrets,
): Logger {
  const emit = (at: Exclude<LogLevel, "silent">) => (message: string, fields?: Record<string, unknown>) => {
    if (rank[at] < rank[level]) return;
    // Fields may carry upstream error text (an error's cause); scrub the whole line, not just known fields.
    write(redact(JSON.stringify({ time: new Date().toISOString(), level: at, message, ...fields })));
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error"), enabled: (at) => rank[at] >= rank[level] };
}

export const silentLogger: Logger = createLogger("silent");

export { redactSecrets } from "./security/redactor";
