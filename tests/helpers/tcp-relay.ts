import { type Server, type Socket, connect, createServer } from "node:net";

/**
 * A 127.0.0.1 port that relays every connection to another one (the real PostgreSQL server), and
 * can be cut (open connections destroyed, the port closed: new connections are refused) and
 * restored on the same port: a database lost and found again, without touching the server.
 */
export interface TcpRelay {
  port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpRelay(target: { host: string; port: number }): Promise<TcpRelay> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  };
  let server: Server | undefined;
  let port = 0;
  // A connection accepted while the port is closing is dropped, never relayed.
  let relaying = false;
  const listen = async () => {
    if (server) return;
    const listening = createServer((client) => {
      if (!relaying) return void client.destroy();
      const upstream = connect(target.port, target.host);
      track(client);
      track(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve) => listening.listen(port, "127.0.0.1", resolve));
    port = (listening.address() as { port: number }).port;
    server = listening;
    relaying = true;
  };
  const cut = async () => {
    const closing = server;
    server = undefined;
    relaying = false;
    for (const socket of sockets) socket.destroy();
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };
  await listen();
  return { port, cut, restore: listen, close: cut };
}
