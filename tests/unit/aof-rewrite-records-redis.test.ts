// The records of an AOF rewrite (src/aof/rewrite-records.ts) against a live redis-server
// 7.0.15 (skipped when /usr/bin/redis-server is absent): the same dataset (every type and
// encoding, several dbs, TTLs, batching sizes, expired-but-present keys) built in redis-server
// and in nodis, Redis's BGREWRITEAOF base file compared with our records key by key.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { rewriteDataset } from '../../src/aof/rewrite-records.js';
import { AofFeed } from '../../src/aof/feed.js';
import { scanAofForLoad } from '../../src/aof/scan.js';
import { RespError, type RespClient, type RespValue } from '../helpers/resp-client.js';
import { startTestServer, waitFor } from '../helpers/server.js';
import { useScratch } from '../helpers/scratch.js';
import { NO_REDIS_SERVER, connectWhenReady, freePort, spawnServer } from '../helpers/server-process.js';
import { ALL_BYTES, mulberry32, range } from '../helpers/data-gen.js';

const scratch = useScratch('nodis-rewrite-records-');

async function startRedis(dir: string): Promise<RespClient> {
  const port = await freePort();
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes',
    '--aof-use-rdb-preamble', 'no', '--enable-debug-command', 'yes', '--logfile', 'redis.log',
  ];
  return scratch.client(await connectWhenReady(spawnServer('redis', args, port), 5000));
}

type Cmd = (string | number)[];

/** The dataset, as commands: every type and encoding, several dbs, TTLs, batching sizes. */
function datasetCommands(ttlAt: number): { commands: Cmd[]; keys: [number, string][] } {
  const rnd = mulberry32(7);
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

test('records match the base file of redis-server 7.0.15 BGREWRITEAOF, key by key', { skip: NO_REDIS_SERVER, timeout: 20_000 }, async () => {
  const dir = scratch.dir('redis');
  const redis = await startRedis(dir);
  const srv = scratch.keep(await startTestServer());
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
