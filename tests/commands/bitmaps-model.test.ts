// Model-based test of the bitmap commands: random sequences of SETBIT GETBIT BITCOUNT BITPOS
// BITOP BITFIELD (and GET/STRLEN/APPEND, which must see the same bytes) against a naive model
// that keeps each value as an array of bytes and computes every answer bit by bit from the
// documented rules. Offsets straddle BYTE_STRING_MIN so values switch between a JS string and
// the byte form along the way.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { RespError, type RespClient, type RespValue } from '../helpers/resp-client.js';
import { BYTE_STRING_MIN } from '../../src/keyspace/byte-string.js';

let srv: TestServer;
let c: RespClient;
before(async () => {
  srv = await startTestServer();
  c = await srv.client();
});
after(async () => {
  await srv.stop();
});

const KEYS = ['a', 'b', 'c'] as const;
type Key = (typeof KEYS)[number];

/** The model: each key's bytes. */
type Model = Map<Key, number[]>;

const text = (v: readonly number[]): string => Buffer.from(v).toString('latin1');

const bitAt = (v: readonly number[], pos: number): number => (pos >> 3 < v.length ? (v[pos >> 3]! >> (7 - (pos & 7))) & 1 : 0);

function setBitIn(v: number[], pos: number, bit: number): void {
  while (v.length <= pos >> 3) v.push(0);
  const mask = 1 << (7 - (pos & 7));
  v[pos >> 3] = bit ? v[pos >> 3]! | mask : v[pos >> 3]! & ~mask;
}

/** Redis's start/end rules: negative from the end, then clamped to the value. */
function clampRange(start: number, end: number, total: number): [number, number] {
  if (start < 0) start = Math.max(0, total + start);
  if (end < 0) end = Math.max(0, total + end);
  if (end >= total) end = total - 1;
  return [start, end];
}

/** Bit indexes [first, last] covered by a range in BYTE or BIT units. */
function bitSpan(v: readonly number[], start: number, end: number, isBit: boolean): [number, number] {
  const [s, e] = clampRange(start, end, isBit ? v.length * 8 : v.length);
  return isBit ? [s, e] : [s * 8, e * 8 + 7];
}

type Op =
  | { kind: 'setbit'; key: Key; offset: number; bit: 0 | 1 }
  | { kind: 'getbit'; key: Key; offset: number }
  | { kind: 'bitcount'; key: Key; range: [number, number, boolean | null] | null }
  | { kind: 'bitpos'; key: Key; bit: 0 | 1; start: number | null; end: number | null; isBit: boolean | null }
  | { kind: 'bitop'; op: 'AND' | 'OR' | 'XOR' | 'NOT'; dest: Key; srcs: Key[] }
  | { kind: 'bitfield'; key: Key; fields: Field[] }
  | { kind: 'get' | 'strlen'; key: Key }
  | { kind: 'append'; key: Key; piece: string };

interface Field {
  op: 'GET' | 'SET' | 'INCRBY';
  signed: boolean;
  bits: number;
  offset: number;
  value: bigint;
  overflow: 'WRAP' | 'SAT' | 'FAIL';
}

