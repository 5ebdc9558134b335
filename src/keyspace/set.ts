// The set value type: binary-safe members (latin1 strings) in a SlotTable (O(1) membership,
// uniform O(1) random picks for SPOP/SRANDMEMBER, SSCAN cursors that miss nothing).
//
// It also tracks the encoding Redis 7.0 would have chosen (7.0 has no listpack sets; they
// came in 7.2): "intset" while every member is an integer by Redis's string2ll rules (no
// leading zeros or '+', no "-0", within int64) and the set never held more than
// set-max-intset-entries members; "hashtable" from the first add that broke either rule, for
// good. An intset keeps its integers sorted, and clients see that order (SMEMBERS, SSCAN,
// SPOP of the whole set ...): while intset-encoded, iteration is in ascending numeric order,
// the slots being sorted lazily the first time it is needed after an add.

import type { CollectionValue } from './types.js';
import { KeyMap } from './key-map.js';
import { SlotTable, SLOT_BYTES, TABLE_BYTES, stringBytes } from './slot-table.js';
import { parseInt64 } from '../resp/numbers.js';
import { intsetBlob, rdbBlobSize, rdbLenSize, rdbStringSize } from './rdb-size.js';

/** set-max-intset-entries, read from the config by the caller. */
export interface SetLimits {
  readonly maxIntsetEntries: number;
}

/** Whether Redis would store `member` in an intset (isSdsRepresentableAsLongLong). */
export function isIntsetMember(member: string): boolean {
  return parseInt64(member) !== null;
}

/** _intsetValueEncoding: bytes per value an intset needs for `v`. */
function intsetWidth(v: number | bigint): 2 | 4 | 8 {
  if (v < -2147483648 || v > 2147483647) return 8;
  if (v < -32768 || v > 32767) return 4;
  return 2;
}

function compareIntegers(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export class SetValue extends SlotTable implements CollectionValue {
  readonly type = 'set' as const;
  private intset = true;
  /** Slots are in ascending numeric order (meaningful while intset-encoded). */
  private sorted = true;
  /** Bytes per value of the intset: it widens for a larger value and never narrows back. */
  private width: 2 | 4 | 8 = 2;

  /** A new set holding `members`, encoded as Redis encodes a set built by adding them to an empty intset. */
  static from(members: Iterable<string>, limits: SetLimits): SetValue {
    const s = new SetValue();
    for (const m of members) s.add(m, limits);
    return s;
  }

  /** Adds a member (Redis's setTypeAdd); true if it was new. */
  add(member: string, limits: SetLimits): boolean {
    if (this.index.get(member) !== undefined) return false;
    if (this.intset) {
      const v = parseInt64(member);
      if (v === null) this.intset = false;
      else {
        const w = intsetWidth(v);
        if (w > this.width) this.width = w;
      }
    }
    this.append(member);
    if (this.intset) {
      if (this.size > limits.maxIntsetEntries) this.intset = false;
      else if (this.size > 1) this.sorted = false;
    }
    return true;
  }

  /** Removes a member; true if it was there. */
  delete(member: string): boolean {
    const slot = this.index.get(member);
    if (slot === undefined) return false;
    this.removeSlot(slot);
    return true;
  }

  /** A uniformly random member; the set must not be empty. */
  random(): string {
    return this.keys[this.randomSlot()]!;
  }

  /** Empties the set and refills it, re-deciding the encoding as for a new set (SPOP's rebuild). */
  reset(members: Iterable<string>, limits: SetLimits): void {
    this.clearSlots();
    this.intset = true;
    this.sorted = true;
    this.width = 2;
    for (const m of members) this.add(m, limits);
  }

  /** Members in the order Redis iterates them: ascending for an intset. */
  *members(): IterableIterator<string> {
    if (this.intset && !this.sorted) this.sortSlots();
    for (const k of this.keys) if (k !== null) yield k;
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.members();
  }

  private sortSlots(): void {
    const live: [string, number | bigint][] = [];
    for (const k of this.keys) if (k !== null) live.push([k, parseInt64(k)!]);
    live.sort((a, b) => compareIntegers(a[1], b[1]));
    const index = new KeyMap<number>();
    const keys: string[] = new Array<string>(live.length);
    const seqs: number[] = new Array<number>(live.length);
    for (let i = 0; i < live.length; i++) {
      const k = live[i]![0];
      keys[i] = k;
      seqs[i] = this.nextSeq++;
      index.set(k, i);
    }
    this.index = index;
    this.keys = keys;
    this.seqs = seqs;
    this.holes = 0;
    this.sorted = true;
  }

  /** OBJECT ENCODING as Redis 7.0 reports it. */
  encoding(): 'intset' | 'hashtable' {
    return this.intset ? 'intset' : 'hashtable';
  }

  /**
   * One SSCAN step: an intset is returned whole with cursor 0, as Redis does; otherwise up to
   * `count` members from the cursor. Returns the next cursor.
   */
  scan(cursor: number, count: number, visit: (member: string) => void): number {
    if (this.intset) {
      for (const m of this.members()) visit(m);
      return 0;
    }
    return this.scanSlots(cursor, count, (slot) => visit(this.keys[slot]!));
  }

  /**
   * DEBUG OBJECT's serializedlength: an intset is saved as one blob of its sorted values;
   * a hashtable as a count and each member as an RDB string.
   */
  rdbSerializedLength(compression: boolean): number {
    if (this.intset) {
      const values: bigint[] = [];
      for (const m of this.members()) values.push(BigInt(m));
      return rdbBlobSize(intsetBlob(values, this.width), compression);
    }
    let n = rdbLenSize(this.size);
    for (const m of this.members()) n += rdbStringSize(m, compression);
    return n;
  }

  clone(): SetValue {
    const copy = new SetValue();
    for (const m of this.members()) copy.append(m);
    copy.intset = this.intset;
    copy.sorted = this.sorted;
    copy.width = this.width;
    return copy;
  }

  /** MEMORY USAGE: slots, index entries and strings, extrapolated from `samples` members (0 = all). */
  memoryUsage(samples: number): number {
    let strings = 0;
    let seen = 0;
    for (const k of this.keys) {
      if (k === null) continue;
      if (samples > 0 && seen >= samples) break;
      strings += stringBytes(k);
      seen++;
    }
    const avg = seen === 0 ? 0 : strings / seen;
    return TABLE_BYTES + this.keys.length * SLOT_BYTES + Math.round(avg * this.size);
  }
}
