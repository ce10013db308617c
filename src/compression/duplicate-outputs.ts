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
  /** Names by which the model can find this text later, most precise first. */
  labels: Label[];
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

function reference(label: Label, text: string): string {
  const lines = text.split("\n").length.toLocaleString("en-US");
  if (label.kind === "call") return `[Repeated output omitted: identical to the earlier result of ${label.display} (tool call ${label.callId}) above, ${lines} lines.]`;
  if (label.kind === "header") return `[Repeated output omitted: identical to the earlier result after "${label.display}" above, ${lines} lines.]`;
  return `[Repeated text omitted: identical to the earlier text above that begins "${label.display}", ${lines} lines.]`;
}

const labelKey = (label: Label) => `${label.kind}\u0000${label.display}`;

export class DuplicateIndex {
  /** Content → labels of the copies kept in full, in conversation order. */
  private readonly kept = new Map<string, Label[]>();
  /** Label → the one content it names so far, or null once it names two different ones. */
  private readonly named = new Map<string, string | null>();

  /** The text to send for `unit`: itself, or a reference to an earlier identical copy. Registers the unit. */
  resolve(unit: DuplicateUnit): string {
    const replacement = this.replacementFor(unit);
    for (const label of unit.labels) this.name(label, unit.text);
    // A text starting with a first line also answers to that first line, even when a call names it.
    if (replacement === undefined) {
      const labels = this.kept.get(unit.text);
      if (labels) labels.push(...unit.labels);
      else this.kept.set(unit.text, [...unit.labels]);
    }
    return replacement ?? unit.text;
  }

  private replacementFor(unit: DuplicateUnit): string | undefined {
    if (!unit.replaceable || unit.text.length < MIN_CHARACTERS || REFERENCE.test(unit.text)) return undefined;
    const labels = this.kept.get(unit.text);
    if (!labels) return undefined;
    const target = labels.find((label) => this.named.get(labelKey(label)) === unit.text);
    if (!target) return undefined;
    const text = reference(target, unit.text);
    return text.length * 2 <= unit.text.length ? text : undefined;
  }

  private name(label: Label, text: string): void {
    const key = labelKey(label);
    const current = this.named.get(key);
    if (current === undefined) this.named.set(key, text);
    else if (current !== null && current !== text) this.named.set(key, null);
  }
}
