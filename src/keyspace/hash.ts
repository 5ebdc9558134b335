// The hash value type: field -> value, binary safe (latin1 strings), in a SlotTable (O(1)
// lookups, uniform O(1) random picks, SCAN cursors that miss nothing, listpack order).
//
// It also tracks the encoding Redis 7.0 would have chosen, for OBJECT ENCODING: "listpack"
// while every field and value written so far was at most hash-max-listpack-value bytes and
// the hash never held more than hash-max-listpack-entries fields; "hashtable" from the first
// write that broke either limit, and for good (Redis never converts back).

import type { CollectionValue } from './types.js';
import { SlotTable, SLOT_BYTES, TABLE_BYTES, stringBytes } from './slot-table.js';
import { listpackBlob, rdbBlobSize, rdbLenSize, rdbStringSize } from './rdb-size.js';

/** hash-max-listpack-entries / hash-max-listpack-value, read from the config by the caller. */
export interface HashLimits {
  readonly maxListpackEntries: number;
  readonly maxListpackValue: number;
}

export class HashValue extends SlotTable implements CollectionValue {
  readonly type = 'hash' as const;
  /** slot -> value, parallel to the fields */
  private vals: string[] = [];
  private listpack = true;

  get(field: string): string | undefined {
    const slot = this.index.get(field);
    return slot === undefined ? undefined : this.vals[slot];
  }

  /**
   * Sets a field (Redis's hashTypeSet); true if it was new. A field or value longer than
   * the listpack value limit, or one field too many, converts the encoding.
   */
  set(field: string, value: string, limits: HashLimits): boolean {
    if (this.listpack && (field.length > limits.maxListpackValue || value.length > limits.maxListpackValue)) {
      this.listpack = false;
    }
    const slot = this.index.get(field);
    if (slot !== undefined) {
      this.vals[slot] = value;
      return false;
    }
    this.vals[this.append(field)] = value;
    if (this.listpack && this.size > limits.maxListpackEntries) this.listpack = false;
    return true;
  }

  /** Removes a field; true if it was there. */
  delete(field: string): boolean {
    const slot = this.index.get(field);
    if (slot === undefined) return false;
    this.vals[slot] = '';
    this.removeSlot(slot);
    return true;
  }

  protected override moveSlot(from: number, to: number): void {
    this.vals[to] = this.vals[from]!;
  }

  protected override truncate(length: number): void {
    this.vals.length = length;
  }

  valueAt(slot: number): string {
    return this.vals[slot]!;
  }

  /** Fields in order (listpack order for a small hash). */
  *fields(): IterableIterator<string> {
    for (const k of this.keys) if (k !== null) yield k;
  }

  *values(): IterableIterator<string> {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== null) yield this.vals[i]!;
  }

  /** [field, value] pairs in order (DEBUG DIGEST, HGETALL). */
  *entries(): IterableIterator<[string, string]> {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (k !== null) yield [k, this.vals[i]!];
    }
  }

  /** OBJECT ENCODING as Redis 7.0 reports it. */
  encoding(): 'listpack' | 'hashtable' {
    return this.listpack ? 'listpack' : 'hashtable';
  }

  /**
   * One HSCAN step: a listpack-encoded hash is returned whole with cursor 0, as Redis does;
   * otherwise up to `count` fields from the cursor. Returns the next cursor.
   */
  scan(cursor: number, count: number, visit: (field: string, value: string) => void): number {
    if (this.listpack) {
      for (const [k, v] of this.entries()) visit(k, v);
      return 0;
    }
    return this.scanSlots(cursor, count, (slot) => visit(this.keys[slot]!, this.vals[slot]!));
  }

  /**
   * DEBUG OBJECT's serializedlength: a listpack is saved as one blob of fields and values in
   * order; a hashtable as a count and each field and value as an RDB string.
   */
  rdbSerializedLength(compression: boolean): number {
    if (this.listpack) {
      const flat: string[] = [];
      for (const [k, v] of this.entries()) flat.push(k, v);
      return rdbBlobSize(listpackBlob(flat), compression);
    }
    let n = rdbLenSize(this.size);
    for (const [k, v] of this.entries()) n += rdbStringSize(k, compression) + rdbStringSize(v, compression);
    return n;
  }

  clone(): HashValue {
    const copy = new HashValue();
    for (const [k, v] of this.entries()) copy.vals[copy.append(k)] = v;
    copy.listpack = this.listpack;
    return copy;
  }

  /**
   * MEMORY USAGE: the slot arrays (field, value, sequence number), the index entry and the
   * strings, extrapolated from the first `samples` fields (0 = all).
   */
  memoryUsage(samples: number): number {
    const n = this.size;
    const perSlot = SLOT_BYTES + 8; // plus the value's array slot
    let strings = 0;
    let seen = 0;
    for (const [k, v] of this.entries()) {
      if (samples > 0 && seen >= samples) break;
      strings += stringBytes(k) + stringBytes(v);
      seen++;
    }
    const avg = seen === 0 ? 0 : strings / seen;
    return TABLE_BYTES + 8 + this.keys.length * perSlot + Math.round(avg * n);
  }
}
