// The workload of the AOF compatibility tests with redis-server (tests/compat/aof-redis.test.ts),
// run the same way on nodis and on redis-server: all five types, several dbs, future TTLs,
// binary keys and values, 1 MB values, 10k-element collections, MULTI/EXEC, expiries that
// happen, served blocking pops, SPOP, INCRBYFLOAT, SWAPDB, MOVE, COPY, FLUSHDB; and the check
// that a dataset read after it is rich enough for a comparison to mean something.

import assert from 'node:assert/strict';
import type { RespClient, RespValue } from './resp-client.js';
import { waitFor } from './server.js';
import { ok, pipeline, sleep, waitBlocked } from './calls.js';
import type { Dataset } from './dataset-compare.js';
import { ALL_BYTES } from './data-gen.js';

type Arg = string | number;

/** 1 MB cycling through every byte value (as a latin1 string). */
export const MEGA = Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => (i * 7 + (i >> 8)) & 0xff)).toString('latin1');
export const HOUR = 3_600_000;

/** Commands adding `n` items to a collection in batches of 1000. */
function bulk(cmd: string, key: string, n: number, item: (i: number) => Arg[]): Arg[][] {
  const out: Arg[][] = [];
  for (let i = 0; i < n; i += 1000) {
    const args: Arg[] = [cmd, key];
    for (let j = i; j < Math.min(n, i + 1000); j++) args.push(...item(j));
    out.push(args);
  }
  return out;
}

/**
 * The workload, run the same way on nodis and on redis-server (whose outcomes may differ only
 * where Redis is random: SPOP). `mid` runs half-way (Redis's BGREWRITEAOF).
 */
