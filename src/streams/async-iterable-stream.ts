import { chainStream } from "./pull-chain";
import { StageChain } from "./stage-chain";

/**
 * An async iterable (an SDK's event stream) as a pull-based ReadableStream: nothing is read
 * ahead of the consumer, cancelling the stream ends the iterator (which aborts the SDK's HTTP
 * request), and a failure while iterating is passed through `mapError` before it errors the stream.
 * The iterator is the source of a pulled chain (pull-chain.ts): stages run over the result
 * (the provider's event transformer, the pipeline's, the door's) read it directly, one hop per event.
 */
export interface IterableStreamOptions {
  onCancel?: () => void;
  mapError?: (error: unknown) => unknown;
}

export function asyncIterableToStream<T>(iterable: AsyncIterable<T>, options: IterableStreamOptions = {}): ReadableStream<T> {
  const iterator = iterable[Symbol.asyncIterator]();
  return chainStream(
    new StageChain<T>({
      async read() {
        try {
          const { done, value } = await iterator.next();
          return done ? { done: true, value: undefined } : { done: false, value };
        } catch (error) {
          throw options.mapError ? options.mapError(error) : error;
        }
      },
      async cancel() {
        options.onCancel?.();
        await iterator.return?.();
      },
    }),
  );
}
