// KeyMap: long keys (past V8's hashed length) are filed by digest, so equal-length long keys
// neither collide in V8's hash nor get confused with one another.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KeyMap, MAX_HASHED_KEY_LENGTH } from '../../src/keyspace/key-map.js';
import { startTestServer } from '../helpers/server.js';

function longKey(i: number, length = MAX_HASHED_KEY_LENGTH + 100): string {
  // Same length for all, differing only at the end (beyond what V8 would hash).
  const tail = String(i).padStart(8, '0');
  return 'k'.repeat(length - tail.length) + tail;
}

test('many equal-length long keys are distinct, retrievable and deletable', () => {
  const m = new KeyMap<number>();
  for (let i = 0; i < 500; i++) m.set(longKey(i), i);
  assert.equal(m.size, 500);
  for (let i = 0; i < 500; i++) assert.equal(m.get(longKey(i)), i);
  assert.equal(m.get(longKey(999)), undefined);
  for (let i = 0; i < 500; i += 2) assert.equal(m.delete(longKey(i)), true);
  assert.equal(m.delete(longKey(0)), false);
  assert.equal(m.size, 250);
  assert.deepEqual([...m.values()].sort((a, b) => a - b), Array.from({ length: 250 }, (_, j) => 2 * j + 1));
  assert.deepEqual(new Set([...m.entries()].map(([k]) => k.length)), new Set([MAX_HASHED_KEY_LENGTH + 100]));
});

test('the boundary: a key of exactly the hashed length is a plain key, one more is a long key', () => {
  const m = new KeyMap<string>();
  const a = 'x'.repeat(MAX_HASHED_KEY_LENGTH);
  const b = 'x'.repeat(MAX_HASHED_KEY_LENGTH + 1);
  m.set(a, 'a');
  m.set(b, 'b');
  m.set(b, 'b2');
  assert.equal(m.size, 2);
  assert.equal(m.get(a), 'a');
  assert.equal(m.get(b), 'b2');
});

test('KeyMap behaves as a Map (model-based, short and long keys mixed)', () => {
  const keyArb = fc.oneof(
    fc.string({ maxLength: 4 }),
    fc.integer({ min: 0, max: 20 }).map((i) => longKey(i)),
    fc.integer({ min: 0, max: 5 }).map((i) => longKey(i, MAX_HASHED_KEY_LENGTH + 1 + i)),
  );
  const op = fc.tuple(fc.constantFrom('set', 'delete', 'get'), keyArb, fc.integer());
  fc.assert(
    fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
      const model = new Map<string, number>();
      const m = new KeyMap<number>();
      for (const [kind, key, v] of ops) {
        if (kind === 'set') {
          model.set(key, v);
          m.set(key, v);
        } else if (kind === 'delete') {
          assert.equal(m.delete(key), model.delete(key));
        } else {
          assert.equal(m.get(key), model.get(key));
        }
        assert.equal(m.size, model.size);
      }
      assert.deepEqual(new Map(m.entries()), model);
    }),
    { numRuns: 200 },
  );
});

test('long keys through the server: SET/GET/EXPIRE/DEL/SCAN/WATCH', async () => {
  const srv = await startTestServer();
  try {
    const c = await srv.client();
    const other = await srv.client();
    const k1 = longKey(1);
    const k2 = longKey(2);
    assert.equal(await c.call('SET', k1, 'one'), 'OK');
    assert.equal(await c.call('SET', k2, 'two', 'PX', '100000'), 'OK');
    assert.equal(await c.call('GET', k1), 'one');
    assert.equal(await c.call('GET', k2), 'two');
    assert.equal(await c.call('DBSIZE'), 2);
    const scanned = (await c.call('SCAN', '0', 'COUNT', '100')) as [string, string[]];
    assert.deepEqual(new Set(scanned[1]), new Set([k1, k2]));
    await c.call('WATCH', k2);
    await other.call('SET', k2, 'changed');
    await c.call('MULTI');
    await c.call('GET', k2);
    assert.equal(await c.call('EXEC'), null);
    assert.equal(await c.call('DEL', k1), 1);
    assert.equal(await c.call('GET', k1), null);
    assert.equal(await c.call('EXISTS', k2), 1);
  } finally {
    await srv.stop();
  }
});
