import type { BodyLayout } from "./body-layout";
import type { TextShifts } from "./one-byte-json-text";

/**
 * Filled, when the caller passes one, with the ASCII text the body was parsed from and where its
 * `messages` and `tools` elements lie in it (body-layout.ts); left empty for a body whose text is
 * not ASCII (many non-ASCII characters, decoded as sent).
 */
export interface KeptText {
  text?: string;
  layout?: BodyLayout;
  /** Where the text's escapes make it longer than the body (one-byte-json-text.ts), to find an element's bytes. */
  shifts?: TextShifts;
  /**
   * Set by the caller: the door whose earlier large bodies may lend this one the parsed turns of a
   * byte-identical start (resent-turns.ts). Then `resent` says which were taken, and `text` and
   * `layout` are those of the rest of the body, parsed alone.
   */
  door?: string;
  resent?: ResentTurns;
}

export interface TurnText {
  /** The text the turn was parsed from (ASCII: non-ASCII as escapes), and where the turn lies in it. */
  text: string;
  start: number;
  end: number;
  /** Object members in the slice, duplicates included (body-layout.ts), or -1. */
  colons: number;
}

/** A kept body of a door: its turns' values and where their bytes end (resent-turns.ts). */
export interface KeptTurns {
  door: string;
  bytes: Buffer;
  /** The byte right after the `[` of the body's `messages`. */
  listStart: number;
  /** Each turn's end: the byte of the `,` or `]` after it. */
  ends: number[];
  elements: readonly unknown[];
  texts: readonly TurnText[];
  /** The body's bytes and its texts' characters. */
  cost: number;
}

export interface ResentTurns {
  entry: KeptTurns;
  /** The first `count` turns of `entry` are this body's first turns, byte for byte. */
  count: number;
  /** Bytes cut from the body: those turns and the comma after them. */
  removed: number;
}
