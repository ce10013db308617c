/**
 * Exact duplicates: a tool result or pasted text that repeats, byte for byte, one the model has
 * already seen earlier in the same conversation is replaced by a short reference to that copy.
 *
 * The reference names the earlier copy the way the model can see it: by the tool call that
 * produced it (`Read {"file_path":"src/a.ts"}`), by Cline's result header, or by its first line.
 * It is written only when that name is unambiguous: every earlier text the name could point at
 * holds the same content. (Read a file, edit it, read it again: the second read differs, so a
 * third read identical to the first is left in full, since "the earlier result of Read a.ts"
 * could mean either.) Only the later copy is ever replaced, and the decision for a text depends
 * on it and the texts before it, never on what follows: appending a turn changes nothing earlier.
 */

const MIN_CHARACTERS = 320;
const MAX_LABEL = 160;
const REFERENCE = /^\[Repeated (?:output|text) omitted: identical to the earlier /;

export type LabelKind = "call" | "header" | "first-line";

export interface Label {
  kind: LabelKind;
  display: string;
  callId?: string;
}

export interface DuplicateUnit {
  /** The text as it will be sent (after normalisation), all of a tool result or one text part. */
  text: string;
  /** Names by which the model can find this text later, most precise first; asked only when needed. */
  labels(): Label[];
  /** Whether this text may be replaced by a reference (tool results and user text, not system or assistant turns). */
  replaceable: boolean;
}

const truncate = (value: string, limit: number) => (value.length > limit ? `${value.slice(0, limit)}…` : value);

export function callLabel(name: string, argumentsText: string, callId: string): Label {
  return { kind: "call", display: truncate(`${name} ${argumentsText}`, MAX_LABEL), callId };
}

export function headerLabel(header: string): Label {
  return { kind: "header", display: truncate(header.trim(), MAX_LABEL) };
}

/** The first non-empty line, when it is long enough to pick a text out. */
export function firstLineLabel(text: string): Label | undefined {
  const match = /^[ \t]*(\S[^\n]*)/m.exec(text.slice(0, 2000));
  const line = match?.[1]?.trimEnd();
  if (!line || line.length < 12) return undefined;
  return { kind: "first-line", display: truncate(line.replaceAll('"', "'"), 100) };
}

/** 1412 → "1,412" (toLocaleString costs a microsecond a call). */
export const withThousands = (value: number) => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

function countLines(text: string): number {
  let count = 1;
  for (let position = text.indexOf("\n"); position !== -1; position = text.indexOf("\n", position + 1)) count += 1;
  return count;
}

function referenceTo(label: Label, text: string): string {
  const lines = withThousands(countLines(text));
  if (label.kind === "call") return `[Repeated output omitted: identical to the earlier result of ${label.display} (tool call ${label.callId}) above, ${lines} lines.]`;
  if (label.kind === "header") return `[Repeated output omitted: identical to the earlier result after "${label.display}" above, ${lines} lines.]`;
  return `[Repeated text omitted: identical to the earlier text above that begins "${label.display}", ${lines} lines.]`;
}

const labelKey = (label: Label) => `${label.kind}\u0000${label.display}`;

/** A cheap key for long texts, so a conversation's texts are never hashed whole; equality is checked with ===. */
const fingerprint = (text: string) => `${text.length}\u0000${text.slice(0, 64)}\u0000${text.slice(-64)}`;

interface Seen {
  unit: DuplicateUnit;
  labels?: Label[];
}

const labelsOf = (seen: Seen) => (seen.labels ??= seen.unit.labels());

export class DuplicateIndex {
  private readonly seen: Seen[] = [];
  /** Fingerprint → positions in `seen` of long texts kept in full. */
  private readonly kept = new Map<string, number[]>();
  /** Label → the one content it names, or null once it names two; built the first time a duplicate shows up. */
  private readonly named = new Map<string, string | null>();
  private namedUpTo = 0;

  /** The text to send for `unit`: itself, or a reference to an earlier identical copy. Registers the unit. */
  resolve(unit: DuplicateUnit): string {
    const long = unit.text.length >= MIN_CHARACTERS;
    const key = long ? fingerprint(unit.text) : "";
    const replacement = long && unit.replaceable ? this.replacementFor(unit.text, key) : undefined;
    this.seen.push({ unit });
    if (long && replacement === undefined) {
      const positions = this.kept.get(key);
      if (positions) positions.push(this.seen.length - 1);
      else this.kept.set(key, [this.seen.length - 1]);
    }
    return replacement ?? unit.text;
  }

  private replacementFor(text: string, key: string): string | undefined {
    const positions = this.kept.get(key);
    if (!positions || REFERENCE.test(text)) return undefined;
    for (const position of positions) {
      const copy = this.seen[position]!;
      if (copy.unit.text !== text) continue;
      const target = labelsOf(copy).find((label) => this.namesOnly(label, text));
      if (!target) continue;
      const reference = referenceTo(target, text);
      return reference.length * 2 <= text.length ? reference : undefined;
    }
    return undefined;
  }

  /** Whether every earlier text answering to `label` holds `text` (replaced copies count as what they stand for). */
  private namesOnly(label: Label, text: string): boolean {
    for (; this.namedUpTo < this.seen.length; this.namedUpTo++) {
      const earlier = this.seen[this.namedUpTo]!;
      for (const name of labelsOf(earlier)) {
        const key = labelKey(name);
        const current = this.named.get(key);
        if (current === undefined) this.named.set(key, earlier.unit.text);
        else if (current !== null && current !== earlier.unit.text) this.named.set(key, null);
      }
    }
    return this.named.get(labelKey(label)) === text;
  }
}
