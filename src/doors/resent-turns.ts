import { isRecord } from "../chat/is-record";
import { CLOSE_BRACKET, COMMA } from "./json-depth";
import { byteOffset } from "./one-byte-json-text";
import type { KeptText, KeptTurns, ResentTurns, TurnText } from "./kept-text";

/**
 * An agent sends its whole conversation again every turn, with the last answer and the new tool
 * results or question appended: a 200 KB request is ~195 KB of turns the proxy parsed a moment ago.
 * For the last few large bodies of a door, this keeps each turn's parsed value and where its bytes
 * end; a new body whose bytes are the same from its first byte to the end of some of those turns
 * (compared natively, byte for byte) takes those turns' values as they are, and only the rest of
 * the body (its first bytes up to the turns, then everything after them) is parsed. JSON text
 * means the same wherever it stands, so an element's value depends only on its own bytes.
 *
 * The kept values are never handed to anything that could change them: the door's request is
 * built from them (the chat door's known-messages.ts copies each turn; the Anthropic door's
 * translation builds new objects and copies the blocks it keeps whole: anthropic/to-chat-messages.ts),
 * and before a body's values are kept, or when it used kept ones, the door's output (the chat
 * door's request; the Anthropic door's translated request, turns-kept-after.ts) is walked for any
 * object of a kept value (keepTurns); one found forgets every kept body. A kept body reads the
 * request's own buffer, which the route then does not free (release-body.ts). Memory is bounded,
 * for all doors together: MAX_KEPT_BODIES bodies and MAX_KEPT_CHARACTERS of bodies and kept texts
 * in all, each body at most KEPT_TEXT_FACTOR times its size in texts; over them, a door past its
 * share gives up its oldest body (evict), so one door cannot push out another's. A body that resends nearly all of a kept one, or all its turns but the last,
 * replaces it.
 */
export const MAX_KEPT_BODIES = 4;
/** Bodies' bytes and kept texts' characters in all; the parsed values are about as much again (~6 MiB at most). */
export const MAX_KEPT_CHARACTERS = 3 * 1024 * 1024;
const KEPT_TEXT_FACTOR = 3;
/** A body resending this share of a kept body's turns, or all of them but the last, replaces it. */
const REPLACING_SHARE = 0.9;
/** Fewer resent bytes than this: parsing them costs less than cutting them out. */
const MIN_RESENT_BYTES = 8 * 1024;

const kept: KeptTurns[] = [];
/** Every object of a kept turn's value: none may reach a door's output. */
let keptObjects = new WeakSet<object>();

/** The kept body of `door` whose turns this body begins with, most of them; undefined when none is worth it. */
export function resentTurns(door: string, bytes: Uint8Array): ResentTurns | undefined {
  if (kept.length === 0) return undefined;
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let best: KeptTurns | undefined;
  let bestCount = 0;
  for (const entry of kept) {
    if (entry.door !== door) continue;
    const count = sameTurns(body, entry);
    if (count > bestCount) {
      best = entry;
      bestCount = count;
    }
  }
  if (!best) return undefined;
  const end = best.ends[bestCount - 1]!;
  if (end - best.listStart < MIN_RESENT_BYTES) return undefined;
  return { entry: best, count: bestCount, removed: end + (body[end] === COMMA ? 1 : 0) - best.listStart };
}

/** How many of the entry's turns, and every byte before them, the body has the same. */
function sameTurns(body: Buffer, entry: KeptTurns): number {
  const { ends } = entry;
  const same = samePrefixLength(body, entry.bytes, Math.min(body.length, ends.at(-1)!));
  // Turns whose bytes up to their end are the same: ends[i] <= same.
  let count = 0;
  let high = ends.length;
  while (count < high) {
    const middle = (count + high) >> 1;
    if (ends[middle]! <= same) count = middle + 1;
    else high = middle;
  }
  // The cut needs this body's byte after the last turn to be a comma or the list's end; before it, the entry's comma is the same.
  while (count > 0 && body[ends[count - 1]!] !== COMMA && body[ends[count - 1]!] !== CLOSE_BRACKET) count--;
  return count;
}

