// Background AOF rewrites exchanged with the real redis-server 7.0.15 and redis-check-aof
// (skipped when either is missing):
//
// 1. nodis rewrites (BGREWRITEAOF after the rich workload of aof-redis-workload.ts: 10k-element
//    collections batched 64 items a record, 1 MB values, TTLs, 9+ dbs, binary keys and values;
//    writes during the walk and into the new INCR after it): redis-check-aof finds the directory
//    valid and redis-server loads it with the same DEBUG DIGEST and key-by-key contents.
// 2. The BASE nodis writes equals the one redis-server writes for the same dataset
//    (aof-use-rdb-preamble no) where Redis's element order is deterministic (lists, listpack
//    hashes and sorted sets, intsets, strings, TTLs): the same databases in the same order and
//    the same record bytes per key; with one key per database, the whole file byte for byte.
// 3. A directory redis-server rewrote (aof-timestamp-enabled yes) loads in nodis; nodis rewrites
//    it again, appends, and redis-server loads nodis's result.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RespClient } from '../helpers/resp-client.js';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { MANIFEST_NAME, aofDir, manifestEntries, parseAofStrict, readAofFile, readBase, resp, type AofItem } from '../helpers/aof-files.js';
import { ok, pipeline, type Arg } from '../helpers/calls.js';
import { redisCheckAofDir } from '../helpers/check-aof.js';
import { assertSameDataset, readDataset, type Dataset } from '../helpers/dataset-compare.js';
import { HOUR, assertRich, workload } from '../helpers/aof-redis-workload.js';
import { useScratch } from '../helpers/scratch.js';
import { REDIS_CHECK_AOF, REDIS_SERVER, connectWhenReady, freePort, spawnServer, type ServerProcess } from '../helpers/server-process.js';
import { ALL_BYTES, range } from '../helpers/data-gen.js';

const missing = [REDIS_SERVER, REDIS_CHECK_AOF].filter((b) => !fs.existsSync(b));
const skip = missing.length > 0 ? `not installed: ${missing.join(', ')}` : false;

const scratch = useScratch('nodis-compat-rewrite-');

/** [f(0), f(1), ..., f(n - 1)], flattened: field/value or score/member pairs as arguments. */
const pairs = (n: number, f: (i: number) => [string, string]): string[] => Array.from({ length: n }, (_, i) => f(i)).flat();

const manifestOf = (dir: string): string => fs.readFileSync(path.join(aofDir(dir), MANIFEST_NAME), 'latin1');

// ---- servers ---------------------------------------------------------------------------------

interface Proc {
  readonly proc: ServerProcess;
  readonly c: RespClient;
}

/** redis-server on `dir` with the AOF on (RESP base), DEBUG enabled, once PING answers. */
async function startRedis(dir: string, extra: string[] = []): Promise<Proc> {
  const port = await freePort();
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes',
    '--aof-use-rdb-preamble', 'no', '--enable-debug-command', 'yes', '--logfile', '', '--daemonize', 'no', ...extra,
  ];
  const proc = spawnServer('redis', args, port);
  return { proc, c: scratch.client(await connectWhenReady(proc, 15_000)) };
}

/** SHUTDOWN (AOF flushed and fsynced); exit code 0. */
async function shutdownRedis(r: Proc): Promise<void> {
  r.c.send('SHUTDOWN');
  await r.c.waitClosed(10_000);
  const { code } = await r.proc.exit;
  assert.equal(code, 0, `redis-server exit code; output:\n${r.proc.output().slice(-2000)}`);
}

async function startNodis(dir: string, options: Record<string, string> = {}): Promise<TestServer> {
  return scratch.keep(await startTestServer({ dir, appendonly: 'yes', 'aof-use-rdb-preamble': 'no', ...options }));
}

