// A string value held as a growable byte buffer while bitmap commands edit it in place.
//
// A JS string is immutable: changing one bit of a 1 MB value means building a new 1 MB string,
// and above V8's regular-object limit (128 KB) every such string is a fresh large-object
// allocation. Measured on Node 20 (docs/bitmaps.md, bench/bitmaps.ts): a one-bit change
// costs 6-20 µs at 64 KB, ~150 µs at 128 KB, 0.85-1.9 ms at 1 MB and 10-30 ms at 16 MB; in a
// buffer, tens of nanoseconds at any size. So SETBIT and BITFIELD switch a string of at least BYTE_STRING_MIN bytes
// into this form; the entry turns it back into a JS string the first time anything else reads
// the value (src/keyspace/entry.ts), so every other command only ever sees strings.

import { constants } from 'node:buffer';

/** Strings shorter than this are edited as JS strings: rebuilding them costs under a microsecond. */
export const BYTE_STRING_MIN = 4096;

/** The longest value nodis can hold: a JS string's maximum length (2^29 - 24 bytes). */
export const MAX_VALUE_LENGTH = constants.MAX_STRING_LENGTH;

export class ByteString {
  /** The bytes: `length` of them are the value, the rest is zeroed spare capacity. */
  buf: Buffer;
  length: number;

  private constructor(buf: Buffer, length: number) {
    this.buf = buf;
    this.length = length;
  }

  /** The bytes of `s` (latin1, one char per byte), zero-padded to at least `minLength`. */
  static from(s: string, minLength = 0): ByteString {
    const length = Math.max(s.length, minLength);
    const b = new ByteString(Buffer.alloc(capacityFor(length)), length);
    b.buf.write(s, 0, 'latin1');
    return b;
  }

  /** Takes `buf` as the value itself (no copy): the caller must not keep using it. */
  static wrap(buf: Buffer): ByteString {
    return new ByteString(buf, buf.length);
  }

  /** Grows the value to `length` bytes with zeros (never shrinks). */
  ensureLength(length: number): void {
    if (length <= this.length) return;
    if (length > this.buf.length) {
      const next = Buffer.alloc(capacityFor(length));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    // Spare capacity is zero: it was allocated zeroed and nothing writes past `length`.
    this.length = length;
  }

  /** Byte `i` of the value, 0 past its end. */
  byteAt(i: number): number {
    return i < this.length ? this.buf[i]! : 0;
  }

  /** The value as a latin1 JS string. */
  toString(): string {
    return this.buf.toString('latin1', 0, this.length);
  }
}

/** Capacity for a value of `length` bytes: room to grow by half again, within the value limit. */
function capacityFor(length: number): number {
  return Math.min(MAX_VALUE_LENGTH, Math.max(length, Math.floor(length * 1.5)));
}
