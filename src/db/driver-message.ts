/**
 * The database driver's own message for a failed query. Drizzle's wrapper repeats the query and
 * every parameter, which may hold prompts and answers: those must not reach a log.
 */
export function driverMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return (current instanceof Error ? current.message : String(current)).slice(0, 300);
}