/** BGREWRITEAOF and wait until it is installed: manifest on BASE seq `seq`, history gone. */
async function rewrite(c: RespClient, dir: string, seq: number): Promise<void> {
  assert.equal(await c.call('BGREWRITEAOF'), 'Background append only file rewriting started');
  const expected = [`appendonly.aof.${seq}.base.aof`, `appendonly.aof.${seq}.incr.aof`, MANIFEST_NAME].sort().join(' ');
  await waitFor(
    async () =>
      String(await c.call('INFO', 'persistence')).includes('aof_rewrite_in_progress:0') &&
      fs.readdirSync(aofDir(dir)).sort().join(' ') === expected &&
      manifestOf(dir) === `file appendonly.aof.${seq}.base.aof seq ${seq} type b\nfile appendonly.aof.${seq}.incr.aof seq ${seq} type i\n`,
    20_000,
    `the rewrite to BASE ${seq}, the history files gone from the directory and the manifest`,
  );
  assert.match(String(await c.call('INFO', 'persistence')), /\r\naof_last_bgrewrite_status:ok\r\n/);
}

async function assertValidForRedis(dir: string): Promise<void> {
  const check = await redisCheckAofDir(dir);
  assert.equal(check.code, 0, check.stdout);
  assert.match(check.stdout, /\nAll AOF files and manifest are valid\n$/);
}

/** The same directory read by another server: the same contents and digest. */
async function assertSameAs(c: RespClient, expected: Dataset, label: string): Promise<void> {
  assertSameDataset(await readDataset(c), expected, label, { pttlToleranceMs: 20_000 });
}

// ---- 1. nodis rewrites, Redis loads ----------------------------------------------------------

