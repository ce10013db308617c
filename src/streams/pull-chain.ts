import { type ChainSource, type ReadResult, StageChain } from "./stage-chain";

/**
 * How layers that each return a ReadableStream end up sharing one (stage-chain.ts). A stream
 * made here stands for its chain until a later layer runs it through another stage: if nobody has
 * read or locked it by then, the later layer's stage joins the same chain and the new stream
 * stands for it instead, so the provider's decoding, dispatch's watch, the stream observer and
 * the door's encoder cost one hop per chunk. A stream that was read, or any other stream, is
 * simply the source of a new chain. A stream that was taken over must not be read (its chain
 * goes on without it): reading it fails, cancelling it does nothing.
 */
const chains = new WeakMap<ReadableStream<unknown>, StageChain<unknown>>();

/** The chain `stream` stands for while it can be taken over; else a new chain reading `stream`. */
export function chainOver<T>(stream: ReadableStream<T>): StageChain<T> {
  const chain = chains.get(stream) as StageChain<T> | undefined;
  if (chain && chain.current === stream && !chain.attached && !stream.locked) return chain;
  return new StageChain<T>(stream.getReader() as ChainSource<T>);
}

/** The stream that stands for `chain` from now on; nothing is read before its first read. */
export function chainStream<T>(chain: StageChain<T>): ReadableStream<T> {
  let attached = false;
  const stream: ReadableStream<T> = new ReadableStream<T>(
    {
      pull(controller) {
        if (!attached) {
          if (chain.current !== stream) return controller.error(new TypeError("This stream was taken over by a later stage of its chain."));
          attached = true;
          if (chain.attach(controller)) return;
        }
        return chain.pull();
      },
      cancel(reason) {
        if (chain.current === stream) return chain.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  chain.current = stream;
  chains.set(stream, chain as StageChain<unknown>);
  return stream;
}

/**
 * `stream`'s first chunk that `skip` refuses (past a start that shows the reader nothing), or its
 * end, read ahead (a failure rejects), and the same stream with every chunk read still in front
 * of it as `rest`, to be read or run through more stages as if nothing had been read. Once a
 * chunk was skipped, the wait for the next is bounded: `holdMs` after it `first` is undefined and
 * `rest` is given as it is; the read still going on is the one `rest`'s first read waits for. Only
 * the start is examined, never the chunks after it.
 */
export async function readAheadPast<T>(
  stream: ReadableStream<T>,
  skip: (chunk: T) => boolean,
  holdMs: number,
): Promise<{ first: ReadResult<T> | undefined; skipped: number; rest: ReadableStream<T> }> {
  const chain = chainOver(stream);
  let first = await chain.peek();
  let skipped = 0;
  let deadline: number | undefined;
  while (!first.done && skip(first.value)) {
    skipped++;
    let next = chain.heldAt(skipped);
    while (next === undefined) {
      deadline ??= performance.now() + holdMs;
      const pull = chain.pull();
      const inTime = await settlesWithin(pull, deadline - performance.now());
      next = chain.heldAt(skipped);
      if (!inTime && next === undefined) {
        // Nothing came and the pull is still reading: the stream's first read takes it over.
        chain.adopt(pull);
        return { first: undefined, skipped, rest: chainStream(chain) };
      }
    }
    first = next;
  }
  return { first, skipped, rest: chainStream(chain) };
}

/** Whether `promise` settles within `ms` (a rejection rejects). */
async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms), false)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
