/**
 * How long a mock upstream waits between its last bytes and cutting the connection. A reset can
 * drop bytes the proxy has not read yet, so the cut must come after the proxy read them; 20 ms
 * was too short when the full suite ran beside other work (load ~13): the proxy then saw a cut
 * before anything and answered with a plain error instead of a stream.
 */
export const CUT_GRACE_MS = 150;
