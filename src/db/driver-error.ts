/**
 * What the database driver said, under drizzle's wrapper (whose message repeats the query and every
 * parameter, a whole batch of rows): the innermost cause and its SQLSTATE or system error code.
 */
export function rootCause(error: unknown): unknown {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current;
}

export function rootMessage(error: unknown): string {
  const cause = rootCause(error);
  return cause instanceof Error ? cause.message : String(cause);
}

/** The first `code` found from the outer error inwards (SQLSTATE, ECONNREFUSED, CONNECT_TIMEOUT...). */
export function errorCode(error: unknown): string | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

/**
 * SQLSTATE class 22 (data exception) or 23 (integrity constraint): the database refused the data
 * itself, so retrying the same row can never succeed.
 */
export function isRefusedData(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^2[23][0-9A-Z]{3}$/.test(code)) return true;
  }
  return false;
}
