/**
 * The request as Bun's fetch writes it: the caller's headers, then the defaults fetch adds for any
 * the caller left out (Connection, User-Agent, Accept, Host, Content-Type for a string body), and
 * Content-Length. One difference by design: `Accept-Encoding: identity` instead of fetch's
 * `gzip, deflate, br, zstd`, so the answer comes uncompressed and needs no decoding here. Undefined
 * when the request is not one this client writes faithfully (the caller then uses Bun's fetch).
 */
export interface RequestParts {
  method: string;
  url: URL;
  headers: RequestInit["headers"];
  body: string | Uint8Array | undefined;
}

/** Headers that change the framing or the connection: a request carrying one is left to Bun's fetch. */
const framing = new Set(["connection", "keep-alive", "transfer-encoding", "te", "upgrade", "expect", "content-length", "proxy-authorization", "proxy-connection", "trailer"]);
// A header name that is not a token, or a value outside printable ASCII (a CR or LF would split the head), is left to fetch.
const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const printableHead = /^[\t\r\n\x20-\x7e]*$/;
const userAgent = `Bun/${Bun.version}`;

export function requestBytes({ method, url, headers, body }: RequestParts): Uint8Array | string | undefined {
  let head = `${method} ${url.pathname}${url.search} HTTP/1.1\r\n`;
  let hasHost = false;
  let hasUserAgent = false;
  let hasAccept = false;
  let hasContentType = false;
  for (const [name, value] of headerPairs(headers)) {
    const lower = name.toLowerCase();
    if (framing.has(lower)) return undefined;
    if (lower === "accept-encoding") {
      if (value.trim().toLowerCase() !== "identity") return undefined;
      continue;
    }
    if (!token.test(name) || value.includes("\r") || value.includes("\n")) return undefined;
    if (lower === "host") hasHost = true;
    else if (lower === "user-agent") hasUserAgent = true;
    else if (lower === "accept") hasAccept = true;
    else if (lower === "content-type") hasContentType = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!printableHead.test(head)) return undefined;
  head += "Connection: keep-alive\r\n";
  if (!hasUserAgent) head += `User-Agent: ${userAgent}\r\n`;
  if (!hasAccept) head += "Accept: */*\r\n";
  if (!hasHost) head += `Host: ${url.host}\r\n`;
  head += "Accept-Encoding: identity\r\n";
  if (typeof body === "string" && !hasContentType) head += "Content-Type: text/plain;charset=UTF-8\r\n";
  if (body === undefined) return method === "POST" || method === "PUT" || method === "PATCH" ? `${head}Content-Length: 0\r\n\r\n` : `${head}\r\n`;
  if (typeof body === "string") return `${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const headBytes = Buffer.from(`${head}Content-Length: ${body.byteLength}\r\n\r\n`, "latin1");
  const whole = new Uint8Array(headBytes.byteLength + body.byteLength);
  whole.set(headBytes, 0);
  whole.set(body, headBytes.byteLength);
  return whole;
}

function* headerPairs(headers: RequestInit["headers"]): Iterable<[string, string]> {
  if (!headers) return;
  if (headers instanceof Headers) yield* headers;
  else if (Array.isArray(headers)) for (const [name, value] of headers) yield [name!, value!];
  else for (const name in headers) yield [name, (headers as Record<string, string>)[name]!];
}
