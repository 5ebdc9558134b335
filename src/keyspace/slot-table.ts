// The storage shared by hashes and sets: members in a dense array of slots, found through a
// KeyMap (member -> slot), each slot stamped with an increasing sequence number.
//
// Why this shape rather than a bare Map/Set:
// - random picks (HRANDFIELD, SRANDMEMBER, SPOP) are O(1): a random slot, retried while it
//   is a hole — holes never outnumber live members, so that is under 2 tries on average;
// - a SCAN cursor is a sequence number: slots stay sorted by sequence (appends only, holes
//   compacted away in order), so a cursor that moves forward reaches every member present
//   for the whole scan, whatever is added or removed meanwhile (Database's SCAN does the same);
// - order is insertion order with removals keeping the rest in place: exactly the order of
//   Redis's listpack encoding, which clients observe (HGETALL of a small hash).
// Removing leaves a hole; once holes outnumber members the array is compacted, O(n) after at
// least n/2 removals, so O(1) amortized.

import { KeyMap } from './key-map.js';

/**
 * MEMORY USAGE estimates, in V8's 64-bit layout as server/memory-usage.ts counts: per slot a
 * member and a sequence-number array slot plus an index (Map) entry; per table its objects.
 */
export const SLOT_BYTES = 2 * 8 + 4 * 8;
export const TABLE_BYTES = 12 * 8;

/** A one-byte V8 string: 16-byte header, 8-byte aligned. */
export function stringBytes(s: string): number {
  return (16 + s.length + 7) & ~7;
}

export class SlotTable {
  /** member -> slot */
  protected index = new KeyMap<number>();
  /** slot -> member, null for a hole */
  protected keys: (string | null)[] = [];
  /** slot -> sequence number, strictly increasing along the array */
  protected seqs: number[] = [];
  protected holes = 0;
  protected nextSeq = 1;

  get size(): number {
    return this.keys.length - this.holes;
  }

  has(member: string): boolean {
    return this.index.get(member) !== undefined;
  }

  /** Appends a member known to be absent; returns its slot. */
  protected append(member: string): number {
    const slot = this.keys.length;
    this.keys.push(member);
    this.seqs.push(this.nextSeq++);
    this.index.set(member, slot);
    return slot;
  }

  /** Removes the member at a live slot. Slots may move afterwards (compaction). */
  protected removeSlot(slot: number): void {
    this.index.delete(this.keys[slot]!);
    this.keys[slot] = null;
    this.holes++;
    if (this.holes * 2 > this.keys.length) this.compact();
  }

  /** Drops the holes, keeping order; subclasses move their parallel data in moveSlot(). */
  protected compact(): void {
    const keys = this.keys;
    const seqs = this.seqs;
    let to = 0;
    for (let from = 0; from < keys.length; from++) {
      const k = keys[from]!;
      if (k === null) continue;
      if (from !== to) {
        keys[to] = k;
        seqs[to] = seqs[from]!;
        this.moveSlot(from, to);
        this.index.set(k, to);
      }
      to++;
    }
    keys.length = to;
    seqs.length = to;
    this.truncate(to);
    this.holes = 0;
  }

  /** Parallel data of slot `from` now lives at `to` (compaction). */
  protected moveSlot(_from: number, _to: number): void {}

  /** Parallel data beyond `length` is gone (compaction). */
  protected truncate(_length: number): void {}

  /** Removes every member. */
  protected clearSlots(): void {
    this.index = new KeyMap<number>();
    this.keys = [];
    this.seqs = [];
    this.holes = 0;
    this.truncate(0);
  }

  /** A uniformly random live slot; the table must not be empty. */
  randomSlot(): number {
    const keys = this.keys;
    for (;;) {
      const slot = Math.floor(Math.random() * keys.length);
      if (keys[slot] !== null) return slot;
    }
  }

  /**
   * `count` distinct live slots chosen uniformly (count < size). Close to the whole table, a
   * partial Fisher-Yates shuffle of the live slots; otherwise random picks, redrawn when
   * already taken (expected O(count) since count is at most a third of the size).
   */
  sampleSlots(count: number): number[] {
    const size = this.size;
    if (count * 3 > size) {
      const live = this.liveSlots();
      for (let i = 0; i < count; i++) {
        const j = i + Math.floor(Math.random() * (size - i));
        const t = live[i]!;
        live[i] = live[j]!;
        live[j] = t;
      }
      live.length = count;
      return live;
    }
    const taken = new Set<number>();
    const out: number[] = [];
    while (out.length < count) {
      const slot = this.randomSlot();
      if (taken.has(slot)) continue;
      taken.add(slot);
      out.push(slot);
    }
    return out;
  }

  /** Every live slot, in order. */
  liveSlots(): number[] {
    const out: number[] = [];
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== null) out.push(i);
    return out;
  }

  /** The member at a live slot. */
  keyAt(slot: number): string {
    return this.keys[slot]!;
  }

  /**
   * One step of a SCAN: visits live slots from the cursor (a sequence number, 0 = start)
   * until `count` were visited. Returns the cursor to continue from, 0 when done.
   */
  scanSlots(cursor: number, count: number, visit: (slot: number) => void): number {
    const seqs = this.seqs;
    const keys = this.keys;
    let lo = 0;
    let hi = seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (seqs[mid]! < cursor) lo = mid + 1;
      else hi = mid;
    }
    let visited = 0;
    let i = lo;
    for (; i < keys.length && visited < count; i++) {
      if (keys[i] === null) continue;
      visit(i);
      visited++;
    }
    // Skip trailing holes so that a scan ending on them reports completion now.
    while (i < keys.length && keys[i] === null) i++;
    return i >= keys.length ? 0 : seqs[i]!;
  }
}
