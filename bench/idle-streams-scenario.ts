import type { Socket } from "bun";
import type { BenchChild } from "./child-process";

/**
 * Many open, idle streams against one server: each is a raw TCP connection (the load generator's
 * own fetch would be limited to 256 at once) sending a chat stream request the mock upstream
 * answers with one chunk and then silence. Once every stream has its first chunk, the server's
 * resident memory is compared with before: memory per open stream. Then all are closed.
 */
export interface IdleStreamsResult {
  opened: number;
  wanted: number;
  rssBeforeBytes: number;
  rssOpenBytes: number;
  perStreamBytes: number;
  /** Milliseconds until every stream had its first chunk (or the cap). */
  openMs: number;
}

/** `whileOpen` runs (and is awaited) once every stream is open and measured, before they close. */
export async function measureIdleStreams(server: BenchChild, count: number, whileOpen?: () => unknown, capMs = 60_000): Promise<IdleStreamsResult> {
  const body = JSON.stringify({ model: "gpt-4o-mini", stream: true, user: "bench-idle-stream", messages: [{ role: "user", content: "Keep this stream open." }] });
  const request = `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1:${server.port}\r\ncontent-type: application/json\r\nauthorization: Bearer bench\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  await Bun.sleep(500);
  const rssBefore = server.memory()?.rss ?? NaN;
  const sockets: Socket[] = [];
  let opened = 0;
  const started = performance.now();
  const streaming = new WeakSet<Socket>();
  for (let batch = 0; batch < count; batch += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, count - batch) }, () =>
        Bun.connect({
          hostname: "127.0.0.1",
          port: server.port,
          socket: {
            open(socket) {
              sockets.push(socket);
              socket.write(request);
            },
            data(socket, data) {
              if (!streaming.has(socket) && data.toString().includes("data: ")) {
                streaming.add(socket);
                opened++;
              }
            },
          },
        }),
      ),
    );
  }
  while (opened < count && performance.now() - started < capMs) await Bun.sleep(50);
  const openMs = performance.now() - started;
  await Bun.sleep(1_000);
  let rssOpen = 0;
  for (let sample = 0; sample < 5; sample++) {
    rssOpen = Math.max(rssOpen, server.memory()?.rss ?? 0);
    await Bun.sleep(100);
  }
  await whileOpen?.();
  for (const socket of sockets) socket.end();
  await Bun.sleep(1_000);
  return { opened, wanted: count, rssBeforeBytes: rssBefore, rssOpenBytes: rssOpen, perStreamBytes: (rssOpen - rssBefore) / Math.max(1, opened), openMs };
}
