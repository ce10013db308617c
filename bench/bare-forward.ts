/**
 * What the bare pass-through does with a request (serve-bare.ts, and serve-restream.ts before its
 * one JavaScript layer): forward the body to the upstream with fetch, as the client sent it.
 */
export function forwardToUpstream(upstreamOrigin: string, request: Request, body: ArrayBuffer): Promise<Response> {
  return fetch(`${upstreamOrigin}${new URL(request.url).pathname}`, {
    method: request.method,
    headers: { "content-type": "application/json", authorization: request.headers.get("authorization") ?? "" },
    body,
    signal: request.signal,
  });
}
