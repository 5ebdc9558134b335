// ZSet: a model-based test of zsetAdd's flags (NX XX GT LT INCR, NaN) and removals against a
// Map + sorted array, the listpack/skiplist encoding rules (entries and value limits, never
// back; a stored result sized once; -0 stored as 0 in a listpack), ZSCAN's guarantee under
// churn, clone, and the RDB serialisation: the listpack bytes equal what Redis 7.0.15 DUMPs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  ZSet,
  ZADD_GT,
  ZADD_INCR,
  ZADD_LT,
  ZADD_NX,
  ZADD_OUT_ADDED,
  ZADD_OUT_NAN,
  ZADD_OUT_NOP,
  ZADD_OUT_UPDATED,
  ZADD_XX,
  type ZsetLimits,
} from '../../src/keyspace/zset.js';
import { zsetListpack } from '../../src/keyspace/zset-serialize.js';
import { parseScore } from '../../src/commands/zsets-args.js';
import { checkList } from './skiplist-check.js';

const BIG: ZsetLimits = { maxListpackEntries: 1 << 30, maxListpackValue: 1 << 30 };

type Op =
  | { op: 'add'; m: string; s: number; flags: number }
  | { op: 'rem'; m: string }
  | { op: 'remScore'; min: number; max: number }
  | { op: 'remRank'; a: number; b: number };

const member = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', '', 'long-member-name', '\x00', '\xff');
const score = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(Infinity, -Infinity, -0, 0.25));
// Valid flag combinations (the command rejects NX with XX, GT, LT, and GT with LT).
const flags = fc.constantFrom(0, ZADD_NX, ZADD_XX, ZADD_GT, ZADD_LT, ZADD_XX | ZADD_GT, ZADD_XX | ZADD_LT, ZADD_INCR, ZADD_INCR | ZADD_GT, ZADD_INCR | ZADD_NX, ZADD_INCR | ZADD_XX);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('add' as const), m: member, s: score, flags }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('rem' as const), m: member }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('remScore' as const), min: score, max: score }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('remRank' as const), a: fc.integer({ min: 0, max: 8 }), b: fc.integer({ min: 0, max: 8 }) }) },
);

/** zsetAdd on a plain Map: [out flags, new score]. */
function modelAdd(m: Map<string, number>, member: string, s: number, f: number): [number, number] {
  const cur = m.get(member);
  if (cur !== undefined) {
    if (f & ZADD_NX) return [ZADD_OUT_NOP, 0];
    if (f & ZADD_INCR) {
      s += cur;
      if (Number.isNaN(s)) return [ZADD_OUT_NAN, 0];
    }
    if ((f & ZADD_LT && s >= cur) || (f & ZADD_GT && s <= cur)) return [ZADD_OUT_NOP, 0];
    if (s !== cur) {
      m.set(member, s);
      return [ZADD_OUT_UPDATED, s];
    }
    return [0, s];
  }
  if (f & ZADD_XX) return [ZADD_OUT_NOP, 0];
  m.set(member, s);
  return [ZADD_OUT_ADDED, s];
}

