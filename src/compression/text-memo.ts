import type { TransformKind } from "./compression-stats";

/**
 * What compressText made of a text lately, for the next request that sends the same text: coding
 * clients send the whole conversation again every turn (and the benchmark the same question), and
 * each text compresses to the same bytes every time (compressText is pure). A text is found by a
 * cheap fingerprint and then compared in full, so only the same text, in the same context, gets
 * the remembered result and the transforms it recorded. Bounded by entries and characters; past
 * either bound the memo starts again.
 */
export interface RememberedText {
  text: string;
  context: string;
  result: string;
  /** The transforms compressText recorded for it, in order: kind and characters saved. */
  transforms: ReadonlyArray<readonly [TransformKind, number]>;
}

const MAX_ENTRIES = 1024;
const MAX_CHARACTERS = 1024 * 1024;

const entries = new Map<string, RememberedText>();
let characters = 0;
let enabled = true;

const fingerprint = (text: string, context: string) => `${context}\u0000${text.length}\u0000${text.slice(0, 64)}\u0000${text.slice(-64)}`;

export function rememberedText(text: string, context: string): RememberedText | undefined {
  if (!enabled || entries.size === 0) return undefined;
  const entry = entries.get(fingerprint(text, context));
  return entry && entry.text === text && entry.context === context ? entry : undefined;
}

export function rememberText(entry: RememberedText): void {
  if (!enabled) return;
  const size = entry.text.length + entry.result.length;
  if (size > MAX_CHARACTERS / 8) return;
  if (entries.size >= MAX_ENTRIES || characters + size > MAX_CHARACTERS) forgetTexts();
  const key = fingerprint(entry.text, entry.context);
  const previous = entries.get(key);
  if (previous) characters -= previous.text.length + previous.result.length;
  entries.set(key, entry);
  characters += size;
}

/** Empties the memo (tests, and the bounds above). */
export function forgetTexts(): void {
  entries.clear();
  characters = 0;
}

/** Turns the memo off or on (tests compare compression with and without it). */
export function useTextMemo(on: boolean): void {
  enabled = on;
  forgetTexts();
}
