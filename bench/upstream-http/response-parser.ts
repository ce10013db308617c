/**
 * An HTTP/1.1 response read from a socket's bytes as they arrive: the head (1xx heads skipped), then
 * the body by its framing (Content-Length, chunked with extensions and trailers, or until close),
 * handed on in pieces. No byte is buffered beyond what an incomplete head or chunk-size line needs.
 */
export interface ResponseHead {
  status: number;
  statusText: string;
  /** Header pairs as received (names lower-cased). */
  headers: Array<[string, string]>;
  /** Whether the server keeps the connection open after this response. */
  keepAlive: boolean;
}

export interface ParserEvents {
  head(head: ResponseHead): void;
  /** A piece of the body: a view of the socket's bytes, valid only during the call. */
  body(bytes: Uint8Array): void;
  /** The whole response has arrived; bytes after it (a pipelined answer we never asked for) are an error. */
  end(): void;
}

export class ProtocolError extends Error {}

const CR = 13;
const LF = 10;
const MAX_HEAD_BYTES = 64 * 1024;
const decoder = new TextDecoder("latin1");

type State = "head" | "fixed" | "chunk-size" | "chunk-data" | "chunk-data-end" | "trailers" | "until-close" | "done";

export class ResponseParser {
  private state: State = "head";
  private pending: Uint8Array | undefined;
  private remaining = 0;
  /** Whether any byte of a response arrived (a reused socket closed before one may be retried). */
  received = false;

  constructor(
    private readonly events: ParserEvents,
    private readonly bodyless: boolean,
  ) {}

  get done(): boolean {
    return this.state === "done";
  }

  /** Whether the body runs until the server closes the connection. */
  get readsUntilClose(): boolean {
    return this.state === "until-close";
  }

  feed(input: Uint8Array): void {
    this.received = true;
    const bytes = this.pending ? concat(this.pending, input) : input;
    this.pending = undefined;
    let offset = 0;
    while (offset < bytes.length) {
      switch (this.state) {
        case "head": {
          const end = indexOfBlankLine(bytes, offset);
          if (end === -1) {
            if (bytes.length - offset > MAX_HEAD_BYTES) throw new ProtocolError("response head too large");
            this.pending = bytes.slice(offset);
            return;
          }
          const text = decoder.decode(bytes.subarray(offset, end));
          offset = end + 4;
          this.readHead(text);
          break;
        }
        case "fixed": {
          const take = Math.min(this.remaining, bytes.length - offset);
          this.events.body(bytes.subarray(offset, offset + take));
          offset += take;
          this.remaining -= take;
          if (this.remaining === 0) this.finish();
          break;
        }
        case "until-close":
          this.events.body(bytes.subarray(offset));
          return;
        case "chunk-size":
        case "chunk-data-end":
        case "trailers": {
          const lineEnd = indexOfLineEnd(bytes, offset);
          if (lineEnd === -1) {
            if (bytes.length - offset > MAX_HEAD_BYTES) throw new ProtocolError("chunk line too long");
            this.pending = bytes.slice(offset);
            return;
          }
          const line = decoder.decode(bytes.subarray(offset, lineEnd));
          offset = lineEnd + 2;
          this.readChunkLine(line);
          break;
        }
        case "chunk-data": {
          const take = Math.min(this.remaining, bytes.length - offset);
          this.events.body(bytes.subarray(offset, offset + take));
          offset += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = "chunk-data-end";
          break;
        }
        case "done":
          throw new ProtocolError("bytes after the end of the response");
      }
    }
  }

  /** The server closed the connection: the end of a body read until close, else an error. */
  close(): boolean {
    if (this.state !== "until-close") return this.state === "done";
    this.finish();
    return true;
  }

  private readHead(text: string): void {
    const lines = text.split("\r\n");
    const match = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0] ?? "");
    if (!match) throw new ProtocolError("malformed status line");
    const status = Number(match[2]);
    const headers: Array<[string, string]> = [];
    let contentLength: number | undefined;
    let chunked = false;
    let close = match[1] === "0";
    for (let index = 1; index < lines.length; index++) {
      const line = lines[index]!;
      const colon = line.indexOf(":");
      if (colon <= 0) throw new ProtocolError("malformed header line");
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers.push([name, value]);
      if (name === "content-length") {
        if (!/^\d+$/.test(value) || (contentLength !== undefined && contentLength !== Number(value))) throw new ProtocolError("bad content-length");
        contentLength = Number(value);
      } else if (name === "transfer-encoding") chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
      else if (name === "connection") close = /(?:^|,)\s*close\s*(?:,|$)/i.test(value) ? true : match[1] === "0" ? !/keep-alive/i.test(value) : close;
    }
    // 1xx (100 Continue, 103 Early Hints): an interim head, the real one follows. 101 switches protocols: not ours.
    if (status >= 100 && status < 200) {
      if (status === 101) throw new ProtocolError("unexpected 101 Switching Protocols");
      return;
    }
    const bodyless = this.bodyless || status === 204 || status === 304;
    if (bodyless) this.state = "done";
    else if (chunked) this.state = "chunk-size";
    else if (contentLength !== undefined) this.state = contentLength === 0 ? "done" : "fixed";
    else {
      this.state = "until-close";
      close = true;
    }
    this.remaining = contentLength ?? 0;
    this.events.head({ status, statusText: match[3] ?? "", headers, keepAlive: !close });
    if (this.state === "done") this.events.end();
  }

  private readChunkLine(line: string): void {
    if (this.state === "chunk-data-end") {
      if (line !== "") throw new ProtocolError("missing CRLF after chunk data");
      this.state = "chunk-size";
      return;
    }
    if (this.state === "trailers") {
      // Trailer fields are read and dropped (as Bun's fetch does); a blank line ends the message.
      if (line === "") this.finish();
      return;
    }
    // chunk-size [ ; extensions ]
    const sizeText = line.split(";", 1)[0]!.trim();
    if (!/^[0-9a-fA-F]{1,12}$/.test(sizeText)) throw new ProtocolError("bad chunk size");
    const size = parseInt(sizeText, 16);
    if (size === 0) this.state = "trailers";
    else {
      this.remaining = size;
      this.state = "chunk-data";
    }
  }

  private finish(): void {
    this.state = "done";
    this.events.end();
  }
}

function indexOfBlankLine(bytes: Uint8Array, from: number): number {
  for (let index = bytes.indexOf(LF, from); index !== -1; index = bytes.indexOf(LF, index + 1)) {
    if (index >= 3 && bytes[index - 1] === CR && bytes[index - 2] === LF && bytes[index - 3] === CR && index - 3 >= from) return index - 3;
  }
  return -1;
}

function indexOfLineEnd(bytes: Uint8Array, from: number): number {
  const index = bytes.indexOf(LF, from);
  if (index === -1) return -1;
  if (index === from || bytes[index - 1] !== CR) throw new ProtocolError("bare LF in chunked framing");
  return index - 1;
}

function concat(first: Uint8Array, second: Uint8Array): Uint8Array {
  const joined = new Uint8Array(first.length + second.length);
  joined.set(first, 0);
  joined.set(second, first.length);
  return joined;
}
