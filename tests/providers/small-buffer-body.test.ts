import { afterAll, describe, expect, test } from "bun:test";
import { gzipSync } from "node:zlib";
import { smallBufferBody } from "../../src/providers/openai-compatible/small-buffer-body";

/**
 * small-buffer-body.ts reads a native `fetch` body through Bun's node-stream adapter with small
 * buffers instead of the web reader's 256 KiB one. Against a real upstream on 127.0.0.1 (so the
 * body is the native stream): every byte in order, the last chunk included, whatever the shape of
 * the answer (many small chunks, one large one, a body complete before it is read, a fixed length,
 * gzip); an upstream failure errors the stream; cancelling closes the upstream connection.
 */
const encoder = new TextEncoder();
/** The paths of the requests whose connection closed before their answer ended. */
const aborted = new Set<string>();

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(request) {
    const url = new URL(request.url);
    request.signal.addEventListener("abort", () => aborted.add(url.pathname + url.search));
    const path = url.pathname;
    if (path === "/chunks") {
      // 40 events 2 ms apart, the last one sent together with the end of the body.
      let index = 0;
      return new Response(
        new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (index > 0) await Bun.sleep(2);
            controller.enqueue(encoder.encode(`data: {"n":${index}}\n\n`));
            if (++index === 40) controller.close();
          },
        }),
        { headers: { "content-type": "text/event-stream" } },
      );
    }
    if (path === "/large") {
      // A first small chunk, then one of 300 KiB (more than a buffer), then a last small one.
      const parts = [encoder.encode("first\n"), bytes(300 * 1024), encoder.encode("last\n")];
      return new Response(
        new ReadableStream<Uint8Array>({
          async pull(controller) {
            await Bun.sleep(2);
            const part = parts.shift();
            if (part) controller.enqueue(part);
            if (parts.length === 0) controller.close();
          },
        }),
      );
    }
    if (path === "/fixed") return new Response(bytes(10_000));
    if (path === "/gzip") return new Response(gzipSync(bytes(50_000)), { headers: { "content-encoding": "gzip" } });
    if (path === "/cut") {
      return new Response(
        new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(encoder.encode("data: partial\n\n"));
            await Bun.sleep(20);
            controller.error(new Error("cut by the test upstream"));
          },
        }),
      );
    }
    if (path === "/endless") {
      return new Response(
        new ReadableStream<Uint8Array>({
          async pull(controller) {
            await Bun.sleep(5);
            controller.enqueue(encoder.encode("data: more\n\n"));
          },
        }),
      );
    }
    return new Response("not found", { status: 404 });
  },
});
afterAll(() => server.stop(true));

/** `length` bytes of a recognizable pattern (not all one value, so an offset error shows). */
function bytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let index = 0; index < length; index++) out[index] = (index * 7 + (index >> 8)) & 0xff;
  return out;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<{ bytes: Uint8Array; chunks: number }> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return { bytes: out, chunks: parts.length };
}

const get = async (path: string) => {
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`);
  return smallBufferBody(response.body!);
};

describe("smallBufferBody", () => {
  test("a native fetch body is read through the small-buffer reader, not handed back as it is", async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/chunks`);
    const body = response.body!;
    const wrapped = smallBufferBody(body);
    expect(wrapped).not.toBe(body);
    await wrapped.cancel();
  });

  test("many small chunks arrive in order, the last one included", async () => {
    const { bytes: got, chunks } = await readAll(await get("/chunks"));
    const expected = Array.from({ length: 40 }, (_, index) => `data: {"n":${index}}\n\n`).join("");
    expect(new TextDecoder().decode(got)).toBe(expected);
    expect(chunks).toBeGreaterThan(1);
  });

  test("a chunk larger than a buffer comes through whole", async () => {
    const { bytes: got } = await readAll(await get("/large"));
    const expected = new Uint8Array([...encoder.encode("first\n"), ...bytes(300 * 1024), ...encoder.encode("last\n")]);
    expect(got.byteLength).toBe(expected.byteLength);
    expect(Buffer.from(got).equals(Buffer.from(expected))).toBe(true);
    // How many reads it takes depends on how much fetch holds when each read comes: data already
    // received is handed over at once, whatever its size.
  });

  test("a body already complete before it is read, a fixed-length body and a gzip body", async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/chunks`);
    await Bun.sleep(200);
    const late = await readAll(smallBufferBody(response.body!));
    expect(new TextDecoder().decode(late.bytes)).toEndWith(`data: {"n":39}\n\n`);
    expect(late.bytes.byteLength).toBe(Array.from({ length: 40 }, (_, index) => `data: {"n":${index}}\n\n`).join("").length);

    const fixed = await readAll(await get("/fixed"));
    expect(Buffer.from(fixed.bytes).equals(Buffer.from(bytes(10_000)))).toBe(true);

    const gzip = await readAll(await get("/gzip"));
    expect(Buffer.from(gzip.bytes).equals(Buffer.from(bytes(50_000)))).toBe(true);
  });

  test("an upstream that breaks mid-body errors the stream after the bytes it sent", async () => {
    const reader = (await get("/cut")).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: partial\n\n");
    await expect(reader.read()).rejects.toThrow();
  });

  test("cancelling closes the upstream connection", async () => {
    const reader = (await get("/endless?cancelled")).getReader();
    expect((await reader.read()).done).toBe(false);
    await reader.cancel(new Error("the client went away"));
    // At once (a few ms): a body nobody cancels is dropped too, but only after ~0.9 s.
    const until = Date.now() + 300;
    while (!aborted.has("/endless?cancelled") && Date.now() < until) await Bun.sleep(10);
    expect(aborted.has("/endless?cancelled")).toBe(true);
  });

  test("a body that is not a native fetch body is returned untouched", async () => {
    const body = new Response(new ReadableStream<Uint8Array>({ start: (controller) => controller.close() })).body!;
    expect(smallBufferBody(body)).toBe(body);
    const fromArray = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode("x"));
        controller.close();
      },
    });
    expect(smallBufferBody(fromArray)).toBe(fromArray);
    expect(new TextDecoder().decode((await readAll(fromArray)).bytes)).toBe("x");
  });
});
