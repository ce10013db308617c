import type { Socket, SocketHandler } from "bun";

/**
 * One keep-alive HTTP/1.1 connection to an upstream on the JavaScript thread's own event loop
 * (Bun.connect): no hop to Bun's HTTP-client thread and back per request. It carries one exchange
 * at a time; the exchange gets the socket's bytes and its close. Writes that the kernel does not
 * take at once wait for `drain`.
 */
export interface Exchange {
  data(bytes: Uint8Array): void;
  /** The socket closed (by either side); `error` when it failed. */
  closed(error?: Error): void;
}

export class UpstreamConnection {
  exchange: Exchange | undefined;
  /** When it was last handed back to the pool (performance.now()). */
  idleSince = 0;
  closed = false;
  /** Requests sent on it so far (a reused connection may have been closed by the server meanwhile). */
  uses = 0;
  private unwritten: Uint8Array | undefined;
  /** Set once Bun.connect resolves (the handlers see the connection as the socket's data before). */
  socket!: Socket<UpstreamConnection>;
  /** A TLS connection is ready once its handshake verified the server; a plain one at once. */
  readonly ready: Promise<void>;
  private handshakeDone: ((error?: Error) => void) | undefined;

  constructor(
    readonly origin: string,
    tls: boolean,
  ) {
    this.ready = tls ? new Promise<void>((resolve, reject) => (this.handshakeDone = (error) => (error ? reject(error) : resolve()))) : Promise.resolve();
  }

  /** The TLS handshake ended: verified (no error), or not (the connection is closed). */
  handshake(error?: Error): void {
    const done = this.handshakeDone;
    this.handshakeDone = undefined;
    if (error) this.destroy();
    done?.(error);
  }

  /** Writes all of `bytes`, the rest when the socket drains. False when the socket is closed. */
  write(bytes: Uint8Array | string): boolean {
    if (this.closed) return false;
    if (this.unwritten) {
      const pending = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
      this.unwritten = Buffer.concat([this.unwritten, pending]);
      return true;
    }
    const written = this.socket.write(bytes);
    if (written < 0) return false;
    const length = typeof bytes === "string" ? Buffer.byteLength(bytes) : bytes.byteLength;
    if (written < length) this.unwritten = (typeof bytes === "string" ? Buffer.from(bytes) : bytes).subarray(written);
    return true;
  }

  flush(): void {
    const pending = this.unwritten;
    if (!pending) return;
    this.unwritten = undefined;
    const written = this.socket.write(pending);
    if (written >= 0 && written < pending.byteLength) this.unwritten = pending.subarray(written);
  }

  /** Closes at once (an aborted or unfinished exchange: the connection cannot carry another). */
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket?.terminate();
  }
}

export const connectionHandlers: SocketHandler<UpstreamConnection> = {
  data(socket, bytes) {
    const connection = socket.data;
    if (connection.exchange) connection.exchange.data(bytes);
    // Bytes on an idle connection: nothing asked for them; it cannot be trusted again.
    else connection.destroy();
  },
  drain(socket) {
    socket.data.flush();
  },
  handshake(socket, success, authorizationError) {
    // `success` is false when the certificate did not verify (chain or host name) and rejectUnauthorized holds.
    socket.data.handshake(success ? undefined : (authorizationError ?? new Error("TLS handshake failed")));
  },
  close(socket, error) {
    const connection = socket.data;
    connection.closed = true;
    connection.handshake(error ?? new Error("closed during the TLS handshake"));
    const exchange = connection.exchange;
    connection.exchange = undefined;
    exchange?.closed(error);
  },
  error(socket, error) {
    const connection = socket.data;
    const exchange = connection.exchange;
    connection.exchange = undefined;
    connection.handshake(error);
    connection.destroy();
    exchange?.closed(error);
  },
};
