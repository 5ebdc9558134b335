// The sorted-set family through real client libraries: ioredis 5 (RESP2) and 6 (RESP3),
// node-redis 4 (RESP2) and 6 (RESP3, its default, whose reply transformations expect the
// RESP3 shapes: [member, double] pairs for WITHSCORES, doubles for ZSCORE/ZINCRBY/ZMSCORE).
// Each adds, scores, ranges, pops and combines sets, then blocks: a BZPOPMIN that times out
// after a fractional timeout, and BZPOPMIN/BZMPOP served by another client's ZADD.

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

async function blockedClients(n: number): Promise<void> {
  await waitFor(() => srv.server.blocking.blockedClients === n, 5000, `${n} blocked clients`);
}

const IOREDIS: [string, (port: number) => Redis5][] = [
  ['ioredis 5', (port) => new Redis5({ port, host: '127.0.0.1' })],
  ['ioredis 6', (port) => new Redis6({ port, host: '127.0.0.1' }) as unknown as Redis5],
];

for (const [label, connect] of IOREDIS) {
  const p = `${label.replace(' ', '')}:`;

  test(`${label}: add, score, rank, ranges, pops, set operations, scan, binary members`, { timeout: 20000 }, async () => {
    const r = connect(srv.port);
    try {
      assert.equal(await r.zadd(`${p}z`, 1, 'a', 2, 'b', 3.5, 'c'), 3);
      assert.equal(await r.zadd(`${p}z`, 'XX', 'CH', 5, 'a', 9, 'new'), 1);
      assert.equal(await r.zincrby(`${p}z`, 0.25, 'b'), '2.25');
      assert.equal(await r.zadd(`${p}z`, 'INCR', 1, 'c'), '4.5');
      assert.equal(await r.zscore(`${p}z`, 'c'), '4.5');
      assert.equal(await r.zscore(`${p}z`, 'none'), null);
      assert.deepEqual(await r.zmscore(`${p}z`, 'a', 'none'), ['5', null]);
      assert.equal(await r.zcard(`${p}z`), 3);
      assert.equal(await r.zrank(`${p}z`, 'a'), 2);
      assert.equal(await r.zrevrank(`${p}z`, 'a'), 0);
      assert.deepEqual(await r.zrange(`${p}z`, 0, -1, 'WITHSCORES'), ['b', '2.25', 'c', '4.5', 'a', '5']);
      assert.deepEqual(await r.zrange(`${p}z`, '+inf', '(3', 'BYSCORE', 'REV', 'LIMIT', 0, 1), ['a']);
      assert.deepEqual(await r.zrangebyscore(`${p}z`, '-inf', 4.5), ['b', 'c']);
      assert.deepEqual(await r.zrevrangebyscore(`${p}z`, '+inf', '(4.5', 'WITHSCORES'), ['a', '5']);
      assert.equal(await r.zcount(`${p}z`, 2, 5), 3);
      await r.zadd(`${p}lex`, 0, 'a', 0, 'b', 0, 'c');
      assert.deepEqual(await r.zrangebylex(`${p}lex`, '(a', '+'), ['b', 'c']);
      assert.equal(await r.zlexcount(`${p}lex`, '-', '[b'), 2);
      assert.equal(await r.zrangestore(`${p}dst`, `${p}z`, 0, 1), 2);
      assert.deepEqual(await r.zpopmin(`${p}z`), ['b', '2.25']);
      assert.deepEqual(await r.zpopmax(`${p}z`, 5), ['a', '5', 'c', '4.5']);
      assert.equal(await r.exists(`${p}z`), 0);
      assert.deepEqual(await r.zmpop(2, `${p}none`, `${p}lex`, 'MAX', 'COUNT', 2), [`${p}lex`, [['c', '0'], ['b', '0']]]);
      assert.equal(await r.zmpop(1, `${p}none`, 'MIN'), null);
      await r.zadd(`${p}u1`, 1, 'x', 2, 'y');
      await r.zadd(`${p}u2`, 10, 'y', 20, 'z');
      await r.sadd(`${p}s`, 'x', 'z');
      assert.deepEqual(await r.zunion(2, `${p}u1`, `${p}u2`, 'WITHSCORES'), ['x', '1', 'y', '12', 'z', '20']);
      assert.deepEqual(await r.zinter(3, `${p}u1`, `${p}u2`, `${p}s`), []);
      assert.equal(await r.zinterstore(`${p}i`, 2, `${p}u1`, `${p}s`, 'WEIGHTS', 2, 1), 1);
      assert.deepEqual(await r.zrange(`${p}i`, 0, -1, 'WITHSCORES'), ['x', '3']);
      assert.deepEqual(await r.zdiff(2, `${p}u1`, `${p}u2`), ['x']);
      assert.equal(await r.zintercard(2, `${p}u1`, `${p}u2`), 1);
      assert.equal(await r.zremrangebyscore(`${p}u2`, '-inf', 15), 1);
      const [cursor, items] = await r.zscan(`${p}u1`, 0);
      assert.equal(cursor, '0');
      assert.deepEqual(items, ['x', '1', 'y', '2']);
      const rand = await r.zrandmember(`${p}u1`, -3);
      assert.equal((rand as string[]).length, 3);
      const bin = Buffer.from([0, 13, 10, 0x80, 0xff]);
      await r.zadd(`${p}bin`, 1, bin);
      assert.deepEqual(await r.zrangeBuffer(`${p}bin`, 0, -1), [bin]);
      await r.set(`${p}str`, 'v');
      await assert.rejects(r.zadd(`${p}str`, 1, 'x'), { message: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
      await assert.rejects(r.zadd(`${p}z`, 'nan', 'x'), { message: 'ERR value is not a valid float' });
    } finally {
      r.disconnect();
    }
  });

  test(`${label}: BZPOPMIN times out after a fractional timeout; BZPOPMIN and BZMPOP are served by a ZADD`, { timeout: 20000 }, async () => {
    const r = connect(srv.port);
    const w = connect(srv.port);
    try {
      const t0 = Date.now();
      assert.equal(await r.bzpopmin(`${p}bnone`, 0.15), null);
      const waited = Date.now() - t0;
      assert.ok(waited >= 140 && waited < 2000, `waited ${waited} ms`);
      const pending = r.bzpopmin(`${p}b1`, `${p}b2`, 0);
      await blockedClients(1);
      assert.equal(await w.zadd(`${p}b2`, 7, 'm', 8, 'n'), 2);
      assert.deepEqual(await pending, [`${p}b2`, 'm', '7']);
      const max = r.bzpopmax(`${p}b3`, 0.5);
      await blockedClients(1);
      await w.zadd(`${p}b3`, 1.5, 'q');
      assert.deepEqual(await max, [`${p}b3`, 'q', '1.5']);
      const mpop = r.bzmpop(0, 1, `${p}b4`, 'MIN', 'COUNT', 5);
      await blockedClients(1);
      await w.zadd(`${p}b4`, 2, 'y', 1, 'x');
      assert.deepEqual(await mpop, [`${p}b4`, [['x', '1'], ['y', '2']]]);
    } finally {
      r.disconnect();
      w.disconnect();
    }
  });
}

test('node-redis 6 (RESP3): sorted-set commands and their reply transformations', { timeout: 20000 }, async () => {
  const r = createClient6({ url: `redis://127.0.0.1:${srv.port}` });
  await r.connect();
  try {
    assert.equal(await r.zAdd('nr6:z', [{ score: 1, value: 'a' }, { score: 2, value: 'b' }, { score: 3.5, value: 'c' }]), 3);
    assert.equal(await r.zIncrBy('nr6:z', 0.25, 'b'), 2.25);
    assert.equal(await r.zScore('nr6:z', 'c'), 3.5);
    assert.equal(await r.zScore('nr6:z', 'none'), null);
    assert.deepEqual(await r.zmScore('nr6:z', ['a', 'none']), [1, null]);
    assert.equal(await r.zCard('nr6:z'), 3);
    assert.equal(await r.zRank('nr6:z', 'c'), 2);
    assert.deepEqual(await r.zRange('nr6:z', 0, -1), ['a', 'b', 'c']);
    assert.deepEqual(await r.zRangeWithScores('nr6:z', 0, -1), [
      { value: 'a', score: 1 },
      { value: 'b', score: 2.25 },
      { value: 'c', score: 3.5 },
    ]);
    assert.deepEqual(await r.zRange('nr6:z', '+inf', '(1', { BY: 'SCORE', REV: true, LIMIT: { offset: 0, count: 1 } }), ['c']);
    assert.equal(await r.zCount('nr6:z', '-inf', 2.25), 2);
    assert.deepEqual(await r.zPopMin('nr6:z'), { value: 'a', score: 1 });
    assert.deepEqual(await r.zPopMaxCount('nr6:z', 1), [{ value: 'c', score: 3.5 }]);
    assert.deepEqual(await r.zmPop(['nr6:none', 'nr6:z'], 'MIN', { COUNT: 3 }), { key: 'nr6:z', members: [{ value: 'b', score: 2.25 }] });
    assert.equal(await r.zmPop(['nr6:none'], 'MIN'), null);
    await r.zAdd('nr6:u1', [{ score: 1, value: 'x' }, { score: 2, value: 'y' }]);
    await r.zAdd('nr6:u2', [{ score: 10, value: 'y' }, { score: Infinity, value: 'z' }]);
    assert.deepEqual(await r.zUnionWithScores(['nr6:u1', 'nr6:u2']), [
      { value: 'x', score: 1 },
      { value: 'y', score: 12 },
      { value: 'z', score: Infinity },
    ]);
    assert.deepEqual(await r.zInter(['nr6:u1', 'nr6:u2']), ['y']);
    assert.equal(await r.zUnionStore('nr6:dst', ['nr6:u1', 'nr6:u2'], { AGGREGATE: 'MAX' }), 3);
    assert.deepEqual(await r.zDiffWithScores(['nr6:u1', 'nr6:u2']), [{ value: 'x', score: 1 }]);
    assert.deepEqual(await r.zRandMemberCountWithScores('nr6:u1', 5), [
      { value: 'y', score: 2 },
      { value: 'x', score: 1 },
    ]);
    assert.equal(await r.zRemRangeByRank('nr6:dst', 0, 0), 1);
  } finally {
    await r.close();
  }
});

test('node-redis 6 (RESP3): BZPOPMIN with a fractional timeout, BZPOPMIN and BZMPOP served by ZADD', { timeout: 20000 }, async () => {
  const r = createClient6({ url: `redis://127.0.0.1:${srv.port}` });
  const w = createClient6({ url: `redis://127.0.0.1:${srv.port}` });
  await r.connect();
  await w.connect();
  try {
    const t0 = Date.now();
    assert.equal(await r.bzPopMin('nr6:bnone', 0.1), null);
    assert.ok(Date.now() - t0 >= 90);
    const pending = r.bzPopMin(['nr6:b1', 'nr6:b2'], 0);
    await blockedClients(1);
    await w.zAdd('nr6:b2', { score: 4.5, value: 'm' });
    assert.deepEqual(await pending, { key: 'nr6:b2', value: 'm', score: 4.5 });
    const mpop = r.bzmPop(0, ['nr6:b3'], 'MAX', { COUNT: 2 });
    await blockedClients(1);
    await w.zAdd('nr6:b3', [{ score: 1, value: 'p' }, { score: 2, value: 'q' }, { score: 3, value: 's' }]);
    assert.deepEqual(await mpop, { key: 'nr6:b3', members: [{ value: 's', score: 3 }, { value: 'q', score: 2 }] });
  } finally {
    await r.close();
    await w.close();
  }
});

test('node-redis 4 (RESP2): sorted-set commands, BZPOPMIN timeout and service', { timeout: 20000 }, async () => {
  const r = createClient4({ url: `redis://127.0.0.1:${srv.port}` });
  const w = createClient4({ url: `redis://127.0.0.1:${srv.port}` });
  await r.connect();
  await w.connect();
  try {
    assert.equal(await r.zAdd('nr4:z', [{ score: 1, value: 'a' }, { score: 2.5, value: 'b' }]), 2);
    assert.equal(await r.zScore('nr4:z', 'b'), 2.5);
    assert.deepEqual(await r.zRangeWithScores('nr4:z', 0, -1), [
      { value: 'a', score: 1 },
      { value: 'b', score: 2.5 },
    ]);
    assert.deepEqual(await r.zPopMax('nr4:z'), { value: 'b', score: 2.5 });
    assert.equal(await r.bzPopMin('nr4:none', 0.05), null);
    const pending = r.bzPopMin('nr4:b', 0);
    await blockedClients(1);
    await w.zAdd('nr4:b', { score: 3, value: 'x' });
    assert.deepEqual(await pending, { key: 'nr4:b', value: 'x', score: 3 });
  } finally {
    await r.quit();
    await w.quit();
  }
});
