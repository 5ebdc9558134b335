// The entry object the database keeps for each key.
//
// `value` is an accessor. Normally it just returns the stored value. A string that bitmap
// commands are editing in place is stored as a ByteString (src/keyspace/byte-string.ts);
// reading `value` turns it back into a JS string, once, and stores that string instead. So
// everything that reads `value` (GET, APPEND, DIGEST, OBJECT, the AOF rewrite ...) sees a JS
// string as always; only the bitmap commands, through Database.lookupReadStored and
// lookupWriteStored, see the ByteString.

import type { Entry, Value } from './types.js';
import { ByteString } from './byte-string.js';

/** What an entry holds: a value, or a string in its editable byte form. */
export type StoredValue = Value | ByteString;

export class KeyEntry implements Entry {
  private v: StoredValue;
  expireAt: number;
  access: number;
  freq: number;
  dead = false;

  constructor(
    readonly key: string,
    value: StoredValue,
    expireAt: number,
    access: number,
    freq: number,
    readonly seq: number,
  ) {
    this.v = value;
    this.expireAt = expireAt;
    this.access = access;
    this.freq = freq;
  }

  get value(): Value {
    const v = this.v;
    if (typeof v === 'string' || !(v instanceof ByteString)) return v;
    const s = v.toString();
    this.v = s;
    return s;
  }

  set value(v: Value) {
    this.v = v;
  }

  /** TYPE's name for the value, without turning a ByteString back into a JS string. */
  get typeName(): string {
    const v = this.v;
    return typeof v === 'string' || v instanceof ByteString ? 'string' : v.type;
  }

  /** The value as stored, without turning a ByteString back into a JS string. */
  get stored(): StoredValue {
    return this.v;
  }

  set stored(v: StoredValue) {
    this.v = v;
  }
}
