// The records of an AOF rewrite (src/aof/rewrite-records.ts): each type's commands, batching
// at 64 items, TTLs, binary and large data; then the same dataset built in a live redis-server
// 7.0.15 and in nodis, Redis's BGREWRITEAOF base file compared key by key with ours (skipped
// when /usr/bin/redis-server is absent).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { rewriteDataset, rewriteKey } from '../../src/aof/rewrite-records.js';
import { AofFeed } from '../../src/aof/feed.js';
import { scanAofForLoad } from '../../src/aof/scan.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import type { Database } from '../../src/keyspace/database.js';
import { ListValue } from '../../src/keyspace/list.js';
import { SetValue } from '../../src/keyspace/set.js';
import { HashValue } from '../../src/keyspace/hash.js';
import { ZSet } from '../../src/keyspace/zset.js';
import { ByteString } from '../../src/keyspace/byte-string.js';
import { RespClient, RespError, type RespValue } from '../helpers/resp-client.js';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';

const SET_LIMITS = { maxIntsetEntries: 512 };
const HASH_LIMITS = { maxListpackEntries: 128, maxListpackValue: 64 };
const ZSET_LIMITS = { maxListpackEntries: 128, maxListpackValue: 64 };

/** Every byte 0x00-0xff once, as a latin1 string. */
const ALL_BYTES = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));

function freshDb(): { ks: Keyspace; db: Database } {
  const ks = new Keyspace(16);
  ks.time = Date.now();
  return { ks, db: ks.dbs[0]! };
}

/** The records of one key of `db`, copied (argv arrays are reused by the writer). */
function recordsOf(db: Database, key: string): string[][] {
  const e = db.peekEntry(key);
  assert.ok(e !== undefined, `key ${key} exists`);
  const out: string[][] = [];
  rewriteKey(key, e, (argv) => out.push([...argv]));
  return out;
}

const range = (n: number, f: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => f(i));

/** Expected records for `items` (already flattened, `width` args per item) in batches of 64. */
function batches(cmd: string, key: string, items: readonly string[], width: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < items.length; i += 64 * width) out.push([cmd, key, ...items.slice(i, i + 64 * width)]);
  return out;
}

// ---- unit checks ----------------------------------------------------------------------------

test('string: SET key value; empty, binary and large values; integers stay text', () => {
  const { db } = freshDb();
  db.add('k', 'v');
  db.add('', '');
  db.add(ALL_BYTES, ALL_BYTES);
  const big = 'ab\x00\xff'.repeat(300_000);
  db.add('big', big);
  db.add('n', '12345');
  assert.deepEqual(recordsOf(db, 'k'), [['SET', 'k', 'v']]);
  assert.deepEqual(recordsOf(db, ''), [['SET', '', '']]);
  assert.deepEqual(recordsOf(db, ALL_BYTES), [['SET', ALL_BYTES, ALL_BYTES]]);
  assert.deepEqual(recordsOf(db, 'big'), [['SET', 'big', big]]);
  assert.deepEqual(recordsOf(db, 'n'), [['SET', 'n', '12345']]);
});

test('a string held as a ByteString (bitmap editing) is written as its string', () => {
  const { db } = freshDb();
  const value = 'x\x00\x80'.repeat(2000);
  db.add('bits', ByteString.from(value));
  assert.deepEqual(recordsOf(db, 'bits'), [['SET', 'bits', value]]);
});

test('a TTL adds PEXPIREAT key <absolute ms> after the value records', () => {
  const { ks, db } = freshDb();
  ks.time = 1_700_000_000_000;
  const at = 1_795_274_183_532;
  db.add('s', 'v');
  db.setExpire('s', at);
  db.add('l', ListValue.from(range(65, (i) => `e${i}`)));
  db.setExpire('l', at + 1);
  assert.deepEqual(recordsOf(db, 's'), [
    ['SET', 's', 'v'],
    ['PEXPIREAT', 's', String(at)],
  ]);
  const l = recordsOf(db, 'l');
  assert.equal(l.length, 3);
  assert.deepEqual(l[2], ['PEXPIREAT', 'l', String(at + 1)]);
  db.persist('s');
  assert.deepEqual(recordsOf(db, 's'), [['SET', 's', 'v']]);
});

