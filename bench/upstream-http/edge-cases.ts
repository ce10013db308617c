import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConnectionPool } from "./connection-pool";
import { createSocketFetch } from "./socket-fetch";

/**
 * `bun run bench/upstream-http/edge-cases.ts`: the prototype client (socket-fetch.ts) against a raw
 * `Bun.listen` server on 127.0.0.1, beside Bun's fetch where both apply: chunked bodies with chunk
 * extensions and trailers delivered one byte per write, 1xx heads, `Connection: close`, a
 * close-delimited body, a keep-alive socket the server closed before the next request (one retry
 * on a fresh socket), a reset after part of the body, aborts before the head and mid-body, and a
 * self-signed TLS server (refused as fetch refuses it). Prints one line per case; exits 1 on a mismatch.
 */
type Reply = (socket: { write(text: string): number; end(): void; terminate(): void }) => void | Promise<void>;
const replies = new Map<string, Reply>();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const byteByByte: (text: string) => Reply = (text) => async (socket) => {
  for (const character of text) (socket.write(character), await sleep(0));
};
replies.set("/chunked", byteByByte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: yes\r\n\r\n"));
replies.set("/interim", (socket) => void socket.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
replies.set("/close", (socket) => (socket.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nclose"), socket.end()));
replies.set("/until-close", async (socket) => (socket.write("HTTP/1.1 200 OK\r\n\r\nuntil "), await sleep(5), socket.write("close"), socket.end()));
replies.set("/reset-mid-body", async (socket) => (socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart"), await sleep(5), socket.terminate()));
replies.set("/hang", () => {});
replies.set("/stream-then-hang", (socket) => void socket.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\npart\r\n"));
replies.set("/ok", (socket) => void socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
let connections = 0;
const server = Bun.listen<{ text: string; requests: number }>({
  hostname: "127.0.0.1",
  port: 0,
  socket: {
    open(socket) {
      connections++;
      socket.data = { text: "", requests: 0 };
    },
    data(socket, bytes) {
      socket.data.text += bytes.toString("latin1");
      const end = socket.data.text.indexOf("\r\n\r\n");
      if (end === -1) return;
      const path = socket.data.text.split(" ")[1]!;
      socket.data.text = "";
      socket.data.requests++;
      // `/drop-second`: the first request on a socket is answered; the second is met by a close (a server
      // ending an idle keep-alive socket as the request arrives).
      if (path === "/drop-second") return socket.data.requests === 1 ? void socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") : socket.terminate();
      void replies.get(path)?.(socket);
    },
  },
});
const base = `http://127.0.0.1:${server.port}`;
const socketFetch = createSocketFetch(new ConnectionPool());
let failures = 0;
const outcome = async (call: () => Promise<string>) => call().catch((error: { name?: string; code?: string | number; message?: string }) => `${error.name} ${error.code ?? ""}`.trim());
async function compare(name: string, call: (fetcher: typeof fetch) => Promise<string>, expected?: string) {
  const [ours, bun] = [await outcome(() => call(socketFetch)), await outcome(() => call(fetch))];
  const same = expected ? ours === expected : ours === bun;
  if (!same) failures++;
  console.log(`${same ? "same" : "DIFFERENT"}  ${name}: socket-fetch ${JSON.stringify(ours)}, fetch ${JSON.stringify(bun)}`);
}
const text = (path: string) => async (fetcher: typeof fetch) => {
  const response = await fetcher(`${base}${path}`);
  return `${response.status} ${await response.text()}`;
};
await compare("chunked, one byte a write, extensions and trailers", text("/chunked"));
await compare("100 and 103 before the answer", text("/interim"));
await compare("Connection: close", text("/close"));
await compare("body until close", text("/until-close"));
await compare("reset after part of the body", text("/reset-mid-body"));
await compare("abort before the head", async (fetcher) => String((await fetcher(`${base}/hang`, { signal: AbortSignal.timeout(20) })).status));
await compare("abort mid-body", async (fetcher) => {
  const controller = new AbortController();
  const response = await fetcher(`${base}/stream-then-hang`, { signal: controller.signal });
  setTimeout(() => controller.abort(), 20);
  return response.text();
});
await compare(
  "a reused socket closed as the next request arrives (retried once on a fresh one)",
  async (fetcher) => `${await (await fetcher(`${base}/drop-second`)).text()} ${await (await fetcher(`${base}/drop-second`)).text()}`,
  "ok ok",
);
const before = connections;
for (let index = 0; index < 5; index++) await (await socketFetch(`${base}/ok`)).text();
console.log(`${connections - before <= 1 ? "same" : "DIFFERENT"}  five requests in a row: ${connections - before} new connection(s)`);
if (connections - before > 1) failures++;
// A self-signed certificate: refused, with fetch's code.
const directory = mkdtempSync(join(tmpdir(), "edge-cases-"));
const made = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(directory, "key.pem"), "-out", join(directory, "cert.pem"), "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"], { stderr: "ignore" });
if (made.exitCode === 0) {
  const tls = { cert: readFileSync(join(directory, "cert.pem"), "utf8"), key: readFileSync(join(directory, "key.pem"), "utf8") };
  const tlsServer = Bun.serve({ hostname: "127.0.0.1", port: 0, tls, fetch: () => new Response("ok") });
  await compare("self-signed TLS server", async (fetcher) => `${(await fetcher(`https://127.0.0.1:${tlsServer.port}/`)).status}`);
  // Trusted through the pool's own certificate authority: the host name is still checked.
  const trusting = createSocketFetch(new ConnectionPool({ ca: tls.cert }));
  const trusted = await outcome(async () => `${(await trusting(`https://127.0.0.1:${tlsServer.port}/`)).status}`);
  console.log(`${trusted === "200" ? "same" : "DIFFERENT"}  the same server with its certificate trusted: ${trusted}`);
  if (trusted !== "200") failures++;
  void tlsServer.stop(true);
}
rmSync(directory, { recursive: true, force: true });
void server.stop(true);
process.exit(failures === 0 ? 0 : 1);
