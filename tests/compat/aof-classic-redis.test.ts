// A classic single-file AOF (`aof-multi-part no`) written and rewritten by nodis, against the
// real redis-check-aof and redis-server 7.0.15 (skipped only when either is missing):
// redis-check-aof accepts the file with the same report as nodis-check-aof, and redis-server
// loads it — moving it into its appendonlydir as a legacy AOF, as 7.0 upgrades a 6.2 file — with
// the same keys, values, expire times and DEBUG DIGEST. Then nodis in its default multi-part
// mode loads the directory Redis made of it, and finds the same dataset again.
//
// 1. The rich workload of tests/helpers/aof-redis-workload.ts in-process, with a BGREWRITEAOF
//    half-way whose walk (slowed by rdb-key-save-delay) runs under the rest of the workload: the
//    file is a BASE, the diff, and the appends after the switch.
// 2. bin/nodis-server with aof-timestamp-enabled and appendfsync always: a rewrite under
//    MULTI/EXEC, SWAPDB and FLUSHDB, then SHUTDOWN.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RespClient } from '../helpers/resp-client.js';
import { startTestServer, waitFor } from '../helpers/server.js';
import { info, ok, pipeline } from '../helpers/calls.js';
import { runCheckAof } from '../helpers/check-aof.js';
import { assertSameDataset, readDataset, type Dataset } from '../helpers/dataset-compare.js';
import { assertRich, workload } from '../helpers/aof-redis-workload.js';
import { parseAofStrict } from '../helpers/aof-files.js';
import { useScratch } from '../helpers/scratch.js';
import { REDIS_CHECK_AOF, REDIS_SERVER, connectWhenReady, freePort, spawnServer, startRedisServer } from '../helpers/server-process.js';

const missing = [REDIS_SERVER, REDIS_CHECK_AOF].filter((b) => !fs.existsSync(b));
const skip = missing.length > 0 ? `not installed: ${missing.join(', ')}` : false;

const scratch = useScratch('nodis-compat-aof-classic-');
const AOF = 'appendonly.aof';
const MIGRATED = 'Successfully migrated an old-style AOF file (appendonly.aof) into the AOF directory (appendonlydir).';

async function rewriteDone(c: RespClient): Promise<void> {
  await waitFor(async () => (await info(c)).get('aof_rewrite_in_progress') === '0', 20_000, 'the rewrite to finish');
  assert.equal((await info(c)).get('aof_last_bgrewrite_status'), 'ok');
}

/**
 * The classic file of `dir` through both checkers (same report, valid), then in redis-server
 * 7.0.15 (a copy: it moves the file into its directory), then that directory in nodis.
 */
