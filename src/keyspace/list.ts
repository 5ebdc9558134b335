// The list value: a deque of byte strings (latin1 JS strings) in a growable ring buffer.
// Push and pop at both ends are O(1) amortised, access by index is O(1); an insertion or
// removal in the middle moves the elements of the shorter side. The buffer's capacity is a
// power of two (positions wrap with a mask); it doubles when full and halves once a quarter
// or less is used, so a list that shrank gives its memory back.
//
// Redis 7.0 holds every list as a quicklist (a linked list of listpack nodes sized by
// list-max-listpack-size): OBJECT ENCODING always answers "quicklist" for a list in 7.0 —
// the listpack-encoded small list only appeared in 7.2. No protocol or I/O here.

import type { CollectionValue } from './types.js';

const MIN_CAPACITY = 4;

export class ListValue implements CollectionValue {
  readonly type = 'list' as const;
  /** Slots; unused ones hold '' so the array stays packed and keeps no stale references. */
  private buf: string[];
  private mask: number;
  private head = 0;
  private len = 0;

  constructor(capacity = MIN_CAPACITY) {
    let cap = MIN_CAPACITY;
    while (cap < capacity) cap *= 2;
    this.buf = new Array<string>(cap).fill('');
    this.mask = cap - 1;
  }

  /** A list holding `items`, head first. */
  static from(items: Iterable<string>): ListValue {
    const arr = Array.isArray(items) ? (items as string[]) : [...items];
    const l = new ListValue(arr.length);
    for (let i = 0; i < arr.length; i++) l.buf[i] = arr[i]!;
    l.len = arr.length;
    return l;
  }

  get length(): number {
    return this.len;
  }

  /** The element at `index` (0 = head); the caller keeps 0 <= index < length. */
  at(index: number): string {
    return this.buf[(this.head + index) & this.mask]!;
  }

  /** Replaces the element at `index` (0 <= index < length). */
  set(index: number, value: string): void {
    this.buf[(this.head + index) & this.mask] = value;
  }

  pushBack(value: string): void {
    if (this.len === this.buf.length) this.resize(this.buf.length * 2);
    this.buf[(this.head + this.len) & this.mask] = value;
    this.len++;
  }

  pushFront(value: string): void {
    if (this.len === this.buf.length) this.resize(this.buf.length * 2);
    this.head = (this.head - 1) & this.mask;
    this.buf[this.head] = value;
    this.len++;
  }

  /** Removes and returns the head, undefined when empty. */
  popFront(): string | undefined {
    if (this.len === 0) return undefined;
    const v = this.buf[this.head]!;
    this.buf[this.head] = '';
    this.head = (this.head + 1) & this.mask;
    this.len--;
    this.maybeShrink();
    return v;
  }

  /** Removes and returns the tail, undefined when empty. */
  popBack(): string | undefined {
    if (this.len === 0) return undefined;
    const i = (this.head + this.len - 1) & this.mask;
    const v = this.buf[i]!;
    this.buf[i] = '';
    this.len--;
    this.maybeShrink();
    return v;
  }

  /** The first index holding `value` from the head, or -1. */
  indexOf(value: string): number {
    for (let i = 0; i < this.len; i++) if (this.at(i) === value) return i;
    return -1;
  }

  /** Inserts `value` so that it ends up at `index` (0 <= index <= length). */
  insertAt(index: number, value: string): void {
    if (index === 0) return this.pushFront(value);
    if (index === this.len) return this.pushBack(value);
    if (this.len === this.buf.length) this.resize(this.buf.length * 2);
    const buf = this.buf;
    const mask = this.mask;
    if (index < this.len / 2) {
      // Move the front part one slot towards the head.
      this.head = (this.head - 1) & mask;
      for (let i = 0; i < index; i++) buf[(this.head + i) & mask] = buf[(this.head + i + 1) & mask]!;
    } else {
      for (let i = this.len; i > index; i--) buf[(this.head + i) & mask] = buf[(this.head + i - 1) & mask]!;
    }
    buf[(this.head + index) & mask] = value;
    this.len++;
  }

