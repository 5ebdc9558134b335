// Crash safety of the background AOF rewrite: a child bin/nodis-server under the concurrent
// writers of the crash tests (tests/helpers/aof-crash-writers.ts) while another connection
// issues BGREWRITEAOF over and over — on some cycles with rdb-key-save-delay, so that kills land
// in the middle of the walk, on others without, so that they land around the rename and the
// manifest switch — is killed by SIGKILL at a random moment and restarted on the same directory.
// After each kill: the manifest names no temp file, has one BASE and ends with an INCR; the BASE
// and every INCR but the last are complete (the last may only have a torn tail), and
// redis-check-aof agrees. After each restart: the directory loaded without a fatal error,
// redis-check-aof passes, every acknowledged write is there (appendfsync always: all of them;
// everysec: all acknowledged more than 2 s before the kill), each connection's surviving writes
// are a prefix of what it sent (MULTI blocks all-or-nothing) and nothing else exists. At the end
// the real redis-server loads the directory with the same DBSIZE and DEBUG DIGEST.
// Also: a kill while CONFIG SET appendonly yes is writing its temp INCR (WAIT_REWRITE) — the
// restart loads what the AOF held before (the AOF was not on yet), without an error.
//
// Tunable: NODIS_CRASH_REWRITE_CYCLES / NODIS_CRASH_REWRITE_SECONDS, NODIS_CRASH_WRITERS,
// NODIS_CRASH_SEED.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { scanAofForLoad } from '../../src/aof/scan.js';
import { RespClient, RespError } from '../helpers/resp-client.js';
import { ok, pipeline, sleep } from '../helpers/calls.js';
import { waitFor } from '../helpers/server.js';
import { aofDir, manifestEntries, readAofFile } from '../helpers/aof-files.js';
import { useScratch } from '../helpers/scratch.js';
import { HAVE_REDIS_CHECK_AOF, NO_REDIS_SERVER, freePort, kill9, startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { checkAof, finalDirInRedis, startNodis, startRedis } from '../helpers/aof-crash-harness.js';
import { SEED, WRITERS, Writer, between, envInt, runWriter, verifyAfterRestart } from '../helpers/aof-crash-writers.js';

const CYCLES = envInt('NODIS_CRASH_REWRITE_CYCLES', 15);
const BUDGET_MS = envInt('NODIS_CRASH_REWRITE_SECONDS', 36) * 1000;

const scratch = useScratch('nodis-crash-rewrite-');

const STARTED = 'Background append only file rewriting started';
const IN_PROGRESS = 'ERR Background append only file rewriting already in progress';
const isClosedError = (err: unknown): boolean => /connection closed|ECONNRESET|EPIPE|ECONNREFUSED/.test(String((err as Error)?.message ?? err));

interface Stats {
  cycles: number;
  delayCycles: number;
  rewritesStarted: number;
  killsMidRewrite: number;
  baseSwitches: number;
  acked: number;
  ackedVerified: number;
  ackedLost: number;
  tornTails: number;
}

/** BGREWRITEAOF again and again until the kill; notes whether a rewrite ran at the last look. */
async function runRewriter(port: number, delayUs: number, killed: { v: boolean }, st: { started: number; inProgress: boolean; errors: string[] }): Promise<void> {
  let c: RespClient;
  try {
    c = await RespClient.connect(port);
  } catch (err) {
    if (!killed.v) st.errors.push(`rewriter could not connect: ${String(err)}`);
    return;
  }
  try {
    if (delayUs > 0) assert.equal(await c.call('CONFIG', 'SET', 'rdb-key-save-delay', delayUs), 'OK');
    while (!killed.v) {
      const r = await c.call('BGREWRITEAOF');
      if (r === STARTED) st.started++;
      else if (!(r instanceof RespError && r.message === IN_PROGRESS)) st.errors.push(`BGREWRITEAOF -> ${JSON.stringify(r instanceof RespError ? r.message : r)}`);
      await sleep(between(0, delayUs > 0 ? 60 : 15));
      st.inProgress = String(await c.call('INFO', 'persistence')).includes('\r\naof_rewrite_in_progress:1\r\n');
    }
  } catch (err) {
    if (!killed.v || !isClosedError(err)) st.errors.push(`rewriter: ${String(err)} (killed: ${killed.v})`);
  } finally {
    c.close();
  }
}

/** Right after a kill: the manifest and the files it lists. The last INCR's name, size and how it ends. */
function checkDirAfterKill(dir: string, cycle: number): { lastIncr: string; size: number; end: ReturnType<typeof scanAofForLoad>['end'] } {
  const entries = manifestEntries(dir);
  for (const e of entries) assert.ok(!e.name.startsWith('temp-'), `cycle ${cycle}: the manifest names a temp file: ${e.name}`);
  const live = entries.filter((e) => e.type !== 'h');
  assert.equal(live.filter((e) => e.type === 'b').length, 1, `cycle ${cycle}: one BASE in ${JSON.stringify(entries)}`);
  const last = live[live.length - 1]!;
  assert.equal(last.type, 'i', `cycle ${cycle}: the manifest should end with an INCR`);
  let end: ReturnType<typeof scanAofForLoad>['end'] | null = null;
  let size = 0;
  for (const f of live) {
    const buf = readAofFile(dir, f.name);
    const e = scanAofForLoad(buf).end;
    if (f !== last) {
      assert.equal(e.kind, 'ok', `cycle ${cycle}: ${f.name} (not the last file) is not complete after a kill: ${JSON.stringify(e)}`);
      continue;
    }
    assert.ok(e.kind === 'ok' || e.kind === 'eof', `cycle ${cycle}: ${f.name} may only have a torn tail: ${JSON.stringify(e)}`);
    end = e;
    size = buf.length;
  }
  return { lastIncr: last.name, size, end: end! };
}

const baseSeq = (dir: string): number => manifestEntries(dir).find((e) => e.type === 'b')!.seq;

async function crashRewriteLoop(t: TestContext, fsync: 'always' | 'everysec', cycles: number, budgetMs: number): Promise<Stats> {
  const graceMs = fsync === 'always' ? 0 : 2000;
  const dir = scratch.dir(`crash-rewrite-${fsync}`);
  const writers = Array.from({ length: WRITERS }, (_, w) => new Writer(w));
  const stats: Stats = { cycles: 0, delayCycles: 0, rewritesStarted: 0, killsMidRewrite: 0, baseSwitches: 0, acked: 0, ackedVerified: 0, ackedLost: 0, tornTails: 0 };
  const began = Date.now();
  let srv: ServerProcess = await startNodis(dir, fsync);
  try {
    while (stats.cycles < cycles && (stats.cycles < 4 || Date.now() - began < budgetMs)) {
      const cycle = stats.cycles + 1;
      // Every other cycle the walk sleeps 2-6 ms per key: the kill lands inside it.
      const delayUs = cycle % 2 === 0 ? between(2000, 6000) : 0;
      if (delayUs > 0) stats.delayCycles++;
      const seqBefore = baseSeq(dir);
      const killed = { v: false };
      const rw = { started: 0, inProgress: false, errors: [] as string[] };
      const runs = writers.map((wr, i) => runWriter(wr, srv.port, i % 2 === 0, [0, 0], killed));
      const rewriter = runRewriter(srv.port, delayUs, killed, rw);
      await sleep(between(80, 800));
      const killAt = Date.now();
      const midRewrite = rw.inProgress;
      killed.v = true;
      await kill9(srv, true);
      await Promise.all([...runs, rewriter]);
      for (const wr of writers) assert.deepEqual(wr.errors, [], `cycle ${cycle}: writer errors`);
      assert.deepEqual(rw.errors, [], `cycle ${cycle}: rewriter errors`);
      stats.rewritesStarted += rw.started;
      if (midRewrite) stats.killsMidRewrite++;

      const onDisk = checkDirAfterKill(dir, cycle);
      if (onDisk.end.kind !== 'ok') stats.tornTails++;
      if (HAVE_REDIS_CHECK_AOF) {
        const r = await checkAof(dir);
        if (onDisk.end.kind === 'ok') assert.equal(r.code, 0, `cycle ${cycle}: redis-check-aof right after the kill:\n${r.stdout}`);
        else assert.ok(r.stdout.includes(`filename=${onDisk.lastIncr}, size=${onDisk.size}`), `cycle ${cycle}: redis-check-aof should see the torn tail of ${onDisk.lastIncr}:\n${r.stdout}`);
      }

      srv = await startNodis(dir, fsync);
      const log = srv.output();
      if (onDisk.end.kind === 'ok') assert.ok(!log.includes('Truncating the AOF'), `cycle ${cycle}: a complete AOF was truncated on load:\n${log}`);
      if (baseSeq(dir) > seqBefore) stats.baseSwitches++;
      for (const e of manifestEntries(dir)) assert.notEqual(e.type, 'h', `cycle ${cycle}: history left in the manifest after the start`);
      if (HAVE_REDIS_CHECK_AOF) {
        const r = await checkAof(dir);
        assert.equal(r.code, 0, `cycle ${cycle}: redis-check-aof after nodis loaded:\n${r.stdout}`);
        assert.match(r.stdout, /All AOF files and manifest are valid/);
      }

      const context = `cycle ${cycle} (appendfsync ${fsync}, rdb-key-save-delay ${delayUs}, ${midRewrite ? 'during' : 'maybe between'} rewrites)`;
      await verifyAfterRestart(srv.port, writers, { killAt, ackedBy: graceMs === 0 ? Infinity : killAt - graceMs, context }, ({ op, survived }) => {
        if (op.ackAt === 0) return;
        stats.acked++;
        if (survived) stats.ackedVerified++;
        else stats.ackedLost++;
      });
      stats.cycles++;
    }

    await finalDirInRedis(t, scratch, srv, dir, `crash-rewrite-${fsync}-redis`);
  } finally {
    await kill9(srv);
  }
  return stats;
}

function report(t: TestContext, fsync: string, s: Stats, ms: number): void {
  t.diagnostic(
    `${fsync}: seed ${SEED}, ${s.cycles} kill/restart cycles (${s.delayCycles} with rdb-key-save-delay) in ${(ms / 1000).toFixed(1)} s, ${WRITERS} writers; ` +
      `${s.rewritesStarted} rewrites started, ${s.killsMidRewrite} kills with a rewrite running at the last look, ${s.baseSwitches} cycles installed a new BASE; ` +
      `${s.acked} writes acknowledged, ${s.ackedVerified} verified present, ${s.ackedLost} lost${fsync === 'everysec' ? ' (none older than 2 s)' : ''}; torn tails: ${s.tornTails}`,
  );
}

const ALWAYS_SHARE = 0.6;

test('appendfsync always: kill -9 during and around background rewrites loses no acknowledged write', async (t) => {
  const began = Date.now();
  const s = await crashRewriteLoop(t, 'always', Math.ceil(CYCLES * ALWAYS_SHARE), BUDGET_MS * ALWAYS_SHARE);
  report(t, 'always', s, Date.now() - began);
  assert.ok(s.acked > 0, 'no write was acknowledged');
  assert.equal(s.ackedLost, 0);
  assert.ok(s.rewritesStarted > s.cycles, `too few rewrites (${s.rewritesStarted})`);
  assert.ok(s.baseSwitches > 0, 'no rewrite ever completed');
  assert.ok(s.killsMidRewrite > 0, 'no kill landed while a rewrite ran');
});

test('appendfsync everysec: kill -9 during and around background rewrites loses no write acknowledged over 2 s before', async (t) => {
  const began = Date.now();
  const s = await crashRewriteLoop(t, 'everysec', Math.floor(CYCLES * (1 - ALWAYS_SHARE)), BUDGET_MS * (1 - ALWAYS_SHARE));
  report(t, 'everysec', s, Date.now() - began);
  assert.ok(s.acked > 0, 'no write was acknowledged');
  assert.ok(s.baseSwitches > 0, 'no rewrite ever completed');
});

// ---- a kill while the AOF is being enabled ----------------------------------------------------

test('kill -9 while CONFIG SET appendonly yes writes its temp INCR: the restart loads what the AOF held before, without an error', async () => {
  const dir = scratch.dir('wait-rewrite');
  const args = (port: number, appendonly: string) => ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', appendonly, '--appendfsync', 'always', '--save', '', '--enable-debug-command', 'yes'];
  let port = await freePort();
  let srv = await startServerProcess('nodis', args(port, 'yes'), port);
  let digestA: string;
  let sizeA: number;
  try {
    const c = await RespClient.connect(port);
    const cmdsA: (string | number)[][] = [];
    for (let i = 0; i < 40; i++) cmdsA.push(['SET', `a:${i}`, `v${i}`], ['RPUSH', 'a:list', i], ['HSET', 'a:hash', `f${i}`, i]);
    await pipeline(c, cmdsA);
    digestA = String(await ok(c, 'DEBUG', 'DIGEST'));
    sizeA = Number(await ok(c, 'DBSIZE'));
    const before = manifestEntries(dir);
    // Off: B reaches no file. On again: a rewrite of 0.1 s per key, C goes to the temp INCR.
    await ok(c, 'CONFIG', 'SET', 'appendonly', 'no');
    await pipeline(c, Array.from({ length: 20 }, (_, i) => ['SET', `b:${i}`, 'x']));
    await ok(c, 'CONFIG', 'SET', 'rdb-key-save-delay', 100_000);
    await ok(c, 'CONFIG', 'SET', 'appendonly', 'yes');
    await pipeline(c, Array.from({ length: 20 }, (_, i) => ['SET', `c:${i}`, 'y']));
    const info = String(await ok(c, 'INFO', 'persistence'));
    assert.match(info, /\r\naof_enabled:1\r\n/);
    assert.match(info, /\r\naof_rewrite_in_progress:1\r\n/);
    const tempIncr = path.join(aofDir(dir), 'temp-appendonly.aof.incr');
    await waitFor(() => fs.existsSync(tempIncr) && fs.readFileSync(tempIncr, 'latin1').includes('c:19'), 3000, 'C in the temp INCR');
    c.close();
    await kill9(srv, true);
    assert.deepEqual(manifestEntries(dir), before, 'the manifest is what it was before the AOF was enabled again');
    assert.ok(fs.existsSync(tempIncr), 'the temp INCR is left behind');
    if (HAVE_REDIS_CHECK_AOF) assert.equal((await checkAof(dir)).code, 0);
    fs.cpSync(aofDir(dir), aofDir(scratch.dir('wait-rewrite-redis')), { recursive: true });

    port = await freePort();
    srv = await startServerProcess('nodis', args(port, 'yes'), port);
    assert.doesNotMatch(srv.output(), /Fatal|Bad file format|Truncating|Unexpected end|Unrecoverable|Revert/, srv.output());
    assert.match(srv.output(), /DB loaded from append only file/);
    const c2 = await RespClient.connect(port);
    assert.equal(await c2.call('DBSIZE'), sizeA);
    assert.equal(await c2.call('DEBUG', 'DIGEST'), digestA, 'the dataset is the one the AOF held before it was switched off');
    assert.equal(await c2.call('EXISTS', 'b:0', 'c:0'), 0);
    // The AOF works on: a write and a rewrite, then a clean reload.
    assert.equal(await c2.call('SET', 'd', 'z'), 'OK');
    assert.equal(await c2.call('BGREWRITEAOF'), STARTED);
    await waitFor(async () => String(await c2.call('INFO', 'persistence')).includes('\r\naof_rewrite_in_progress:0\r\n'), 5000, 'the rewrite');
    assert.equal(await c2.call('DEBUG', 'LOADAOF'), 'OK');
    assert.equal(await c2.call('GET', 'd'), 'z');
    assert.equal(await c2.call('DBSIZE'), sizeA + 1);
    c2.close();
  } finally {
    await kill9(srv);
  }
  if (NO_REDIS_SERVER === false) {
    // redis-server 7.0.15 reads the directory as the kill left it the same way.
    const redis = await startRedis(scratch.dir('wait-rewrite-redis'));
    try {
      const rc = await RespClient.connect(redis.port);
      assert.equal(await rc.call('DBSIZE'), sizeA);
      assert.equal(await rc.call('DEBUG', 'DIGEST'), digestA);
      rc.close();
    } finally {
      await kill9(redis);
    }
  }
});