function sorted(m: Map<string, number>): [string, number][] {
  return [...m].sort((x, y) => (x[1] !== y[1] ? (x[1] < y[1] ? -1 : 1) : x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}

test('model: ZSet.add/remove/range deletions behave as zsetAdd on a map; ranks and order follow (score, member)', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 80 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 20 }), (ops, maxEntries, maxValue) => {
      const limits = { maxListpackEntries: maxEntries, maxListpackValue: maxValue };
      const z = new ZSet();
      const m = new Map<string, number>();
      let converted = false;
      for (const o of ops) {
        if (o.op === 'add') {
          const isNew = !m.has(o.m);
          const [out, s] = modelAdd(m, o.m, o.s, o.flags);
          // Redis's conversion rule: a new member past the limits, once.
          if (out === ZADD_OUT_ADDED && isNew && (m.size > maxEntries || o.m.length > maxValue)) converted = true;
          assert.equal(z.add(o.m, o.s, o.flags, limits), out);
          if (out !== ZADD_OUT_NOP && out !== ZADD_OUT_NAN) assert.ok(Object.is(z.newScore, s) || s === z.newScore);
        } else if (o.op === 'rem') {
          assert.equal(z.remove(o.m), m.delete(o.m));
        } else if (o.op === 'remScore') {
          const r = { min: o.min, max: o.max, minex: false, maxex: false };
          const gone = [...m].filter(([, s]) => s >= o.min && s <= o.max).map(([k]) => k);
          assert.equal(z.deleteRangeByScore(r), gone.length);
          for (const k of gone) m.delete(k);
        } else {
          const [a, b] = [Math.min(o.a, o.b), Math.max(o.a, o.b)];
          const list = sorted(m);
          const end = Math.min(b, list.length - 1);
          if (a < list.length) {
            assert.equal(z.deleteRangeByRank(a, end), end - a + 1);
            for (const [k] of list.slice(a, end + 1)) m.delete(k);
          }
        }
        assert.equal(z.size, m.size);
        assert.equal(z.encoding(), converted ? 'skiplist' : 'listpack');
      }
      checkList(z.list);
      const expect = sorted(m);
      // A listpack keeps an integral score as an integer: -0 reads back as 0.
      assert.deepEqual(
        [...z.entries()].map(([k, s]) => [k, s === 0 ? 0 : s]),
        expect.map(([k, s]) => [k, s === 0 ? 0 : s]),
      );
      expect.forEach(([k], i) => {
        assert.equal(z.rank(k, false), i);
        assert.equal(z.rank(k, true), expect.length - 1 - i);
        assert.equal(z.memberOf(z.at(i)), k);
      });
      assert.equal(z.rank('nosuch', false), -1);
      const copy = z.clone();
      assert.deepEqual([...copy.entries()], [...z.entries()]);
      assert.equal(copy.encoding(), z.encoding());
    }),
    { numRuns: 300 },
  );
});

test('-0: stored as 0 while the set is a listpack, kept as -0 in a skiplist', () => {
  const small = new ZSet();
  small.add('a', -0, 0, BIG);
  assert.ok(Object.is(small.score('a'), 0));
  const large = new ZSet();
  large.add('a', -0, 0, { maxListpackEntries: 0, maxListpackValue: 64 });
  assert.equal(large.encoding(), 'skiplist');
  assert.ok(Object.is(large.score('a'), -0));
  // A result sized into a listpack loses the sign too.
  const r = ZSet.large();
  r.insertNew('x', -0);
  r.fitEncoding(BIG);
  assert.equal(r.encoding(), 'listpack');
  assert.ok(Object.is(r.score('x'), 0));
  const tooLong = ZSet.large();
  tooLong.insertNew('x'.repeat(65), 1);
  tooLong.fitEncoding({ maxListpackEntries: 128, maxListpackValue: 64 });
  assert.equal(tooLong.encoding(), 'skiplist');
});

test('ZSCAN: a listpack returns everything at once; a skiplist cursor misses nothing present throughout', () => {
  const small = new ZSet();
  small.add('a', 1e17, 0, BIG);
  small.add('b', 1.5, 0, BIG);
  const got: string[] = [];
  assert.equal(
    small.scan(0, 1, (m, s) => got.push(m, s)),
    0,
  );
  assert.deepEqual(got, ['b', '1.5', 'a', '100000000000000000']);

  fc.assert(
    fc.property(fc.integer({ min: 1, max: 30 }), fc.array(fc.integer({ min: 0, max: 199 }), { maxLength: 60 }), (count, churn) => {
      const z = new ZSet();
      const limits = { maxListpackEntries: 0, maxListpackValue: 64 };
      for (let i = 0; i < 200; i++) z.add(`m${i}`, i % 7, 0, limits);
      const seen = new Set<string>();
      const touched = new Set<string>();
      let cursor = 0;
      let steps = 0;
      do {
        cursor = z.scan(cursor, count, (m) => seen.add(m));
        // Churn (for a while): remove one member, move another to a new score, add a new one.
        const k = churn[steps];
        if (k !== undefined) {
          z.remove(`m${k}`);
          touched.add(`m${k}`);
          z.add(`m${(k + 1) % 200}`, -k, 0, limits);
          z.add(`new${steps}`, k, 0, limits);
        }
        steps++;
      } while (cursor !== 0 && steps < 1000);
      assert.equal(cursor, 0);
      for (let i = 0; i < 200; i++) if (!touched.has(`m${i}`)) assert.ok(seen.has(`m${i}`), `m${i} missed`);
      checkList(z.list);
    }),
    { numRuns: 100 },
  );
});