  /** Removes the element at `index` (0 <= index < length) and returns it. */
  removeAt(index: number): string {
    const buf = this.buf;
    const mask = this.mask;
    const v = buf[(this.head + index) & mask]!;
    if (index < this.len / 2) {
      for (let i = index; i > 0; i--) buf[(this.head + i) & mask] = buf[(this.head + i - 1) & mask]!;
      buf[this.head] = '';
      this.head = (this.head + 1) & mask;
    } else {
      for (let i = index; i < this.len - 1; i++) buf[(this.head + i) & mask] = buf[(this.head + i + 1) & mask]!;
      buf[(this.head + this.len - 1) & mask] = '';
    }
    this.len--;
    this.maybeShrink();
    return v;
  }

  /**
   * Removes elements equal to `value` (LREM): up to `limit` of them (0 = all) scanning from
   * the head, or from the tail when `fromTail`. Returns how many were removed. O(n), one pass.
   */
  removeValue(value: string, limit: number, fromTail: boolean): number {
    const buf = this.buf;
    const mask = this.mask;
    const n = this.len;
    let removed = 0;
    if (!fromTail) {
      let w = 0;
      for (let r = 0; r < n; r++) {
        const v = buf[(this.head + r) & mask]!;
        if (v === value && (limit === 0 || removed < limit)) removed++;
        else {
          if (w !== r) buf[(this.head + w) & mask] = v;
          w++;
        }
      }
      for (let i = w; i < n; i++) buf[(this.head + i) & mask] = '';
    } else {
      let w = n - 1;
      for (let r = n - 1; r >= 0; r--) {
        const v = buf[(this.head + r) & mask]!;
        if (v === value && (limit === 0 || removed < limit)) removed++;
        else {
          if (w !== r) buf[(this.head + w) & mask] = v;
          w--;
        }
      }
      for (let i = 0; i <= w; i++) buf[(this.head + i) & mask] = '';
      this.head = (this.head + removed) & mask;
    }
    this.len -= removed;
    this.maybeShrink();
    return removed;
  }

  /** Drops `n` elements (0 <= n <= length) from the head. */
  dropFront(n: number): void {
    for (let i = 0; i < n; i++) this.buf[(this.head + i) & this.mask] = '';
    this.head = (this.head + n) & this.mask;
    this.len -= n;
    this.maybeShrink();
  }

  /** Drops `n` elements (0 <= n <= length) from the tail. */
  dropBack(n: number): void {
    for (let i = this.len - n; i < this.len; i++) this.buf[(this.head + i) & this.mask] = '';
    this.len -= n;
    this.maybeShrink();
  }

  /** The elements from `start` to `stop` inclusive (0 <= start, stop < length), head first. */
  slice(start: number, stop: number): string[] {
    const out: string[] = [];
    for (let i = start; i <= stop; i++) out.push(this.at(i));
    return out;
  }

  /** The elements head to tail (DEBUG DIGEST mixes them in this order). */
  *items(): IterableIterator<string> {
    for (let i = 0; i < this.len; i++) yield this.at(i);
  }

  toArray(): string[] {
    return this.len === 0 ? [] : this.slice(0, this.len - 1);
  }

  clone(): ListValue {
    const l = new ListValue(this.len);
    for (let i = 0; i < this.len; i++) l.buf[i] = this.at(i);
    l.len = this.len;
    return l;
  }

  /** OBJECT ENCODING: Redis 7.0 stores every list as a quicklist. */
  encoding(): string {
    return 'quicklist';
  }

  /**
   * MEMORY USAGE in our representation: this object, the slot array, and the element
   * strings (one-byte V8 strings: 16-byte header, 8-byte aligned), extrapolated from the
   * first `samples` elements (0 = all).
   */
  memoryUsage(samples: number): number {
    const OBJECT = 6 * 8;
    const ARRAY = 6 * 8 + this.buf.length * 8;
    const n = samples > 0 ? Math.min(samples, this.len) : this.len;
    let strings = 0;
    for (let i = 0; i < n; i++) strings += (16 + this.at(i).length + 7) & ~7;
    return OBJECT + ARRAY + (n === 0 ? 0 : (strings / n) * this.len);
  }

  private maybeShrink(): void {
    let cap = this.buf.length;
    if (cap <= 64 || this.len > cap / 4) return;
    while (cap > 64 && this.len <= cap / 4) cap /= 2;
    this.resize(cap);
  }

  /** Moves the elements into a new buffer of `cap` slots (a power of two >= length), head at 0. */
  private resize(cap: number): void {
    const next = new Array<string>(cap).fill('');
    for (let i = 0; i < this.len; i++) next[i] = this.buf[(this.head + i) & this.mask]!;
    this.buf = next;
    this.mask = cap - 1;
    this.head = 0;
  }
}
