/**
 * What a failed connection's error says, for the client and the log: Bun's fetch adds advice meant
 * for the program's author ("For more information, pass `verbose: true` in the second argument to
 * fetch()"), which tells a user of the proxy nothing they can act on.
 */
const fetchAdvice = /\s*For more information, pass `verbose: true` in the second argument to fetch\(\)\.?/g;

export function connectionFailureText(message: string): string {
  return message.replace(fetchAdvice, "").trim() || message;
}