export async function workload(c: RespClient, c2: RespClient, mid: () => Promise<void> = async () => {}): Promise<void> {
  const now = Date.now();
  await ok(c, 'SELECT', 0);
  // Strings: binary keys and values, every byte value, 1 MB, edits, counters, TTLs.
  await pipeline(c, [
    ['SET', 'str', 'hello'],
    ['SET', ALL_BYTES, ALL_BYTES],
    ['SET', 'bin:\x00\r\n*1\r\n$', '\r\n\x00\xff'],
    ['SET', '', 'empty key'],
    ['SET', 'empty', ''],
    ['SET', 'mega', MEGA],
    ['SET', 'mega2', MEGA, 'EX', 7200],
    ['APPEND', 'mega', ALL_BYTES],
    ['SETRANGE', 'mega2', (1 << 20) - 3, 'tail\x00\xfe'],
    ['SETRANGE', 'sparse', 100, 'x'],
    ['SETBIT', 'bits', 100_001, 1],
    ['SETBIT', 'bits', 7, 1],
    ['INCR', 'counter'],
    ['INCRBY', 'counter', 41],
    ['DECRBY', 'counter', -1000],
    ['SET', 'float', '10.5', 'EX', 3600],
    ['INCRBYFLOAT', 'float', '0.1'],
    ['INCRBYFLOAT', 'float2', '3.0e3'],
    ['INCRBYFLOAT', 'float2', '-0.000001'],
    ['SETEX', 'setex', 5000, 'v'],
    ['PSETEX', 'psetex', 6_000_000, 'v'],
    ['SET', 'exat', 'v', 'EXAT', Math.floor(now / 1000) + 9000],
    ['SET', 'pxat', 'v', 'PXAT', now + 2 * HOUR + 123],
    ['SET', 'keepttl', 'a', 'PX', HOUR],
    ['SET', 'keepttl', 'b', 'KEEPTTL'],
    ['SET', 'getset', 'old'],
    ['GETSET', 'getset', 'new'],
    ['SET', 'getdel', 'x'],
    ['GETDEL', 'getdel'],
    ['SET', 'getex', 'v'],
    ['GETEX', 'getex', 'PX', 2 * HOUR],
    ['SET', 'getex2', 'v', 'EX', 100],
    ['GETEX', 'getex2', 'PERSIST'],
    ['SET', 'exp', 'v'],
    ['EXPIRE', 'exp', 4000],
    ['EXPIRE', 'exp', 5000, 'GT'],
    ['SET', 'pexp', 'v'],
    ['PEXPIRE', 'pexp', HOUR + 7],
    ['SET', 'expat', 'v'],
    ['EXPIREAT', 'expat', Math.floor(now / 1000) + 10_000],
    ['SET', 'persisted', 'v', 'EX', 100],
    ['PERSIST', 'persisted'],
    ['MSET', 'm1', '1', 'm2', '2', 'm3', ALL_BYTES],
    ['MSETNX', 'mnx1', 'a', 'mnx2', 'b'],
    ['SET', 'nx', 'first', 'NX'],
    ['SET', 'nx', 'second', 'NX'],
    ['SET', 'xx', 'never', 'XX'],
    ['SET', 'tobedel', 'x'],
    ['DEL', 'tobedel', 'nosuchkey'],
    ['SET', 'tobeunlinked', 'x'],
    ['UNLINK', 'tobeunlinked'],
    ['SET', 'torename', 'v', 'EX', 3000],
    ['RENAME', 'torename', 'renamed'],
  ]);
  // Big collections (10k elements, binary members), and small ones.
  await pipeline(c, [
    ...bulk('RPUSH', 'biglist', 10_000, (i) => [i % 1000 === 0 ? ALL_BYTES + i : `item:${i}`]),
    ...bulk('HSET', 'bighash', 10_000, (i) => [`f${i}`, i % 1000 === 0 ? ALL_BYTES : String(i * 3)]),
    ...bulk('SADD', 'bigset', 10_000, (i) => [i % 1000 === 0 ? ALL_BYTES + i : `m${i}`]),
    ...bulk('SADD', 'bigintset', 10_000, (i) => [i * 7 - 30_000]),
    ...bulk('ZADD', 'bigzset', 10_000, (i) => [i % 997 === 0 ? '-inf' : (i * 0.37 - 1234.5).toString(), i % 1000 === 0 ? ALL_BYTES + i : `z${i}`]),
    ['ZADD', 'bigzset', '+inf', 'top', '1e300', 'huge', '0.1', 'tenth', '-0.0', 'negzero', '3.141592653589793', 'pi'],
    ['PEXPIREAT', 'bigzset', now + 3 * HOUR],
    ['LPUSH', 'biglist', 'head'],
    ['LINSERT', 'biglist', 'BEFORE', 'item:5', 'inserted'],
    ['LSET', 'biglist', 3, ALL_BYTES],
    ['LREM', 'biglist', 0, 'item:7'],
    ['RPUSH', 'list', 'a', 'b', 'c', 'd', 'e', 'f', 'a', 'a'],
    ['LREM', 'list', -1, 'a'],
    ['LTRIM', 'list', 1, -2],
    ['LMOVE', 'list', 'list2', 'LEFT', 'RIGHT'],
    ['RPOPLPUSH', 'list', 'list2'],
    ['LPOP', 'list', 2],
    ['RPUSH', 'list3', 'x', 'y', 'z'],
    ['RPOP', 'list3'],
    ['HSET', 'hash', 'a', '1', 'b', '2', ALL_BYTES, ALL_BYTES, '', 'empty field'],
    ['HINCRBY', 'hash', 'a', 10],
    ['HINCRBYFLOAT', 'hash', 'fl', '2.5'],
    ['HINCRBYFLOAT', 'hash', 'fl', '0.1'],
    ['HSETNX', 'hash', 'b', 'never'],
    ['HSETNX', 'hash', 'c', 'set'],
    ['HDEL', 'hash', 'b'],
    ['HDEL', 'bighash', 'f5', 'f6'],
    ['HMSET', 'hash2', 'x', 'y'],
    ['EXPIRE', 'hash2', 6000],
    ['SADD', 'set', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
    ['SADD', 'intset', 1, 2, 3, -5, 1_000_000_000_000],
    ['SPOP', 'set'],
    ['SPOP', 'set', 3],
    ['SADD', 'small', 'only', 'two'],
    ['SPOP', 'small', 10],
    ['SPOP', 'bigset', 5],
    ['SREM', 'bigset', 'm10', 'm11'],
    ['SMOVE', 'set', 'set2', 'a'],
    ['SADD', 'set2', 'b', 'zz'],
    ['SINTERSTORE', 'sinter', 'set', 'set2'],
    ['SUNIONSTORE', 'sunion', 'set', 'set2', 'intset'],
    ['SDIFFSTORE', 'sdiff', 'intset', 'set'],
    ['ZADD', 'zset', 1, 'a', 2, 'b', 3, 'c', 4, 'd'],
    ['ZINCRBY', 'zset', '0.5', 'a'],
    ['ZINCRBY', 'zset', '-7', 'new'],
    ['ZREM', 'zset', 'b'],
    ['ZREMRANGEBYSCORE', 'bigzset', 100, 200],
    ['ZUNIONSTORE', 'zunion', 2, 'zset', 'bigzset', 'WEIGHTS', 2, '0.5', 'AGGREGATE', 'MAX'],
    ['ZPOPMIN', 'zset'],
    ['ZPOPMAX', 'zunion', 3],
    ['ZRANGESTORE', 'zrs', 'bigzset', 0, 99],
    ['EXPIRE', 'zrs', 9000],
  ]);
  await mid();
  // COPY / MOVE / RENAME across databases.
  await pipeline(c, [
    ['COPY', 'biglist', 'biglist:copy'],
    ['COPY', 'bighash', 'bighash:copy', 'DB', 3, 'REPLACE'],
    ['COPY', 'mega2', 'mega2:copy', 'DB', 3],
    ['SET', 'mv', 'moved', 'EX', 4000],
    ['MOVE', 'mv', 4],
    ['ZADD', 'mvz', 1, 'x'],
    ['MOVE', 'mvz', 4],
    ['SELECT', 3],
    ['SET', 'db3', 'x'],
    ['HSET', 'db3hash', 'f', 'v'],
    ['SELECT', 15],
    ['SET', 'db15', ALL_BYTES, 'PX', HOUR],
    ['RPUSH', 'db15list', ...Array.from({ length: 200 }, (_, i) => `e${i}`)],
  ]);
  // MULTI/EXEC, with a SELECT inside.
  await ok(c, 'SELECT', 0);
  await ok(c, 'MULTI');
  for (const cmd of [
    ['SET', 'tx:a', '1'],
    ['INCR', 'tx:a'],
    ['LPUSH', 'tx:l', 'x', 'y'],
    ['SELECT', 5],
    ['SADD', 'tx:s', 'a', 'b'],
    ['HSET', 'tx:h', 'f', 'v'],
    ['EXPIRE', 'tx:h', 7000],
    ['INCRBYFLOAT', 'tx:f', '1.25'],
  ]) assert.equal(await c.call(...cmd), 'QUEUED');
  const exec = await c.call('EXEC');
  assert.ok(Array.isArray(exec) && exec.length === 8, `EXEC -> ${String(exec)}`);
  await ok(c, 'SELECT', 0);
  // Blocking pops served by a later push (logged as their non-blocking forms).
  await ok(c2, 'SELECT', 0);
  const served: [Arg[], Arg[], RespValue][] = [
    [['BLPOP', 'bl:1', 5], ['RPUSH', 'bl:1', 'a', 'b', 'c'], ['bl:1', 'a']],
    [['BRPOP', 'bl:2', 'bl:2b', 5], ['LPUSH', 'bl:2', 'p', 'q'], ['bl:2', 'p']],
    [['BLMOVE', 'bl:3', 'bl:dst', 'LEFT', 'RIGHT', 5], ['RPUSH', 'bl:3', 'm1', 'm2'], 'm1'],
    [['BRPOPLPUSH', 'bl:4', 'bl:dst', 5], ['RPUSH', 'bl:4', 'r1', 'r2'], 'r2'],
    [['BLMPOP', 5, 1, 'bl:5', 'RIGHT', 'COUNT', 2], ['RPUSH', 'bl:5', 'x', 'y', 'z'], ['bl:5', ['z', 'y']]],
    [['BZPOPMIN', 'bz:1', 5], ['ZADD', 'bz:1', 3, 'c', 1, 'a', 2, 'b'], ['bz:1', 'a', '1']],
    [['BZPOPMAX', 'bz:2', 5], ['ZADD', 'bz:2', '1.5', 'lo', '2.5', 'hi'], ['bz:2', 'hi', '2.5']],
  ];
  for (const [block, push, expected] of served) {
    c2.send(...block);
    await waitBlocked(c, 1);
    await ok(c, ...push);
    assert.deepEqual(await c2.read(), expected, block.join(' '));
  }
  // A pop blocked in db 9, served by a push inside MULTI.
  await ok(c2, 'SELECT', 9);
  c2.send('BLPOP', 'bl:db9', 5);
  await waitBlocked(c, 1);
  await ok(c, 'SELECT', 9);
  await ok(c, 'MULTI');
  await c.call('RPUSH', 'bl:db9', 'one', 'two');
  await c.call('SET', 'db9', 'v');
  await ok(c, 'EXEC');
  assert.deepEqual(await c2.read(), ['bl:db9', 'one']);
  // SWAPDB with TTLs on both sides, then writes to the swapped databases.
  await pipeline(c, [
    ['SELECT', 1],
    ['SET', 'one', '1'],
    ['RPUSH', 'onelist', 'a'],
    ['SELECT', 2],
    ['SET', 'two', '2', 'EX', 4000],
    ['SADD', 'twoset', 'x'],
    ['SWAPDB', 1, 2],
    ['SET', 'after:swap:2', 'v'],
    ['SELECT', 1],
    ['APPEND', 'two', '+'],
  ]);
  // FLUSHDB of a populated and of an empty database.
  await pipeline(c, [
    ['SELECT', 7],
    ['SET', 'gone', 'x'],
    ['RPUSH', 'gonelist', 'a', 'b'],
    ['FLUSHDB'],
    ['SET', 'after:flush', 'v'],
    ['SELECT', 8],
    ['FLUSHDB'],
    ['SELECT', 10],
    ['SET', 'gone', 'x'],
    ['FLUSHDB', 'ASYNC'],
  ]);
  // Expiries that happen: lazily (on access) and actively (the expire cycle).
  const short: Arg[][] = [['SELECT', 6], ['SET', 'keep6', 'v'], ['SET', 'keep6ttl', 'v', 'EX', 5000]];
  for (let i = 0; i < 15; i++) short.push(['SET', `lazy:${i}`, 'v', 'PX', 40], ['SET', `active:${i}`, 'v', 'PX', 40]);
  short.push(
    ['RPUSH', 'exp:list', 'a'],
    ['PEXPIRE', 'exp:list', 40],
    ['HSET', 'exp:hash', 'f', 'v'],
    ['PEXPIRE', 'exp:hash', 40],
    ['ZADD', 'exp:zset', 1, 'm'],
    ['PEXPIRE', 'exp:zset', 40],
    ['SADD', 'exp:set', 'm'],
    ['PEXPIREAT', 'exp:set', Date.now() + 40],
    ['SET', 'exp:inc', '1', 'PX', 40],
  );
  await pipeline(c, short);
  await sleep(120);
  for (let i = 0; i < 15; i++) assert.equal(await c.call('GET', `lazy:${i}`), null);
  assert.equal(await c.call('EXISTS', 'exp:list'), 0);
  assert.equal(await c.call('INCR', 'exp:inc'), 1); // lazily expired, then recreated without TTL
  await waitFor(async () => (await c.call('DBSIZE')) === 3, 5000, 'active expiry of db 6');
  await ok(c, 'SELECT', 0);
}

/** A minimum of dataset, so that a comparison of empty datasets cannot pass. */
export function assertRich(d: Dataset): void {
  const dbs = new Set([...d.keys.keys()].map((k) => k.split(' ')[0]));
  assert.ok(d.keys.size > 70 && dbs.size >= 9, `dataset has ${d.keys.size} keys in ${dbs.size} dbs`);
  const types = new Set([...d.keys.values()].map((v) => v.type));
  assert.equal(types.size, 5);
  assert.equal((d.keys.get('0 biglist:copy')?.value as string[]).length, 10_001);
  assert.ok(d.keys.get('0 mega')?.value === MEGA + ALL_BYTES, 'the 1 MB value');
}
