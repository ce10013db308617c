/**
 * `promise`, or a rejection with `error()` when it has not settled within `ms`: a database that
 * takes connections but never answers must not hold a start, a health check or /ready for ever.
 * The timer is cleared either way, so none outlives the wait.
 */
export async function withDeadline<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
