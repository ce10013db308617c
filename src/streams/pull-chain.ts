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
 * `stream`'s first chunk, or its end, read ahead (a failure rejects), and the same stream with
 * that chunk still first, to be read or run through more stages as if nothing had been read.
 */
export async function readAhead<T>(stream: ReadableStream<T>): Promise<{ first: ReadResult<T>; rest: ReadableStream<T> }> {
  const chain = chainOver(stream);
  const first = await chain.peek();
  return { first, rest: chainStream(chain) };
}
