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

/** A Set of byte strings with the same long-string protection as KeyMap. */
export class KeySet {
  private readonly short = new Set<string>();
  private readonly long = new Map<string, string[]>();
  private longCount = 0;

  constructor(items?: Iterable<string>) {
    if (items) for (const s of items) this.add(s);
  }

  get size(): number {
    return this.short.size + this.longCount;
  }

  has(s: string): boolean {
    if (s.length <= MAX_HASHED_KEY_LENGTH) return this.short.has(s);
    return this.long.get(digest(s))?.includes(s) ?? false;
  }

  /** Adds `s`; true if it was not there. */
  add(s: string): boolean {
    if (s.length <= MAX_HASHED_KEY_LENGTH) {
      const before = this.short.size;
      this.short.add(s);
      return this.short.size !== before;
    }
    const d = digest(s);
    const slot = this.long.get(d);
    if (slot === undefined) this.long.set(d, [s]);
    else if (slot.includes(s)) return false;
    else slot.push(s);
    this.longCount++;
    return true;
  }

  /** Removes `s`; true if it was there. */
  delete(s: string): boolean {
    if (s.length <= MAX_HASHED_KEY_LENGTH) return this.short.delete(s);
    const d = digest(s);
    const slot = this.long.get(d);
    const i = slot ? slot.indexOf(s) : -1;
    if (i < 0) return false;
    slot!.splice(i, 1);
    if (slot!.length === 0) this.long.delete(d);
    this.longCount--;
    return true;
  }

  *values(): IterableIterator<string> {
    yield* this.short.values();
    for (const slot of this.long.values()) yield* slot;
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.values();
  }
}
