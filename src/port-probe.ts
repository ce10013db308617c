/**
 * Why host:port cannot be listened on now, if it cannot: checked before the database is opened, so
 * a taken port fails at once instead of after creating, unpacking and migrating a new DATA_DIR.
 * Port 0 (any free port) always can.
 */
export function portProblem(hostname: string, port: number): string | undefined {
  if (port === 0) return undefined;
  try {
    Bun.serve({ hostname, port, fetch: () => new Response(null) }).stop(true);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
