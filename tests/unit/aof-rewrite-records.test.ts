// The records of an AOF rewrite (src/aof/rewrite-records.ts): each type's commands, batching
// at 64 items, TTLs, binary and large data, the walk over the databases, and the bytes through
// the AOF feed. The same records against a live redis-server 7.0.15 are in
// aof-rewrite-records-redis.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rewriteDataset, rewriteKey } from '../../src/aof/rewrite-records.js';
import { AofFeed } from '../../src/aof/feed.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import type { Database } from '../../src/keyspace/database.js';
import { ListValue } from '../../src/keyspace/list.js';
import { SetValue } from '../../src/keyspace/set.js';
import { HashValue } from '../../src/keyspace/hash.js';
import { ZSet } from '../../src/keyspace/zset.js';
import { ByteString } from '../../src/keyspace/byte-string.js';
import { ALL_BYTES, range } from '../helpers/data-gen.js';

const SET_LIMITS = { maxIntsetEntries: 512 };
const HASH_LIMITS = { maxListpackEntries: 128, maxListpackValue: 64 };
const ZSET_LIMITS = { maxListpackEntries: 128, maxListpackValue: 64 };

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
