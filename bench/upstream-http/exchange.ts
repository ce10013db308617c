import type { ConnectionPool } from "./connection-pool";
import { connectionReset, malformedResponse } from "./fetch-errors";
import { type ResponseHead, ResponseParser } from "./response-parser";
import type { UpstreamConnection } from "./upstream-connection";

/** A reused connection closed before any byte of the answer: the request may go again on a fresh one. */
export class ClosedBeforeAnswer extends Error {}

/** Body bytes held for a reader before the socket stops reading (backpressure). */
const STREAM_HIGH_WATER_BYTES = 64 * 1024;
const nullBodyStatus = (status: number) => status === 101 || status === 204 || status === 205 || status === 304;

/**
 * One request on one connection: writes it, resolves with the Response once its head arrives (with
 * the whole body as bytes when it came in the same read, else a stream fed as bytes arrive), and
 * hands the connection back to the pool when the answer ended and the server keeps it alive.
 */
export function exchange(pool: ConnectionPool, connection: UpstreamConnection, bytes: Uint8Array | string, method: string, url: string, signal: AbortSignal | null | undefined): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    let head: ResponseHead | undefined;
    let pieces: Uint8Array[] | undefined;
    let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
    let settled = false;
    let finished = false;
    let paused = false;
    const parser = new ResponseParser(
      {
        head: (received) => (head = received),
        body(piece) {
          // The socket's buffer is only ours during the callback.
          if (controller) {
            controller.enqueue(piece.slice());
            if ((controller.desiredSize ?? 1) <= 0 && !paused) (paused = true), connection.socket.pause();
          } else (pieces ??= []).push(piece.slice());
        },
        end: () => (finished = true),
      },
      method === "HEAD",
    );

    const release = () => {
      signal?.removeEventListener("abort", onAbort);
      connection.exchange = undefined;
      if (head?.keepAlive && !connection.closed) pool.release(connection);
      else connection.destroy();
    };
    const fail = (error: unknown) => {
      if (finished && settled) return;
      signal?.removeEventListener("abort", onAbort);
      connection.exchange = undefined;
      connection.destroy();
      if (!settled) (settled = true), reject(error);
      else controller?.error(error);
    };
    const onAbort = () => fail(signal!.reason);

    const handOver = () => {
      settled = true;
      const init = { status: head!.status, statusText: head!.statusText, headers: head!.headers };
      if (nullBodyStatus(head!.status) || method === "HEAD") return resolve(new Response(null, init));
      if (finished) return resolve(new Response(pieces?.length === 1 ? pieces[0]! : Buffer.concat(pieces ?? []), init));
      const held = pieces;
      pieces = undefined;
      const body = new ReadableStream<Uint8Array>(
        {
          start(streamController) {
            controller = streamController;
            for (const piece of held ?? []) streamController.enqueue(piece);
          },
          pull() {
            if (paused) (paused = false), connection.socket.resume();
          },
          cancel() {
            if (!finished) fail(undefined);
          },
        },
        { highWaterMark: STREAM_HIGH_WATER_BYTES, size: (chunk) => chunk?.byteLength ?? 0 },
      );
      resolve(new Response(body, init));
    };

    connection.exchange = {
      data(received) {
        try {
          parser.feed(received);
        } catch (error) {
          return fail(malformedResponse(url, error instanceof Error ? error.message : String(error)));
        }
        if (head && !settled) handOver();
        if (finished) {
          release();
          controller?.close();
        }
      },
      closed() {
        if (parser.close()) {
          if (head && !settled) handOver();
          release();
          return controller?.close();
        }
        fail(!parser.received && connection.uses > 1 && !settled ? new ClosedBeforeAnswer() : connectionReset(url));
      },
    };
    if (signal) signal.addEventListener("abort", onAbort, { once: true });
    connection.uses++;
    if (!connection.write(bytes)) connection.exchange.closed();
  });
}
