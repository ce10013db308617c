/**
 * A TCP server that records the exact bytes of each HTTP/1.1 request it receives (request line,
 * headers in the order sent, body) and answers with whatever `reply` returns for it, closing the
 * connection after each answer. For proving that two ways of calling an upstream put the same
 * bytes on the wire.
 */
export interface CapturedRequest {
  /** The whole request as received. */
  raw: string;
  /** The body alone. */
  body: string;
}

export interface RawHttpCapture {
  origin: string;
  requests: CapturedRequest[];
  close(): void;
}

export interface RawReply {
  status: number;
  contentType: string;
  body: string;
}

export function startRawHttpCapture(reply: (request: CapturedRequest) => RawReply): RawHttpCapture {
  const requests: CapturedRequest[] = [];
  const buffers = new WeakMap<object, string>();
  const server = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      data(socket, data) {
        const text = (buffers.get(socket) ?? "") + new TextDecoder().decode(data);
        buffers.set(socket, text);
        const headerEnd = text.indexOf("\r\n\r\n");
        if (headerEnd === -1) return;
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, headerEnd))?.[1] ?? 0);
        const bodyBytes = new TextEncoder().encode(text.slice(headerEnd + 4));
        if (bodyBytes.length < length) return;
        const request = { raw: text, body: text.slice(headerEnd + 4) };
        requests.push(request);
        const answer = reply(request);
        const payload = new TextEncoder().encode(answer.body);
        socket.write(`HTTP/1.1 ${answer.status} X\r\ncontent-type: ${answer.contentType}\r\ncontent-length: ${payload.length}\r\nconnection: close\r\n\r\n`);
        socket.write(payload);
        socket.end();
      },
    },
  });
  return { origin: `http://127.0.0.1:${server.port}`, requests, close: () => server.stop(true) };
}
