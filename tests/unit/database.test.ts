// The keyspace API of one database: the SCAN guarantee under arbitrary interleavings of
// writes and scan steps (property-based, fast-check), the small lookup/move helpers, and the
// active expiry cycle removing expired keys that nobody reads, in bounded time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import { ExpireCycle } from '../../src/keyspace/expire-cycle.js';
import type { Database } from '../../src/keyspace/database.js';

function freshDb(): { ks: Keyspace; db: Database } {
  const ks = new Keyspace(2);
  ks.time = Date.now();
  return { ks, db: ks.dbs[0]! };
}

type Op = { kind: 'set'; key: number } | { kind: 'del'; key: number } | { kind: 'scan'; count: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), key: fc.nat(199) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('del' as const), key: fc.nat(199) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('scan' as const), count: fc.integer({ min: 1, max: 20 }) }) },
);

/**
 * Runs one full SCAN (cursor 0 back to 0) with the mutations of `ops` interleaved between its
 * steps; returns the keys it returned and the keys present for the whole scan.
 */
function scanWhileMutating(db: Database, ops: readonly Op[]): { returned: Set<string>; stable: Set<string> } {
  const stable = new Set<string>();
  for (const e of db.entries()) stable.add(e.key);
  const returned = new Set<string>();
  let cursor = 0;
  let steps = 0;
  const step = (count: number) => {
    cursor = db.scan(cursor, count, (e) => returned.add(e.key));
    steps++;
    return cursor === 0;
  };
  for (const op of ops) {
    if (op.kind === 'scan') {
      if (step(op.count)) return { returned, stable };
    } else if (op.kind === 'set') {
      // Overwrites keep the entry (and its place in the scan order); new keys are appended.
      db.set(`k${op.key}`, `v${steps}`);
    } else {
      stable.delete(`k${op.key}`);
      db.delete(`k${op.key}`);
    }
  }
  for (let i = 0; i < 100000; i++) if (step(10)) return { returned, stable };
  throw new Error('scan did not terminate');
}

test('SCAN property: every key present for the whole scan is returned at least once', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.nat(199), { maxLength: 150, size: 'max' }), fc.array(opArb, { maxLength: 400, size: 'max' }), (initial, ops) => {
      const { db } = freshDb();
      for (const k of initial) db.add(`k${k}`, 'v');
      const { returned, stable } = scanWhileMutating(db, ops);
      for (const k of stable) assert.ok(returned.has(k), `missed ${k}`);
      // Nothing is invented: every returned key existed at some point.
      for (const k of returned) assert.match(k, /^k\d+$/);
    }),
    { numRuns: 300 },
  );
});

test('SCAN property holds across compaction of the scan order (mass deletes mid-scan)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1500, max: 4000 }),
      fc.double({ min: 0.5, max: 0.95, noNaN: true }),
      fc.integer({ min: 0, max: 30 }),
      fc.integer({ min: 1, max: 200 }),
      (n, deleteShare, stepsBefore, count) => {
        const { db } = freshDb();
        for (let i = 0; i < n; i++) db.add(`k${i}`, 'v');
        const stable = new Set<string>();
        const returned = new Set<string>();
        let cursor = 0;
        for (let i = 0; i < stepsBefore && (i === 0 || cursor !== 0); i++) cursor = db.scan(cursor, count, (e) => returned.add(e.key));
        if (cursor !== 0 || stepsBefore === 0) {
          // Delete most keys (well past the compaction threshold), then add new ones.
          for (let i = 0; i < n; i++) {
            if (i / n < deleteShare) db.delete(`k${i}`);
            else stable.add(`k${i}`);
          }
          for (let i = 0; i < 500; i++) db.add(`new${i}`, 'v');
          let guard = 0;
          do cursor = db.scan(cursor, count, (e) => returned.add(e.key));
          while (cursor !== 0 && ++guard < 100000);
          for (const k of stable) assert.ok(returned.has(k), `missed ${k}`);
        }
      },
    ),
    { numRuns: 40 },
  );
});

