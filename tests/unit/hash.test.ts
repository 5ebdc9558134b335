// HashValue: a model-based test against a Map (contents and order), the listpack/hashtable
// encoding rules, the HSCAN guarantee under concurrent changes, and random picks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HashValue, type HashLimits } from '../../src/keyspace/hash.js';
import { MAX_HASHED_KEY_LENGTH } from '../../src/keyspace/key-map.js';

const BIG: HashLimits = { maxListpackEntries: 1 << 30, maxListpackValue: 1 << 30 };
const DEFAULT: HashLimits = { maxListpackEntries: 512, maxListpackValue: 64 };

type Op = { op: 'set'; f: string; v: string } | { op: 'del'; f: string } | { op: 'get'; f: string };

const field = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', '', '\x00', '\xff\xfe', '1', '01');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), f: field, v: fc.string({ maxLength: 4 }) }),
  fc.record({ op: fc.constant('del' as const), f: field }),
  fc.record({ op: fc.constant('get' as const), f: field }),
);

test('model: a HashValue behaves as a Map, in the same (insertion) order', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
      const h = new HashValue();
      const m = new Map<string, string>();
      for (const o of ops) {
        if (o.op === 'set') {
          assert.equal(h.set(o.f, o.v, BIG), !m.has(o.f));
          m.set(o.f, o.v);
        } else if (o.op === 'del') {
          assert.equal(h.delete(o.f), m.delete(o.f));
        } else {
          assert.equal(h.get(o.f), m.get(o.f));
          assert.equal(h.has(o.f), m.has(o.f));
        }
        assert.equal(h.size, m.size);
      }
      assert.deepEqual([...h.entries()], [...m.entries()]);
      assert.deepEqual([...h.fields()], [...m.keys()]);
      assert.deepEqual([...h.values()], [...m.values()]);
      assert.deepEqual([...h.clone().entries()], [...m.entries()]);
      if (m.size > 0) assert.ok(m.has(h.keyAt(h.randomSlot())));
    }),
    { numRuns: 300 },
  );
});

test('encoding: listpack until a field or value exceeds the value limit, for good', () => {
  const h = new HashValue();
  h.set('f', 'x'.repeat(64), DEFAULT);
  assert.equal(h.encoding(), 'listpack');
  h.set('g', 'x'.repeat(65), DEFAULT);
  assert.equal(h.encoding(), 'hashtable');
  h.delete('g');
  assert.equal(h.encoding(), 'hashtable');
  const k = new HashValue();
  k.set('y'.repeat(65), 'v', DEFAULT);
  assert.equal(k.encoding(), 'hashtable');
  const e = new HashValue();
  e.set('', '', { maxListpackEntries: 128, maxListpackValue: 0 });
  assert.equal(e.encoding(), 'listpack');
  e.set('a', '', { maxListpackEntries: 128, maxListpackValue: 0 });
  assert.equal(e.encoding(), 'hashtable');
});

test('encoding: listpack until one field more than the entries limit, for good; updates never convert', () => {
  const limits: HashLimits = { maxListpackEntries: 2, maxListpackValue: 64 };
  const h = new HashValue();
  h.set('a', '1', limits);
  h.set('b', '2', limits);
  assert.equal(h.encoding(), 'listpack');
  // A lowered limit affects only the next new field, as in Redis.
  h.set('a', '3', { maxListpackEntries: 1, maxListpackValue: 64 });
  assert.equal(h.encoding(), 'listpack');
  h.set('c', '3', limits);
  assert.equal(h.encoding(), 'hashtable');
  h.delete('c');
  h.delete('b');
  assert.equal(h.encoding(), 'hashtable');
  assert.equal(h.clone().encoding(), 'hashtable');
  const zero = new HashValue();
  zero.set('a', '1', { maxListpackEntries: 0, maxListpackValue: 64 });
  assert.equal(zero.encoding(), 'hashtable');
});

