// ListValue (keyspace/list.ts): the ring-buffer deque behind lists, checked against a plain
// array model by fast-check (random operation sequences, including wrap-around, growth and
// shrinking), plus the hooks other modules call (items, clone, encoding, memoryUsage).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ListValue } from '../../src/keyspace/list.js';

type Op =
  | { op: 'pushFront' | 'pushBack'; v: string }
  | { op: 'popFront' | 'popBack' }
  | { op: 'set'; i: number; v: string }
  | { op: 'insertAt'; i: number; v: string }
  | { op: 'removeAt'; i: number }
  | { op: 'removeValue'; v: string; limit: number; fromTail: boolean }
  | { op: 'dropFront' | 'dropBack'; n: number }
  | { op: 'bulkPush'; n: number; front: boolean };

const value = fc.constantFrom('a', 'b', 'c', '', 'x'.repeat(40), '\x00\xff');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('pushFront' as const), v: value }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('pushBack' as const), v: value }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('popFront' as const, 'popBack' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('set' as const), i: fc.nat(200), v: value }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('insertAt' as const), i: fc.nat(200), v: value }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('removeAt' as const), i: fc.nat(200) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('removeValue' as const), v: value, limit: fc.nat(3), fromTail: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('dropFront' as const, 'dropBack' as const), n: fc.nat(150) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('bulkPush' as const), n: fc.nat(300), front: fc.boolean() }) },
);

/** Applies `op` to both; indexes are reduced into range as a command handler would keep them. */
function apply(l: ListValue, m: string[], o: Op): void {
  switch (o.op) {
    case 'pushFront':
      l.pushFront(o.v);
      m.unshift(o.v);
      break;
    case 'pushBack':
      l.pushBack(o.v);
      m.push(o.v);
      break;
    case 'popFront':
      assert.equal(l.popFront(), m.shift());
      break;
    case 'popBack':
      assert.equal(l.popBack(), m.pop());
      break;
    case 'set':
      if (m.length === 0) return;
      l.set(o.i % m.length, o.v);
      m[o.i % m.length] = o.v;
      break;
    case 'insertAt': {
      const i = o.i % (m.length + 1);
      l.insertAt(i, o.v);
      m.splice(i, 0, o.v);
      break;
    }
    case 'removeAt': {
      if (m.length === 0) return;
      const i = o.i % m.length;
      assert.equal(l.removeAt(i), m.splice(i, 1)[0]);
      break;
    }
    case 'removeValue': {
      let removed = 0;
      const order = o.fromTail ? [...m.keys()].reverse() : [...m.keys()];
      const drop = new Set<number>();
      for (const i of order) {
        if (m[i] === o.v && (o.limit === 0 || removed < o.limit)) {
          drop.add(i);
          removed++;
        }
      }
      const kept = m.filter((_, i) => !drop.has(i));
      m.length = 0;
      m.push(...kept);
      assert.equal(l.removeValue(o.v, o.limit, o.fromTail), removed);
      break;
    }
    case 'dropFront': {
      const n = Math.min(o.n, m.length);
      l.dropFront(n);
      m.splice(0, n);
      break;
    }
    case 'dropBack': {
      const n = Math.min(o.n, m.length);
      l.dropBack(n);
      m.splice(m.length - n, n);
      break;
    }
    case 'bulkPush':
      for (let i = 0; i < o.n; i++) {
        const v = String(i);
        if (o.front) {
          l.pushFront(v);
          m.unshift(v);
        } else {
          l.pushBack(v);
          m.push(v);
        }
      }
      break;
  }
}

function check(l: ListValue, m: string[]): void {
  assert.equal(l.length, m.length);
  assert.deepEqual(l.toArray(), m);
  assert.deepEqual([...l.items()], m);
  for (let i = 0; i < m.length; i += 7) assert.equal(l.at(i), m[i]);
  assert.equal(l.indexOf('a'), m.indexOf('a'));
}

test('random operation sequences agree with an array model', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 120 }), fc.nat(20), (ops, initial) => {
      const start = Array.from({ length: initial }, (_, i) => `i${i}`);
      const l = initial % 2 === 0 ? ListValue.from(start) : ListValue.from(start.values());
      const m = [...start];
      for (const o of ops) {
        apply(l, m, o);
        check(l, m);
      }
      // A clone is equal and independent.
      const copy = l.clone();
      assert.deepEqual(copy.toArray(), m);
      copy.pushBack('only-in-copy');
      assert.equal(l.length, m.length);
    }),
    { numRuns: 300 },
  );
});

test('the buffer wraps around, grows when full and shrinks once mostly empty', () => {
  const l = new ListValue();
  // Wrap the head around the start of the buffer many times while the list stays small.
  for (let i = 0; i < 1000; i++) {
    l.pushFront(`f${i}`);
    l.pushBack(`b${i}`);
    assert.equal(l.popBack(), `b${i}`);
    if (i % 2 === 0) assert.equal(l.popFront(), `f${i}`);
  }
  assert.equal(l.length, 500);
  assert.equal(l.at(0), 'f999');
  assert.equal(l.at(499), 'f1');
  const before = l.memoryUsage(0);
  for (let i = 0; i < 100_000; i++) l.pushBack('x');
  const grown = l.memoryUsage(0);
  assert.ok(grown > before + 100_000 * 8, 'slot array grew');
  l.dropBack(100_000);
  assert.equal(l.length, 500);
  assert.ok(l.memoryUsage(0) < grown / 10, 'memory given back after the list shrank');
  while (l.length > 0) l.popFront();
  assert.equal(l.popFront(), undefined);
  assert.equal(l.popBack(), undefined);
  assert.deepEqual(l.toArray(), []);
});

test('hooks: type, encoding (Redis 7.0: always quicklist), items, clone, memoryUsage', () => {
  const l = ListValue.from(['a', 'bb', '\x00\xff']);
  assert.equal(l.type, 'list');
  assert.equal(l.encoding(), 'quicklist');
  assert.deepEqual([...l.items()], ['a', 'bb', '\x00\xff']);
  const c = l.clone();
  assert.notEqual(c, l);
  assert.deepEqual(c.toArray(), l.toArray());
  c.set(0, 'changed');
  assert.equal(l.at(0), 'a');
  // Sampling extrapolates from the first elements; 0 looks at all of them.
  const big = ListValue.from(Array.from({ length: 1000 }, (_, i) => (i < 10 ? 'x' : 'y'.repeat(100))));
  assert.ok(big.memoryUsage(5) < big.memoryUsage(0));
  assert.equal(new ListValue().memoryUsage(5) > 0, true);
});

test('removeValue keeps the order of the kept elements in both directions', () => {
  const l = ListValue.from(['a', 'b', 'a', 'c', 'a', 'b', 'a']);
  assert.equal(l.removeValue('a', 2, true), 2);
  assert.deepEqual(l.toArray(), ['a', 'b', 'a', 'c', 'b']);
  assert.equal(l.removeValue('a', 1, false), 1);
  assert.deepEqual(l.toArray(), ['b', 'a', 'c', 'b']);
  assert.equal(l.removeValue('b', 0, false), 2);
  assert.deepEqual(l.toArray(), ['a', 'c']);
  assert.equal(l.removeValue('zz', 0, true), 0);
  assert.deepEqual(l.toArray(), ['a', 'c']);
});
