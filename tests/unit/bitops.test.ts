// The bit algorithms (src/keyspace/bitops.ts) against naive bit-by-bit references, BITFIELD's
// overflow rules against values taken from a real Redis 7.0.15, and the byte form of strings
// (ByteString, and the entry turning it back into a JS string when read).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  bitop,
  bitposIn,
  checkSignedOverflow,
  checkUnsignedOverflow,
  getSigned,
  getUnsigned,
  popcount,
  setBits,
  type BitOp,
  type Overflow,
} from '../../src/keyspace/bitops.js';
import { ByteString, BYTE_STRING_MIN } from '../../src/keyspace/byte-string.js';
import { KeyEntry } from '../../src/keyspace/entry.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';

const bitOf = (u: Uint8Array, pos: number): number => (u[pos >> 3]! >> (7 - (pos & 7))) & 1;

/** Bytes at an arbitrary offset inside a larger buffer, so word alignment varies. */
const unaligned = fc
  .tuple(fc.uint8Array({ maxLength: 200 }), fc.nat(7))
  .map(([bytes, shift]) => {
    const backing = new Uint8Array(bytes.length + shift);
    backing.set(bytes, shift);
    return backing.subarray(shift);
  });

test('popcount counts the set bits of any range, at any alignment', () => {
  fc.assert(
    fc.property(unaligned, fc.nat(), fc.nat(), (u, a, b) => {
      const from = u.length === 0 ? 0 : a % (u.length + 1);
      const to = from + (u.length === 0 ? 0 : b % (u.length - from + 1));
      let naive = 0;
      for (let i = from * 8; i < to * 8; i++) naive += bitOf(u, i);
      assert.equal(popcount(u, from, to), naive);
    }),
    { numRuns: 500 },
  );
  const ones = new Uint8Array(1003).fill(0xff);
  assert.equal(popcount(ones, 0, 1003), 8024);
  assert.equal(popcount(ones.subarray(3), 0, 1000), 8000);
});

test('bitposIn finds the first 1 or 0; none: -1 for a 1, one past the end for a 0', () => {
  fc.assert(
    fc.property(unaligned, fc.constantFrom<0 | 1>(0, 1), (u, bit) => {
      let naive = bit === 1 ? -1 : u.length * 8;
      for (let i = 0; i < u.length * 8; i++) {
        if (bitOf(u, i) === bit) {
          naive = i;
          break;
        }
      }
      assert.equal(bitposIn(u, 0, u.length, bit), naive);
    }),
    { numRuns: 500 },
  );
  const u = Uint8Array.from([0xff, 0xff, 0x00, 0x10]);
  assert.equal(bitposIn(u, 1, 3, 0), 8);
  assert.equal(bitposIn(u, 2, 2, 1), 11);
  assert.equal(bitposIn(u, 0, 2, 0), 16);
  assert.equal(bitposIn(u, 2, 1, 1), -1);
});

test('bitop: AND OR XOR NOT byte by byte, shorter sources zero-padded', () => {
  const ops: BitOp[] = ['AND', 'OR', 'XOR'];
  fc.assert(
    fc.property(fc.constantFrom(...ops), fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 5 }), (op, srcs) => {
      const maxlen = Math.max(...srcs.map((s) => s.length));
      const expected = Buffer.alloc(maxlen);
      for (let j = 0; j < maxlen; j++) {
        let x = srcs[0]![j] ?? 0;
        for (const s of srcs.slice(1)) {
          const y = s[j] ?? 0;
          x = op === 'AND' ? x & y : op === 'OR' ? x | y : x ^ y;
        }
        expected[j] = x;
      }
      assert.deepEqual(bitop(op, srcs, srcs.map((s) => s.length)), expected);
    }),
    { numRuns: 300 },
  );
  assert.deepEqual(bitop('NOT', [Uint8Array.from([0x0f, 0xf0])], [2]), Buffer.from([0xf0, 0x0f]));
  // Spare capacity past a source's length is not part of it.
  assert.deepEqual(bitop('NOT', [Uint8Array.from([0x0f, 0xf0, 0x55])], [2]), Buffer.from([0xf0, 0x0f]));
  assert.deepEqual(bitop('OR', [Uint8Array.from([1]), Uint8Array.from([2, 0xaa])], [1, 1]), Buffer.from([3]));
  assert.equal(bitop('AND', [new Uint8Array(0)], [0]).length, 0);
});