test('SCAN never returns a key twice when nothing changes, and visits at most COUNT slots a step', () => {
  const { db } = freshDb();
  for (let i = 0; i < 1000; i++) db.add(`k${i}`, 'v');
  const seen: string[] = [];
  let cursor = 0;
  do {
    let n = 0;
    cursor = db.scan(cursor, 7, (e) => {
      n++;
      seen.push(e.key);
    });
    assert.ok(n <= 7);
  } while (cursor !== 0);
  assert.equal(seen.length, 1000);
  assert.equal(new Set(seen).size, 1000);
});

test('readEntry counts hits and misses without touching the access time', () => {
  const { ks, db } = freshDb();
  db.add('a', 'v');
  const e = db.peekEntry('a')!;
  e.access = 1000;
  assert.equal(db.readEntry('a'), e);
  assert.equal(db.readEntry('nokey'), undefined);
  assert.deepEqual([ks.stats.hits, ks.stats.misses], [1, 1]);
  assert.equal(e.access, 1000);
  db.lookupRead('a');
  assert.notEqual(e.access, 1000);
});

test('addMoved carries value, TTL and access state to a new key, in any database', () => {
  const { ks, db } = freshDb();
  const other = ks.dbs[1]!;
  db.add('src', 'v');
  db.setExpire('src', ks.time + 60000);
  const e = db.peekEntry('src')!;
  e.access = 1234;
  e.freq = 77;
  const dirty = ks.dirty;
  db.delete('src');
  other.addMoved('dst', e);
  const moved = other.peekEntry('dst')!;
  assert.deepEqual(
    [moved.value, moved.expireAt, moved.access, moved.freq, moved.dead],
    ['v', ks.time + 60000, 1234, 77, false],
  );
  assert.equal(other.expiresCount, 1);
  assert.equal(db.expiresCount, 0);
  assert.equal(ks.dirty, dirty + 2);
});

test('active expiry cycle: removes expired keys nobody reads, in bounded time per run', () => {
  const ks = new Keyspace(4);
  const cycle = new ExpireCycle(ks);
  const expired: string[] = [];
  ks.onExpired = (db, key) => expired.push(`${db.id}:${key}`);
  const now = Date.now();
  ks.time = now;
  let expect = 0;
  for (const db of ks.dbs) {
    for (let i = 0; i < 5000; i++) {
      db.add(`e${i}`, 'v');
      db.setExpire(`e${i}`, now - 1);
      expect++;
    }
    for (let i = 0; i < 100; i++) {
      db.add(`f${i}`, 'v');
      db.setExpire(`f${i}`, now + 3600000);
      db.add(`p${i}`, 'v');
    }
  }
  const budgetMs = 2;
  let runs = 0;
  let worst = 0;
  while (ks.totalKeys > 4 * 200 && runs < 10000) {
    const t0 = performance.now();
    cycle.run(budgetMs);
    worst = Math.max(worst, performance.now() - t0);
    runs++;
  }
  assert.equal(ks.totalKeys, 4 * 200, `after ${runs} runs`);
  assert.equal(expired.length, expect);
  assert.equal(ks.stats.expiredKeys, expect);
  // Each run stops at its budget (checked between batches of 64 keys): allow generous slack
  // for a slow machine, but far below the time to sweep everything at once.
  assert.ok(worst < budgetMs + 100, `worst run ${worst.toFixed(1)} ms`);
  assert.ok(runs > 1, 'the work was split across runs');
  for (const db of ks.dbs) {
    assert.equal(db.expiresCount, 100);
    assert.ok(db.peekEntry('f0') && db.peekEntry('p0'));
  }
});

test('active expiry cycle: idle while loading or disabled', () => {
  const ks = new Keyspace(1);
  const cycle = new ExpireCycle(ks);
  const db = ks.dbs[0]!;
  ks.time = Date.now();
  db.add('k', 'v');
  db.setExpire('k', ks.time - 1);
  ks.loading = true;
  cycle.run(10);
  assert.equal(db.size, 1);
  ks.loading = false;
  cycle.enabled = false;
  cycle.run(10);
  assert.equal(db.size, 1);
  cycle.enabled = true;
  cycle.run(10);
  assert.equal(db.size, 0);
});