for (const timestamps of ['no', 'yes']) {
  test(`nodis BGREWRITEAOF (aof-timestamp-enabled ${timestamps}; writes during the walk and after) -> redis-check-aof and redis-server`, { skip, timeout: 90_000 }, async () => {
    const dir = scratch.dir(`nodis-rewrite-ts-${timestamps}`);
    const srv = await startNodis(dir, { appendfsync: 'everysec', 'aof-timestamp-enabled': timestamps });
    const c = await srv.client();
    await workload(c, await srv.client());
    // A walk of ~100 keys at 5 ms each; the writes below land while it runs.
    await ok(c, 'CONFIG', 'SET', 'rdb-key-save-delay', 5000);
    assert.equal(await c.call('BGREWRITEAOF'), 'Background append only file rewriting started');
    await waitFor(async () => /\r\ncurrent_save_keys_processed:([1-9]\d)\r\n/.test(String(await c.call('INFO', 'persistence'))), 10_000, 'the walk to be under way');
    await pipeline(c, [
      ['RPUSH', 'biglist', 'during', ALL_BYTES],
      ['HSET', 'bighash', 'during', ALL_BYTES, 'f7', 'changed'],
      ['SADD', 'bigset', 'during'],
      ['ZADD', 'bigzset', '0.25', 'during'],
      ['SET', 'str', 'changed during the walk', 'PX', 3 * HOUR],
      ['DEL', 'list2'],
      ['SELECT', 15],
      ['RPUSH', 'db15list', ...range(100, (i) => `during${i}`)],
      ['SELECT', 0],
    ]);
    assert.match(String(await c.call('INFO', 'persistence')), /\r\naof_rewrite_in_progress:1\r\n/, 'the writes ran during the walk');
    await ok(c, 'CONFIG', 'SET', 'rdb-key-save-delay', 0);
    await waitFor(
      async () =>
        String(await c.call('INFO', 'persistence')).includes('aof_rewrite_in_progress:0') &&
        manifestOf(dir) === 'file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n',
      20_000,
      'the rewrite, and its history gone from the manifest',
    );
    // Into the new INCR.
    await pipeline(c, [
      ['LPUSH', 'biglist', 'after'],
      ['SET', 'after:rewrite', ALL_BYTES, 'PX', 2 * HOUR],
      ['ZINCRBY', 'bigzset', 2, 'during'],
      ['SELECT', 4],
      ['HSET', 'after:hash', ...pairs(80, (i) => [`f${i}`, `v${i}`])],
      ['SELECT', 0],
    ]);
    const written = await readDataset(c);
    assertRich(written);
    await scratch.stop(srv);
    const base = readBase(dir)!.toString('latin1');
    if (timestamps === 'yes') assert.match(base.slice(0, 40), /^#TS:\d{10}\r\n\*2\r\n\$6\r\nSELECT/);
    else assert.ok(base.startsWith(resp('SELECT', '0')), 'the BASE starts with SELECT 0');
    assert.ok(base.includes(resp('SELECT', '15')) && base.length > 2_000_000, 'the BASE holds the dataset');
    assert.ok(!base.includes('during'), 'the BASE is the dataset at the snapshot');
    await assertValidForRedis(dir);

    const redis = await startRedis(dir);
    await assertSameAs(redis.c, written, `redis-server loading nodis's rewrite (timestamps ${timestamps})`);
    const out = redis.proc.output();
    assert.match(out, / \* DB loaded from base file appendonly\.aof\.2\.base\.aof: /);
    assert.match(out, / \* DB loaded from incr file appendonly\.aof\.2\.incr\.aof: /);
    assert.doesNotMatch(out, /Bad file format|Unexpected end of file|Truncating|Revert incomplete|Unknown command/);
    await shutdownRedis(redis);
  });
}

// ---- 2. the same BASE as Redis's -------------------------------------------------------------

/**
 * A dataset whose every element order is fixed in Redis 7.0 too: lists (small and quicklists
 * of several nodes), listpack hashes (<= 128 fields, values <= 64 bytes) and sorted sets,
 * intsets, strings (raw, integer-encoded, binary, 100 KB), TTLs; several databases.
 */
function orderedDataset(at: number): Arg[][] {
  const cmds: Arg[][] = [];
  for (const db of [0, 1, 5, 15]) {
    const p = `db${db}:`;
    cmds.push(
      ['SELECT', db],
      ['SET', `${p}str`, 'value'],
      ['SET', `${p}int`, '123456'],
      ['INCRBY', `${p}counter`, 1000 + db],
      ['SET', `${p}neg`, '-42'],
      ['SET', `${p}empty`, ''],
      ['SET', ALL_BYTES + db, ALL_BYTES],
      ['SET', `${p}big`, 'xy\x00\xfe'.repeat(25_000)],
      ['APPEND', `${p}str`, '+appended'],
      ['SETRANGE', `${p}range`, 10, 'r'],
      ['SET', `${p}ttl`, 'v', 'PXAT', at + db],
      ['RPUSH', `${p}list`, 'a', 'b', 'c', '', ALL_BYTES],
      ['LPUSH', `${p}list`, 'head'],
      ['LINSERT', `${p}list`, 'BEFORE', 'b', 'inserted'],
      ['RPUSH', `${p}biglist`, ...range(200, (i) => (i % 50 === 0 ? ALL_BYTES : `item:${i}`))],
      ['LREM', `${p}biglist`, 1, 'item:7'],
      ['RPUSH', `${p}numlist`, ...range(70, (i) => String(i * 1000 - 5))],
      ['PEXPIREAT', `${p}biglist`, at + 1000 + db],
      ['HSET', `${p}hash`, ...pairs(100, (i) => [`f${i}`, i % 9 === 0 ? `${i}` : `v:${i}`])],
      ['HDEL', `${p}hash`, 'f3', 'f50'],
      ['HSET', `${p}hash`, 'f10', 'updated', 'new', 'last'],
      ['HINCRBY', `${p}hash`, 'f9', 5],
      ['HSET', `${p}smallhash`, 'a', '1', '', 'empty field', 'bin\x00', '\xff\r\n'],
      ['PEXPIREAT', `${p}smallhash`, at + 2000],
      ['ZADD', `${p}zset`, ...pairs(100, (i) => [String((i * 37) % 101 / 4 - 3), `m${i}`])],
      ['ZADD', `${p}zset`, '+inf', 'top', '-inf', 'bottom', '0.1', 'tenth', '1e-5', 'tiny', '3.141592653589793', 'pi', '5', 'same-a', '5', 'same-b'],
      ['ZINCRBY', `${p}zset`, '2.5', 'm4'],
      ['ZREM', `${p}zset`, 'm5'],
      ['ZADD', `${p}smallzset`, 1, 'one'],
      ['SADD', `${p}intset`, ...range(300, (i) => String(i * 7 - 1000))],
      ['SREM', `${p}intset`, '-1000'],
      ['SADD', `${p}smallintset`, 5, 3, -9_000_000_000, 1],
      ['PEXPIREAT', `${p}intset`, at + 3000],
    );
  }
  cmds.push(['SELECT', 0]);
  return cmds;
}

interface BaseParts {
  readonly ts: number | null;
  /** Database numbers in the order of their SELECTs. */
  readonly dbs: string[];
  /** `<db> <key>` -> the bytes of that key's records. */
  readonly keys: Map<string, string>;
}

/** A BASE split per key: each key's records must be contiguous, each db's keys too. */
function splitBase(items: AofItem[]): BaseParts {
  let ts: number | null = null;
  const dbs: string[] = [];
  const keys = new Map<string, string>();
  let db: string | null = null;
  let last: string | null = null;
  for (const [i, item] of items.entries()) {
    if ('ts' in item) {
      assert.equal(i, 0, 'the annotation tops the file');
      ts = item.ts;
      continue;
    }
    const argv = item.argv;
    if (argv[0] === 'SELECT') {
      assert.ok(!dbs.includes(argv[1]!), `SELECT ${argv[1]} once`);
      db = argv[1]!;
      dbs.push(db);
      continue;
    }
    assert.ok(db !== null, 'a SELECT comes first');
    const k = `${db} ${argv[1]}`;
    assert.ok(k === last || !keys.has(k), `the records of ${k} are contiguous`);
    keys.set(k, (keys.get(k) ?? '') + resp(...argv));
    last = k;
  }
  return { ts, dbs, keys };
}

async function buildAndRewrite(cmds: Arg[][], timestamps: string): Promise<{ redis: Buffer; nodis: Buffer; dataset: Dataset }> {
  const dirs = { redis: scratch.dir(), nodis: scratch.dir() };
  const extra = { 'aof-timestamp-enabled': timestamps };
  const redis = await startRedis(dirs.redis, ['--aof-timestamp-enabled', timestamps]);
  const srv = await startNodis(dirs.nodis, extra);
  const c = await srv.client();
  await pipeline(redis.c, cmds);
  await pipeline(c, cmds);
  const dataset = await readDataset(c);
  assertSameDataset(await readDataset(redis.c), dataset, 'the same dataset in both', { pttlToleranceMs: 10_000 });
  await Promise.all([rewrite(redis.c, dirs.redis, 2), rewrite(c, dirs.nodis, 2)]);
  const out = { redis: readAofFile(dirs.redis, 'appendonly.aof.2.base.aof'), nodis: readAofFile(dirs.nodis, 'appendonly.aof.2.base.aof'), dataset };
  await shutdownRedis(redis);
  await scratch.stop(srv);
  return out;
}

test('the BASE of a dataset with a fixed element order: the records of every key byte for byte as redis-server writes them (timestamps on)', { skip, timeout: 60_000 }, async () => {
  const { redis, nodis, dataset } = await buildAndRewrite(orderedDataset(Date.now() + 5 * HOUR), 'yes');
  assert.equal(dataset.keys.size, 4 * 18, 'the keys of the dataset');
  const theirs = splitBase(parseAofStrict(redis));
  const ours = splitBase(parseAofStrict(nodis));
  assert.ok(theirs.ts !== null && ours.ts !== null && Math.abs(theirs.ts - ours.ts) <= 5, `#TS lines ${theirs.ts} and ${ours.ts}`);
  assert.deepEqual(ours.dbs, ['0', '1', '5', '15']);
  assert.deepEqual(ours.dbs, theirs.dbs, 'the databases, in order');
  assert.deepEqual([...ours.keys.keys()].sort(), [...theirs.keys.keys()].sort(), 'the keys of every db');
  for (const [k, bytes] of theirs.keys) {
    assert.ok(ours.keys.get(k) === bytes, `the records of ${JSON.stringify(k.slice(0, 40))}:\n${ours.keys.get(k)!.slice(0, 300)}\nvs Redis's\n${bytes.slice(0, 300)}`);
  }
  assert.equal(nodis.length, redis.length, 'the same size');
  // Batching: the 200-element list is 64 + 64 + 64 + 8 items.
  const biglist = parseAofStrict(ours.keys.get('0 db0:biglist')!).map((i) => ('argv' in i ? i.argv.length - 2 : -1));
  assert.deepEqual(biglist, [64, 64, 64, 7, 1]);
});

test('one key per database: the whole BASE byte for byte as redis-server writes it', { skip, timeout: 60_000 }, async () => {
  const at = Date.now() + 7 * HOUR;
  const cmds: Arg[][] = [
    ['SELECT', 0], ['RPUSH', 'list', ...range(150, (i) => `e${i}`)], ['PEXPIREAT', 'list', at],
    ['SELECT', 2], ['SET', ALL_BYTES, ALL_BYTES + ALL_BYTES],
    ['SELECT', 3], ['HSET', 'hash', ...pairs(70, (i) => [`f${i}`, `${i}`])],
    ['SELECT', 7], ['ZADD', 'zset', ...pairs(66, (i) => [String(i / 8 - 2), `m${i}`])], ['PEXPIREAT', 'zset', at + 1],
    ['SELECT', 9], ['SADD', 'intset', ...range(129, (i) => String(i * i - 500))],
    ['SELECT', 15], ['SET', 'counter', '-9223372036854775808'], ['PEXPIREAT', 'counter', at + 2],
    ['SELECT', 0],
  ];
  const { redis, nodis } = await buildAndRewrite(cmds, 'no');
  assert.ok(redis.toString('latin1').startsWith(resp('SELECT', '0') + resp('RPUSH', 'list', ...range(64, (i) => `e${i}`))), 'the expectation itself');
  assert.ok(nodis.equals(redis), `nodis's BASE:\n${nodis.toString('latin1').slice(0, 400)}\nRedis's:\n${redis.toString('latin1').slice(0, 400)}`);
});

// ---- 3. Redis rewrites, nodis loads and rewrites, Redis loads ----------------------------------

test('redis-server rewrite (timestamps) -> nodis loads it, rewrites it again and appends -> redis-server loads that', { skip, timeout: 90_000 }, async () => {
  const dir = scratch.dir('redis-nodis-redis');
  const redis = await startRedis(dir, ['--aof-timestamp-enabled', 'yes', '--appendfsync', 'always']);
  await workload(redis.c, scratch.client(await RespClient.connect(redis.proc.port)));
  await rewrite(redis.c, dir, 2);
  await pipeline(redis.c, [['SET', 'redis:after', 'v', 'PX', HOUR], ['RPUSH', 'biglist', 'redis']]);
  const byRedis = await readDataset(redis.c);
  assertRich(byRedis);
  await shutdownRedis(redis);
  assert.match(readBase(dir)!.toString('latin1', 0, 20), /^#TS:\d{10}\r\n\*2\r\n/, "Redis's RESP base with a timestamp");

  const srv = await startNodis(dir, { 'aof-timestamp-enabled': 'yes', appendfsync: 'always' });
  const c = await srv.client();
  await assertSameAs(c, byRedis, "nodis loading Redis's rewrite");
  await rewrite(c, dir, 3);
  assert.equal(manifestOf(dir), 'file appendonly.aof.3.base.aof seq 3 type b\nfile appendonly.aof.3.incr.aof seq 3 type i\n');
  await pipeline(c, [['SET', 'nodis:after', ALL_BYTES], ['LPOP', 'biglist'], ['SELECT', 14], ['SADD', 's14', 'x'], ['SELECT', 0]]);
  const byNodis = await readDataset(c);
  await scratch.stop(srv);
  assert.deepEqual(manifestEntries(dir).map((e) => e.type), ['b', 'i']);
  await assertValidForRedis(dir);

  const redis2 = await startRedis(dir);
  await assertSameAs(redis2.c, byNodis, "redis-server loading nodis's rewrite of Redis's rewrite");
  assert.match(redis2.proc.output(), / \* DB loaded from base file appendonly\.aof\.3\.base\.aof: /);
  await shutdownRedis(redis2);
});
