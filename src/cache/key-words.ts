/**
 * Encodes a request's values into 32-bit words, for hashing: a type tag per value, objects with
 * their fields in name order (null and undefined ones left out), numbers as their 64-bit float,
 * short strings (object keys, roles, names) as their UTF-16 code units two to a word, and a longer
 * string as its length and a 64-bit xxHash3 of its UTF-8 bytes: one native call that reads the
 * text once and copies nothing (a string holding a lone surrogate, which UTF-8 cannot carry, is
 * hashed as its UTF-16 code units instead). Every value carries its tag and length, so
 * no two structures encode alike, short of a 64-bit collision on a long string; the SHA-256
 * digest (request-key.ts) covers the long strings in full for that case.
 *
 * Why words and not text: building a canonical string of a 44 KB request means concatenating a
 * thousand pieces and flattening the result (~27 µs on the benchmark machine, as much as
 * JSON.stringify); walking the values into a reused word buffer and hashing long strings where
 * they lie takes about half of that (the name-order sort included) and allocates almost nothing.
 *
 * The buffer is one per process, reused by every call (the walk is synchronous); a request that
 * grew it past GROWN_LIMIT gives the memory back afterwards. Words are written little-endian, as
 * on every platform Bun runs on, so every instance computes the same words for the same request.
 */
const enum Tag {
  Null = 1,
  False = 2,
  True = 3,
  Number = 4,
  Short = 5,
  Long = 6,
  Array = 7,
  Object = 8,
  End = 9,
  LongUtf16 = 10,
  /** What the door read the model name as, beside the request (a tier hint); no JSON value has this tag. */
  Hint = 11,
}

/** Strings up to this many UTF-16 units go in as they are; longer ones as a hash. */
const SHORT_STRING = 32;
/**
 * The first word: a new encoding gets a new number, so its keys never meet the old ones. (3: the
 * Anthropic door's tier hint joined the key; answers stored under 2 may have been made for another
 * tier. 4: a null inside a JSON schema counts; under 3, `{"const": null}` keyed as `{}`. 5: the
 * digest takes a long text as its own SHA-256 (request-key.ts); an entry stored under 4 would
 * count as a digest mismatch, not a miss.)
 */
const FORMAT = 5;
/**
 * Fields whose value is a JSON Schema the client wrote (a function tool's `parameters`, a response
 * format's `schema`, an Anthropic tool's `input_schema`), sent upstream as it is: inside one, a
 * null is a value (`"const": null`, `"default": null`) and is encoded, not dropped.
 */
const SCHEMA_FIELDS = new Set(["parameters", "schema", "input_schema"]);
const INITIAL_BYTES = 64 * 1024;
const GROWN_LIMIT = 1024 * 1024;

export class KeyWords {
  private words = new Uint32Array(INITIAL_BYTES / 4);
  private numbers = new Float64Array(this.words.buffer);
  private hashes = new BigUint64Array(this.words.buffer);
  /** Next word to write. */
  private at = 0;
  /** The long strings of the current walk, in order, for the digest (as bytes when not well-formed UTF-16). */
  private texts: Array<string | Uint8Array> = [];
  /** One key list per nesting depth, reused by every object at that depth. */
  private readonly keyLists: string[][] = [];
  private depth = 0;

  /**
   * Encodes the object's own fields (those `include` accepts, with a value) and everything inside
   * them, every object's fields in name order. Returns a view of the shared buffer, valid until
   * the next call, and the long strings met on the way. A `hint` (what routes the request besides
   * its fields) goes first, under a tag no value has, so it never encodes like any request's field.
   */
  encodeTop(value: Record<string, unknown>, include: (field: string) => boolean, hint?: string): { bytes: Uint8Array; texts: Array<string | Uint8Array> } {
    this.at = 0;
    this.depth = 0;
    this.texts = [];
    this.words[this.at++] = FORMAT;
    if (hint !== undefined) {
      this.tag(Tag.Hint);
      this.text(hint);
    }
    this.tag(Tag.Object);
    for (const field of Object.keys(value).sort()) {
      const item = value[field];
      if (item === null || item === undefined || !include(field)) continue;
      this.text(field);
      this.value(item, SCHEMA_FIELDS.has(field));
    }
    this.tag(Tag.End);
    return { bytes: new Uint8Array(this.words.buffer, 0, this.at * 4), texts: this.texts };
  }