const key = fc.constantFrom(...KEYS);
// Mostly small offsets; some beyond BYTE_STRING_MIN bytes, where values take the byte form.
const offset = fc.oneof(
  { weight: 5, arbitrary: fc.nat(200) },
  { weight: 3, arbitrary: fc.integer({ min: BYTE_STRING_MIN * 8 - 64, max: BYTE_STRING_MIN * 8 + 400 }) },
  { weight: 1, arbitrary: fc.nat(BYTE_STRING_MIN * 8 * 3) },
);
const index = fc.oneof(fc.integer({ min: -40, max: 40 }), fc.integer({ min: -BYTE_STRING_MIN * 9, max: BYTE_STRING_MIN * 9 }));
const bit = fc.constantFrom<0 | 1>(0, 1);
const field: fc.Arbitrary<Field> = fc.record({
  op: fc.constantFrom('GET', 'SET', 'INCRBY'),
  signed: fc.boolean(),
  bits: fc.integer({ min: 1, max: 63 }),
  offset,
  // Away from INT64's ends, where Redis's C arithmetic has quirks of its own (unit-tested).
  value: fc.oneof(fc.bigInt({ min: -300n, max: 300n }), fc.bigInt({ min: -(1n << 61n), max: 1n << 61n })),
  overflow: fc.constantFrom('WRAP', 'SAT', 'FAIL'),
});
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('setbit' as const), key, offset, bit }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('getbit' as const), key, offset }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('bitcount' as const),
      key,
      range: fc.option(fc.tuple(index, index, fc.option(fc.boolean()))),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('bitpos' as const), key, bit, start: fc.option(index), end: fc.option(index), isBit: fc.option(fc.boolean()) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('bitop' as const),
      op: fc.constantFrom('AND', 'OR', 'XOR', 'NOT'),
      dest: key,
      srcs: fc.array(key, { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('bitfield' as const), key, fields: fc.array(field, { maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('get' as const, 'strlen' as const), key }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('append' as const), key, piece: fc.constantFrom('x', '\xff\x00', 'abc') }) },
);

