/**
 * One timer per heartbeat interval for every open stream, instead of a setInterval per stream.
 * Each tick, a stream that wrote nothing since the previous tick is sent a heartbeat, so it hears
 * one after between one and two intervals of silence, as it would with a timer of its own. A
 * write only clears a flag; the timer stops when the last stream leaves.
 */
export interface HeartbeatSubscriber {
  /** Cleared on every write (the stream is not silent); set by each tick. */
  silent: boolean;
  /** Sends the stream a heartbeat. */
  beat(): void;
}

interface Ticker {
  timer: ReturnType<typeof setInterval>;
  subscribers: Set<HeartbeatSubscriber>;
}

const tickers = new Map<number, Ticker>();

/** From now on `subscriber` hears a heartbeat after each interval of silence. Its `silent` starts false. */
export function subscribeHeartbeat(intervalMs: number, subscriber: HeartbeatSubscriber): void {
  let ticker = tickers.get(intervalMs);
  if (!ticker) {
    const subscribers = new Set<HeartbeatSubscriber>();
    const timer = setInterval(() => {
      for (const each of subscribers) {
        if (each.silent) each.beat();
        each.silent = true;
      }
    }, intervalMs);
    // Open streams keep the server busy on their own; the ticker must not keep a process alive.
    timer.unref?.();
    ticker = { timer, subscribers };
    tickers.set(intervalMs, ticker);
  }
  subscriber.silent = false;
  ticker.subscribers.add(subscriber);
}

/** Call once the stream has ended (idempotent). */
export function unsubscribeHeartbeat(intervalMs: number, subscriber: HeartbeatSubscriber): void {
  const ticker = tickers.get(intervalMs);
  if (!ticker || !ticker.subscribers.delete(subscriber) || ticker.subscribers.size > 0) return;
  clearInterval(ticker.timer);
  tickers.delete(intervalMs);
}