  /** Gives back a buffer a huge request grew; call once the bytes of the last walk are used. */
  release(): void {
    if (this.words.byteLength > GROWN_LIMIT) this.allocate(INITIAL_BYTES);
  }

  /** `keepNulls`: inside a JSON schema (SCHEMA_FIELDS), where a null field is not an absent one. */
  private value(value: unknown, keepNulls = false): void {
    switch (typeof value) {
      case "string":
        return this.text(value);
      case "number":
        this.reserve(4);
        this.words[this.at++] = Tag.Number;
        // A float is written at an even word; the skipped word is zeroed so the bytes never vary.
        if (this.at & 1) this.words[this.at++] = 0;
        this.numbers[this.at >> 1] = value;
        this.at += 2;
        return;
      case "boolean":
        return this.tag(value ? Tag.True : Tag.False);
      case "object": {
        if (value === null) return this.tag(Tag.Null);
        if (Array.isArray(value)) {
          this.tag(Tag.Array);
          for (const item of value) this.value(item, keepNulls);
          return this.tag(Tag.End);
        }
        this.tag(Tag.Object);
        const record = value as Record<string, unknown>;
        const keys = this.sortedKeys(record, keepNulls);
        for (let index = 0; index < keys.length; index++) {
          const key = keys[index]!;
          this.text(key);
          this.value(record[key], keepNulls || SCHEMA_FIELDS.has(key));
        }
        this.depth--;
        return this.tag(Tag.End);
      }
      default:
        // Functions, symbols and bigints cannot come out of JSON.
        return this.tag(Tag.Null);
    }
  }

  /**
   * The object's keys with a value (an absent field, null and undefined are the same request; in a
   * JSON schema, `keepNulls`, only absent and undefined), in
   * code-unit order: the doors build the same object in different orders (the chat schema puts a
   * tool turn's `content` before `tool_call_id`, the Anthropic door after), and it is the same
   * request. An insertion sort into an array reused per depth: objects have a handful of keys, and
   * Object.keys().sort() on each costs more than the rest of the walk.
   */
  private sortedKeys(record: Record<string, unknown>, keepNulls: boolean): string[] {
    const keys = (this.keyLists[this.depth++] ??= []);
    keys.length = 0;
    for (const key in record) {
      const item = record[key];
      if (item === undefined || (item === null && !keepNulls)) continue;
      let at = keys.length;
      while (at > 0 && keys[at - 1]! > key) {
        keys[at] = keys[at - 1]!;
        at--;
      }
      keys[at] = key;
    }
    return keys;
  }

  private text(value: string): void {
    const length = value.length;
    if (length <= SHORT_STRING) {
      this.reserve(3 + (length >> 1));
      const words = this.words;
      let at = this.at;
      words[at++] = Tag.Short;
      words[at++] = length;
      let index = 0;
      for (; index + 1 < length; index += 2) words[at++] = value.charCodeAt(index) | (value.charCodeAt(index + 1) << 16);
      if (index < length) words[at++] = value.charCodeAt(index);
      this.at = at;
      return;
    }
    // Native hashing reads a string as UTF-8, where every lone surrogate becomes U+FFFD: such a
    // string (rare, but JSON can carry one) is hashed as its UTF-16 code units, so it stays itself.
    const wellFormed = value.isWellFormed();
    const text = wellFormed ? value : Buffer.from(value, "utf16le");
    this.reserve(5);
    this.words[this.at++] = wellFormed ? Tag.Long : Tag.LongUtf16;
    this.words[this.at++] = length;
    if (this.at & 1) this.words[this.at++] = 0;
    this.hashes[this.at >> 1] = Bun.hash.xxHash3(text);
    this.at += 2;
    this.texts.push(text);
  }

  private tag(tag: Tag): void {
    this.reserve(1);
    this.words[this.at++] = tag;
  }

  private reserve(words: number): void {
    if (this.at + words <= this.words.length) return;
    const previous = this.words;
    this.allocate(Math.max(previous.byteLength * 2, (this.at + words) * 8));
    this.words.set(previous.subarray(0, this.at));
  }

  private allocate(bytes: number): void {
    this.words = new Uint32Array(bytes / 4);
    this.numbers = new Float64Array(this.words.buffer);
    this.hashes = new BigUint64Array(this.words.buffer);
  }
}
