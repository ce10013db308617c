/**
 * The oldest key of a Map (insertion order), for dropping entries past a bound. `map.keys().next()`
 * starts from the table's first slot each time, and JavaScriptCore leaves a deleted entry's slot
 * there until the table is rebuilt, so a map held at its bound (one insert, one drop, every time)
 * walks every slot dropped since: ~19 µs a drop at 100,000 keys and ~27 µs at 200,000 (KeyIndex's
 * bound), against ~0.6 µs with one iterator kept across calls, which goes on from where it stopped.
 *
 * Every key this returns must be deleted by the caller before the next call: then everything before
 * the iterator is gone (a key set again goes to the end, past it), and its next key is the oldest.
 */
export class OldestKeys<K> {
  private cursor: Iterator<K> | undefined;

  constructor(private readonly map: Map<K, unknown>) {}

  /** The oldest key, which the caller deletes now; undefined when the map is empty. */
  next(): K | undefined {
    let step = this.cursor?.next();
    // A finished iterator stays finished, whatever is added later: start again from the first slot.
    if (!step || step.done) {
      this.cursor = this.map.keys();
      step = this.cursor.next();
    }
    return step.done ? undefined : step.value;
  }
}
