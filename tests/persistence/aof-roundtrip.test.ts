// AOF restart round trips: a server with appendonly yes runs a realistic workload of one
// command family through real TCP clients, stops (flush + fsync), and a new server started on
// the same directory must hold exactly the same dataset: DEBUG DIGEST, and every key of every
// db compared by TYPE, value (read with the type's read command), PEXPIRETIME (exact: the AOF
// stores absolute times) and PTTL (within the time between the two reads).
// Also: two restarts in a row append to the same INCR; DEBUG LOADAOF reproduces the digest;
// every byte value survives in keys and values; the three appendfsync policies, each with a
// copy of the directory taken with no shutdown (always / no: right after the last reply, the
// records being written before the replies; everysec: once aof_buffer_length is 0); CONFIG SET
// appendonly no / yes (a BASE written from the dataset); aof-timestamp-enabled yes; a
// fast-check property over random command sequences (NODIS_FC_SEED=<n> replays a seed).

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { RespClient, RespError, type RespValue } from '../helpers/resp-client.js';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { aofItems, aofRecords, lastIncrPath, listAofFiles, readBase, readIncrs, readManifest, resp } from '../helpers/aof-files.js';

const DBS = 16;
const tmpDirs: string[] = [];
const servers: TestServer[] = [];

after(async () => {
  for (const s of servers) await s.stop().catch(() => {});
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

function newDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-aof-roundtrip-'));
  tmpDirs.push(d);
  return d;
}

async function start(dir: string, options: Record<string, string> = {}): Promise<TestServer> {
  const srv = await startTestServer({ appendonly: 'yes', dir, ...options });
  servers.push(srv);
  return srv;
}

async function stop(srv: TestServer): Promise<void> {
  await srv.stop();
  servers.splice(servers.indexOf(srv), 1);
}

/** Sends a command that must not fail; returns its reply. */
async function ok(c: RespClient, ...args: (string | number | Buffer)[]): Promise<RespValue> {
  const r = await c.call(...args);
  if (r instanceof RespError) throw new Error(`${args.map(String).join(' ').slice(0, 200)} -> ${r.message}`);
  return r;
}

async function waitBlocked(c: RespClient, n: number): Promise<void> {
  await waitFor(async () => String(await c.call('INFO', 'clients')).includes(`\r\nblocked_clients:${n}\r\n`), 5000, `${n} blocked client(s)`);
}

// ---- reading a whole dataset over the wire ---------------------------------------------------

interface KeyState {
  readonly type: string;
  readonly value: unknown;
  readonly pexpiretime: number;
}

interface Snapshot {
  readonly digest: string;
  /** `<db> <key>` -> state, sorted by that name. */
  readonly keys: [string, KeyState][];
  /** `<db> <key>` -> PTTL at read time (-1 without TTL). */
  readonly pttl: Map<string, number>;
  readonly at: number;
}

function pairs(flat: RespValue): [string, string][] {
  const a = flat as string[];
  const out: [string, string][] = [];
  for (let i = 0; i < a.length; i += 2) out.push([a[i]!, a[i + 1]!]);
  return out;
}

async function snapshot(port: number): Promise<Snapshot> {
  const c = await RespClient.connect(port);
  try {
    const digest = String(await ok(c, 'DEBUG', 'DIGEST'));
    const keys: [string, KeyState][] = [];
    const pttl = new Map<string, number>();
    const at = Date.now();
    for (let db = 0; db < DBS; db++) {
      await ok(c, 'SELECT', db);
      const names = ((await ok(c, 'KEYS', '*')) as string[]).sort();
      for (const k of names) {
        const type = String(await ok(c, 'TYPE', k));
        let value: unknown;
        if (type === 'string') value = await ok(c, 'GET', k);
        else if (type === 'list') value = await ok(c, 'LRANGE', k, 0, -1);
        else if (type === 'hash') value = pairs(await ok(c, 'HGETALL', k)).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
        else if (type === 'set') value = ((await ok(c, 'SMEMBERS', k)) as string[]).sort();
        else if (type === 'zset') value = pairs(await ok(c, 'ZRANGE', k, 0, -1, 'WITHSCORES'));
        else assert.fail(`unexpected type ${type} of ${JSON.stringify(k)} in db ${db}`);
        const name = `${db} ${k}`;
        keys.push([name, { type, value, pexpiretime: Number(await ok(c, 'PEXPIRETIME', k)) }]);
        pttl.set(name, Number(await ok(c, 'PTTL', k)));
      }
    }
    return { digest, keys, pttl, at };
  } finally {
    c.close();
  }
}

/** The dataset after the restart equals the one before (digest, contents, TTLs). */
function assertSameDataset(after: Snapshot, before: Snapshot, what: string): void {
  assert.deepEqual(after.keys.map(([k]) => k), before.keys.map(([k]) => k), `${what}: the keys of every db`);
  for (let i = 0; i < before.keys.length; i++) {
    const [name, state] = before.keys[i]!;
    assert.deepEqual(after.keys[i]![1], state, `${what}: ${JSON.stringify(name)}`);
  }
  assert.equal(after.digest, before.digest, `${what}: DEBUG DIGEST`);
  const elapsed = after.at - before.at;
  for (const [name, ttlBefore] of before.pttl) {
    const ttlAfter = after.pttl.get(name);
    if (ttlBefore === -1) {
      assert.equal(ttlAfter, -1, `${what}: PTTL of ${name}`);
    } else {
      assert.ok(ttlAfter !== undefined && ttlAfter > 0, `${what}: PTTL of ${name} is ${ttlAfter}`);
      // Measured at different moments: the TTL has shrunk by about the time in between.
      assert.ok(ttlAfter <= ttlBefore + 1 && ttlBefore - ttlAfter <= elapsed + 1000, `${what}: PTTL of ${name}: ${ttlBefore} then ${ttlAfter} (${elapsed} ms apart)`);
    }
  }
}

/**
 * Runs `workload` on a fresh server with appendonly yes, snapshots, stops, restarts on the same
 * directory and compares. Returns the snapshot (for callers that check more).
 */
async function roundTrip(
  workload: (c: RespClient, srv: TestServer) => Promise<void>,
  options: Record<string, string> = {},
): Promise<{ before: Snapshot; dir: string }> {
  const dir = newDir();
  const srv = await start(dir, options);
  const c = await srv.client();
  await workload(c, srv);
  const before = await snapshot(srv.port);
  assert.ok(before.keys.length > 0, 'the workload left data');
  await stop(srv);
  const srv2 = await start(dir, options);
  try {
    assertSameDataset(await snapshot(srv2.port), before, 'after restart');
  } finally {
    await stop(srv2);
  }
  return { before, dir };
}

// ---- workloads per command family -------------------------------------------------------------

const nowSec = () => Math.floor(Date.now() / 1000);

async function strings(c: RespClient): Promise<void> {
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

async function lists(c: RespClient): Promise<void> {
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

async function hashes(c: RespClient): Promise<void> {
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

async function sets(c: RespClient): Promise<void> {
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

async function zsets(c: RespClient): Promise<void> {
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

async function keyspace(c: RespClient): Promise<void> {
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

async function transactions(c: RespClient): Promise<void> {
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

async function blocking(c: RespClient, srv: TestServer): Promise<void> {
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

const families: [string, (c: RespClient, srv: TestServer) => Promise<void>][] = [
  ['strings and bitmaps', strings],
  ['lists', lists],
  ['hashes', hashes],
  ['sets', sets],
  ['sorted sets', zsets],
  ['keyspace: dbs, RENAME, MOVE, COPY, SWAPDB, the EXPIRE family, FLUSHDB', keyspace],
  ['MULTI/EXEC', transactions],
  ['blocking pops served by a push from another client', blocking],
];

for (const [name, workload] of families) {
  test(`restart round trip: ${name}`, async () => {
    await roundTrip(workload);
  });
}

test('restart round trip: every family in one server', async () => {
  const { before } = await roundTrip(async (c, srv) => {
    // MULTI/EXEC first: it runs a FLUSHALL.
    for (const [, w] of [...families].sort(([a], [b]) => Number(b === 'MULTI/EXEC') - Number(a === 'MULTI/EXEC'))) {
      await w(c, srv);
      await ok(c, 'SELECT', 0);
    }
  });
  const types = new Set(before.keys.map(([, s]) => s.type));
  assert.deepEqual([...types].sort(), ['hash', 'list', 'set', 'string', 'zset']);
  assert.ok(before.keys.some(([, s]) => s.pexpiretime > 0), 'some keys have a TTL');
});

// ---- restarts in a row, DEBUG LOADAOF, binary data ------------------------------------------

test('two restarts in a row: the second start appends to the same INCR, the manifest is unchanged', async () => {
  const dir = newDir();
  let srv = await start(dir);
  let c = await srv.client();
  await ok(c, 'SET', 'first', '1');
  await ok(c, 'RPUSH', 'list', 'a');
  await ok(c, 'SELECT', 2);
  await ok(c, 'SADD', 'set2', 'x');
  await stop(srv);
  const manifest1 = readManifest(dir);
  const files1 = listAofFiles(dir);
  assert.equal(manifest1, 'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
  assert.deepEqual(files1, ['appendonly.aof.1.base.aof', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
  assert.equal(readBase(dir)!.length, 0, 'the BASE created on the empty start is empty');
  const incr1 = readIncrs(dir).toString('latin1');
  assert.equal(
    incr1,
    resp('SELECT', '0') + resp('SET', 'first', '1') + resp('RPUSH', 'list', 'a') + resp('SELECT', '2') + resp('SADD', 'set2', 'x'),
  );

  srv = await start(dir);
  let snap = await snapshot(srv.port);
  assert.deepEqual(snap.keys.map(([k]) => k), ['0 first', '0 list', '2 set2']);
  c = await srv.client();
  await ok(c, 'SELECT', 2); // the file's db after the restart is unknown: SELECT again
  await ok(c, 'SADD', 'set2', 'y');
  await ok(c, 'SELECT', 0);
  await ok(c, 'INCR', 'first');
  const before = await snapshot(srv.port);
  await stop(srv);
  assert.equal(readManifest(dir), manifest1, 'the manifest after the second run');
  assert.deepEqual(listAofFiles(dir), files1, 'no new file');
  const incr2 = readIncrs(dir).toString('latin1');
  assert.equal(incr2, incr1 + resp('SELECT', '2') + resp('SADD', 'set2', 'y') + resp('SELECT', '0') + resp('INCR', 'first'));

  srv = await start(dir);
  snap = await snapshot(srv.port);
  assertSameDataset(snap, before, 'after the second restart');
  assert.deepEqual(snap.keys.find(([k]) => k === '0 first')![1].value, '2');
  c = await srv.client();
  await ok(c, 'DEL', 'list');
  await stop(srv);
  assert.equal(readIncrs(dir).toString('latin1'), incr2 + resp('SELECT', '0') + resp('DEL', 'list'));
  assert.equal(readManifest(dir), manifest1);
  srv = await start(dir);
  assert.deepEqual((await snapshot(srv.port)).keys.map(([k]) => k), ['0 first', '2 set2']);
  await stop(srv);
});

test('DEBUG LOADAOF reproduces the digest and the contents; the server goes on appending', async () => {
  const dir = newDir();
  const srv = await start(dir);
  const c = await srv.client();
  await strings(c);
  await zsets(c);
  await keyspace(c);
  await ok(c, 'SELECT', 0);
  const before = await snapshot(srv.port);
  assert.equal(await ok(c, 'DEBUG', 'LOADAOF'), 'OK');
  assert.equal(srv.server.crashed, false);
  const reloaded = await snapshot(srv.port);
  assertSameDataset(reloaded, before, 'after DEBUG LOADAOF');
  // Still appending, to the same INCR.
  const incr = lastIncrPath(dir);
  assert.equal(path.basename(incr), 'appendonly.aof.1.incr.aof');
  await ok(c, 'SET', 'after-loadaof', 'v');
  await ok(c, 'SELECT', 0);
  const more = await snapshot(srv.port);
  assert.notEqual(more.digest, before.digest);
  await stop(srv);
  const srv2 = await start(dir);
  assertSameDataset(await snapshot(srv2.port), more, 'after restart');
  await stop(srv2);
});

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('latin1');

test('binary keys and values: every byte value survives in keys, values, members, fields and scores order', async () => {
  const rev = [...ALL_BYTES].reverse().join('');
  const { before, dir } = await roundTrip(async (c) => {
    await ok(c, 'SET', ALL_BYTES, rev);
    for (let i = 0; i < 256; i++) {
      const ch = String.fromCharCode(i);
      await ok(c, 'SET', `k${ch}`, `${ch}v${ch}\r\n${ch}`);
    }
    await ok(c, 'SET', '', 'empty key');
    await ok(c, 'SET', 'empty value', '');
    await ok(c, 'RPUSH', `list\r\n\x00`, ALL_BYTES, '', '\r\n', '*1\r\n$4\r\nPING\r\n', '\xff\xfe');
    await ok(c, 'HSET', `hash\xff`, ALL_BYTES, rev, '\x00', '\r\n', '$-1\r\n', '');
    await ok(c, 'SADD', `set\x00`, ALL_BYTES, rev, '\x00', '\r\n', '\xff');
    await ok(c, 'ZADD', `zset\n`, 1, ALL_BYTES, 2, rev, 3, '\x00\r\n', '-1.5', '');
    await ok(c, 'SETRANGE', 'bin-range', 3, '\x00\xff\r\n');
    await ok(c, 'APPEND', 'bin-range', ALL_BYTES);
    await ok(c, 'SET', `ttl\x00${ALL_BYTES}`, ALL_BYTES, 'PX', 50_000_000);
    await ok(c, 'SELECT', 9);
    await ok(c, 'SET', ALL_BYTES, 'db9');
    await ok(c, 'SELECT', 0);
  });
  assert.equal(before.keys.length, 1 + 256 + 2 + 6 + 1);
  // And the bytes themselves, read back from a restarted server.
  const srv = await start(dir);
  const c = await srv.client();
  assert.equal(await c.callRaw('GET', ALL_BYTES), `$256\r\n${rev}\r\n`);
  assert.equal(await c.callRaw('GET', `k\r`), `$6\r\n\rv\r\r\n\r\r\n`);
  assert.equal(await c.call('HGET', `hash\xff`, ALL_BYTES), rev);
  assert.equal(await c.call('SISMEMBER', `set\x00`, ALL_BYTES), 1);
  assert.equal(await c.call('ZSCORE', `zset\n`, ALL_BYTES), '1');
  assert.deepEqual(await c.call('LRANGE', `list\r\n\x00`, 0, -1), [ALL_BYTES, '', '\r\n', '*1\r\n$4\r\nPING\r\n', '\xff\xfe']);
  await stop(srv);
});

// ---- the three fsync policies ---------------------------------------------------------------

async function mixed(c: RespClient, srv: TestServer): Promise<void> {
  await strings(c);
  await lists(c);
  await sets(c);
  await blocking(c, srv);
  await ok(c, 'SELECT', 0);
}

for (const policy of ['always', 'everysec', 'no'] as const) {
  test(`appendfsync ${policy}: restart round trip, and the files as they were ${policy === 'everysec' ? 'once aof_buffer_length is 0' : 'right after the last reply'} (no shutdown)`, async () => {
    const dir = newDir();
    const srv = await start(dir, { appendfsync: policy });
    const c = await srv.client();
    assert.deepEqual(await c.call('CONFIG', 'GET', 'appendfsync'), ['appendfsync', policy]);
    await mixed(c, srv);
    const before = await snapshot(srv.port);
    if (policy === 'everysec') {
      // A write postponed behind a running background fsync is retried from cron: within
      // about 2 s the buffer is empty and the file holds everything, with no shutdown.
      await waitFor(async () => /\r\naof_buffer_length:0\r\n/.test(String(await c.call('INFO', 'persistence'))), 4000, 'aof_buffer_length:0');
    } else {
      assert.match(String(await c.call('INFO', 'persistence')), /\r\naof_buffer_length:0\r\n/);
    }
    {
      // always and no write before replying (never postponed, unlike everysec): a copy of
      // the files taken now, with no shutdown, holds everything.
      const copy = newDir();
      fs.cpSync(path.join(dir, 'appendonlydir'), path.join(copy, 'appendonlydir'), { recursive: true });
      const crashCopy = await start(copy, { appendfsync: policy });
      try {
        assertSameDataset(await snapshot(crashCopy.port), before, 'copy taken after the last reply');
      } finally {
        await stop(crashCopy);
      }
    }
    await stop(srv);
    const srv2 = await start(dir, { appendfsync: policy });
    try {
      assertSameDataset(await snapshot(srv2.port), before, 'after restart');
    } finally {
      await stop(srv2);
    }
  });
}

test('CONFIG SET appendonly no, unlogged writes, then yes: the BASE written from the dataset and the new INCR round-trip', async () => {
  const options = { 'aof-use-rdb-preamble': 'no' };
  const dir = newDir();
  const srv = await start(dir, options);
  const c = await srv.client();
  await transactions(c);
  await ok(c, 'SELECT', 0);
  await hashes(c);
  assert.equal(await ok(c, 'CONFIG', 'SET', 'appendonly', 'no'), 'OK');
  await strings(c);
  await lists(c);
  await keyspace(c);
  await ok(c, 'SELECT', 0);
  assert.equal(await ok(c, 'CONFIG', 'SET', 'appendonly', 'yes'), 'OK');
  await sets(c);
  await zsets(c);
  await blocking(c, srv);
  await ok(c, 'SELECT', 0);
  const before = await snapshot(srv.port);
  await stop(srv);
  // As Redis 7.0 after its rewrite: a new BASE and a new INCR; the former files are gone.
  assert.equal(readManifest(dir), 'file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n');
  assert.deepEqual(listAofFiles(dir), ['appendonly.aof.2.base.aof', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
  const srv2 = await start(dir, options);
  try {
    assertSameDataset(await snapshot(srv2.port), before, 'after restart');
  } finally {
    await stop(srv2);
  }
});

test('aof-timestamp-enabled yes: a round trip over several seconds, with #TS: annotations in the BASE and the INCR', async () => {
  const options = { 'aof-timestamp-enabled': 'yes', 'aof-use-rdb-preamble': 'no' };
  const { dir } = await roundTrip(async (c, srv) => {
    await strings(c);
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
    await lists(c);
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
    await blocking(c, srv);
  }, options);
  assert.match(readBase(dir)!.toString('latin1'), /^#TS:\d+\r\n$/);
  const items = aofItems(readIncrs(dir));
  const ts = items.flatMap((i) => ('ts' in i ? [i.ts] : []));
  assert.ok(ts.length >= 2, `the INCR holds ${ts.length} #TS: annotations over 3 seconds of writes`);
});

// ---- property: random command sequences ----------------------------------------------------

const K = ['k0', 'k1', 'k2', 'k3', 'k4'];
const key = fc.constantFrom(...K);
const member = fc.constantFrom('a', 'b', 'c', 'd', '1', '2', '10', '-3', '', 'x'.repeat(70), '\x00\r\n');
const smallInt = fc.integer({ min: -5, max: 20 });
const score = fc.oneof(fc.integer({ min: -10, max: 10 }).map(String), fc.constantFrom('0.1', '1.5', '-2.25', 'inf', '-inf', '3.0000000000000004', '1e-300', '123456789.123'));
const farSec = fc.integer({ min: 1000, max: 1_000_000 });
const side = fc.constantFrom('LEFT', 'RIGHT');
const db = fc.integer({ min: 0, max: 2 });

type Cmd = (string | number)[];

const simple: fc.Arbitrary<Cmd> = fc.oneof(
  fc.tuple(key, member).map(([k, v]): Cmd => ['SET', k, v]),
  fc.tuple(key, member, farSec, fc.constantFrom('EX', 'PX', 'EXAT', 'PXAT')).map(([k, v, s, u]): Cmd => {
    const n = u === 'EX' ? s : u === 'PX' ? s * 1000 : u === 'EXAT' ? nowSec() + s : Date.now() + s * 1000;
    return ['SET', k, v, u, n];
  }),
  fc.tuple(key, member, fc.constantFrom('KEEPTTL', 'NX', 'XX', 'GET')).map(([k, v, o]): Cmd => ['SET', k, v, o]),
  fc.tuple(key, member).map(([k, v]): Cmd => ['APPEND', k, v]),
  key.map((k): Cmd => ['INCR', k]),
  fc.tuple(key, smallInt).map(([k, n]): Cmd => ['INCRBY', k, n]),
  fc.tuple(key, fc.constantFrom('0.1', '-1.5', '2e3', '3')).map(([k, n]): Cmd => ['INCRBYFLOAT', k, n]),
  fc.tuple(key, fc.integer({ min: 0, max: 30 }), member).map(([k, o, v]): Cmd => ['SETRANGE', k, o, v]),
  key.map((k): Cmd => ['GETDEL', k]),
  fc.tuple(key, farSec).map(([k, s]): Cmd => ['GETEX', k, 'EX', s]),
  key.map((k): Cmd => ['GETEX', k, 'PERSIST']),
  fc.tuple(key, member).map(([k, v]): Cmd => ['GETSET', k, v]),
  fc.tuple(key, fc.integer({ min: 0, max: 200 }), fc.constantFrom(0, 1)).map(([k, o, b]): Cmd => ['SETBIT', k, o, b]),
  fc.tuple(key, fc.integer({ min: 0, max: 64 }), smallInt).map(([k, o, n]): Cmd => ['BITFIELD', k, 'INCRBY', 'i8', o, n]),
  fc.tuple(fc.constantFrom('AND', 'OR', 'XOR'), key, key, key).map(([op, d, a, b]): Cmd => ['BITOP', op, d, a, b]),
  fc.tuple(fc.constantFrom('RPUSH', 'LPUSH'), key, fc.array(member, { minLength: 1, maxLength: 4 })).map(([c, k, m]): Cmd => [c, k, ...m]),
  fc.tuple(fc.constantFrom('LPOP', 'RPOP'), key).map(([c, k]): Cmd => [c, k]),
  fc.tuple(key, fc.integer({ min: 1, max: 3 })).map(([k, n]): Cmd => ['RPOP', k, n]),
  fc.tuple(key, key, side, side).map(([a, b, x, y]): Cmd => ['LMOVE', a, b, x, y]),
  fc.tuple(key, smallInt, member).map(([k, i, v]): Cmd => ['LSET', k, i, v]),
  fc.tuple(key, fc.integer({ min: -2, max: 2 }), member).map(([k, n, v]): Cmd => ['LREM', k, n, v]),
  fc.tuple(key, fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 })).map(([k, s, e]): Cmd => ['LTRIM', k, s, e]),
  fc.tuple(key, fc.constantFrom('BEFORE', 'AFTER'), member, member).map(([k, w, p, v]): Cmd => ['LINSERT', k, w, p, v]),
  fc.tuple(key, key, side, fc.integer({ min: 1, max: 3 })).map(([a, b, s, n]): Cmd => ['LMPOP', 2, a, b, s, 'COUNT', n]),
  fc.tuple(key, member, member).map(([k, f, v]): Cmd => ['HSET', k, f, v]),
  fc.tuple(key, member).map(([k, f]): Cmd => ['HDEL', k, f]),
  fc.tuple(key, member, smallInt).map(([k, f, n]): Cmd => ['HINCRBY', k, f, n]),
  fc.tuple(key, member, fc.constantFrom('0.1', '-2.5', '1e2')).map(([k, f, n]): Cmd => ['HINCRBYFLOAT', k, f, n]),
  fc.tuple(key, fc.array(member, { minLength: 1, maxLength: 5 })).map(([k, m]): Cmd => ['SADD', k, ...m]),
  fc.tuple(key, member).map(([k, m]): Cmd => ['SREM', k, m]),
  key.map((k): Cmd => ['SPOP', k]),
  fc.tuple(key, fc.integer({ min: 0, max: 6 })).map(([k, n]): Cmd => ['SPOP', k, n]),
  fc.tuple(key, key, member).map(([a, b, m]): Cmd => ['SMOVE', a, b, m]),
  fc.tuple(fc.constantFrom('SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE'), key, key, key).map(([c, d, a, b]): Cmd => [c, d, a, b]),
  fc.tuple(key, score, member).map(([k, s, m]): Cmd => ['ZADD', k, s, m]),
  fc.tuple(key, score, member).map(([k, s, m]): Cmd => ['ZADD', k, 'INCR', s, m]),
  fc.tuple(key, score, member).map(([k, s, m]): Cmd => ['ZINCRBY', k, s, m]),
  fc.tuple(fc.constantFrom('ZPOPMIN', 'ZPOPMAX'), key, fc.integer({ min: 1, max: 3 })).map(([c, k, n]): Cmd => [c, k, n]),
  fc.tuple(key, member).map(([k, m]): Cmd => ['ZREM', k, m]),
  fc.tuple(fc.constantFrom('ZUNIONSTORE', 'ZINTERSTORE'), key, key, key, fc.constantFrom('SUM', 'MIN', 'MAX')).map(([c, d, a, b, ag]): Cmd => [c, d, 2, a, b, 'WEIGHTS', '2', '0.5', 'AGGREGATE', ag]),
  fc.tuple(key, key).map(([d, s]): Cmd => ['ZRANGESTORE', d, s, 0, 2]),
  fc.tuple(key, score).map(([k, s]): Cmd => ['ZREMRANGEBYSCORE', k, '-inf', s]),
  fc.tuple(key, fc.integer({ min: 0, max: 2 })).map(([k, n]): Cmd => ['ZREMRANGEBYRANK', k, 0, n]),
  key.map((k): Cmd => ['DEL', k]),
  key.map((k): Cmd => ['UNLINK', k]),
  fc.tuple(key, key).map(([a, b]): Cmd => ['RENAME', a, b]),
  fc.tuple(key, key).map(([a, b]): Cmd => ['RENAMENX', a, b]),
  fc.tuple(key, key, fc.boolean()).map(([a, b, r]): Cmd => (r ? ['COPY', a, b, 'REPLACE'] : ['COPY', a, b])),
  fc.tuple(key, key, db).map(([a, b, d]): Cmd => ['COPY', a, b, 'DB', d]),
  fc.tuple(key, db).map(([k, d]): Cmd => ['MOVE', k, d]),
  fc.tuple(db, db).map(([a, b]): Cmd => ['SWAPDB', a, b]),
  db.map((d): Cmd => ['SELECT', d]),
  fc.tuple(key, farSec, fc.constantFrom('', 'NX', 'XX', 'GT', 'LT')).map(([k, s, f]): Cmd => (f === '' ? ['EXPIRE', k, s] : ['EXPIRE', k, s, f])),
  fc.tuple(key, farSec).map(([k, s]): Cmd => ['PEXPIRE', k, s * 1000]),
  fc.tuple(key, farSec).map(([k, s]): Cmd => ['EXPIREAT', k, nowSec() + s]),
  key.map((k): Cmd => ['EXPIRE', k, -1]),
  key.map((k): Cmd => ['PERSIST', k]),
  fc.tuple(key, key).map(([k, d]): Cmd => ['SORT', k, 'ALPHA', 'STORE', d]),
  fc.constant<Cmd>(['FLUSHDB']),
);

/** A command, or a MULTI ... EXEC block of a few. */
const step: fc.Arbitrary<Cmd[]> = fc.oneof(
  { weight: 12, arbitrary: simple.map((c) => [c]) },
  { weight: 1, arbitrary: fc.array(simple, { minLength: 1, maxLength: 4 }).map((cs) => [['MULTI'], ...cs, ['EXEC']]) },
);

test('property: random command sequences survive a restart (DEBUG DIGEST and contents)', { timeout: 120_000 }, async () => {
  const seedEnv = process.env['NODIS_FC_SEED'];
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 30, maxLength: 50 }), async (steps) => {
      const dir = newDir();
      const srv = await start(dir);
      let before: Snapshot;
      try {
        const c = await srv.client();
        for (const s of steps) for (const cmd of s) await c.call(...cmd);
        before = await snapshot(srv.port);
      } finally {
        await stop(srv);
      }
      const srv2 = await start(dir);
      try {
        assertSameDataset(await snapshot(srv2.port), before, 'after restart');
      } finally {
        await stop(srv2);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }),
    { numRuns: 30, ...(seedEnv !== undefined ? { seed: Number(seedEnv) } : {}) },
  );
});

// The INCR of a round trip: clean RESP to the end, with only absolute, deterministic forms.
test('the files of a round trip are clean RESP the scanner reads to the end', async () => {
  const { dir } = await roundTrip(async (c, srv) => {
    await mixed(c, srv);
  });
  const records = aofRecords(readIncrs(dir));
  assert.ok(records.length > 100);
  assert.deepEqual(records[0], ['SELECT', '0']);
  for (const argv of records) {
    const name = argv[0]!.toUpperCase();
    assert.ok(!['EXPIRE', 'PEXPIRE', 'EXPIREAT', 'SETEX', 'PSETEX', 'GETEX', 'GETDEL', 'GETSET', 'INCRBYFLOAT', 'SPOP', 'BLPOP', 'BRPOP', 'BLMOVE', 'BRPOPLPUSH', 'BLMPOP', 'BZPOPMIN', 'BZPOPMAX', 'BZMPOP'].includes(name), `untranslated ${argv.join(' ').slice(0, 80)}`);
    if (name === 'SET') assert.ok(!argv.slice(3).some((a) => ['EX', 'PX', 'EXAT', 'GET'].includes(a.toUpperCase())), `relative SET ${argv.join(' ').slice(0, 80)}`);
  }
});
