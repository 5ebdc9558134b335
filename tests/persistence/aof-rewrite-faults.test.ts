// Failures of the background AOF rewrite, injected through the file layer of an in-process
// server (tests/helpers/fault-fs.ts), as Redis 7.0.15 handles them (aof.c
// rewriteAppendOnlyFileBackground, backgroundRewriteDoneHandler, aofRewriteLimited):
// - a write or fsync error on the temp BASE (temp-rewriteaof-bg-<pid>.aof) logs "Write error
//   writing append only file on disk: <strerror>" and "Background AOF rewrite terminated with
//   error"; aof_last_bgrewrite_status:err, aof_rewrites_consecutive_failures + 1; the temp file
//   is removed; the INCR opened for the attempt stays in the manifest (BASE + INCR1 + INCR2 ...);
//   the server keeps serving and every acknowledged write survives a restart;
// - legal short writes are completed (no failure);
// - after 3 consecutive failures automatic rewrites are held back ("... triggered the limit, will
//   retry in 1 minutes") while BGREWRITEAOF still starts; a scheduled BGREWRITEAOF resets the
//   count; once the fault is gone a rewrite succeeds and removes the history;
// - a failed rename of the temp BASE, a failed manifest write at the switch (the new BASE is
//   unlinked, the directory still loads everything);
// - CONFIG SET appendonly yes whose rewrite fails: the temp INCR is removed, the rewrite stays
//   scheduled and is retried from cron; then the AOF is on and holds everything.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from '../helpers/server.js';
import type { RespClient } from '../helpers/resp-client.js';
import { info, pipeline, sleep } from '../helpers/calls.js';
import { aofDir, aofRecords, listAofFiles, manifestEntries, readAofFile, readIncrs, type ManifestEntry } from '../helpers/aof-files.js';
import { redisCheckAofDir } from '../helpers/check-aof.js';
import { HAVE_REDIS_CHECK_AOF } from '../helpers/server-process.js';
import { type FaultEnv, useAofEnvs } from '../helpers/aof-env.js';
import type { FaultFs } from '../helpers/fault-fs.js';
import type { PersistenceInfo } from '../../src/server/info-persistence.js';

const envs = useAofEnvs('nodis-aof-rewrite-faults-', { appendonly: 'yes' });

const TEMP_BASE = `temp-rewriteaof-bg-${process.pid}.aof`;
const TEMP_INCR = 'temp-appendonly.aof.incr';
const STARTED = 'Background append only file rewriting started';
const TERMINATED_ERR = 'Background AOF rewrite terminated with error';
const FINISHED = 'Background AOF rewrite finished successfully';
const LIMIT_LINE = 'Background AOF rewrite has repeatedly failed and triggered the limit, will retry in 1 minutes';
const writeError = (reason: string): string => `Write error writing append only file on disk: ${reason}`;

/** Faults on the rewrite's temp BASE only (the INCRs are written normally). */
function onTempBase(ffs: FaultFs): void {
  ffs.target = (p) => /\/temp-rewriteaof-bg-\d+\.aof$/.test(p);
}

const m = (name: string, seq: number, type: ManifestEntry['type']): ManifestEntry => ({ name, seq, type });
const base = (seq: number): ManifestEntry => m(`appendonly.aof.${seq}.base.aof`, seq, 'b');
const incr = (seq: number): ManifestEntry => m(`appendonly.aof.${seq}.incr.aof`, seq, 'i');

/**
 * Keys of every type (and a TTL), plus `bigValues` strings of 600 KB (a write chunk is 1 MB),
 * one after every 40 small keys while there are any (the walk encodes 32 keys per step).
 */
