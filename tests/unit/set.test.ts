// SetValue: a model-based test against a Set, the intset/hashtable encoding rules (string2ll
// integers, the entries limit, never back), intset order, the SSCAN guarantee and random picks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SetValue, isIntsetMember, type SetLimits } from '../../src/keyspace/set.js';

const BIG: SetLimits = { maxIntsetEntries: 1 << 30 };
const DEFAULT: SetLimits = { maxIntsetEntries: 512 };

type Op = { op: 'add' | 'del' | 'has'; m: string };
const member = fc.oneof(
  fc.integer({ min: -20, max: 20 }).map(String),
  fc.constantFrom('a', 'b', '', '\x00', '01', '-0', '+1', '9223372036854775807', '-9223372036854775808', '9223372036854775808'),
);
const opArb: fc.Arbitrary<Op> = fc.record({ op: fc.constantFrom('add' as const, 'del' as const, 'has' as const), m: member });

function numericOrder(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

test('model: a SetValue behaves as a Set; an intset iterates in numeric order, a hashtable in insertion order', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 200 }), fc.integer({ min: 0, max: 30 }), (ops, limit) => {
      const limits = { maxIntsetEntries: limit };
      const s = new SetValue();
      const m = new Set<string>();
      let everNonInt = false;
      let everTooBig = false;
      for (const o of ops) {
        if (o.op === 'add') {
          assert.equal(s.add(o.m, limits), !m.has(o.m));
          if (!m.has(o.m) && !isIntsetMember(o.m)) everNonInt = true;
          m.add(o.m);
          if (m.size > limit) everTooBig = true;
        } else if (o.op === 'del') {
          assert.equal(s.delete(o.m), m.delete(o.m));
        } else {
          assert.equal(s.has(o.m), m.has(o.m));
        }
        assert.equal(s.size, m.size);
      }
      const intset = !everNonInt && !everTooBig;
      assert.equal(s.encoding(), intset ? 'intset' : 'hashtable');
      const expected = intset ? [...m].sort(numericOrder) : [...m];
      assert.deepEqual([...s.members()], expected);
      assert.deepEqual([...s.clone().members()], expected);
      assert.equal(s.clone().encoding(), s.encoding());
      if (m.size > 0) assert.ok(m.has(s.random()));
    }),
    { numRuns: 400 },
  );
});

test('intset membership follows string2ll', () => {
  for (const yes of ['0', '1', '-1', '9223372036854775807', '-9223372036854775808', '123']) assert.ok(isIntsetMember(yes), yes);
  for (const no of ['', '-', '01', '+1', '-0', ' 1', '1 ', '1.0', '9223372036854775808', '-9223372036854775809', 'a', '0x1']) {
    assert.ok(!isIntsetMember(no), JSON.stringify(no));
  }
});

test('encoding: intset past the entries limit becomes a hashtable, for good; reset decides afresh', () => {
  const limits = { maxIntsetEntries: 3 };
  const s = SetValue.from(['3', '1', '2'], limits);
  assert.equal(s.encoding(), 'intset');
  assert.deepEqual([...s.members()], ['1', '2', '3']);
  s.add('4', limits);
  assert.equal(s.encoding(), 'hashtable');
  s.delete('4');
  s.delete('3');
  assert.equal(s.encoding(), 'hashtable');
  s.reset(['7', '5'], limits);
  assert.equal(s.encoding(), 'intset');
  assert.deepEqual([...s.members()], ['5', '7']);
  s.reset(['x'], limits);
  assert.equal(s.encoding(), 'hashtable');
  assert.equal(new SetValue().encoding(), 'intset');
  assert.equal(SetValue.from(['1'], { maxIntsetEntries: 0 }).encoding(), 'hashtable');
});

test('intset order is numeric across the int64 range and kept after removals and adds', () => {
  const s = SetValue.from(['10', '-9223372036854775808', '9223372036854775807', '2', '-3', '9007199254740993'], DEFAULT);
  assert.deepEqual([...s.members()], ['-9223372036854775808', '-3', '2', '10', '9007199254740993', '9223372036854775807']);
  s.delete('2');
  s.add('0', DEFAULT);
  assert.deepEqual([...s.members()], ['-9223372036854775808', '-3', '0', '10', '9007199254740993', '9223372036854775807']);
});

test('scan: an intset is returned whole with cursor 0', () => {
  const s = SetValue.from(['5', '1', '3'], DEFAULT);
  const seen: string[] = [];
  assert.equal(
    s.scan(77, 1, (m) => seen.push(m)),
    0,
  );
  assert.deepEqual(seen, ['1', '3', '5']);
});

test('scan: every member present for the whole scan is returned, whatever changes meanwhile', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 1, max: 7 }),
      fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 120 })), { maxLength: 200 }),
      (initial, count, changes) => {
        const s = new SetValue();
        for (let i = 0; i < initial; i++) s.add(`m${i}`, DEFAULT);
        const removed = new Set<string>();
        const seen = new Set<string>();
        let cursor = 0;
        let step = 0;
        do {
          cursor = s.scan(cursor, count, (m) => seen.add(m));
          for (let j = 0; j < 3 && step < changes.length; j++, step++) {
            const [add, n] = changes[step]!;
            if (add) s.add(`m${n}`, DEFAULT);
            else if (s.delete(`m${n}`)) removed.add(`m${n}`);
          }
        } while (cursor !== 0);
        for (let i = 0; i < initial; i++) if (!removed.has(`m${i}`)) assert.ok(seen.has(`m${i}`), `missed m${i}`);
      },
    ),
    { numRuns: 300 },
  );
});

test('draining a set by random picks yields every member once; picks are uniform (loosely)', () => {
  const s = new SetValue();
  for (let i = 0; i < 1000; i++) s.add(`m${i}`, BIG);
  const counts = new Map<string, number>();
  for (let i = 0; i < 50000; i++) {
    const m = s.random();
    counts.set(m, (counts.get(m) ?? 0) + 1);
  }
  assert.equal(counts.size, 1000);
  for (const n of counts.values()) assert.ok(n > 15 && n < 100, `count ${n}`);
  const popped = new Set<string>();
  while (s.size > 0) {
    const m = s.random();
    assert.ok(!popped.has(m));
    popped.add(m);
    s.delete(m);
  }
  assert.equal(popped.size, 1000);
});

test('random picks cost O(1): 100,000 picks on a 200,000-member set, then after removing most', () => {
  const s = new SetValue();
  for (let i = 0; i < 200000; i++) s.add(`member:${i}`, BIG);
  let start = performance.now();
  for (let i = 0; i < 100000; i++) s.random();
  const full = performance.now() - start;
  for (let i = 0; i < 199000; i++) s.delete(`member:${i}`);
  start = performance.now();
  for (let i = 0; i < 100000; i++) s.random();
  const sparse = performance.now() - start;
  assert.ok(full < 500 && sparse < 500, `${full} ms, ${sparse} ms`);
});

test('memoryUsage grows with the contents', () => {
  const s = new SetValue();
  s.add('a', BIG);
  const one = s.memoryUsage(0);
  for (let i = 0; i < 1000; i++) s.add(`member:${i}`, BIG);
  assert.ok(s.memoryUsage(0) > one + 1000 * 40);
});