/** The command for an op, and the model's answer (applying it to the model). */
function step(m: Model, o: Op): { argv: string[]; expected: RespValue } {
  const get = (k: Key): number[] | undefined => m.get(k);
  switch (o.kind) {
    case 'setbit': {
      const v = get(o.key) ?? [];
      const old = bitAt(v, o.offset);
      setBitIn(v, o.offset, o.bit);
      m.set(o.key, v);
      return { argv: ['SETBIT', o.key, String(o.offset), String(o.bit)], expected: old };
    }
    case 'getbit':
      return { argv: ['GETBIT', o.key, String(o.offset)], expected: bitAt(get(o.key) ?? [], o.offset) };
    case 'bitcount': {
      const v = get(o.key);
      const argv = ['BITCOUNT', o.key];
      let first = 0;
      let last = (v?.length ?? 0) * 8 - 1;
      if (o.range !== null) {
        const [s, e, unit] = o.range;
        argv.push(String(s), String(e));
        if (unit !== null) argv.push(unit ? 'BIT' : 'BYTE');
        if (v !== undefined) [first, last] = s < 0 && e < 0 && s > e ? [1, 0] : bitSpan(v, s, e, unit === true);
      }
      let n = 0;
      if (v !== undefined) for (let i = first; i <= last; i++) n += bitAt(v, i);
      return { argv, expected: n };
    }
    case 'bitpos': {
      const v = get(o.key);
      const argv = ['BITPOS', o.key, String(o.bit)];
      // Arguments only as far as they are given in order: start, end, then the unit.
      const start = o.start;
      const end = start === null ? null : o.end;
      const isBit = end === null ? null : o.isBit;
      if (start !== null) argv.push(String(start));
      if (end !== null) argv.push(String(end));
      if (isBit !== null) argv.push(isBit ? 'BIT' : 'BYTE');
      if (v === undefined) return { argv, expected: o.bit ? -1 : 0 };
      let [first, last] = [0, v.length * 8 - 1];
      if (start !== null) [first, last] = bitSpan(v, start, end ?? -1, isBit === true);
      if (first > last) return { argv, expected: -1 };
      for (let i = first; i <= last; i++) if (bitAt(v, i) === o.bit) return { argv, expected: i };
      // No clear bit in the range: without an end, the one just after the value.
      return { argv, expected: o.bit === 0 && end === null ? v.length * 8 : -1 };
    }
    case 'bitop': {
      const srcs = o.op === 'NOT' ? o.srcs.slice(0, 1) : o.srcs;
      const vals = srcs.map((k) => get(k) ?? []);
      const len = Math.max(...vals.map((v) => v.length));
      const out: number[] = [];
      for (let j = 0; j < len; j++) {
        let x = vals[0]![j] ?? 0;
        if (o.op === 'NOT') x = ~x & 0xff;
        for (const v of vals.slice(1)) {
          const y = v[j] ?? 0;
          x = o.op === 'AND' ? x & y : o.op === 'OR' ? x | y : x ^ y;
        }
        out.push(x);
      }
      if (len === 0) m.delete(o.dest);
      else m.set(o.dest, out);
      return { argv: ['BITOP', o.op, o.dest, ...srcs], expected: len };
    }
    case 'bitfield': {
      const argv = ['BITFIELD', o.key];
      let overflow = 'WRAP';
      const v = get(o.key);
      const writes = o.fields.filter((f) => f.op !== 'GET');
      const target = v ?? [];
      if (writes.length > 0) {
        const lastBit = Math.max(...writes.map((f) => f.offset + f.bits - 1));
        while (target.length <= lastBit >> 3) target.push(0);
        m.set(o.key, target);
      }
      const results: RespValue[] = [];
      for (const f of o.fields) {
        if (f.op !== 'GET' && f.overflow !== overflow) {
          argv.push('OVERFLOW', f.overflow);
          overflow = f.overflow;
        }
        argv.push(f.op, `${f.signed ? 'i' : 'u'}${f.bits}`, String(f.offset));
        if (f.op !== 'GET') argv.push(String(f.value));
        let raw = 0n;
        for (let i = 0; i < f.bits; i++) raw = (raw << 1n) | BigInt(bitAt(target, f.offset + i));
        const old = f.signed ? BigInt.asIntN(f.bits, raw) : raw;
        if (f.op === 'GET') {
          results.push(Number(old));
          continue;
        }
        const min = f.signed ? -(1n << BigInt(f.bits - 1)) : 0n;
        const max = f.signed ? (1n << BigInt(f.bits - 1)) - 1n : (1n << BigInt(f.bits)) - 1n;
        // An unsigned SET value is the int64 read as a uint64: a negative one is huge.
        let want = f.op === 'SET' ? (f.signed ? f.value : BigInt.asUintN(64, f.value)) : old + f.value;
        if (want < min || want > max) {
          if (overflow === 'FAIL') {
            results.push(null);
            continue;
          }
          want = overflow === 'SAT' ? (want > max ? max : min) : f.signed ? BigInt.asIntN(f.bits, want) : BigInt.asUintN(f.bits, want);
        }
        results.push(Number(f.op === 'SET' ? old : want));
        for (let i = 0; i < f.bits; i++) setBitIn(target, f.offset + i, Number((BigInt.asUintN(f.bits, want) >> BigInt(f.bits - 1 - i)) & 1n));
      }
      return { argv, expected: results };
    }
    case 'get': {
      const v = get(o.key);
      return { argv: ['GET', o.key], expected: v === undefined ? null : text(v) };
    }
    case 'strlen':
      return { argv: ['STRLEN', o.key], expected: get(o.key)?.length ?? 0 };
    case 'append': {
      const v = get(o.key) ?? [];
      for (let i = 0; i < o.piece.length; i++) v.push(o.piece.charCodeAt(i));
      m.set(o.key, v);
      return { argv: ['APPEND', o.key, o.piece], expected: v.length };
    }
  }
}

/** Replies compared loosely on integers: the test client decodes them as JS numbers. */
function same(actual: RespValue, expected: RespValue): boolean {
  if (actual instanceof RespError) return false;
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((x, i) => same(actual[i]!, x));
  return actual === expected;
}

test('random bitmap command sequences agree with a bit-by-bit model', { timeout: 60000 }, async () => {
  const deadline = Date.now() + 8000;
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 60 }), async (ops) => {
      if (Date.now() > deadline) return;
      runs++;
      await c.call('FLUSHALL');
      const m: Model = new Map();
      for (const o of ops) {
        const { argv, expected } = step(m, o);
        const actual = await c.call(...argv);
        assert.ok(same(actual, expected), `${argv.join(' ').slice(0, 200)}: got ${JSON.stringify(actual)?.slice(0, 200)}, model ${JSON.stringify(expected)?.slice(0, 200)}`);
      }
      // Every value, whole.
      for (const k of KEYS) {
        const v = m.get(k);
        assert.equal(await c.call('GET', k), v === undefined ? null : text(v), `value of ${k}`);
      }
    }),
    { numRuns: 2000 },
  );
  assert.ok(runs >= 20, `only ${runs} runs in the time budget`);
});