test('list: RPUSH head to tail in commands of at most 64 elements', () => {
  const { db } = freshDb();
  const sizes: [number, number[]][] = [
    [1, [1]],
    [63, [63]],
    [64, [64]],
    [65, [64, 1]],
    [128, [64, 64]],
    [129, [64, 64, 1]],
    [200, [64, 64, 64, 8]],
  ];
  for (const [n, counts] of sizes) {
    const items = range(n, (i) => (i % 7 === 0 ? '' : `${n}:${i}`));
    db.add(`l${n}`, ListValue.from(items));
    const recs = recordsOf(db, `l${n}`);
    assert.deepEqual(recs, batches('RPUSH', `l${n}`, items, 1), `list of ${n}`);
    assert.deepEqual(
      recs.map((r) => r.length - 2),
      counts,
    );
  }
  // Pushed at both ends: the order is head to tail, not insertion order.
  const l = new ListValue();
  for (const x of ['c', 'd']) l.pushBack(x);
  for (const x of ['b', 'a']) l.pushFront(x);
  db.add('mixed', l);
  assert.deepEqual(recordsOf(db, 'mixed'), [['RPUSH', 'mixed', 'a', 'b', 'c', 'd']]);
  const bin = ListValue.from([ALL_BYTES, '', '\x00']);
  db.add(ALL_BYTES, bin);
  assert.deepEqual(recordsOf(db, ALL_BYTES), [['RPUSH', ALL_BYTES, ALL_BYTES, '', '\x00']]);
});

test('set: SADD batched by 64; an intset in ascending numeric order', () => {
  const { db } = freshDb();
  db.add('small', SetValue.from(['5', '-3', '100', '2', '-9223372036854775808', '9223372036854775807'], SET_LIMITS));
  assert.deepEqual(recordsOf(db, 'small'), [['SADD', 'small', '-9223372036854775808', '-3', '2', '5', '100', '9223372036854775807']]);
  for (const n of [63, 64, 65, 129]) {
    // Added in descending order: an intset still comes out ascending.
    const members = range(n, (i) => String(1000 - i * 3));
    db.add(`i${n}`, SetValue.from(members, SET_LIMITS));
    const asc = [...members].sort((a, b) => Number(a) - Number(b));
    assert.deepEqual(recordsOf(db, `i${n}`), batches('SADD', `i${n}`, asc, 1), `intset of ${n}`);
  }
  for (const n of [63, 64, 65, 129]) {
    const members = range(n, (i) => `m${i}`);
    db.add(`h${n}`, SetValue.from(members, SET_LIMITS));
    const recs = recordsOf(db, `h${n}`);
    assert.equal((db.peekEntry(`h${n}`)!.value as SetValue).encoding(), 'hashtable');
    assert.deepEqual(
      recs.map((r) => r.length - 2),
      batches('SADD', '', members, 1).map((r) => r.length - 2),
    );
    assert.deepEqual(recs.flatMap((r) => r.slice(2)).sort(), [...members].sort(), `hashtable set of ${n}`);
  }
  db.add('bin', SetValue.from([ALL_BYTES, '', 'x'], SET_LIMITS));
  assert.deepEqual(recordsOf(db, 'bin')[0]!.slice(2).sort(), ['', 'x', ALL_BYTES].sort());
  // A removed member is not written; the rest keep their place.
  const s = SetValue.from(range(10, (i) => `r${i}`), SET_LIMITS);
  s.delete('r3');
  db.add('removed', s);
  assert.deepEqual(recordsOf(db, 'removed'), [['SADD', 'removed', ...range(10, (i) => `r${i}`).filter((m) => m !== 'r3')]]);
});

