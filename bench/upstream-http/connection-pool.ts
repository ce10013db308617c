import type { TLSOptions } from "bun";
import { connectionHandlers, UpstreamConnection } from "./upstream-connection";

/**
 * Idle keep-alive connections per origin. The most recently used is taken first (its server-side
 * timer is the freshest); at most MAX_IDLE_PER_ORIGIN wait; one that waited IDLE_MS is closed,
 * shorter than common servers' keep-alive (Node 5 s, Bun.serve 10 s, nginx 75 s), so the proxy
 * seldom sends on a socket the server is closing.
 */
export const IDLE_MS = 4_000;
export const MAX_IDLE_PER_ORIGIN = 64;
const SWEEP_MS = 1_000;

export interface Destination {
  origin: string;
  hostname: string;
  port: number;
  tls: boolean;
}

export class ConnectionPool {
  private readonly idle = new Map<string, UpstreamConnection[]>();
  private sweeper: ReturnType<typeof setInterval> | undefined;

  /** `tls`: extra TLS options (tests pass their own certificate authority); verification stays on. */
  constructor(private readonly tls: TLSOptions = {}) {}

  /** An idle connection to the origin, or undefined. */
  take(origin: string): UpstreamConnection | undefined {
    const list = this.idle.get(origin);
    if (!list) return undefined;
    const now = performance.now();
    for (let connection = list.pop(); connection; connection = list.pop()) {
      if (!connection.closed && now - connection.idleSince < IDLE_MS) return connection;
      connection.destroy();
    }
    return undefined;
  }

  /** A new connection, once it can carry a request (for https:, after the server's certificate verified). */
  async connect(destination: Destination): Promise<UpstreamConnection> {
    const connection = new UpstreamConnection(destination.origin, destination.tls);
    connection.socket = await Bun.connect<UpstreamConnection>({
      hostname: destination.hostname,
      port: destination.port,
      // Verified against Bun's root certificates (and NODE_EXTRA_CA_CERTS) for the URL's host name, as
      // fetch verifies (rejectUnauthorized left to its default: NODE_TLS_REJECT_UNAUTHORIZED, else true); the \`handshake\` handler reports the outcome, and nothing is written before it.
      ...(destination.tls ? { tls: { ...this.tls, serverName: destination.hostname } } : {}),
      socket: connectionHandlers,
      data: connection,
    });
    connection.socket.setNoDelay(true);
    await connection.ready;
    return connection;
  }

  /** Hands a connection back after a complete exchange the server keeps alive. */
  release(connection: UpstreamConnection): void {
    if (connection.closed) return;
    let list = this.idle.get(connection.origin);
    if (!list) this.idle.set(connection.origin, (list = []));
    if (list.length >= MAX_IDLE_PER_ORIGIN) return connection.destroy();
    connection.idleSince = performance.now();
    list.push(connection);
    this.sweeper ??= setInterval(() => this.sweep(), SWEEP_MS).unref();
  }

  /** Closes every idle connection. */
  close(): void {
    for (const list of this.idle.values()) for (const connection of list.splice(0)) connection.destroy();
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private sweep(): void {
    const now = performance.now();
    let any = false;
    for (const [origin, list] of this.idle) {
      const kept = list.filter((connection) => !connection.closed && now - connection.idleSince < IDLE_MS);
      for (const connection of list) if (!kept.includes(connection)) connection.destroy();
      if (kept.length === 0) this.idle.delete(origin);
      else (this.idle.set(origin, kept), (any = true));
    }
    if (!any) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}
