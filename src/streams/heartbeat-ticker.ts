/**
 * One timer per heartbeat interval for every open stream, instead of a setInterval per stream.
 * Each tick, a stream that wrote nothing since the previous tick is sent a heartbeat, so it hears
 * one after between one and two intervals of silence, as it would with a timer of its own. A
 * write only clears a flag; the timer stops when the last stream leaves.
 */
export interface Heartbeat {
  /** Call on every write: the stream is not silent. */
  touch(): void;
  /** Call once the stream has ended (idempotent). */
  stop(): void;
}

interface Subscriber {
  silent: boolean;
  beat(): void;
}

interface Ticker {
  timer: ReturnType<typeof setInterval>;
  subscribers: Set<Subscriber>;
}

const tickers = new Map<number, Ticker>();

export function startHeartbeat(intervalMs: number, beat: () => void): Heartbeat {
  let ticker = tickers.get(intervalMs);
  if (!ticker) {
    const subscribers = new Set<Subscriber>();
    const timer = setInterval(() => {
      for (const subscriber of subscribers) {
        if (subscriber.silent) subscriber.beat();
        subscriber.silent = true;
      }
    }, intervalMs);
    // Open streams keep the server busy on their own; the ticker must not keep a process alive.
    timer.unref?.();
    ticker = { timer, subscribers };
    tickers.set(intervalMs, ticker);
  }
  const subscriber: Subscriber = { silent: false, beat };
  const { subscribers, timer } = ticker;
  subscribers.add(subscriber);
  return {
    touch() {
      subscriber.silent = false;
    },
    stop() {
      if (!subscribers.delete(subscriber) || subscribers.size > 0) return;
      clearInterval(timer);
      tickers.delete(intervalMs);
    },
  };
}