test('zset: ZADD score member pairs, ascending, scores as %.17g, batched by 64 pairs', () => {
  const { db } = freshDb();
  const z = new ZSet();
  const scores: [number, string][] = [
    [0.1, 'a'],
    [1e300, 'b'],
    [1e-300, 'c'],
    [Infinity, 'd'],
    [-Infinity, 'e'],
    [3, 'f'],
    [-5, 'h'],
    [2.5, 'i'],
    [123456789012345678, 'j'],
    [1.5e-5, 'k'],
    [0.0001, 'l'],
    [1e16, 'm'],
    [1e17, 'n'],
    [42618602816946808, 'o'],
    [-42618602816946808, 'p'],
    [99999999999999984, 'q'],
    [2 ** 53, 'r'],
    [0.1 + 0.2, 's'],
  ];
  for (const [s, m] of scores) z.add(m, s, 0, ZSET_LIMITS);
  db.add('z', z);
  assert.deepEqual(recordsOf(db, 'z'), [
    [
      'ZADD', 'z',
      '-inf', 'e', '-42618602816946808', 'p', '-5', 'h', '1e-300', 'c', '1.5e-05', 'k', '0.0001', 'l',
      '0.10000000000000001', 'a', '0.30000000000000004', 's', '2.5', 'i', '3', 'f', '9007199254740992', 'r',
      '10000000000000000', 'm', '42618602816946808', 'o', '99999999999999984', 'q', '1e+17', 'n',
      '1.2345678901234568e+17', 'j', '1.0000000000000001e+300', 'b', 'inf', 'd',
    ],
  ]);
  // Equal scores: by member, bytewise.
  const tie = new ZSet();
  for (const m of ['b', '\xff', 'a', '', '\x00']) tie.add(m, 1, 0, ZSET_LIMITS);
  db.add('tie', tie);
  assert.deepEqual(recordsOf(db, 'tie'), [['ZADD', 'tie', '1', '', '1', '\x00', '1', 'a', '1', 'b', '1', '\xff']]);
  // -0: a listpack keeps it as the integer 0, a skiplist as -0 (Redis prints "-0" then).
  const lp = new ZSet();
  lp.add('m', -0, 0, ZSET_LIMITS);
  db.add('lp0', lp);
  assert.deepEqual(recordsOf(db, 'lp0'), [['ZADD', 'lp0', '0', 'm']]);
  const sl = ZSet.large();
  sl.add('m', -0, 0, ZSET_LIMITS);
  db.add('sl0', sl);
  assert.deepEqual(recordsOf(db, 'sl0'), [['ZADD', 'sl0', '-0', 'm']]);
  for (const n of [63, 64, 65, 129]) {
    // Added highest score first: written lowest first.
    const zz = new ZSet();
    for (let i = 0; i < n; i++) zz.add(`m${i}`, (n - i) / 4, 0, ZSET_LIMITS);
    const pairs: string[] = [];
    for (let i = n - 1; i >= 0; i--) pairs.push(String((n - i) / 4), `m${i}`);
    db.add(`z${n}`, zz);
    assert.equal(zz.encoding(), n > 128 ? 'skiplist' : 'listpack');
    assert.deepEqual(recordsOf(db, `z${n}`), batches('ZADD', `z${n}`, pairs, 2), `zset of ${n}`);
  }
});

test('hash: HMSET field value pairs in listpack order, batched by 64 pairs', () => {
  const { db } = freshDb();
  const h = new HashValue();
  h.set('a', '1', HASH_LIMITS);
  h.set('b', '2', HASH_LIMITS);
  h.set('c', '3', HASH_LIMITS);
  h.set('a', 'updated', HASH_LIMITS);
  h.delete('b');
  h.set('b', '', HASH_LIMITS);
  h.set(ALL_BYTES.slice(0, 60), ALL_BYTES.slice(196), HASH_LIMITS);
  db.add('h', h);
  assert.deepEqual(recordsOf(db, 'h'), [['HMSET', 'h', 'a', 'updated', 'c', '3', 'b', '', ALL_BYTES.slice(0, 60), ALL_BYTES.slice(196)]]);
  for (const n of [63, 64, 65, 129]) {
    const hh = new HashValue();
    const pairs: string[] = [];
    for (let i = 0; i < n; i++) {
      hh.set(`f${i}`, `v${i}`, HASH_LIMITS);
      pairs.push(`f${i}`, `v${i}`);
    }
    db.add(`h${n}`, hh);
    assert.equal(hh.encoding(), n > 128 ? 'hashtable' : 'listpack');
    assert.deepEqual(recordsOf(db, `h${n}`), batches('HMSET', `h${n}`, pairs, 2), `hash of ${n}`);
  }
  const large = new HashValue();
  const big = 'v'.repeat(1 << 20);
  large.set('f', big, HASH_LIMITS);
  db.add('large', large);
  assert.deepEqual(recordsOf(db, 'large'), [['HMSET', 'large', 'f', big]]);
});