async function assertRedisLoads(dir: string, written: Dataset, label: string): Promise<void> {
  assert.deepEqual(fs.readdirSync(dir), [AOF], `${label}: one file`);
  const theirs = await runCheckAof('redis', [AOF], { cwd: dir });
  assert.equal(theirs.code, 0, `${label}: redis-check-aof:\n${theirs.stdout}${theirs.stderr}`);
  assert.match(theirs.stdout, /^Start checking Old-Style AOF\nAOF analyzed: filename=appendonly\.aof, size=\d+, ok_up_to=\d+, ok_up_to_line=\d+, diff=0\nAOF appendonly\.aof is valid\n$/);
  const ours = await runCheckAof('nodis', [AOF], { cwd: dir });
  assert.deepEqual({ code: ours.code, out: ours.stdout }, { code: 0, out: theirs.stdout }, `${label}: nodis-check-aof reports as redis-check-aof`);

  const copy = scratch.dir();
  fs.copyFileSync(path.join(dir, AOF), path.join(copy, AOF));
  const redis = await startRedisServer(copy, ['--appendonly', 'yes', '--enable-debug-command', 'yes']);
  try {
    assert.ok(redis.proc.output().includes(MIGRATED), `${label}: redis-server upgraded the file:\n${redis.proc.output()}`);
    const d = await readDataset(redis.c);
    assertSameDataset(d, written, `${label}: redis-server 7.0.15 loading the classic file`);
  } finally {
    await redis.stop();
  }
  assert.equal(fs.readFileSync(path.join(copy, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1'), 'file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
  const back = scratch.keep(await startTestServer({ appendonly: 'yes', dir: copy, 'aof-use-rdb-preamble': 'no' }));
  try {
    const c = await back.client();
    assertSameDataset(await readDataset(c), written, `${label}: nodis (multi-part) loading the directory redis-server made of it`);
  } finally {
    await scratch.stop(back);
  }
}

test('nodis classic file with a BGREWRITEAOF half-way under the rich workload -> redis-check-aof, redis-server 7.0.15', { skip, timeout: 60_000 }, async () => {
  const dir = scratch.dir();
  const srv = scratch.keep(await startTestServer({ appendonly: 'yes', 'aof-multi-part': 'no', 'aof-use-rdb-preamble': 'no', dir }));
  const c = await srv.client();
  let started = false;
  await workload(c, await srv.client(), async () => {
    await ok(c, 'CONFIG', 'SET', 'rdb-key-save-delay', 50_000); // 50 ms per key
    assert.equal(await c.call('BGREWRITEAOF'), 'Background append only file rewriting started');
    started = true;
  });
  assert.ok(started);
  assert.equal((await info(c)).get('aof_rewrite_in_progress'), '1', 'the second half of the workload ran during the walk');
  await ok(c, 'CONFIG', 'SET', 'rdb-key-save-delay', 0);
  await rewriteDone(c);
  await pipeline(c, [['SELECT', 11], ['SET', 'after:switch', 'v', 'PX', 3_600_000], ['RPUSH', 'after:list', 'a', 'b'], ['SELECT', 0]]);
  const written = await readDataset(c);
  assertRich(written);
  assert.ok(written.keys.has('11 after:switch'));
  await scratch.stop(srv);
  // The file is BASE (no #TS, no MULTI) + the diff (which has them) + the appends.
  const recs = parseAofStrict(fs.readFileSync(path.join(dir, AOF))).map((i) => (i as { argv: string[] }).argv[0]!.toUpperCase());
  assert.ok(recs.indexOf('MULTI') > 0 && recs.indexOf('MULTI') > recs.lastIndexOf('HMSET'), 'the MULTI/EXEC of the second half is in the diff, after the BASE');
  await assertRedisLoads(dir, written, 'in-process, rewritten half-way');
});

test('bin/nodis-server classic (timestamps, appendfsync always), rewritten under MULTI/EXEC, SWAPDB, FLUSHDB -> redis-check-aof, redis-server 7.0.15', { skip, timeout: 60_000 }, async () => {
  const dir = scratch.dir();
  const port = await freePort();
  const proc = spawnServer('nodis', [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--aof-multi-part', 'no', '--aof-use-rdb-preamble', 'no',
    '--aof-timestamp-enabled', 'yes', '--appendfsync', 'always', '--enable-debug-command', 'yes', '--logfile', '',
  ], port);
  const c = scratch.client(await connectWhenReady(proc, 15_000));
  const now = Date.now();
  const pre: (string | number)[][] = [];
  for (let db = 0; db < 3; db++) {
    pre.push(['SELECT', db]);
    for (let i = 0; i < 100; i++) {
      pre.push([['SET', `s${i}`, `v${i}`], ['RPUSH', `l${i}`, 'a', i], ['HSET', `h${i}`, 'f', i], ['SADD', `t${i}`, i, 'x'], ['ZADD', `z${i}`, i, 'm', '-0.5', 'n']][i % 5]!);
      if (i % 6 === 0) pre.push(['PEXPIREAT', `s${i}`, now + 7_200_000 + i], ['PEXPIREAT', `l${i}`, now + 7_200_000 + i]);
    }
  }
  pre.push(['SELECT', 0]);
  await pipeline(c, pre);
  await ok(c, 'CONFIG', 'SET', 'rdb-key-save-delay', 10_000);
  assert.equal(await c.call('BGREWRITEAOF'), 'Background append only file rewriting started');
  await pipeline(c, [
    ['MULTI'], ['SET', 'tx', '1'], ['INCR', 'tx'], ['RPUSH', 'l5', 'tx'], ['EXEC'],
    ['SWAPDB', 0, 1], ['SET', 's0', 'after swap'], ['HSET', 'h2', 'g', 'after swap'],
    ['SELECT', 2], ['FLUSHDB'], ['SET', 'after:flush', '1', 'PX', 3_600_000],
    ['SELECT', 0], ['DEL', 's5', 'l1'], ['ZINCRBY', 'z4', '2.5', 'm'],
  ]);
  assert.equal((await info(c)).get('aof_rewrite_in_progress'), '1', 'the writes happened during the walk');
  await ok(c, 'CONFIG', 'SET', 'rdb-key-save-delay', 0);
  await rewriteDone(c);
  await ok(c, 'SET', 'after:switch', 'x');
  const written = await readDataset(c);
  assert.ok(written.keys.size > 150, `${written.keys.size} keys`);
  c.send('SHUTDOWN');
  await c.waitClosed(10_000);
  assert.equal((await proc.exit).code, 0);
  assert.match(proc.output(), /Residual parent diff successfully flushed to the rewritten AOF \(\d+\.\d\d MB\)/);
  const head = fs.readFileSync(path.join(dir, AOF)).toString('latin1', 0, 40);
  assert.match(head, /^#TS:\d{10}\r\n\*2\r\n\$6\r\nSELECT/, 'the rewritten file starts with the BASE annotation');
  await assertRedisLoads(dir, written, 'nodis-server, timestamps');
});
