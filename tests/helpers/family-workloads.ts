// Realistic workloads of one command family each, run through a real TCP client on a server
// with appendonly yes (tests/persistence/aof-roundtrip-*.test.ts): strings and bitmaps, lists,
// hashes, sets, sorted sets, the keyspace (dbs, RENAME, MOVE, COPY, SWAPDB, the EXPIRE family,
// FLUSHDB), MULTI/EXEC, and blocking pops served by a push from another client.

import assert from 'node:assert/strict';
import type { RespClient, RespValue } from './resp-client.js';
import type { TestServer } from './server.js';
import { ok, waitBlocked } from './calls.js';

export type Workload = (c: RespClient, srv: TestServer) => Promise<void>;

export const nowSec = () => Math.floor(Date.now() / 1000);

export async function strings(c: RespClient): Promise<void> {
  await ok(c, 'SET', 's:plain', 'hello world');
  await ok(c, 'SET', 's:ex', 'v', 'EX', 10_000);
  await ok(c, 'SET', 's:px', 'v', 'PX', 20_000_000);
  await ok(c, 'SET', 's:exat', 'v', 'EXAT', nowSec() + 30_000);
  await ok(c, 'SET', 's:pxat', 'v', 'PXAT', Date.now() + 40_000_123);
  await ok(c, 'SET', 's:ex', 'v2', 'KEEPTTL');
  await ok(c, 'SET', 's:px', 'v2'); // drops the TTL
  await ok(c, 'SET', 's:nx', 'first', 'NX');
  assert.equal(await ok(c, 'SET', 's:nx', 'second', 'NX'), null);
  assert.equal(await ok(c, 'SET', 's:xx', 'v', 'XX'), null);
  assert.equal(await ok(c, 'SET', 's:plain', 'hello again', 'GET'), 'hello world');
  await ok(c, 'SET', 's:getex-ttl', 'v', 'NX', 'EX', 50_000, 'GET');
  await ok(c, 'SETEX', 's:setex', 5000, 'v');
  await ok(c, 'PSETEX', 's:psetex', 6_000_000, 'v');
  await ok(c, 'SETNX', 's:setnx', 'v');
  await ok(c, 'SETNX', 's:setnx', 'w');
  await ok(c, 'SETRANGE', 's:range', 10, 'abc'); // zero padding
  await ok(c, 'SETRANGE', 's:plain', 2, 'XY');
  await ok(c, 'APPEND', 's:app', 'a');
  await ok(c, 'APPEND', 's:app', 'bc');
  await ok(c, 'APPEND', 's:ex', '-appended'); // keeps the TTL
  await ok(c, 'INCR', 's:n');
  await ok(c, 'INCRBY', 's:n', 41);
  await ok(c, 'DECR', 's:n');
  await ok(c, 'DECRBY', 's:n', -100);
  await ok(c, 'SET', 's:big', '9223372036854775806');
  await ok(c, 'INCR', 's:big');
  await ok(c, 'INCRBYFLOAT', 's:f', '1.1');
  await ok(c, 'INCRBYFLOAT', 's:f', '2.0e-3');
  await ok(c, 'INCRBYFLOAT', 's:f', '-0.000001');
  await ok(c, 'SET', 's:fttl', '3', 'EX', 70_000);
  await ok(c, 'INCRBYFLOAT', 's:fttl', '0.5'); // keeps the TTL
  await ok(c, 'SET', 's:getex', 'v');
  await ok(c, 'GETEX', 's:getex', 'EX', 9000);
  await ok(c, 'SET', 's:getex2', 'v', 'EX', 9000);
  await ok(c, 'GETEX', 's:getex2', 'PERSIST');
  await ok(c, 'SET', 's:getex3', 'v');
  await ok(c, 'GETEX', 's:getex3', 'PXAT', Date.now() + 80_000_000);
  await ok(c, 'GETEX', 's:getex3'); // no option: nothing
  await ok(c, 'SET', 's:getex4', 'v');
  await ok(c, 'GETEX', 's:getex4', 'EXAT', 1); // in the past: deleted
  await ok(c, 'SET', 's:getdel', 'v');
  assert.equal(await ok(c, 'GETDEL', 's:getdel'), 'v');
  await ok(c, 'SET', 's:getset', 'old', 'EX', 1000);
  assert.equal(await ok(c, 'GETSET', 's:getset', 'new'), 'old'); // drops the TTL
  await ok(c, 'MSET', 's:m1', '1', 's:m2', '2', 's:m3', '');
  await ok(c, 'MSETNX', 's:m1', 'x', 's:m4', '4'); // nothing: m1 exists
  await ok(c, 'MSETNX', 's:m5', '5', 's:m6', '6');
  await ok(c, 'SET', 's:large', 'L'.repeat(200_000)); // larger than the feed's 64 KB chunk
  // Bitmaps.
  await ok(c, 'SETBIT', 'b:small', 7, 1);
  await ok(c, 'SETBIT', 'b:small', 0, 1);
  await ok(c, 'SETBIT', 'b:big', 40_000, 1); // 5001 bytes (> 4 KB)
  await ok(c, 'SETBIT', 'b:big', 1, 1);
  await ok(c, 'SETBIT', 'b:big', 39_999, 1);
  await ok(c, 'SETBIT', 'b:big', 1, 0);
  await ok(c, 'BITFIELD', 'b:bf', 'SET', 'u8', 0, 255, 'INCRBY', 'i5', 100, 1, 'OVERFLOW', 'SAT', 'INCRBY', 'u4', 2, 15, 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', 0, 9);
  await ok(c, 'BITFIELD', 'b:bf', 'SET', 'i16', '#3', -1234, 'OVERFLOW', 'WRAP', 'INCRBY', 'u8', 200, 300);
  await ok(c, 'BITFIELD', 'b:bf', 'GET', 'u8', 0); // read only
  await ok(c, 'BITOP', 'AND', 'b:and', 'b:small', 'b:big');
  await ok(c, 'BITOP', 'OR', 'b:or', 'b:small', 'b:big', 'b:bf');
  await ok(c, 'BITOP', 'XOR', 'b:xor', 'b:big', 'b:bf');
  await ok(c, 'BITOP', 'NOT', 'b:not', 'b:big');
  await ok(c, 'BITOP', 'AND', 'b:empty', 'nosuch1', 'nosuch2'); // empty result: nothing stored
  await ok(c, 'SET', 's:ttl-bits', 'x', 'PX', 90_000_000);
  await ok(c, 'SETBIT', 's:ttl-bits', 100, 1); // keeps the TTL
}

export async function lists(c: RespClient): Promise<void> {
  await ok(c, 'RPUSH', 'l:a', 'a', 'b', 'c', 'd', 'e', 'b', 'f');
  await ok(c, 'LPUSH', 'l:a', 'z', 'y');
  await ok(c, 'LINSERT', 'l:a', 'BEFORE', 'c', 'before-c');
  await ok(c, 'LINSERT', 'l:a', 'AFTER', 'e', 'after-e');
  await ok(c, 'LINSERT', 'l:a', 'AFTER', 'nosuch', 'x'); // -1: nothing
  await ok(c, 'LSET', 'l:a', 0, 'Z');
  await ok(c, 'LSET', 'l:a', -1, 'last');
  await ok(c, 'LREM', 'l:a', 0, 'b');
  await ok(c, 'RPUSH', 'l:a', 'r', 'r', 'r');
  await ok(c, 'LREM', 'l:a', -2, 'r');
  await ok(c, 'LTRIM', 'l:a', 1, -2);
  await ok(c, 'LMOVE', 'l:a', 'l:b', 'LEFT', 'RIGHT');
  await ok(c, 'LMOVE', 'l:a', 'l:b', 'RIGHT', 'LEFT');
  await ok(c, 'RPOPLPUSH', 'l:a', 'l:a'); // rotation
  await ok(c, 'LPUSHX', 'l:nosuch', 'x');
  await ok(c, 'RPUSHX', 'l:b', 'pushed-x');
  await ok(c, 'LPOP', 'l:b');
  await ok(c, 'RPOP', 'l:b', 1);
  await ok(c, 'RPUSH', 'l:c', 'c1', 'c2', 'c3', 'c4', 'c5');
  await ok(c, 'LMPOP', 2, 'l:nosuch', 'l:c', 'LEFT', 'COUNT', 2);
  await ok(c, 'LMPOP', 1, 'l:c', 'RIGHT');
  await ok(c, 'RPUSH', 'l:gone', 'only');
  await ok(c, 'LPOP', 'l:gone'); // emptied: deleted
  // Past the listpack limits: many and long elements.
  const many: string[] = [];
  for (let i = 0; i < 300; i++) many.push(`element-${i}`);
  await ok(c, 'RPUSH', 'l:big', ...many);
  await ok(c, 'LPUSH', 'l:big', 'x'.repeat(100), 'y'.repeat(10_000));
  await ok(c, 'LTRIM', 'l:big', 0, 250);
  await ok(c, 'LSET', 'l:big', 100, 'changed');
  await ok(c, 'RPUSH', 'l:ttl', 'a', 'b');
  await ok(c, 'EXPIRE', 'l:ttl', 60_000);
  await ok(c, 'RPUSH', 'l:ttl', 'c'); // keeps the TTL
  await ok(c, 'RPUSH', 'l:num', '1', '2', '-3', '1000000000000', '3.5');
}

export async function hashes(c: RespClient): Promise<void> {
  await ok(c, 'HSET', 'h:a', 'f1', 'v1', 'f2', 'v2', 'n', '10', 'fl', '1.5');
  await ok(c, 'HSETNX', 'h:a', 'f1', 'nope');
  await ok(c, 'HSETNX', 'h:a', 'f3', 'v3');
  await ok(c, 'HMSET', 'h:a', 'f4', 'v4', 'f2', 'v2b');
  await ok(c, 'HINCRBY', 'h:a', 'n', -25);
  await ok(c, 'HINCRBY', 'h:a', 'new-n', 7);
  await ok(c, 'HINCRBYFLOAT', 'h:a', 'fl', '0.1');
  await ok(c, 'HINCRBYFLOAT', 'h:a', 'fl', '1e3');
  await ok(c, 'HINCRBYFLOAT', 'h:a', 'new-fl', '-2.5');
  await ok(c, 'HDEL', 'h:a', 'f3', 'nosuch');
  await ok(c, 'HSET', 'h:gone', 'f', 'v');
  await ok(c, 'HDEL', 'h:gone', 'f'); // emptied: deleted
  const fields: string[] = [];
  for (let i = 0; i < 300; i++) fields.push(`field-${i}`, i % 7 === 0 ? 'v'.repeat(80) : String(i));
  await ok(c, 'HSET', 'h:big', ...fields);
  await ok(c, 'HDEL', 'h:big', 'field-0', 'field-1', 'field-2');
  await ok(c, 'HINCRBYFLOAT', 'h:big', 'field-10', '0.25');
  await ok(c, 'HSET', 'h:ttl', 'a', '1');
  await ok(c, 'PEXPIRE', 'h:ttl', 70_000_000);
  await ok(c, 'HSET', 'h:ttl', 'b', '2');
}

export async function sets(c: RespClient): Promise<void> {
  await ok(c, 'SADD', 'st:a', 'a', 'b', 'c', 'd', 'e', 'f', 'g');
  await ok(c, 'SADD', 'st:b', 'c', 'd', 'e', 'x', 'y');
  await ok(c, 'SADD', 'st:int', '1', '2', '3', '100', '-5');
  await ok(c, 'SREM', 'st:a', 'g', 'nosuch');
  await ok(c, 'SPOP', 'st:a'); // one random member
  await ok(c, 'SPOP', 'st:a', 2); // two random members
  await ok(c, 'SPOP', 'st:int', 1);
  await ok(c, 'SPOP', 'st:int', 0); // nothing
  await ok(c, 'SADD', 'st:all', 'p', 'q', 'r');
  await ok(c, 'SPOP', 'st:all', 10); // all of it: deleted
  await ok(c, 'SMOVE', 'st:b', 'st:moved', 'x');
  await ok(c, 'SMOVE', 'st:b', 'st:moved', 'nosuch');
  await ok(c, 'SINTERSTORE', 'st:inter', 'st:a', 'st:b');
  await ok(c, 'SUNIONSTORE', 'st:union', 'st:a', 'st:b', 'st:int');
  await ok(c, 'SDIFFSTORE', 'st:diff', 'st:union', 'st:b');
  await ok(c, 'SINTERSTORE', 'st:none', 'st:a', 'nosuch'); // empty: nothing stored
  const many: string[] = [];
  for (let i = 0; i < 700; i++) many.push(String(i * 3)); // an intset past 512
  await ok(c, 'SADD', 'st:bigint', ...many);
  const words: string[] = [];
  for (let i = 0; i < 200; i++) words.push(`member-${i}`);
  await ok(c, 'SADD', 'st:big', ...words);
  await ok(c, 'SPOP', 'st:big', 50); // random members, many of them
  await ok(c, 'SPOP', 'st:big', 120); // more than half of what is left
  await ok(c, 'SADD', 'st:ttl', 'a');
  await ok(c, 'EXPIREAT', 'st:ttl', nowSec() + 80_000);
  await ok(c, 'SADD', 'st:ttl', 'b');
}

export async function zsets(c: RespClient): Promise<void> {
  await ok(c, 'ZADD', 'z:a', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e', '0.1', 'f', '-inf', 'ninf', '+inf', 'pinf');
  await ok(c, 'ZADD', 'z:a', 'INCR', '2.5', 'a');
  await ok(c, 'ZADD', 'z:a', 'NX', 100, 'a', 6, 'g');
  await ok(c, 'ZADD', 'z:a', 'XX', 'CH', 7, 'b', 8, 'nosuch');
  await ok(c, 'ZADD', 'z:a', 'GT', 10, 'c');
  await ok(c, 'ZADD', 'z:a', 'LT', 0, 'd');
  await ok(c, 'ZINCRBY', 'z:a', '0.1', 'f');
  await ok(c, 'ZINCRBY', 'z:a', '0.2', 'f'); // 0.1 + 0.1 + 0.2: not a short decimal
  await ok(c, 'ZINCRBY', 'z:a', '1e-300', 'new');
  await ok(c, 'ZPOPMIN', 'z:a');
  await ok(c, 'ZPOPMAX', 'z:a', 2);
  await ok(c, 'ZADD', 'z:b', 1, 'a', 2, 'b', 3, 'x', 4, 'y');
  await ok(c, 'ZRANGESTORE', 'z:range', 'z:a', 0, 2);
  await ok(c, 'ZRANGESTORE', 'z:bylex', 'z:b', '[a', '[x', 'BYLEX');
  await ok(c, 'ZUNIONSTORE', 'z:union', 2, 'z:a', 'z:b', 'WEIGHTS', '2', '0.5', 'AGGREGATE', 'MAX');
  await ok(c, 'ZINTERSTORE', 'z:inter', 2, 'z:a', 'z:b');
  await ok(c, 'ZDIFFSTORE', 'z:diff', 2, 'z:a', 'z:b');
  await ok(c, 'ZADD', 'z:rem', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e', 6, 'f', 7, 'g');
  await ok(c, 'ZREMRANGEBYSCORE', 'z:rem', '(1', 2);
  await ok(c, 'ZREMRANGEBYRANK', 'z:rem', -1, -1);
  await ok(c, 'ZADD', 'z:lex', 0, 'a', 0, 'b', 0, 'c', 0, 'd', 0, 'e');
  await ok(c, 'ZREMRANGEBYLEX', 'z:lex', '[b', '(d');
  await ok(c, 'ZREM', 'z:lex', 'e', 'nosuch');
  await ok(c, 'ZMPOP', 2, 'z:nosuch', 'z:b', 'MAX', 'COUNT', 2);
  await ok(c, 'ZADD', 'z:gone', 1, 'only');
  await ok(c, 'ZPOPMIN', 'z:gone'); // emptied: deleted
  const many: (string | number)[] = [];
  for (let i = 0; i < 300; i++) many.push(i / 7, `m-${i}`); // skiplist, scores with 17 digits
  await ok(c, 'ZADD', 'z:big', ...many);
  await ok(c, 'ZREMRANGEBYRANK', 'z:big', 0, 9);
  await ok(c, 'ZINCRBY', 'z:big', '3.3', 'm-200');
  await ok(c, 'ZADD', 'z:ttl', 1, 'a');
  await ok(c, 'PEXPIREAT', 'z:ttl', Date.now() + 90_000_000);
  await ok(c, 'ZADD', 'z:ttl', 2, 'b');
}

export async function keyspace(c: RespClient): Promise<void> {
  for (let db = 0; db < 8; db++) {
    await ok(c, 'SELECT', db);
    await ok(c, 'SET', `k:${db}`, `in db ${db}`);
    await ok(c, 'RPUSH', `l:${db}`, 'a', String(db));
  }
  await ok(c, 'SELECT', 0);
  await ok(c, 'SET', 'k:rename', 'v', 'EX', 20_000);
  await ok(c, 'RENAME', 'k:rename', 'k:renamed'); // the TTL moves with it
  await ok(c, 'SET', 'k:rnx', 'v');
  await ok(c, 'RENAMENX', 'k:rnx', 'k:0'); // 0: exists
  await ok(c, 'RENAMENX', 'k:rnx', 'k:rnx2');
  await ok(c, 'SET', 'k:move', 'v', 'PX', 30_000_000);
  await ok(c, 'MOVE', 'k:move', 9);
  await ok(c, 'MOVE', 'k:0', 1); // db 1 has no k:0: moved
  await ok(c, 'SET', 'k:copy', 'v', 'EX', 40_000);
  await ok(c, 'COPY', 'k:copy', 'k:copy2');
  await ok(c, 'COPY', 'k:copy', 'k:copy3', 'DB', 10);
  await ok(c, 'COPY', 'l:0', 'k:copy2', 'REPLACE');
  await ok(c, 'COPY', 'l:0', 'l:0', 'DB', 11);
  await ok(c, 'SWAPDB', 4, 5);
  await ok(c, 'SWAPDB', 6, 12);
  await ok(c, 'SET', 'e:nx', 'v');
  await ok(c, 'EXPIRE', 'e:nx', 10_000, 'NX');
  await ok(c, 'EXPIRE', 'e:nx', 20_000, 'NX'); // has one: nothing
  await ok(c, 'EXPIRE', 'e:nx', 30_000, 'XX');
  await ok(c, 'EXPIRE', 'e:nx', 5000, 'GT'); // not greater: nothing
  await ok(c, 'EXPIRE', 'e:nx', 40_000, 'GT');
  await ok(c, 'PEXPIRE', 'e:nx', 35_000_000, 'LT');
  await ok(c, 'SET', 'e:xx', 'v');
  await ok(c, 'EXPIRE', 'e:xx', 100, 'XX'); // no TTL: nothing
  await ok(c, 'EXPIREAT', 'e:xx', nowSec() + 50_000);
  await ok(c, 'PEXPIREAT', 'e:xx', Date.now() + 60_000_000, 'GT');
  await ok(c, 'SET', 'e:persist', 'v', 'EX', 1000);
  await ok(c, 'PERSIST', 'e:persist');
  await ok(c, 'SET', 'e:past', 'v');
  await ok(c, 'EXPIRE', 'e:past', -10); // deleted
  await ok(c, 'SET', 'e:past2', 'v');
  await ok(c, 'PEXPIREAT', 'e:past2', 1); // deleted
  await ok(c, 'DEL', 'l:0', 'nosuch');
  await ok(c, 'UNLINK', 'l:1'); // db 0 has no l:1: nothing
  await ok(c, 'SORT', 'l:2', 'STORE', 'k:sorted'); // db 0 has no l:2: nothing stored
  await ok(c, 'SELECT', 2);
  await ok(c, 'SORT', 'l:2', 'ALPHA', 'STORE', 'k:sorted');
  await ok(c, 'SELECT', 3);
  await ok(c, 'FLUSHDB');
  await ok(c, 'SET', 'after-flush', '1');
  await ok(c, 'SELECT', 7);
  await ok(c, 'FLUSHDB', 'ASYNC');
  await ok(c, 'SELECT', 13);
  await ok(c, 'FLUSHDB'); // empty
  await ok(c, 'SET', 'k:13', 'v');
}

export async function transactions(c: RespClient): Promise<void> {
  await ok(c, 'MULTI');
  await ok(c, 'SET', 't:a', '1');
  await ok(c, 'INCR', 't:a');
  await ok(c, 'RPUSH', 't:l', 'x', 'y');
  await ok(c, 'SELECT', 4);
  await ok(c, 'SET', 't:in4', 'v', 'EX', 3000);
  await ok(c, 'GET', 't:in4');
  assert.equal((await ok(c, 'EXEC')) instanceof Array, true);
  await ok(c, 'SELECT', 0);
  await ok(c, 'MULTI');
  await ok(c, 'GET', 't:a');
  await ok(c, 'EXEC'); // read only
  await ok(c, 'MULTI');
  await ok(c, 'SET', 't:discarded', 'v');
  await ok(c, 'DISCARD');
  await ok(c, 'MULTI');
  await ok(c, 'SET', 't:err', 'x');
  await ok(c, 'INCR', 't:err'); // fails at EXEC, the SET stays
  await ok(c, 'SADD', 't:set', 'a', 'b', 'c');
  await ok(c, 'SPOP', 't:set');
  await ok(c, 'EXEC');
  await ok(c, 'SET', 't:watched', '1');
  await ok(c, 'WATCH', 't:watched');
  await ok(c, 'SET', 't:watched', '2');
  await ok(c, 'MULTI');
  await ok(c, 'SET', 't:watched', '3');
  assert.equal(await ok(c, 'EXEC'), null); // aborted
  await ok(c, 'MULTI');
  await ok(c, 'FLUSHALL');
  await ok(c, 'SET', 't:after-flushall', 'v');
  await ok(c, 'SELECT', 5);
  await ok(c, 'SET', 't:in5', 'v');
  await ok(c, 'EXEC');
  await ok(c, 'SELECT', 0);
  await ok(c, 'MULTI');
  await ok(c, 'SET', 't:last', '1');
  await ok(c, 'EXEC');
}

export async function blocking(c: RespClient, srv: TestServer): Promise<void> {
  const b = await srv.client();
  const serve = async (block: (string | number)[], push: (string | number)[]): Promise<RespValue> => {
    b.send(...block);
    await waitBlocked(c, 1);
    await ok(c, ...push);
    return b.read();
  };
  assert.deepEqual(await serve(['BLPOP', 'bl:a', 'bl:b', 0], ['RPUSH', 'bl:b', 'x', 'y', 'z']), ['bl:b', 'x']);
  assert.deepEqual(await serve(['BRPOP', 'bl:c', 0], ['RPUSH', 'bl:c', 'p', 'q']), ['bl:c', 'q']);
  assert.equal(await serve(['BLMOVE', 'bl:src', 'bl:dst', 'LEFT', 'RIGHT', 0], ['LPUSH', 'bl:src', 'm1', 'm2']), 'm2');
  assert.equal(await serve(['BRPOPLPUSH', 'bl:src2', 'bl:dst', 0], ['LPUSH', 'bl:src2', 'n1']), 'n1');
  assert.deepEqual(await serve(['BZPOPMIN', 'bz:a', 0], ['ZADD', 'bz:a', 3, 'c', 1, 'a', 2, 'b']), ['bz:a', 'a', '1']);
  assert.deepEqual(await serve(['BZPOPMAX', 'bz:b', 0], ['ZADD', 'bz:b', 3, 'c', 1, 'a']), ['bz:b', 'c', '3']);
  assert.deepEqual(await serve(['BLMPOP', 0, 2, 'bl:m1', 'bl:m2', 'RIGHT', 'COUNT', 2], ['RPUSH', 'bl:m2', 'a', 'b', 'c']), ['bl:m2', ['c', 'b']]);
  assert.deepEqual(await serve(['BZMPOP', 0, 1, 'bz:m', 'MIN', 'COUNT', 5], ['ZADD', 'bz:m', 1, 'a', 2, 'b']), ['bz:m', [['a', '1'], ['b', '2']]]);
  // Served inside a transaction's push (after EXEC), and at once when the key exists.
  b.send('BLPOP', 'bl:tx', 0);
  await waitBlocked(c, 1);
  await ok(c, 'MULTI');
  await ok(c, 'RPUSH', 'bl:tx', '1', '2', '3');
  await ok(c, 'LPOP', 'bl:tx');
  await ok(c, 'EXEC');
  assert.deepEqual(await b.read(), ['bl:tx', '2']);
  await ok(c, 'RPUSH', 'bl:now', 'a', 'b', 'c');
  await ok(c, 'BLMOVE', 'bl:now', 'bl:now2', 'RIGHT', 'LEFT', 0);
  await ok(c, 'BLPOP', 'bl:now', 0);
  await ok(c, 'ZADD', 'bz:now', 1, 'a', 2, 'b');
  await ok(c, 'BZPOPMAX', 'bz:now', 0);
  // A waiter in another db.
  await b.call('SELECT', 3);
  b.send('BLPOP', 'bl:db3', 0);
  await waitBlocked(c, 1);
  await ok(c, 'SELECT', 3);
  await ok(c, 'RPUSH', 'bl:db3', 'only', 'two');
  assert.deepEqual(await b.read(), ['bl:db3', 'only']);
  await ok(c, 'SELECT', 0);
}

export const families: [string, Workload][] = [
  ['strings and bitmaps', strings],
  ['lists', lists],
  ['hashes', hashes],
  ['sets', sets],
  ['sorted sets', zsets],
  ['keyspace: dbs, RENAME, MOVE, COPY, SWAPDB, the EXPIRE family, FLUSHDB', keyspace],
  ['MULTI/EXEC', transactions],
  ['blocking pops served by a push from another client', blocking],
];


/** Several families in one server (strings, lists, sets, blocking pops). */
export async function mixed(c: RespClient, srv: TestServer): Promise<void> {
  await strings(c);
  await lists(c);
  await sets(c);
  await blocking(c, srv);
  await ok(c, 'SELECT', 0);
}