test('bitfield integers: get and set any width at any offset, sign-extended when signed', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 64 }), fc.nat(40), fc.bigInt({ min: -(1n << 64n), max: 1n << 64n }), (bits, offset, value) => {
      const u = new Uint8Array(16).fill(0xa5);
      const before = Uint8Array.from(u);
      setBits(u, offset, bits, value);
      const read = (i: number) => u[i] ?? 0;
      assert.equal(getUnsigned(read, offset, bits), BigInt.asUintN(bits, value));
      assert.equal(getSigned(read, offset, bits), BigInt.asIntN(bits, value));
      // Bits outside the field are untouched.
      for (let i = 0; i < 128; i++) {
        if (i < offset || i >= offset + bits) assert.equal(bitOf(u, i), bitOf(before, i), `bit ${i}`);
      }
    }),
    { numRuns: 500 },
  );
});

test('overflow: WRAP is modular, SAT clamps, FAIL has no limit (in-range arithmetic)', () => {
  fc.assert(
    fc.property(
      fc.boolean(),
      fc.integer({ min: 1, max: 63 }),
      fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
      fc.constantFrom<Overflow>('WRAP', 'SAT', 'FAIL'),
      fc.nat(),
      (signed, bits, incr, ow, pick) => {
        const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
        const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
        const value = min + (BigInt(pick) % (max - min + 1n));
        const sum = value + incr;
        const o = signed ? checkSignedOverflow(value, incr, bits, ow) : checkUnsignedOverflow(value, incr, bits, ow);
        const direction = sum > max ? 1 : sum < min ? -1 : 0;
        assert.equal(o.direction, direction);
        if (direction === 0) return;
        if (ow === 'FAIL') assert.equal(o.limit, undefined);
        else if (ow === 'SAT') assert.equal(o.limit, direction > 0 ? max : min);
        else assert.equal(o.limit, signed ? BigInt.asIntN(bits, sum) : BigInt.asUintN(bits, sum));
      },
    ),
    { numRuns: 1000 },
  );
});

test('overflow: C 64-bit quirks, as a real Redis 7.0.15 computes them', () => {
  const I64_MIN = -(1n << 63n);
  const I64_MAX = (1n << 63n) - 1n;
  // SET i8 of a value down to INT64_MIN + 127 counts as above the maximum: SAT stores 127.
  assert.deepEqual(checkSignedOverflow(I64_MIN, 0n, 8, 'SAT'), { direction: 1, limit: 127n });
  assert.deepEqual(checkSignedOverflow(I64_MIN + 127n, 0n, 8, 'SAT'), { direction: 1, limit: 127n });
  assert.deepEqual(checkSignedOverflow(I64_MIN + 128n, 0n, 8, 'SAT'), { direction: -1, limit: -128n });
  assert.deepEqual(checkSignedOverflow(I64_MIN, 0n, 8, 'WRAP'), { direction: 1, limit: 0n });
  assert.deepEqual(checkSignedOverflow(200n, 0n, 8, 'WRAP'), { direction: 1, limit: -56n });
  // i64: INCRBY past either end.
  assert.deepEqual(checkSignedOverflow(I64_MAX, 1n, 64, 'WRAP'), { direction: 1, limit: I64_MIN });
  assert.deepEqual(checkSignedOverflow(I64_MIN, -1n, 64, 'WRAP'), { direction: -1, limit: I64_MAX });
  assert.deepEqual(checkSignedOverflow(5n, I64_MAX, 64, 'SAT'), { direction: 1, limit: I64_MAX });
  assert.deepEqual(checkSignedOverflow(-1n, I64_MIN, 64, 'SAT'), { direction: -1, limit: I64_MIN });
  assert.deepEqual(checkSignedOverflow(-1n, I64_MAX, 64, 'SAT'), { direction: 0 });
  // Unsigned SET of a negative value: the int64 taken as a uint64, far above the maximum.
  assert.deepEqual(checkUnsignedOverflow(BigInt.asUintN(64, -1n), 0n, 8, 'SAT'), { direction: 1, limit: 255n });
  assert.deepEqual(checkUnsignedOverflow(BigInt.asUintN(64, -1n), 0n, 63, 'WRAP'), { direction: 1, limit: I64_MAX });
  assert.deepEqual(checkUnsignedOverflow(100n, I64_MAX, 8, 'WRAP'), { direction: 1, limit: 99n });
  assert.deepEqual(checkUnsignedOverflow(100n, I64_MIN, 8, 'SAT'), { direction: -1, limit: 0n });
  // i1 holds -1..0.
  assert.deepEqual(checkSignedOverflow(0n, 1n, 1, 'SAT'), { direction: 1, limit: 0n });
  assert.deepEqual(checkSignedOverflow(0n, 1n, 1, 'WRAP'), { direction: 1, limit: -1n });
});