test('rewriteDataset: non-empty databases in ascending order, expired-but-present keys included', () => {
  const ks = new Keyspace(16);
  ks.time = 1_000_000;
  ks.dbs[3]!.add('x', 'y');
  ks.dbs[0]!.add('a', 'b');
  ks.dbs[0]!.setExpire('a', 1_000_500);
  ks.dbs[9]!.add('gone', 'soon');
  ks.dbs[9]!.setExpire('gone', 1_000_001);
  ks.time = 2_000_000; // 'a' and 'gone' are now logically expired, still in their dicts
  const got: [number, string[]][] = [];
  rewriteDataset(ks.dbs, (db, argv) => got.push([db, [...argv]]));
  assert.deepEqual(got, [
    [0, ['SET', 'a', 'b']],
    [0, ['PEXPIREAT', 'a', '1000500']],
    [3, ['SET', 'x', 'y']],
    [9, ['SET', 'gone', 'soon']],
    [9, ['PEXPIREAT', 'gone', '1000001']],
  ]);
  // Nothing was expired by the walk.
  assert.equal(ks.dbs[9]!.peekEntry('gone')?.value, 'soon');
  assert.equal(ks.stats.expiredKeys, 0);
});

test('through AofFeed: the bytes Redis 7.0.15 wrote for the same small dataset', () => {
  // Captured from redis-server 7.0.15 (BGREWRITEAOF, aof-use-rdb-preamble no) after
  // RPUSH l a b c; SELECT 3; SET x y.
  const ks = new Keyspace(16);
  ks.dbs[0]!.add('l', ListValue.from(['a', 'b', 'c']));
  ks.dbs[3]!.add('x', 'y');
  const feed = new AofFeed();
  rewriteDataset(ks.dbs, (db, argv) => feed.feedOp(db, argv, 0));
  assert.equal(
    feed.take().toString('latin1'),
    '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*5\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n' +
      '*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\ny\r\n',
  );
});

// ---- differential test against redis-server 7.0.15 -------------------------------------------

const REDIS = '/usr/bin/redis-server';
const skip = fs.existsSync(REDIS) ? false : 'redis-server not installed';

let tmp = '';
const children: ChildProcess[] = [];
const servers: TestServer[] = [];
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-rewrite-records-'));
});
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const s of servers) await s.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function startRedis(dir: string): Promise<RespClient> {
  const port = await freePort();
  const child = spawn(
    REDIS,
    [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes',
      '--aof-use-rdb-preamble', 'no', '--enable-debug-command', 'yes', '--logfile', 'redis.log',
    ],
    { stdio: 'ignore' },
  );
  children.push(child);
  let client: RespClient | null = null;
  await waitFor(async () => {
    try {
      client?.close();
      client = await RespClient.connect(port);
      return (await client.call('PING')) === 'PONG';
    } catch {
      return false;
    }
  }, 5000, 'redis-server to answer');
  return client!;
}

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Cmd = (string | number)[];

