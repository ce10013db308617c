/**
 * An async iterable (an SDK's event stream) as a pull-based ReadableStream: nothing is read
 * ahead of the consumer, cancelling the stream ends the iterator (which aborts the SDK's HTTP
 * request), and a failure while iterating is passed through `mapError` before it errors the stream.
 */
export interface IterableStreamOptions {
  onCancel?: () => void;
  mapError?: (error: unknown) => unknown;
}

export function asyncIterableToStream<T>(iterable: AsyncIterable<T>, options: IterableStreamOptions = {}): ReadableStream<T> {
  const iterator = iterable[Symbol.asyncIterator]();
  return new ReadableStream<T>(
    {
      async pull(controller) {
        try {
          const { done, value } = await iterator.next();
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (error) {
          controller.error(options.mapError ? options.mapError(error) : error);
        }
      },
      async cancel() {
        options.onCancel?.();
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}
