// A Map keyed by byte strings that stays O(1) for long keys.
//
// V8 hashes a string from at most its first 16,383 chars; a longer string gets a hash derived
// from its length alone, so many long keys of equal length all collide and a plain Map
// degrades to a linear scan — a client could slow everyone down that way. Keys up to that
// length go in a plain Map; longer ones are filed under a SHA-256 digest of their bytes
// (a short string V8 hashes properly), each slot verified against the full key.

import { createHash } from 'node:crypto';

/** V8's String::kMaxHashCalcLength. */
export const MAX_HASHED_KEY_LENGTH = 16383;

type Slot<V> = [key: string, value: V];

function digest(key: string): string {
  return createHash('sha256').update(key, 'latin1').digest('base64');
}

export class KeyMap<V> {
  private readonly short = new Map<string, V>();
  /** digest -> the long keys with that digest (one, short of a SHA-256 collision). */
  private readonly long = new Map<string, Slot<V>[]>();
  private longCount = 0;

  get size(): number {
    return this.short.size + this.longCount;
  }

  get(key: string): V | undefined {
    if (key.length <= MAX_HASHED_KEY_LENGTH) return this.short.get(key);
    const slots = this.long.get(digest(key));
    if (slots === undefined) return undefined;
    for (const s of slots) if (s[0] === key) return s[1];
    return undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, value: V): void {
    if (key.length <= MAX_HASHED_KEY_LENGTH) {
      this.short.set(key, value);
      return;
    }
    const d = digest(key);
    const slots = this.long.get(d);
    if (slots === undefined) {
      this.long.set(d, [[key, value]]);
      this.longCount++;
      return;
    }
    for (const s of slots) {
      if (s[0] === key) {
        s[1] = value;
        return;
      }
    }
    slots.push([key, value]);
    this.longCount++;
  }

  delete(key: string): boolean {
    if (key.length <= MAX_HASHED_KEY_LENGTH) return this.short.delete(key);
    const d = digest(key);
    const slots = this.long.get(d);
    if (slots === undefined) return false;
    const i = slots.findIndex((s) => s[0] === key);
    if (i < 0) return false;
    slots.splice(i, 1);
    if (slots.length === 0) this.long.delete(d);
    this.longCount--;
    return true;
  }

  *values(): IterableIterator<V> {
    yield* this.short.values();
    for (const slots of this.long.values()) for (const s of slots) yield s[1];
  }

  *entries(): IterableIterator<[string, V]> {
    yield* this.short.entries();
    for (const slots of this.long.values()) for (const s of slots) yield [s[0], s[1]];
  }
}