/** The dataset, as commands: every type and encoding, several dbs, TTLs, batching sizes. */
function datasetCommands(ttlAt: number): { commands: Cmd[]; keys: [number, string][] } {
  const rnd = prng(7);
  const commands: Cmd[] = [];
  const keys: [number, string][] = [];
  let db = 0;
  const select = (n: number) => {
    db = n;
    commands.push(['SELECT', n]);
  };
  const on = (key: string, ...cmd: Cmd) => {
    commands.push(cmd);
    if (!keys.some(([d, k]) => d === db && k === key)) keys.push([db, key]);
  };
  select(0);
  on('s:plain', 'SET', 's:plain', 'value');
  on('s:empty', 'SET', 's:empty', '');
  on('s:int', 'SET', 's:int', '12345');
  on(ALL_BYTES, 'SET', ALL_BYTES, ALL_BYTES);
  on('s:big', 'SET', 's:big', 'xy\x00\xfe'.repeat(50_000));
  on('s:ttl', 'SET', 's:ttl', 'v');
  on('s:ttl', 'PEXPIREAT', 's:ttl', ttlAt);
  on('s:bits', 'SETBIT', 's:bits', 40_000, 1);
  for (const n of [1, 63, 64, 65, 129, 200]) {
    const items = range(n, (i) => (i % 11 === 0 ? '' : `${n}-${i}-${'z'.repeat(i % 5)}`));
    on(`l:${n}`, 'RPUSH', `l:${n}`, ...items);
  }
  on('l:mixed', 'RPUSH', 'l:mixed', 'c', 'd');
  on('l:mixed', 'LPUSH', 'l:mixed', 'b', 'a');
  on('l:mixed', 'LINSERT', 'l:mixed', 'BEFORE', 'c', ALL_BYTES);
  on('l:mixed', 'PEXPIREAT', 'l:mixed', ttlAt + 1);
  // Sets: intsets (ascending in Redis), hashtables (dict order in Redis).
  on('set:int', 'SADD', 'set:int', '5', '-3', '100', '2', '-9223372036854775808', '9223372036854775807', '0');
  for (const n of [63, 64, 65, 129]) on(`set:int${n}`, 'SADD', `set:int${n}`, ...range(n, (i) => String(5000 - i * 7)));
  on('set:str', 'SADD', 'set:str', 'a', 'b', '', ALL_BYTES, '007');
  for (const n of [63, 64, 65, 129]) on(`set:str${n}`, 'SADD', `set:str${n}`, ...range(n, (i) => `m${i}`));
  on('set:big', 'SADD', 'set:big', ...range(600, (i) => String(i * 13)));
  on('set:removed', 'SADD', 'set:removed', ...range(20, (i) => String(i)));
  on('set:removed', 'SREM', 'set:removed', '3', '7');
  on('set:removed', 'PEXPIREAT', 'set:removed', ttlAt + 2);
  // Sorted sets: listpack (exact order) and skiplist (dict order in Redis).
  const shapes = ['0.1', '1e300', '1e-300', 'inf', '-inf', '3', '-0', '-5', '2.5', '123456789012345678', '1.5e-5', '0.0001', '1e16', '1e17', '-1e-310', '4.9406564584124654e-324', '-2.2250738585072014e-308',
    '42618602816946808', '-42618602816946808', '99999999999999984', '9007199254740993', '0.30000000000000004', '1e21', '123e-7'];
  const shapeArgs = shapes.flatMap((s, i) => [s, `sh${i}`]);
  on('z:shapes', 'ZADD', 'z:shapes', ...shapeArgs);
  on('z:ties', 'ZADD', 'z:ties', 1, 'b', 1, '\xff', 1, 'a', 1, '', 1, '\x00', 1, ALL_BYTES.slice(0, 50));
  on('z:incr', 'ZADD', 'z:incr', 1, 'x');
  on('z:incr', 'ZINCRBY', 'z:incr', 0.1, 'x');
  on('z:incr', 'ZINCRBY', 'z:incr', 0.2, 'y');
  for (const n of [63, 64, 65, 128, 129]) {
    const args: (string | number)[] = [];
    for (let i = 0; i < n; i++) args.push(i % 3 === 0 ? n - i : (n - i) / 8, `m${i}`);
    on(`z:${n}`, 'ZADD', `z:${n}`, ...args);
  }
  const randomScores: string[] = [];
  for (let i = 0; i < 150; i++) {
    const x = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 60 - 30);
    randomScores.push(String(x), `r${i}`);
  }
  on('z:random', 'ZADD', 'z:random', ...randomScores);
  on('z:skip-shapes', 'ZADD', 'z:skip-shapes', ...shapeArgs);
  on('z:skip-shapes', 'ZADD', 'z:skip-shapes', 0, 'x'.repeat(65));
  on('z:skip-shapes', 'PEXPIREAT', 'z:skip-shapes', ttlAt + 3);
  // Hashes: listpack order (exact) and hashtables (dict order in Redis).
  on('h:small', 'HSET', 'h:small', 'a', '1', 'b', '2', 'c', '3');
  on('h:small', 'HSET', 'h:small', 'a', 'updated');
  on('h:small', 'HDEL', 'h:small', 'b');
  on('h:small', 'HSET', 'h:small', 'b', '', ALL_BYTES.slice(0, 60), ALL_BYTES.slice(196));
  on('h:small', 'HINCRBY', 'h:small', 'n', 5);
  on('h:small', 'HINCRBYFLOAT', 'h:small', 'f', '0.25');
  for (const n of [63, 64, 65, 128, 129]) on(`h:${n}`, 'HSET', `h:${n}`, ...Array.from({ length: n }, (_, i) => [`f${i}`, `v${i}`]).flat());
  on('h:longval', 'HSET', 'h:longval', 'a', '1', 'b', 'v'.repeat(65));
  on('h:longval', 'PEXPIREAT', 'h:longval', ttlAt + 4);
  select(1);
  on('s:plain', 'SET', 's:plain', 'in db 1');
  on('l:1', 'RPUSH', 'l:1', 'x');
  on('h:1', 'HSET', 'h:1', 'f', 'v');
  select(5);
  on('z:1', 'ZADD', 'z:1', 2, 'two', 1, 'one');
  on('set:1', 'SADD', 'set:1', 'only');
  on('set:1', 'PEXPIREAT', 'set:1', ttlAt + 5);
  select(15);
  on('s:last', 'SET', 's:last', 'db 15');
  return { commands, keys };
}