/** The length of the bytes `a` and `b` share from the start, up to `limit`: native comparisons of halving ranges. */
export function samePrefixLength(a: Buffer, b: Buffer, limit: number): number {
  let low = 0;
  let high = Math.min(limit, a.length, b.length);
  if (a.compare(b, 0, high, 0, high) === 0) return high;
  // [0, low) is the same; the first difference lies in [low, high).
  while (high - low > 64) {
    const middle = (low + high) >>> 1;
    if (a.compare(b, low, middle, low, middle) === 0) low = middle;
    else high = middle;
  }
  while (low < high && a[low] === b[low]) low++;
  return low;
}

/**
 * The body parsed with the resent turns cut out and put back as kept: undefined when the rest
 * does not parse, or when the rest's `messages` could be another list than the one cut (a
 * repeated top-level key). The caller then parses the whole body, and refuses it in its words.
 * Fills `keep` with the rest's text and layout and the turns taken.
 */
export function parseResentBody(bytes: Uint8Array, resent: ResentTurns, keep: KeptText, parse: (bytes: Uint8Array, keep: KeptText) => unknown): unknown {
  const { entry, count, removed } = resent;
  const closes = removed === entry.ends[count - 1]! - entry.listStart;
  const rest = new Uint8Array(bytes.length - removed);
  rest.set(bytes.subarray(0, entry.listStart));
  rest.set(bytes.subarray(entry.listStart + removed), entry.listStart);
  const restKept: KeptText = {};
  let value: unknown;
  try {
    value = parse(rest, restKept);
  } catch {
    return undefined;
  }
  const { text, layout } = restKept;
  if (!text || !layout?.messages || !isRecord(value) || !Array.isArray(value.messages)) return undefined;
  let members = 0;
  for (const _key in value) members++;
  if (members !== layout.topColons) return undefined;
  // `[turns,` then the rest is JSON only when the rest's list has an element; `[turns` then `]` only when it has none.
  const starts = layout.messages.starts;
  if ((starts.length === 0) !== closes) return undefined;
  if (starts.length > 0 && byteOffset(restKept.shifts, starts[0]!) !== entry.listStart) return undefined;
  value.messages = entry.elements.slice(0, count).concat(value.messages as unknown[]);
  keep.text = text;
  keep.layout = layout;
  keep.shifts = restKept.shifts;
  keep.resent = resent;
  return value;
}

/** Each turn's text for the splice (remember-client-json.ts): the resent ones from the kept body. */
export function turnTexts(keep: KeptText): TurnText[] | undefined {
  const { text, layout, resent } = keep;
  const spans = layout?.messages;
  if (!text || !spans) return undefined;
  const texts: TurnText[] = [];
  if (resent) for (let index = 0; index < resent.count; index++) texts.push(resent.entry.texts[index]!);
  for (let index = 0; index < spans.starts.length; index++) texts.push({ text, start: spans.starts[index]!, end: spans.ends[index]!, colons: spans.colons[index]! });
  return texts;
}

/**
 * After the door validated the body: checks that its output (`request`) holds no object of a kept
 * turn, then keeps this body's turns for the next one. `texts` are the turns' texts (turnTexts).
 */
