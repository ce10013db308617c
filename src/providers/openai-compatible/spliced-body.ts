import { type ClientJson, unchangedClientJson } from "../../chat/client-json";

/**
 * The upstream chat body as JSON.stringify(body) would send it, except that each element of
 * `messages` and `tools` that still holds what the client sent (chat/client-json.ts) is the
 * client's own text, copied: a 200 KB agent request is otherwise serialised whole (JSON.stringify)
 * and the result encoded again (fetch's UTF-8 copy), each pass in fresh memory. The rest (the
 * top-level fields in their order, the model, stream_options, changed or new elements) is
 * JSON.stringify's. Bytes when anything was taken from the client's text, else the string as before.
 * The value the upstream parses is the same; the member order inside a copied element, its
 * whitespace and its escapes are the client's.
 *
 * `transient`: the caller hands the bytes to something that copies them before it returns (Bun's
 * own fetch does: tests/providers/fetch-copies-body.test.ts), so they may be a view of a buffer
 * kept for the next call, valid only until then: a 200 KB body otherwise costs a new 200 KB
 * buffer per request, written in fresh memory (in the proxy's profile that write cost ~0.6 ms a
 * request against ~2 µs in a loop: bench/PROFILE.md) and counted towards the next collection.
 */
export function upstreamBody(body: Record<string, unknown>, transient = false): string | Uint8Array {
  const messages = clientElements(body.messages);
  const tools = clientElements(body.tools);
  if (!messages && !tools) return JSON.stringify(body);
  const pieces: Array<string | ClientText> = [];
  let pending = "{";
  let first = true;
  for (const key of Object.keys(body)) {
    const value = body[key];
    const elements = key === "messages" ? messages : key === "tools" ? tools : undefined;
    if (elements) {
      pending += `${first ? "" : ","}${JSON.stringify(key)}:[`;
      const list = value as unknown[];
      for (let index = 0; index < list.length; index++) {
        if (index > 0) pending += ",";
        const client = elements[index];
        if (client) {
          const last = pieces.at(-1);
          // The element right after the last one copied, in the same text: one copy of both and the comma between.
          if (pending === "," && typeof last === "object" && last.text === client.text && last.end + 1 === client.start && client.text.charCodeAt(last.end) === COMMA) {
            last.end = client.end;
          } else {
            pieces.push(pending, { text: client.text, start: client.start, end: client.end });
          }
          pending = "";
        } else {
          pending += JSON.stringify(list[index]) ?? "null";
        }
      }
      pending += "]";
    } else {
      const json = JSON.stringify(value);
      if (json === undefined) continue;
      pending += `${first ? "" : ","}${JSON.stringify(key)}:${json}`;
    }
    first = false;
  }
  pieces.push(`${pending}}`);
  return written(pieces, transient);
}

/** Each element's unchanged client text (or undefined), or undefined when there is none at all. */
function clientElements(list: unknown): Array<ClientJson | undefined> | undefined {
  if (!Array.isArray(list)) return undefined;
  let found: Array<ClientJson | undefined> | undefined;
  for (let index = 0; index < list.length; index++) {
    const client = unchangedClientJson(list[index]);
    if (client) (found ??= new Array(list.length))[index] = client;
  }
  return found;
}

/** A stretch of the client's text to copy: one element, or several in a row with the commas between them. */
interface ClientText {
  text: string;
  start: number;
  end: number;
}

const COMMA = 44;

function written(pieces: ReadonlyArray<string | ClientText>, transient: boolean): Uint8Array {
  let length = 0;
  for (const piece of pieces) length += typeof piece === "string" ? Buffer.byteLength(piece, "utf8") : piece.end - piece.start;
  const out = transient && length <= KEPT_BYTES ? keptBuffer(length) : Buffer.allocUnsafe(length);
  let at = 0;
  // The client's text is ASCII: latin1 is a plain copy of its characters.
  for (const piece of pieces) at += typeof piece === "string" ? out.write(piece, at, "utf8") : out.write(piece.text.substring(piece.start, piece.end), at, "latin1");
  return out.length === length ? out : out.subarray(0, length);
}

/** The buffer transient bodies are written into, grown as needed up to KEPT_BYTES; a larger body gets its own. */
let kept: Buffer | undefined;
const KEPT_BYTES = 1024 * 1024;

function keptBuffer(length: number): Buffer {
  if (!kept || kept.length < length) kept = Buffer.allocUnsafeSlow(Math.max(length, 64 * 1024));
  return kept;
}
