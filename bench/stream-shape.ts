/** The mock upstream's stream: this many content chunks, this far apart (shared with the report). */
export const STREAM_CHUNKS = 20;
export const STREAM_INTERVAL_MS = 5;