async function fill(c: RespClient, n: number, bigValues = 0): Promise<void> {
  const cmds: (string | number)[][] = [];
  const big = (i: number) => ['SET', `big:${i}`, String.fromCharCode(97 + i).repeat(600_000)];
  let bigs = 0;
  for (let i = 0; i < n; i++) {
    if (i % 40 === 0 && bigs < bigValues) cmds.push(big(bigs++));
    cmds.push(['SET', `s:${i}`, `v${i}\r\n\x00\xff`]);
    if (i % 10 === 0) cmds.push(['PEXPIRE', `s:${i}`, 3_600_000 + i]);
    cmds.push(['RPUSH', 'list', `e${i}`], ['HSET', 'hash', `f${i}`, i], ['SADD', 'set', `m${i}`], ['ZADD', 'zset', i / 7, `z${i}`]);
  }
  while (bigs < bigValues) cmds.push(big(bigs++));
  await pipeline(c, cmds);
}

async function field(c: RespClient, name: string): Promise<string | undefined> {
  return (await info(c)).get(name);
}

/** Sends SET <prefix>:<i> until no rewrite runs (at most `max`); how many were acknowledged. */
async function writeWhileRewriting(c: RespClient, prefix: string, max = 2000): Promise<number> {
  let i = 0;
  while (i < max && (await field(c, 'aof_rewrite_in_progress')) === '1') {
    assert.equal(await c.call('SET', `${prefix}:${i}`, `w${i}`), 'OK');
    i++;
  }
  await waitFor(async () => (await field(c, 'aof_rewrite_in_progress')) === '0', 10_000, 'the rewrite to end');
  return i;
}

/** The manifest becomes `want` (history lines go once the history files are removed). */
async function waitManifest(dir: string, want: ManifestEntry[]): Promise<void> {
  await waitFor(() => JSON.stringify(manifestEntries(dir)) === JSON.stringify(want), 3000, `manifest ${JSON.stringify(want)}`).catch(() => {
    assert.deepEqual(manifestEntries(dir), want);
  });
}

/** Every file of the AOF directory is the manifest or listed in it (history removed). */
async function assertOnlyListed(dir: string): Promise<void> {
  const want = () => [...manifestEntries(dir).map((e) => e.name), 'appendonly.aof.manifest'].sort();
  await waitFor(() => JSON.stringify(listAofFiles(dir)) === JSON.stringify(want()), 3000, `only the listed files in ${aofDir(dir)}: ${listAofFiles(dir).join(', ')}`);
}

/** The directory passes redis-check-aof, and a restart without faults has the same dataset. */
async function assertReloads(dir: string, digest: string, dbsize: number, options: Record<string, string> = {}): Promise<void> {
  if (HAVE_REDIS_CHECK_AOF) {
    const r = await redisCheckAofDir(dir);
    assert.equal(r.code, 0, `redis-check-aof:\n${r.stdout}${r.stderr}`);
  }
  const env = await envs.open(dir, options);
  try {
    assert.equal(env.log.countPrefix('Truncating the AOF'), 0, env.log.dump());
    assert.equal(await env.c.call('DBSIZE'), dbsize);
    assert.equal(await env.c.call('DEBUG', 'DIGEST'), digest, 'the restarted dataset differs from the acknowledged one');
  } finally {
    await envs.stop(env);
  }
}

/** A faulty server with appendonly yes, a dataset, and faults aimed at the temp BASE. */
async function setup(options: Record<string, string> = {}, keys = 100, bigValues = 0): Promise<FaultEnv & { c: RespClient }> {
  const env = await envs.startFaulty(envs.freshDir(), { 'auto-aof-rewrite-percentage': '0', ...options });
  onTempBase(env.ffs);
  const c = await env.srv.client();
  await fill(c, keys, bigValues);
  return { ...env, c };
}

// ---- write errors on the temp BASE ------------------------------------------------------------

const WRITE_FAULTS = [
  { name: 'ENOSPC on every write', arm: (f: FaultFs) => f.failWrites('ENOSPC'), reason: 'No space left on device' },
  { name: 'EIO on every write', arm: (f: FaultFs) => f.failWrites('EIO'), reason: 'Input/output error' },
  { name: 'a disk that fills up after 64 KB (short write, then ENOSPC)', arm: (f: FaultFs) => f.partialWrites(65_536, 'ENOSPC'), reason: 'No space left on device' },
];

