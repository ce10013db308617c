/**
 * Reads a proxy's SSE response block by block (a block ends with a blank line), so tests can look
 * at each event as it arrives, comments (`: keep-alive`) included, without the SDK in the way.
 */
export interface SseBlock {
  /** The block's raw text without the trailing blank line, e.g. `data: {...}` or `: keep-alive`. */
  raw: string;
  /** The `data:` payload, parsed when it is JSON; undefined for comments. */
  data?: unknown;
}

export class SseReader {
  private readonly reader: { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(reason?: unknown): Promise<void> };
  private readonly decoder = new TextDecoder();
  private buffer = "";

  constructor(response: Response) {
    if (!response.body) throw new Error("the response has no body");
    this.reader = response.body.getReader();
  }

  /** The next block, or undefined at the end of the stream. */
  async next(): Promise<SseBlock | undefined> {
    for (;;) {
      const end = this.buffer.indexOf("\n\n");
      if (end >= 0) {
        const raw = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        return { raw, data: parseData(raw) };
      }
      const { done, value } = await this.reader.read();
      if (done) return undefined;
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  /** The next block that carries data (skipping comments). */
  async nextData(): Promise<SseBlock | undefined> {
    for (;;) {
      const block = await this.next();
      if (!block || block.data !== undefined) return block;
    }
  }

  /** Every remaining block. */
  async rest(): Promise<SseBlock[]> {
    const blocks: SseBlock[] = [];
    for (let block = await this.next(); block; block = await this.next()) blocks.push(block);
    return blocks;
  }

  cancel(): Promise<void> {
    return this.reader.cancel();
  }
}

function parseData(raw: string): unknown {
  const lines = raw.split("\n").filter((line) => line.startsWith("data:"));
  if (lines.length === 0) return undefined;
  const text = lines.map((line) => line.slice(5).trimStart()).join("\n");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