test('ZSCAN order survives heavy removal (its dead entries compacted) and slot reuse', () => {
  const z = new ZSet();
  const limits = { maxListpackEntries: 0, maxListpackValue: 64 };
  for (let i = 0; i < 500; i++) z.add(`m${i}`, i, 0, limits);
  const seen = new Set<string>();
  let cursor = z.scan(0, 50, (m) => seen.add(m));
  // Remove 300 members not yet seen and add 300 new ones (reusing their slots).
  for (let i = 499; i >= 200; i--) z.remove(`m${i}`);
  for (let i = 0; i < 300; i++) z.add(`n${i}`, -i, 0, limits);
  while (cursor !== 0) cursor = z.scan(cursor, 50, (m) => seen.add(m));
  for (let i = 0; i < 200; i++) assert.ok(seen.has(`m${i}`), `m${i} missed`);
  // Those removed before the cursor reached them are not returned; the new ones are.
  for (let i = 200; i < 500; i++) assert.ok(!seen.has(`m${i}`), `m${i} returned after its removal`);
  for (let i = 0; i < 300; i++) assert.ok(seen.has(`n${i}`), `n${i} missed`);
  checkList(z.list);
});

test('the listpack bytes equal the one Redis 7.0.15 DUMPs for the same set (every entry encoding)', () => {
  // DUMP of this set from a real 7.0.15 with rdbcompression off and zset-max-listpack-value
  // 10000: a 5283-byte listpack, compared through its SHA-1.
  const args = ['0', 'a', '-0', 'b', '1', '127', '2', '128', '3', '-1', '4', '-4096', '5', '4095', '6', '4096', '7', '-32768', '8', '32768', '9', '8388607', '10', '-8388609', '11', '2147483648', '12', '9223372036854775807', '13', '-9223372036854775808', '1.5', '01', '-2.25', '+1', 'inf', 'x'.repeat(64), '-inf', 'neg', '1e20', '9223372036854775808', '4611686018427387904', 'c', '-4611686018427387903', 'd', '1e-300', 'y'.repeat(5000)];
  const z = new ZSet();
  const limits = { maxListpackEntries: 128, maxListpackValue: 10000 };
  for (let i = 0; i < args.length; i += 2) z.add(args[i + 1]!, parseScore(args[i]!)!, 0, limits);
  assert.equal(z.encoding(), 'listpack');
  const lp = zsetListpack(z.entries());
  assert.equal(lp.length, 5283);
  assert.equal(createHash('sha1').update(lp).digest('hex'), 'd376fe9d0cc59643eaa4eaa5728c56418f98c7a9');
  // A two-member listpack, byte by byte: header (total, count), entries with backlens, end.
  const two = new ZSet();
  two.add('a', 1, 0, limits);
  two.add('b', 2.5, 0, limits);
  assert.equal(zsetListpack(two.entries()).toString('hex'), '140000000400816102010181620283322e3504ff');
});

test('DEBUG OBJECT serializedlength: listpack blob (LZF when it pays) or member + 8-byte score per element', () => {
  const z = new ZSet();
  for (let i = 1; i <= 140; i++) z.add(`m${i}`, i + 0.5, 0, { maxListpackEntries: 128, maxListpackValue: 64 });
  assert.equal(z.encoding(), 'skiplist');
  assert.equal(z.rdbSerializedLength(true), 1714);
  const small = new ZSet();
  for (let i = 1; i <= 30; i++) small.add(`member-number-${i}-xxxxxxxxxxxxxxxxxxxxxxxxxx`, i, 0, BIG);
  assert.equal(small.rdbSerializedLength(true), 303);
  assert.equal(small.rdbSerializedLength(false), 1410);
});