/** Records grouped per (db, key): SELECT switches the db, argv[1] is the key. */
function groupByKey(records: readonly (readonly string[])[]): { groups: Map<string, string[][]>; selects: number[] } {
  const groups = new Map<string, string[][]>();
  const selects: number[] = [];
  let db = -1;
  for (const argv of records) {
    if (argv[0] === 'SELECT') {
      db = Number(argv[1]);
      selects.push(db);
      continue;
    }
    assert.ok(db >= 0, 'a record before any SELECT');
    const id = JSON.stringify([db, argv[1]]);
    let g = groups.get(id);
    if (g === undefined) groups.set(id, (g = []));
    g.push([...argv]);
  }
  return { groups, selects };
}

/**
 * For a set, a hashtable hash or a skiplist sorted set, Redis walks its dict, whose order is
 * its hash function's and its table's history, not something nodis reproduces. What must
 * still agree: the commands, key and argument counts of each record in order (batches depend
 * only on the size), the PEXPIREAT record exactly, and the multiset of items written.
 */
function assertSameUnordered(ours: string[][], theirs: string[][], label: string): void {
  const shape = (rs: string[][]) => rs.map((r) => (r[0] === 'PEXPIREAT' ? r : [r[0], r[1], r.length]));
  assert.deepEqual(shape(ours), shape(theirs), `${label}: records`);
  const width = ours[0]![0] === 'ZADD' || ours[0]![0] === 'HMSET' ? 2 : 1;
  const items = (rs: string[][]) => {
    const out: string[] = [];
    for (const r of rs) {
      if (r[0] === 'PEXPIREAT') continue;
      for (let i = 2; i < r.length; i += width) out.push(JSON.stringify(r.slice(i, i + width)));
    }
    return out.sort();
  };
  assert.deepEqual(items(ours), items(theirs), `${label}: items`);
}