test('scan: a listpack hash is returned whole with cursor 0', () => {
  const h = new HashValue();
  for (let i = 0; i < 5; i++) h.set(`f${i}`, `v${i}`, DEFAULT);
  const seen: string[] = [];
  assert.equal(
    h.scan(12345, 1, (f, v) => seen.push(f, v)),
    0,
  );
  assert.deepEqual(seen, ['f0', 'v0', 'f1', 'v1', 'f2', 'v2', 'f3', 'v3', 'f4', 'v4']);
});

test('scan: every field present for the whole scan is returned, whatever changes meanwhile', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 1, max: 7 }),
      fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 120 })), { maxLength: 200 }),
      (initial, count, changes) => {
        const h = new HashValue();
        const limits: HashLimits = { maxListpackEntries: 0, maxListpackValue: 64 };
        for (let i = 0; i < initial; i++) h.set(`k${i}`, 'v', limits);
        const removed = new Set<string>();
        const seen = new Set<string>();
        let cursor = 0;
        let step = 0;
        do {
          cursor = h.scan(cursor, count, (f) => seen.add(f));
          // Between calls: a few random additions and removals.
          for (let j = 0; j < 3 && step < changes.length; j++, step++) {
            const [add, n] = changes[step]!;
            const f = `k${n}`;
            if (add) h.set(f, 'w', limits);
            else if (h.delete(f)) removed.add(f);
          }
        } while (cursor !== 0);
        for (let i = 0; i < initial; i++) {
          const f = `k${i}`;
          if (!removed.has(f)) assert.ok(seen.has(f), `missed ${f}`);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('random picks are uniform (loosely) and stay O(1) after many removals', () => {
  const h = new HashValue();
  for (let i = 0; i < 10; i++) h.set(`f${i}`, String(i), BIG);
  const counts = new Map<string, number>();
  for (let i = 0; i < 20000; i++) {
    const f = h.keyAt(h.randomSlot());
    counts.set(f, (counts.get(f) ?? 0) + 1);
  }
  assert.equal(counts.size, 10);
  for (const n of counts.values()) assert.ok(n > 1500 && n < 2500, `count ${n}`);

  const big = new HashValue();
  for (let i = 0; i < 100000; i++) big.set(`f${i}`, 'v', BIG);
  for (let i = 0; i < 99990; i++) big.delete(`f${i}`);
  const start = performance.now();
  const left = new Set<string>();
  for (let i = 0; i < 10000; i++) left.add(big.keyAt(big.randomSlot()));
  assert.equal(left.size, 10);
  assert.ok(performance.now() - start < 500);
});

test('sampleSlots: distinct slots, uniform over members, both strategies', () => {
  const h = new HashValue();
  for (let i = 0; i < 30; i++) h.set(`f${i}`, 'v', BIG);
  for (const count of [3, 20, 29]) {
    const hits = new Map<string, number>();
    for (let r = 0; r < 600; r++) {
      const slots = h.sampleSlots(count);
      assert.equal(new Set(slots).size, count);
      for (const s of slots) hits.set(h.keyAt(s), (hits.get(h.keyAt(s)) ?? 0) + 1);
    }
    assert.equal(hits.size, 30, `every member drawn with count ${count}`);
  }
});

test('fields longer than V8 hashes are distinct and found', () => {
  const h = new HashValue();
  const base = 'x'.repeat(MAX_HASHED_KEY_LENGTH + 10);
  for (let i = 0; i < 50; i++) h.set(base + String(i).padStart(3, '0'), String(i), DEFAULT);
  assert.equal(h.size, 50);
  assert.equal(h.get(base + '007'), '7');
  assert.equal(h.encoding(), 'hashtable');
  for (let i = 0; i < 40; i++) assert.ok(h.delete(base + String(i).padStart(3, '0')));
  assert.equal(h.get(base + '045'), '45');
  assert.equal(h.size, 10);
});

test('memoryUsage grows with the contents', () => {
  const h = new HashValue();
  h.set('a', 'b', BIG);
  const small = h.memoryUsage(0);
  for (let i = 0; i < 1000; i++) h.set(`field:${i}`, 'value'.repeat(10), BIG);
  assert.ok(h.memoryUsage(0) > small + 1000 * 60);
  assert.ok(Math.abs(h.memoryUsage(5) - h.memoryUsage(0)) < h.memoryUsage(0) * 0.2);
});
