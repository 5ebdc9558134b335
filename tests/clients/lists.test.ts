// The list family through real client libraries: ioredis 5 (RESP2) and 6 (RESP3), node-redis
// 4 (RESP2) and 6 (RESP3, its default). Each pushes, pops (with counts), ranges, edits and
// moves through its own command methods and reply transformations, then blocks: a BLPOP that
// times out after a fractional timeout, and a BRPOPLPUSH served by another client's push.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis as Redis5 } from 'ioredis';
import { Redis as Redis6 } from 'ioredis6';
import { createClient as createClient4 } from 'redis4';
import { createClient as createClient6 } from 'redis';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv.stop();
});

/** Resolves once `n` clients are blocked on the server. */
async function blockedClients(n: number): Promise<void> {
  await waitFor(() => srv.server.blocking.blockedClients === n, 5000, `${n} blocked clients`);
}

const IOREDIS: [string, (port: number) => Redis5][] = [
  ['ioredis 5', (port) => new Redis5({ port, host: '127.0.0.1' })],
  ['ioredis 6', (port) => new Redis6({ port, host: '127.0.0.1' }) as unknown as Redis5],
];

for (const [label, connect] of IOREDIS) {
  const p = `${label.replace(' ', '')}:`;

  test(`${label}: push, pop, range, edit, move, LMPOP, binary elements`, { timeout: 20000 }, async () => {
    const r = connect(srv.port);
    try {
      assert.equal(await r.rpush(`${p}l`, 'a', 'b', 'c'), 3);
      assert.equal(await r.lpush(`${p}l`, 'z'), 4);
      assert.equal(await r.rpushx(`${p}none`, 'x'), 0);
      assert.deepEqual(await r.lrange(`${p}l`, 0, -1), ['z', 'a', 'b', 'c']);
      assert.equal(await r.llen(`${p}l`), 4);
      assert.equal(await r.lindex(`${p}l`, -1), 'c');
      assert.equal(await r.lindex(`${p}l`, 10), null);
      assert.equal(await r.lset(`${p}l`, 1, 'A'), 'OK');
      await assert.rejects(r.lset(`${p}l`, 10, 'x'), { message: 'ERR index out of range' });
      assert.equal(await r.linsert(`${p}l`, 'AFTER', 'A', 'b'), 5);
      assert.equal(await r.lrem(`${p}l`, 0, 'b'), 2);
      assert.equal(await r.lpos(`${p}l`, 'c'), 2);
      assert.deepEqual(await r.lpos(`${p}l`, 'c', 'COUNT', 0), [2]);
      assert.equal(await r.lpop(`${p}l`), 'z');
      assert.deepEqual(await r.rpop(`${p}l`, 5), ['c', 'A']);
      assert.equal(await r.exists(`${p}l`), 0);
      assert.equal(await r.lpop(`${p}l`), null);
      assert.equal(await r.lpop(`${p}l`, 2), null);
      await r.rpush(`${p}src`, '1', '2', '3');
      assert.equal(await r.lmove(`${p}src`, `${p}dst`, 'LEFT', 'RIGHT'), '1');
      assert.equal(await r.rpoplpush(`${p}src`, `${p}dst`), '3');
      assert.deepEqual(await r.lrange(`${p}dst`, 0, -1), ['3', '1']);
      assert.deepEqual(await r.lmpop(2, `${p}none`, `${p}dst`, 'RIGHT', 'COUNT', 5), [`${p}dst`, ['1', '3']]);
      assert.equal(await r.lmpop(1, `${p}none`, 'LEFT'), null);
      assert.equal(await r.ltrim(`${p}src`, 1, 0), 'OK');
      assert.equal(await r.exists(`${p}src`), 0);
      const bin = Buffer.from([0, 13, 10, 0x80, 0xff]);
      await r.rpush(`${p}bin`, bin, Buffer.alloc(0));
      assert.deepEqual(await r.lrangeBuffer(`${p}bin`, 0, -1), [bin, Buffer.alloc(0)]);
      await r.set(`${p}str`, 'v');
      await assert.rejects(r.lpush(`${p}str`, 'x'), { message: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
    } finally {
      r.disconnect();
    }
  });

  test(`${label}: BLPOP times out after a fractional timeout; BRPOPLPUSH is served by a push`, { timeout: 20000 }, async () => {
    const r = connect(srv.port);
    const w = connect(srv.port);
    try {
      const t0 = Date.now();
      assert.equal(await r.blpop(`${p}bnone`, 0.15), null);
      const waited = Date.now() - t0;
      assert.ok(waited >= 140 && waited < 2000, `waited ${waited} ms`);
      const pending = r.brpoplpush(`${p}bsrc`, `${p}bdst`, 0);
      await blockedClients(1);
      assert.equal(await w.rpush(`${p}bsrc`, 'x', 'y'), 2);
      assert.equal(await pending, 'y');
      assert.deepEqual(await w.lrange(`${p}bdst`, 0, -1), ['y']);
      const pop = r.blmpop(0, 2, `${p}b1`, `${p}b2`, 'LEFT', 'COUNT', 3);
      await blockedClients(1);
      await w.rpush(`${p}b2`, 'a', 'b');
      assert.deepEqual(await pop, [`${p}b2`, ['a', 'b']]);
    } finally {
      r.disconnect();
      w.disconnect();
    }
  });
}

test('node-redis 6 (RESP3): list commands and their reply transformations', { timeout: 20000 }, async () => {
  const r = createClient6({ url: `redis://127.0.0.1:${srv.port}` });
  await r.connect();
  try {
    assert.equal(await r.rPush('nr6:l', ['a', 'b', 'c', 'b']), 4);
    assert.equal(await r.lPushX('nr6:none', 'x'), 0);
    assert.deepEqual(await r.lRange('nr6:l', 0, -1), ['a', 'b', 'c', 'b']);
    assert.equal(await r.lLen('nr6:l'), 4);
    assert.equal(await r.lIndex('nr6:l', 7), null);
    assert.equal(await r.lPos('nr6:l', 'b', { RANK: -1 }), 3);
    assert.deepEqual(await r.lPosCount('nr6:l', 'b', 0), [1, 3]);
    assert.equal(await r.lPos('nr6:l', 'zz'), null);
    assert.equal(await r.lInsert('nr6:l', 'BEFORE', 'c', 'x'), 5);
    assert.equal(await r.lRem('nr6:l', -1, 'b'), 1);
    assert.deepEqual(await r.lPopCount('nr6:l', 2), ['a', 'b']);
    assert.equal(await r.rPop('nr6:l'), 'c');
    assert.equal(await r.lMove('nr6:l', 'nr6:m', 'LEFT', 'LEFT'), 'x');
    assert.equal(await r.exists('nr6:l'), 0);
    assert.equal(await r.lPopCount('nr6:l', 2), null);
    await r.rPush('nr6:l', ['1', '2', '3']);
    assert.deepEqual(await r.lmPop(['nr6:none', 'nr6:l'], 'RIGHT', { COUNT: 2 }), ['nr6:l', ['3', '2']]);
    assert.equal(await r.lmPop(['nr6:none'], 'LEFT'), null);
    assert.equal(await r.lTrim('nr6:l', 0, 0), 'OK');
    assert.deepEqual(await r.lRange('nr6:l', 0, -1), ['1']);
  } finally {
    await r.close();
  }
});

test('node-redis 6 (RESP3): BLPOP with a fractional timeout, BRPOPLPUSH and BLMOVE served by pushes', { timeout: 20000 }, async () => {
  const r = createClient6({ url: `redis://127.0.0.1:${srv.port}` });
  const w = createClient6({ url: `redis://127.0.0.1:${srv.port}` });
  await r.connect();
  await w.connect();
  try {
    const t0 = Date.now();
    assert.equal(await r.blPop('nr6:bnone', 0.1), null);
    assert.ok(Date.now() - t0 >= 90);
    const pending = r.brPopLPush('nr6:bsrc', 'nr6:bdst', 0);
    await blockedClients(1);
    await w.lPush('nr6:bsrc', 'v');
    assert.equal(await pending, 'v');
    const moved = r.blMove('nr6:bsrc2', 'nr6:bdst', 'RIGHT', 'RIGHT', 5);
    await blockedClients(1);
    await w.rPush('nr6:bsrc2', ['p', 'q']);
    assert.equal(await moved, 'q');
    assert.deepEqual(await w.lRange('nr6:bdst', 0, -1), ['v', 'q']);
    const popped = r.blPop(['nr6:e1', 'nr6:e2'], 0);
    await blockedClients(1);
    await w.rPush('nr6:e2', 'z');
    assert.deepEqual(await popped, { key: 'nr6:e2', element: 'z' });
  } finally {
    await r.close();
    await w.close();
  }
});

test('node-redis 4 (RESP2): list commands, a BRPOPLPUSH served by a push', { timeout: 20000 }, async () => {
  const r = createClient4({ url: `redis://127.0.0.1:${srv.port}` });
  const w = createClient4({ url: `redis://127.0.0.1:${srv.port}` });
  await r.connect();
  await w.connect();
  try {
    assert.equal(await r.rPush('nr4:l', ['a', 'b', 'c']), 3);
    assert.deepEqual(await r.lRange('nr4:l', 0, -1), ['a', 'b', 'c']);
    assert.deepEqual(await r.lPopCount('nr4:l', 2), ['a', 'b']);
    assert.equal(await r.lPop('nr4:l'), 'c');
    assert.equal(await r.lPop('nr4:l'), null);
    assert.equal(await r.blPop('nr4:none', 0.05), null);
    const pending = r.brPopLPush('nr4:src', 'nr4:dst', 0);
    await blockedClients(1);
    await w.rPush('nr4:src', ['x', 'y']);
    assert.equal(await pending, 'y');
    assert.deepEqual(await w.lRange('nr4:dst', 0, -1), ['y']);
  } finally {
    await r.quit();
    await w.quit();
  }
});
