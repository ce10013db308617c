import { CUT_GRACE_MS } from "./cut-grace";

/**
 * A 200 answer an upstream could send when something between it and the proxy breaks: a body cut
 * mid-way (the connection drops after `body` went out), a body that is not JSON (an HTML error
 * page from a gateway), an empty body, or JSON of another shape. Every mock upstream offers it as
 * its `broken` reply.
 */
export interface BrokenBody {
  body: string;
  contentType?: string;
  /** Drop the connection after the body went out instead of ending it. */
  cut?: boolean;
}

const encoder = new TextEncoder();

export function brokenBodyResponse({ body, contentType = "application/json", cut = false }: BrokenBody): Response {
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      if (body !== "") controller.enqueue(encoder.encode(body));
      if (!cut) return controller.close();
      // Let the bytes reach the proxy first, so the cut happens while the body is being read.
      await Bun.sleep(CUT_GRACE_MS);
      controller.error(new Error("connection cut by mock"));
    },
  });
  return new Response(stream, { status: 200, headers: { "content-type": contentType } });
}

/** The broken answers every provider must turn into a retryable 502. */
export const brokenBodies: Array<{ name: string; broken: BrokenBody }> = [
  { name: "a JSON body cut mid-way", broken: { body: '{"id":"x","object":"chat.completion","choices":[{"index":0,"mess', cut: true } },
  { name: "a truncated JSON body that ends cleanly", broken: { body: '{"id":"x","choices":[' } },
  { name: "an HTML error page", broken: { body: "<html><body>502 Bad Gateway</body></html>", contentType: "text/html" } },
  { name: "an empty body", broken: { body: "" } },
  { name: "JSON of another shape", broken: { body: '{"status":"ok"}' } },
];
