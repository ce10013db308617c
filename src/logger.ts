/**
 * A tiny levelled logger writing one JSON line per event to stderr. Nothing here ever receives
 * secrets: callers log ids, models and statuses, and `redactSecrets` scrubs anything that looks
 * like a key out of upstream messages before they are logged or returned.
 */

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(level: LogLevel, write: (line: string) => void = (line) => console.error(line)): Logger {
  const emit = (at: Exclude<LogLevel, "silent">) => (message: string, fields?: Record<string, unknown>) => {
    if (rank[at] < rank[level]) return;
    // Fields may carry upstream error text (an error's cause); scrub the whole line, not just known fields.
    write(redactSecrets(JSON.stringify({ time: new Date().toISOString(), level: at, message, ...fields })));
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}

export const silentLogger: Logger = createLogger("silent");

// sk-..., sk-ant-..., AIza..., Bearer tokens, api_key=... values. A key that is already partly
// masked ("sk-proj-****…7QwA", "sk-proj-abc...xyz") still goes whole: its visible ends are key material.
const secretPatterns: Array<[RegExp, string]> = [
  [/\b(?:sk|rk|pk)-(?:[A-Za-z0-9_*-]|\.{3}|…){8,}/g, "[redacted]"],
  [/\bAIza(?:[0-9A-Za-z_*-]|\.{3}|…){20,}/g, "[redacted]"],
  [/\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, "$1 [redacted]"],
  [/(api[_-]?key["'=:\s]+)[A-Za-z0-9._-]{8,}/gi, "$1[redacted]"],
];

export function redactSecrets(text: string): string {
  return secretPatterns.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}