export function keepTurns(door: string, bytes: Uint8Array, keep: KeptText, body: unknown, request: unknown, texts: readonly TurnText[] | undefined): void {
  const { layout, resent } = keep;
  const elements = isRecord(body) && Array.isArray(body.messages) ? body.messages : undefined;
  const fresh = elements && texts && layout?.messages && texts.length === elements.length ? elements.slice(resent?.count ?? 0) : undefined;
  if (fresh) for (const element of fresh) markObjects(element);
  if (holdsKeptObject(request)) {
    forgetTurns();
    return;
  }
  if (!fresh || fresh.length === 0 || !elements || !texts || !layout?.messages) return;
  const spans = layout.messages;
  const shift = resent ? resent.removed : 0;
  const ends: number[] = resent ? resent.entry.ends.slice(0, resent.count) : [];
  for (const end of spans.ends) ends.push(byteOffset(keep.shifts, end) + shift);
  const listStart = resent ? resent.entry.listStart : byteOffset(keep.shifts, spans.starts[0]!);
  // A resent body's new turns get texts of their own: kept, the rest's whole text would stay with each turn.
  const keptTexts = resent ? [...texts.slice(0, resent.count), ...texts.slice(resent.count).map(ownText)] : texts;
  const cost = bytes.length + textCharacters(keptTexts);
  if (cost > (1 + KEPT_TEXT_FACTOR) * bytes.length || cost > MAX_KEPT_CHARACTERS) return;
  // A copy of the list: the body's own list could be held by the output (a schema passing it through) and changed.
  // The request's own bytes, not a copy (~50 µs on 200 KB, most of it collector pressure): release-body.ts leaves a kept buffer alone.
  const entry: KeptTurns = { door, bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), listStart, ends, elements: elements.slice(), texts: keptTexts, cost };
  // The body it resends nearly whole is this one's past (an agent's last turn): this one replaces it.
  // So does one it resends but for the last turn (two turns at least, not a shared first one): Claude Code moves its cache mark
  // off that turn every time, however large it is.
  // One that shares only its start (another session's system prompt) stays for its own session.
  if (resent && ((resent.count > 1 && resent.count >= resent.entry.ends.length - 1) || resent.removed >= REPLACING_SHARE * (resent.entry.ends.at(-1)! - resent.entry.listStart))) remove(resent.entry);
  kept.push(entry);
  let total = 0;
  for (const each of kept) total += each.cost;
  while (kept.length > MAX_KEPT_BODIES || total > MAX_KEPT_CHARACTERS) total -= evict().cost;
}

/**
 * Takes out the oldest body of a door holding more than its share (the bounds split evenly among
 * the doors with kept bodies; over the bounds, some door is), so a busy door (a chat client) can
 * push out only its own bodies and what it borrowed, never another door's (a Claude Code session's)
 * within that door's share. A door alone has the whole bounds.
 */
function evict(): KeptTurns {
  const held = new Map<string, { bodies: number; cost: number }>();
  for (const entry of kept) {
    const door = held.get(entry.door) ?? { bodies: 0, cost: 0 };
    door.bodies++;
    door.cost += entry.cost;
    held.set(entry.door, door);
  }
  const over = (door: string) => {
    const { bodies, cost } = held.get(door)!;
    return bodies * held.size > MAX_KEPT_BODIES || cost * held.size > MAX_KEPT_CHARACTERS;
  };
  const index = kept.findIndex((entry) => over(entry.door));
  return kept.splice(Math.max(0, index), 1)[0]!;
}

/** Whether a kept body reads this buffer: the route must not free it (release-body.ts), or the body would read zero bytes. */
export function keptBodyReads(buffer: ArrayBufferLike): boolean {
  for (const entry of kept) if (entry.bytes.buffer === buffer) return true;
  return false;
}

/** Forgets every kept body (a test's reset, or an output found holding a kept object). */
export function forgetTurns(): void {
  kept.length = 0;
  keptObjects = new WeakSet();
}

/** How many bodies are kept, and their cost (tests: memory stays bounded). */
export function keptTurnsSize(): { bodies: number; cost: number } {
  let cost = 0;
  for (const entry of kept) cost += entry.cost;
  return { bodies: kept.length, cost };
}

function remove(entry: KeptTurns): void {
  const index = kept.indexOf(entry);
  if (index >= 0) kept.splice(index, 1);
}

function markObjects(value: unknown): void {
  if (typeof value !== "object" || value === null) return;
  keptObjects.add(value);
  if (Array.isArray(value)) for (const item of value) markObjects(item);
  else for (const key in value) markObjects((value as Record<string, unknown>)[key]);
}

function holdsKeptObject(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (keptObjects.has(value)) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (holdsKeptObject(item)) return true;
    return false;
  }
  for (const key in value) if (holdsKeptObject((value as Record<string, unknown>)[key])) return true;
  return false;
}

/** The turn's slice as a text of its own (a copy: a slice of a string keeps the whole string). */
function ownText(turn: TurnText): TurnText {
  const text = Buffer.from(turn.text.substring(turn.start, turn.end), "latin1").toString("latin1");
  return { text, start: 0, end: text.length, colons: turn.colons };
}

/** The characters of the texts, each counted once per run of turns that share it. */
function textCharacters(texts: readonly TurnText[]): number {
  let characters = 0;
  let last: string | undefined;
  for (const turn of texts) {
    if (turn.text !== last) characters += turn.text.length;
    last = turn.text;
  }
  return characters;
}