test('records match the base file of redis-server 7.0.15 BGREWRITEAOF, key by key', { skip, timeout: 20_000 }, async () => {
  const dir = path.join(tmp, 'redis');
  fs.mkdirSync(dir);
  const redis = await startRedis(dir);
  const srv = await startTestServer();
  servers.push(srv);
  const nodis = await srv.client();
  try {
    for (const c of [redis, nodis]) assert.equal(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), 'OK');
    // Keys that will be logically expired (but still present) when the rewrite runs.
    const soon = Date.now() + 300;
    const expiring: Cmd[] = [
      ['SELECT', 9], ['SET', 'expired:s', 'v'], ['PEXPIREAT', 'expired:s', soon],
      ['RPUSH', 'expired:l', 'a', 'b'], ['PEXPIREAT', 'expired:l', soon], ['SELECT', 0],
    ];
    const { commands, keys } = datasetCommands(Date.now() + 3_600_000);
    for (const cmd of [...expiring, ...commands]) {
      const [a, b] = await Promise.all([redis.call(...cmd), nodis.call(...cmd)]);
      assert.deepEqual(b, a, `reply to ${String(cmd[0])} ${String(cmd[1]).slice(0, 40)}`);
      assert.ok(!(a instanceof RespError), `${String(cmd[0])}: ${String(a)}`);
    }
    // Same encodings on both sides: decides which keys have a reproducible order.
    const unordered = new Set<string>();
    for (const [db, key] of keys) {
      const enc: RespValue[] = [];
      for (const c of [redis, nodis]) {
        await c.call('SELECT', db);
        enc.push(await c.call('OBJECT', 'ENCODING', key));
      }
      assert.equal(enc[1], enc[0], `OBJECT ENCODING of ${db}:${key.slice(0, 40)}`);
      if (enc[0] === 'hashtable' || enc[0] === 'skiplist') unordered.add(JSON.stringify([db, key]));
    }
    // Redis: the members of a hashtable set are in dict order, but an intset's are ascending.
    assert.ok(unordered.has(JSON.stringify([0, 'set:str'])) && !unordered.has(JSON.stringify([0, 'set:int129'])));
    while (Date.now() <= soon + 5) await new Promise((r) => setTimeout(r, 10));

    assert.equal(await redis.call('BGREWRITEAOF'), 'Background append only file rewriting started');
    const manifestPath = path.join(dir, 'appendonlydir', 'appendonly.aof.manifest');
    let baseName = '';
    await waitFor(async () => {
      const info = String(await redis.call('INFO', 'persistence'));
      if (!info.includes('aof_rewrite_in_progress:0') || !info.includes('aof_rewrite_scheduled:0')) return false;
      const m = /^file (\S+) seq 2 type b$/m.exec(fs.readFileSync(manifestPath, 'latin1'));
      if (m === null) return false;
      baseName = m[1]!;
      return true;
    }, 5000, 'the rewrite to finish');
    const theirBytes = fs.readFileSync(path.join(dir, 'appendonlydir', baseName));
    const theirScan = scanAofForLoad(theirBytes);
    assert.equal(theirScan.end.kind, 'ok');
    const theirs = groupByKey(theirScan.records.map((r) => r.argv));

    // Ours, through the AOF feed and the same scanner.
    const feed = new AofFeed();
    rewriteDataset(srv.server.keyspace.dbs, (db, argv) => feed.feedOp(db, argv, 0));
    const ourScan = scanAofForLoad(feed.take());
    assert.equal(ourScan.end.kind, 'ok');
    const ours = groupByKey(ourScan.records.map((r) => r.argv));

    assert.deepEqual(ours.selects, [0, 1, 5, 9, 15], 'one SELECT per non-empty database, ascending');
    assert.deepEqual(theirs.selects, ours.selects);
    assert.deepEqual([...ours.groups.keys()].sort(), [...theirs.groups.keys()].sort(), 'the same keys');
    assert.equal(ours.groups.size, keys.length + 2);
    for (const [id, theirRecords] of theirs.groups) {
      const ourRecords = ours.groups.get(id)!;
      if (unordered.has(id)) assertSameUnordered(ourRecords, theirRecords, id);
      else assert.deepEqual(ourRecords, theirRecords, id);
    }
    // The expired-but-present keys were written by Redis too.
    assert.deepEqual(theirs.groups.get(JSON.stringify([9, 'expired:s'])), [['SET', 'expired:s', 'v'], ['PEXPIREAT', 'expired:s', String(soon)]]);
  } finally {
    redis.close();
  }
});
