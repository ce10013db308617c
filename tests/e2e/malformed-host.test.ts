import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A request whose Host header is missing (HTTP/1.0: HAProxy's default health check, `nc`) or
 * malformed (empty, a space, a bad port, an unclosed IPv6 bracket) reaches the app with a URL that
 * does not parse (Bun hands it `/health` or `http://127.0.0.1:abc/health`). The Host rule parsed
 * it with `new URL` and threw: a 500 "internal error" in OpenAI's shape on every route, the
 * Anthropic door's included, and an "unhandled error" in the log. It is the client's mistake: a
 * 400 in the door's shape, refused like a foreign host (no log row), and the proxy goes on.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let port: number;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-0123456789", OPENAI_BASE_URL: upstream.url });
  port = Number(new URL(proxy.origin).port);
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

interface RawAnswer {
  status: number;
  headers: string;
  body: string;
}

/** Sends bytes as they are (fetch would fix the Host header) and reads one answer. */
function send(request: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    let data = "";
    const finish = () => {
      socket.destroy();
      const [head = "", ...rest] = data.split("\r\n\r\n");
      resolve({ status: Number(head.split(" ")[1]), headers: head, body: rest.join("\r\n\r\n") });
    };
    socket.on("data", (chunk) => {
      data += chunk.toString();
      const length = /content-length: (\d+)/i.exec(data)?.[1];
      const bodyStart = data.indexOf("\r\n\r\n");
      if (length !== undefined && bodyStart >= 0 && data.length - bodyStart - 4 >= Number(length)) finish();
    });
    socket.on("end", finish);
    socket.on("error", reject);
    setTimeout(finish, 5_000);
  });
}

const chatBody = JSON.stringify({ model: "auto", messages: [{ role: "user", content: "Hello" }] });
const messagesBody = JSON.stringify({ model: "auto", max_tokens: 10, messages: [{ role: "user", content: "Hello" }] });
const post = (version: string, path: string, host: string | undefined, body: string, extra = "") =>
  `POST ${path} HTTP/${version}\r\n${host === undefined ? "" : `Host: ${host}\r\n`}Content-Type: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;

describe("a missing or malformed Host header", () => {
  const hosts: [string, string, string | undefined][] = [
    ["HTTP/1.0 without Host", "1.0", undefined],
    ["an empty Host", "1.1", ""],
    ["a Host with a space", "1.1", "a b"],
    ["a Host with a port that is no number", "1.1", "127.0.0.1:abc"],
    ["an unclosed IPv6 bracket", "1.1", "[::1"],
  ];

  for (const [name, version, host] of hosts) {
    test(`${name}: the OpenAI door answers 400 in its shape`, async () => {
      const answer = await send(post(version, "/v1/chat/completions", host, chatBody));
      expect(answer.status).toBe(400);
      const body = JSON.parse(answer.body);
      expect(body.error).toMatchObject({ type: "invalid_request_error", code: "invalid_host" });
      expect(body.error.message).toMatch(/Host/);
    });

    test(`${name}: the Anthropic door answers 400 in its shape`, async () => {
      const answer = await send(post(version, "/v1/messages", host, messagesBody, "anthropic-version: 2023-06-01\r\n"));
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    });
  }

  test("GET /health over HTTP/1.0 without Host: 400, not 500", async () => {
    const answer = await send("GET /health HTTP/1.0\r\n\r\n");
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.code).toBe("invalid_host");
  });

  test("the proxy goes on serving", async () => {
    const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: "auto", messages: [{ role: "user", content: "Hello" }] });
    expect(completion.choices[0]?.message.content).toBeTruthy();
  });
});
