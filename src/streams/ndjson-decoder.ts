/**
 * Bytes of newline-delimited JSON → one parsed value per line. Lines may be split across chunks
 * (and multi-byte characters across chunk boundaries); blank lines are skipped; `\r\n` is accepted.
 * A line that is not JSON does not throw: it becomes an `NdjsonInvalidLine` value, so the
 * transformer downstream can turn it into an error chunk with the offending text.
 */
const invalidLineMarker = Symbol("ndjson.invalid-line");

export interface NdjsonInvalidLine {
  readonly [invalidLineMarker]: true;
  /** The raw line, cut to a readable length. */
  readonly line: string;
  readonly reason: string;
}

const maxKeptLineChars = 500;

export function isNdjsonInvalidLine(value: unknown): value is NdjsonInvalidLine {
  return typeof value === "object" && value !== null && invalidLineMarker in value;
}

export function createNdjsonDecoder(): TransformStream<Uint8Array, unknown> {
  const decoder = new TextDecoder();
  let pending = "";

  const emit = (line: string, controller: TransformStreamDefaultController<unknown>) => {
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (text.trim() === "") return;
    try {
      controller.enqueue(JSON.parse(text) as unknown);
    } catch (error) {
      const invalid: NdjsonInvalidLine = {
        [invalidLineMarker]: true,
        line: text.length > maxKeptLineChars ? `${text.slice(0, maxKeptLineChars)}…` : text,
        reason: error instanceof Error ? error.message : String(error),
      };
      controller.enqueue(invalid);
    }
  };

  return new TransformStream({
    transform(bytes, controller) {
      pending += decoder.decode(bytes, { stream: true });
      // Walk with an index rather than re-slicing `pending` per line (quadratic on big chunks).
      let start = 0;
      let newline = pending.indexOf("\n", start);
      while (newline !== -1) {
        emit(pending.slice(start, newline), controller);
        start = newline + 1;
        newline = pending.indexOf("\n", start);
      }
      pending = pending.slice(start);
    },
    flush(controller) {
      pending += decoder.decode();
      emit(pending, controller);
      pending = "";
    },
  });
}