test('ByteString: latin1 bytes, zero-padded, grows with spare capacity', () => {
  const s = 'a\x00\xff' + 'z'.repeat(10);
  const b = ByteString.from(s, 20);
  assert.equal(b.length, 20);
  assert.equal(b.toString(), s + '\0'.repeat(7));
  assert.equal(b.byteAt(2), 0xff);
  assert.equal(b.byteAt(100), 0);
  b.buf[19] = 0x80;
  b.ensureLength(10); // never shrinks
  assert.equal(b.length, 20);
  b.ensureLength(1000);
  assert.equal(b.length, 1000);
  assert.ok(b.buf.length >= 1000);
  assert.equal(b.toString(), s + '\0'.repeat(6) + '\x80' + '\0'.repeat(980));
  const w = ByteString.wrap(Buffer.from([1, 2, 3]));
  assert.equal(w.toString(), '\x01\x02\x03');
  assert.ok(BYTE_STRING_MIN >= 1024);
});

test('an entry holding a ByteString reads as a JS string, and then holds that string', () => {
  const bytes = ByteString.from('hello', 8);
  const e = new KeyEntry('k', bytes, 0, 0, 5, 1);
  assert.equal(e.stored, bytes);
  assert.equal(e.value, 'hello\0\0\0');
  assert.equal(typeof e.stored, 'string');
  assert.equal(e.stored, 'hello\0\0\0');
  e.stored = bytes;
  e.value = 'x';
  assert.equal(e.stored, 'x');
});

test('Database: the stored lookups keep the byte form; observers still see a JS string', () => {
  const ks = new Keyspace(1);
  const db = ks.dbs[0]!;
  const bytes = ByteString.from('abc');
  db.add('k', bytes);
  assert.equal(db.lookupReadStored('k'), bytes);
  assert.equal(db.lookupWriteStored('k'), bytes);
  assert.equal(db.lookupReadStored('nokey'), undefined);
  assert.deepEqual([ks.stats.hits, ks.stats.misses], [1, 1]);
  // An observer reading the value before an in-place edit gets a JS string; the write lookup
  // then hands out what the entry holds after that (the string, to be replaced through set).
  const seen: unknown[] = [];
  ks.observers.push({
    beforeEntryChange: (_db, e) => seen.push(e.value),
    beforeClear: () => {},
    beforeSwap: () => {},
  });
  assert.equal(db.lookupWriteStored('k'), 'abc');
  assert.deepEqual(seen, ['abc']);
  db.set('k', ByteString.from('xyz'), true);
  assert.deepEqual(seen, ['abc', 'abc']);
  assert.equal(db.lookupRead('k'), 'xyz');
});
