/** The Bun.serve settings of the entry point, shared with the benchmarks so they measure the same server. */
export function serveOptions() {
  return {
    // Streams send a heartbeat every STREAM_HEARTBEAT_MS; this only reaps truly dead connections.
    idleTimeout: 255,
    // The app reads bodies itself, never past MAX_BODY_BYTES, and refuses a larger one with a 413
    // in the door's shape, logged (doors/body-limit.ts). Bun's own limit would answer first with
    // an empty 413 and no row, so it is lifted; Bun does not buffer a body nobody reads.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
  };
}