for (const fault of WRITE_FAULTS) {
  test(`temp BASE write fails (${fault.name}): Redis's lines and INFO, temp file removed, the attempt's INCR kept, writes during and after it survive`, async () => {
    const { srv, ffs, log, dir, c } = await setup({ 'rdb-key-save-delay': '500' }, 300, 3);
    const bgLine = `Background append only file rewriting started by pid ${process.pid}`;
    fault.arm(ffs);
    assert.equal(await c.callRaw('BGREWRITEAOF'), `+${STARTED}\r\n`);
    assert.equal(log.count('*', bgLine), 1, log.dump());
    assert.equal(log.count('*', 'Creating AOF incr file appendonly.aof.2.incr.aof on background rewrite'), 1, log.dump());
    const during = await writeWhileRewriting(c, 'during');
    assert.ok(during > 0, 'no write landed during the rewrite');

    const we = log.lines.findIndex((l) => l.level === '#' && l.text === writeError(fault.reason));
    const te = log.lines.findIndex((l) => l.level === '#' && l.text === TERMINATED_ERR);
    assert.ok(we >= 0 && te > we, `"${writeError(fault.reason)}" then "${TERMINATED_ERR}":\n${log.dump()}`);
    assert.equal(log.count('#', TERMINATED_ERR), 1);
    assert.equal(log.countPrefix('Successfully created the temporary AOF base file'), 0);
    assert.equal(log.countPrefix(FINISHED), 0);
    assert.ok(ffs.calls.failedWrites >= 1, 'the fault was not hit');
    const inf = await info(c);
    assert.equal(inf.get('aof_last_bgrewrite_status'), 'err');
    assert.equal(inf.get('aof_rewrites_consecutive_failures'), '1');
    assert.equal(inf.get('aof_rewrites'), '1');
    assert.equal(inf.get('aof_rewrite_scheduled'), '0');
    assert.equal(inf.get('aof_last_write_status'), 'ok', 'the INCR is not affected');
    assert.equal(fs.existsSync(path.join(dir, TEMP_BASE)), false, 'the temp BASE must be removed');
    assert.deepEqual(manifestEntries(dir), [base(1), incr(1), incr(2)]);
    assert.deepEqual(listAofFiles(dir), ['appendonly.aof.1.base.aof', 'appendonly.aof.1.incr.aof', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);

    // The server keeps serving; the writes of the attempt went to INCR 2 and stay there.
    assert.equal(await c.callRaw('PING'), '+PONG\r\n');
    assert.equal(await c.call('SET', 'after', 'x'), 'OK');
    assert.equal(await c.call('GET', `during:${during - 1}`), `w${during - 1}`);
    // They are in the INCRs, in order (in INCR 1 until the switch to INCR 2, then there).
    const recs = aofRecords(readIncrs(dir)).filter((r) => r[0] === 'SET' && r[1]!.startsWith('during:'));
    assert.deepEqual(recs, Array.from({ length: during }, (_, i) => ['SET', `during:${i}`, `w${i}`]));
    assert.deepEqual(aofRecords(readAofFile(dir, 'appendonly.aof.2.incr.aof'))[0], ['SELECT', '0'], 'INCR 2 starts with a SELECT');
    const digest = (await c.call('DEBUG', 'DIGEST')) as string;
    const dbsize = (await c.call('DBSIZE')) as number;
    await envs.stop({ srv, ffs, log, dir });
    await assertReloads(dir, digest, dbsize);
  });
}

test('short writes without an error are completed: the rewrite succeeds with the whole dataset', async () => {
  const { srv, ffs, log, dir, c } = await setup({}, 200, 2);
  ffs.shortWrites(50_000);
  assert.equal(await c.callRaw('BGREWRITEAOF'), `+${STARTED}\r\n`);
  await writeWhileRewriting(c, 'during');
  assert.equal(log.count('*', FINISHED), 1, log.dump());
  assert.ok(ffs.calls.write > 24, `the 1.2 MB BASE should have taken many short writes (${ffs.calls.write})`);
  assert.equal((await info(c)).get('aof_last_bgrewrite_status'), 'ok');
  await waitManifest(dir, [base(2), incr(2)]);
  const digest = (await c.call('DEBUG', 'DIGEST')) as string;
  const dbsize = (await c.call('DBSIZE')) as number;
  await envs.stop({ srv, ffs, log, dir });
  await assertReloads(dir, digest, dbsize);
});

// ---- fsync errors on the temp BASE -------------------------------------------------------------

for (const which of ['final', 'incremental (every 4 MB)'] as const) {
  test(`temp BASE ${which} fdatasync fails with EIO: write error, rewrite failed; the next one succeeds`, async () => {
    const incremental = which !== 'final';
    // 5 MB of values pass the 4 MB incremental fsync point once.
    const { srv, ffs, log, dir, c } = await setup({}, incremental ? 400 : 50, incremental ? 9 : 0);
    ffs.failFsyncs('EIO', 1);
    assert.equal(await c.callRaw('BGREWRITEAOF'), `+${STARTED}\r\n`);
    // No writes until the second attempt: its BASE is what the first one had written.
    await waitFor(async () => (await field(c, 'aof_rewrite_in_progress')) === '0', 10_000, 'the rewrite to end');
    assert.equal(log.count('#', writeError('Input/output error')), 1, log.dump());
    assert.equal(log.count('#', TERMINATED_ERR), 1);
    assert.equal(ffs.fsyncLog.length, 1);
    const synced = ffs.fsyncLog[0]!;
    assert.match(synced.path, /temp-rewriteaof-bg-\d+\.aof$/);
    const failedAt = synced.size;
    assert.equal(fs.existsSync(path.join(dir, TEMP_BASE)), false);
    assert.equal((await info(c)).get('aof_rewrites_consecutive_failures'), '1');
    assert.deepEqual(manifestEntries(dir), [base(1), incr(1), incr(2)]);

    // The fault was one-shot: the next attempt succeeds and removes the history.
    assert.equal(await c.callRaw('BGREWRITEAOF'), `+${STARTED}\r\n`);
    await waitFor(() => log.count('*', FINISHED) === 1, 10_000, 'the second rewrite');
    const inf = await info(c);
    assert.equal(inf.get('aof_last_bgrewrite_status'), 'ok');
    assert.equal(inf.get('aof_rewrites_consecutive_failures'), '0');
    await waitManifest(dir, [base(2), incr(3)]);
    const fullSize = readAofFile(dir, 'appendonly.aof.2.base.aof').length;
    if (incremental) assert.ok(failedAt >= 4 * 1024 * 1024 && failedAt < fullSize, `incremental fsync at ${failedAt} of ${fullSize} bytes`);
    else assert.equal(failedAt, fullSize, 'the final fsync covers the whole BASE');
    await assertOnlyListed(dir);
    const digest = (await c.call('DEBUG', 'DIGEST')) as string;
    const dbsize = (await c.call('DBSIZE')) as number;
    await envs.stop({ srv, ffs, log, dir });
    await assertReloads(dir, digest, dbsize);
  });
}

// ---- repeated failures: the limiter -----------------------------------------------------------

test('3 failures trigger the limit: automatic rewrites wait, BGREWRITEAOF still starts, a scheduled one resets the count; fault cleared -> success, history removed', async () => {
  const { srv, ffs, log, dir, c } = await setup({}, 50);
  ffs.failWrites('ENOSPC');
  for (let k = 1; k <= 3; k++) {
    assert.equal(await c.callRaw('BGREWRITEAOF'), `+${STARTED}\r\n`);
    await writeWhileRewriting(c, `try${k}`);
    assert.equal(await c.call('SET', `between:${k}`, 'x'), 'OK');
    assert.equal(await field(c, 'aof_rewrites_consecutive_failures'), String(k));
  }
  assert.equal(log.count('#', TERMINATED_ERR), 3);
  // Every attempt's INCR stays listed, as in Redis ("AOF will trigger limit when AOFRW fails many times").
  assert.deepEqual(manifestEntries(dir), [base(1), incr(1), incr(2), incr(3), incr(4)]);
  assert.equal(log.countPrefix('Background AOF rewrite has repeatedly failed'), 0, 'manual rewrites are never limited');

  // Automatic rewrite wanted (growth over 1 %, no minimum size): held back by the limiter.
  assert.equal(await c.call('CONFIG', 'SET', 'auto-aof-rewrite-min-size', '0'), 'OK');
  assert.equal(await c.call('CONFIG', 'SET', 'auto-aof-rewrite-percentage', '1'), 'OK');
  await waitFor(() => log.count('#', LIMIT_LINE) === 1, 3000, 'the limiter line');
  await sleep(400); // four more cron runs: none may start a rewrite or log again
  let inf = await info(c);
  assert.equal(inf.get('aof_rewrites'), '3');
  assert.equal(inf.get('aof_rewrite_in_progress'), '0');
  assert.equal(log.countPrefix('Starting automatic rewriting of AOF'), 0, log.dump());
  assert.equal(log.countPrefix('Background AOF rewrite has repeatedly failed'), 1);
  assert.deepEqual(manifestEntries(dir), [base(1), incr(1), incr(2), incr(3), incr(4)], 'no INCR opened while limited');

  // A manual BGREWRITEAOF still starts at once (and fails: the fault is still there).
  assert.equal(await c.callRaw('BGREWRITEAOF'), `+${STARTED}\r\n`);
  await writeWhileRewriting(c, 'try4');
  inf = await info(c);
  assert.equal(inf.get('aof_rewrites'), '4');
  assert.equal(inf.get('aof_rewrites_consecutive_failures'), '4');
  assert.deepEqual(manifestEntries(dir), [base(1), incr(1), incr(2), incr(3), incr(4), incr(5)]);
  await sleep(300);
  assert.equal(await field(c, 'aof_rewrites'), '4', 'still limited for automatic rewrites');
  assert.equal(log.countPrefix('Background AOF rewrite has repeatedly failed'), 1, 'the delay is logged once per new delay');

  // The disk is fine again. BGREWRITEAOF inside a transaction is scheduled, resets the count,
  // and the cron starts it (not limited any more).
  assert.equal(await c.call('CONFIG', 'SET', 'auto-aof-rewrite-percentage', '0'), 'OK');
  ffs.clear();
  assert.equal(await c.call('MULTI'), 'OK');
  assert.equal(await c.call('BGREWRITEAOF'), 'QUEUED');
  assert.deepEqual(await c.call('EXEC'), ['Background append only file rewriting scheduled']);
  await waitFor(() => log.count('*', FINISHED) === 1, 5000, 'the scheduled rewrite to succeed');
  inf = await info(c);
  assert.equal(inf.get('aof_last_bgrewrite_status'), 'ok');
  assert.equal(inf.get('aof_rewrites_consecutive_failures'), '0');
  assert.equal(inf.get('aof_rewrite_scheduled'), '0');
  assert.equal(inf.get('aof_rewrites'), '5');
  await waitManifest(dir, [base(2), incr(6)]);
  await assertOnlyListed(dir);
  for (let k = 1; k <= 3; k++) assert.equal(await c.call('GET', `between:${k}`), 'x');
  assert.equal(await c.call('SET', 'last', 'y'), 'OK');
  const digest = (await c.call('DEBUG', 'DIGEST')) as string;
  const dbsize = (await c.call('DBSIZE')) as number;
  await envs.stop({ srv, ffs, log, dir });
  await assertReloads(dir, digest, dbsize);
});

// ---- the switch: rename and manifest ------------------------------------------------------------

test('rename of the temp BASE fails: Redis\'s line, status err, temp file removed, nothing installed; the next rewrite installs BASE 2', async () => {
  const { srv, ffs, log, dir, c } = await setup({}, 50);
  ffs.failRenames('EIO', 1);
  assert.equal(await c.callRaw('BGREWRITEAOF'), `+${STARTED}\r\n`);
  await writeWhileRewriting(c, 'during');
  assert.equal(ffs.calls.failedRenames, 1);
  assert.equal(log.count('*', `Successfully created the temporary AOF base file ${TEMP_BASE}`), 1, log.dump());
  assert.equal(log.count('*', 'Background AOF rewrite terminated with success'), 1);
  // Redis 7.0.15 names the target by its path (checked with a directory in its way:
  // "... into appendonlydir/appendonly.aof.2.base.aof: Is a directory").
  assert.equal(log.count('#', `Error trying to rename the temporary AOF base file ${TEMP_BASE} into appendonlydir/appendonly.aof.2.base.aof: Input/output error`), 1, log.dump());
  assert.equal(log.countPrefix(FINISHED), 0);
  const inf = await info(c);
  assert.equal(inf.get('aof_last_bgrewrite_status'), 'err');
  assert.equal(inf.get('aof_rewrites_consecutive_failures'), '1');
  assert.equal(fs.existsSync(path.join(dir, TEMP_BASE)), false, 'the temp BASE must be removed');
  assert.deepEqual(manifestEntries(dir), [base(1), incr(1), incr(2)]);
  assert.deepEqual(listAofFiles(dir), ['appendonly.aof.1.base.aof', 'appendonly.aof.1.incr.aof', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);

  assert.equal(await c.callRaw('BGREWRITEAOF'), `+${STARTED}\r\n`);
  await writeWhileRewriting(c, 'second');
  assert.equal(log.count('*', `Successfully renamed the temporary AOF base file ${TEMP_BASE} into appendonly.aof.2.base.aof`), 1, log.dump());
  await waitManifest(dir, [base(2), incr(3)]);
  await assertOnlyListed(dir);
  const digest = (await c.call('DEBUG', 'DIGEST')) as string;
  const dbsize = (await c.call('DBSIZE')) as number;
  await envs.stop({ srv, ffs, log, dir });
  await assertReloads(dir, digest, dbsize);
});

test('the manifest cannot be written at the switch: the new BASE is unlinked, the old manifest stays, the directory loads everything', async () => {
  const { srv, ffs, log, dir, c } = await setup({ 'rdb-key-save-delay': '20000' }, 10);
  // The rewrite walks one key per 20 ms; the fault is armed once its INCR is listed.
  assert.equal(await c.callRaw('BGREWRITEAOF'), `+${STARTED}\r\n`);
  await waitManifest(dir, [base(1), incr(1), incr(2)]);
  ffs.target = (p) => /\/temp-appendonly\.aof\.manifest$/.test(p);
  ffs.failWrites('ENOSPC');
  const during = await writeWhileRewriting(c, 'during');
  assert.ok(during > 0);
  assert.equal(log.count('*', `Successfully renamed the temporary AOF base file ${TEMP_BASE} into appendonly.aof.2.base.aof`), 1, log.dump());
  assert.equal(log.count('#', 'Error trying to write the temporary AOF manifest file temp-appendonly.aof.manifest: No space left on device'), 1, log.dump());
  assert.equal(log.countPrefix(FINISHED), 0);
  const inf = await info(c);
  assert.equal(inf.get('aof_last_bgrewrite_status'), 'err');
  assert.equal(inf.get('aof_rewrites_consecutive_failures'), '1');
  assert.equal(fs.existsSync(path.join(aofDir(dir), 'appendonly.aof.2.base.aof')), false, 'the new BASE must be unlinked');
  assert.equal(fs.existsSync(path.join(dir, TEMP_BASE)), false);
  assert.deepEqual(manifestEntries(dir), [base(1), incr(1), incr(2)]);
  assert.equal(await c.call('SET', 'after', 'x'), 'OK');

  // The directory as it is now loads everything (a copy, while this server goes on).
  const copy = envs.freshDir();
  fs.cpSync(aofDir(dir), aofDir(copy), { recursive: true });
  const digest1 = (await c.call('DEBUG', 'DIGEST')) as string;
  await assertReloads(copy, digest1, (await c.call('DBSIZE')) as number);

  // Disk fine again: the next rewrite installs BASE 2 (the failed one never counted).
  ffs.clear();
  assert.equal(await c.call('CONFIG', 'SET', 'rdb-key-save-delay', '0'), 'OK');
  assert.equal(await c.callRaw('BGREWRITEAOF'), `+${STARTED}\r\n`);
  await writeWhileRewriting(c, 'second');
  assert.equal(log.count('*', FINISHED), 1, log.dump());
  await waitManifest(dir, [base(2), incr(3)]);
  const digest = (await c.call('DEBUG', 'DIGEST')) as string;
  const dbsize = (await c.call('DBSIZE')) as number;
  await envs.stop({ srv, ffs, log, dir });
  await assertReloads(dir, digest, dbsize);
});

// ---- CONFIG SET appendonly yes whose rewrite fails ---------------------------------------------

test('CONFIG SET appendonly yes, its rewrite fails: temp INCR removed, rewrite scheduled and retried from cron, then the AOF is on with everything', async () => {
  const dir = envs.freshDir();
  const env = await envs.startFaulty(dir, { appendonly: 'no', hz: '1', 'rdb-key-save-delay': '10000' });
  const { srv, ffs, log } = env;
  onTempBase(ffs);
  const c = await srv.client();
  await fill(c, 20);
  // At the moment the temp INCR is dropped (one microtask later the failure is complete; no
  // cron can run in between): what INFO says, then the disk is fine again.
  const seen: { info: PersistenceInfo | null; tempIncr: boolean | null } = { info: null, tempIncr: null };
  srv.server.logger.sinks.push({
    write(line: string) {
      if (!line.endsWith(`Removing the temp incr aof file ${TEMP_INCR} in the background`) || seen.info !== null) return;
      queueMicrotask(() => {
        seen.info = srv.server.persistence.info();
        seen.tempIncr = fs.existsSync(path.join(aofDir(dir), TEMP_INCR));
        ffs.clear();
      });
    },
  });
  ffs.failWrites('ENOSPC');
  assert.equal(await c.call('CONFIG', 'SET', 'appendonly', 'yes'), 'OK');
  assert.equal(log.count('*', `Creating AOF incr file ${TEMP_INCR} on background rewrite`), 1, log.dump());
  assert.ok(fs.existsSync(path.join(aofDir(dir), TEMP_INCR)));
  const during = await writeWhileRewriting(c, 'during', 200);
  assert.ok(during > 0);
  await waitFor(() => seen.info !== null, 5000, 'the first failure');
  const f = seen.info!;
  assert.equal(f.aofRewriteScheduled, true, 'aof_rewrite_scheduled:1 after the failure');
  assert.equal(f.aofRewriteInProgress, false);
  assert.equal(f.aofLastBgrewriteStatus, 'err');
  assert.equal(f.aofRewritesConsecutiveFailures, 1);
  assert.equal(seen.tempIncr, false, 'the temp INCR must be removed');
  assert.equal(log.count('#', writeError('No space left on device')), 1, log.dump());
  assert.equal(log.count('#', TERMINATED_ERR), 1);
  // Writes between the failure and the retry (cron runs once a second here).
  for (let i = 0; i < 5; i++) assert.equal(await c.call('SET', `gap:${i}`, 'g'), 'OK');

  await waitFor(() => log.count('*', FINISHED) === 1, 8000, `the retried rewrite to succeed:\n${log.dump()}`);
  const inf = await info(c);
  assert.equal(inf.get('aof_enabled'), '1');
  assert.equal(inf.get('aof_rewrite_scheduled'), '0');
  assert.equal(inf.get('aof_last_bgrewrite_status'), 'ok');
  assert.equal(inf.get('aof_rewrites_consecutive_failures'), '0');
  assert.equal(inf.get('aof_rewrites'), '2');
  assert.equal(log.count('*', `Successfully renamed the temporary AOF incr file ${TEMP_INCR} into appendonly.aof.1.incr.aof`), 1, log.dump());
  await waitManifest(dir, [base(1), incr(1)]);
  await assertOnlyListed(dir);
  assert.equal(await c.call('SET', 'on', 'yes'), 'OK');
  assert.equal(await c.call('GET', 'gap:4'), 'g');
  const digest = (await c.call('DEBUG', 'DIGEST')) as string;
  const dbsize = (await c.call('DBSIZE')) as number;
  await envs.stop(env);
  await assertReloads(dir, digest, dbsize);
});

test('CONFIG SET appendonly yes, the temp INCR cannot be renamed: Redis\'s line (paths), new BASE unlinked, temp INCR removed; the retry turns the AOF on', async () => {
  const dir = envs.freshDir();
  const env = await envs.startFaulty(dir, { appendonly: 'no' });
  const { srv, ffs, log } = env;
  ffs.target = (p) => /\/temp-appendonly\.aof\.incr$/.test(p);
  ffs.failRenames('EIO', 1);
  // When the temp INCR is dropped, the BASE renamed for the attempt is gone already.
  let baseAtFailure: boolean | null = null;
  srv.server.logger.sinks.push({
    write(line: string) {
      if (baseAtFailure === null && line.endsWith(`Removing the temp incr aof file ${TEMP_INCR} in the background`)) {
        baseAtFailure = fs.existsSync(path.join(aofDir(dir), 'appendonly.aof.1.base.aof'));
      }
    },
  });
  const c = await srv.client();
  await fill(c, 20);
  assert.equal(await c.call('CONFIG', 'SET', 'appendonly', 'yes'), 'OK');
  await waitFor(() => log.count('*', FINISHED) === 1, 5000, `the retried rewrite to succeed:\n${log.dump()}`);
  const lines = log.lines.map((l) => `${l.level} ${l.text}`);
  const at = lines.indexOf(`# Error trying to rename the temporary AOF incr file appendonlydir/${TEMP_INCR} into appendonlydir/appendonly.aof.1.incr.aof: Input/output error`);
  assert.ok(at > 0, `Redis 7.0.15 names both files by their paths:\n${log.dump()}`);
  assert.equal(lines[at - 1], `* Successfully renamed the temporary AOF base file ${TEMP_BASE} into appendonly.aof.1.base.aof`);
  assert.equal(lines[at + 1], `* Removing the temp incr aof file ${TEMP_INCR} in the background`);
  assert.equal(ffs.calls.failedRenames, 1);
  assert.equal(baseAtFailure, false, 'the BASE of the failed attempt must be unlinked');
  const inf = await info(c);
  assert.equal(inf.get('aof_rewrites'), '2');
  assert.equal(inf.get('aof_rewrites_consecutive_failures'), '0');
  await waitManifest(dir, [base(1), incr(1)]);
  await assertOnlyListed(dir);
  const digest = (await c.call('DEBUG', 'DIGEST')) as string;
  const dbsize = (await c.call('DBSIZE')) as number;
  await envs.stop(env);
  await assertReloads(dir, digest, dbsize);
});
