/**
 * The mock upstream's stream: this many content chunks, this far apart (shared with the report).
 * BENCH_STREAM_CHUNKS changes the count, to find the proxy's CPU per chunk from two runs.
 */
export const STREAM_CHUNKS = Number(process.env.BENCH_STREAM_CHUNKS ?? 20);
export const STREAM_INTERVAL_MS = 5;
