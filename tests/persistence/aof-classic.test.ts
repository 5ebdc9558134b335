// Classic single-file AOF mode (`aof-multi-part no`, src/aof/classic.ts): one <dir>/appendonly.aof
// as Redis 3.2–6.2 kept it. Restart round trips of every family (same dataset and digest, one
// file of the configured name, no appendonlydir); BGREWRITEAOF under concurrent writers (plain,
// pipelined, MULTI/EXEC, 4 KB values) with SWAPDB and FLUSHALL during a walk kept running by
// rdb-key-save-delay, appendfsync always and everysec: the dataset equals a replay of what the
// clients sent, after the rewrite and after a restart; the file is the BASE (alone, the dataset
// of the moment BGREWRITEAOF ran) then the diff; both checkers accept it. CONFIG SET appendonly
// yes / no around a rewrite; BGREWRITEAOF with the AOF off; the automatic rewrite. Start-up
// (truncated tails, the refusal of a multi-part directory) is in aof-classic-load.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { RespClient, RespError } from '../helpers/resp-client.js';
import { info, ok, pipeline } from '../helpers/calls.js';
import { LogLines } from '../helpers/aof-env.js';
import { encodeItems, parseAofStrict, resp } from '../helpers/aof-files.js';
import { assertSameDataset, readDatasetAt } from '../helpers/dataset-compare.js';
import { runCheckAof } from '../helpers/check-aof.js';
import { families } from '../helpers/family-workloads.js';
import { readLog } from '../helpers/damaged-aof.js';
import { HAVE_REDIS_CHECK_AOF } from '../helpers/server-process.js';
import { useScratch } from '../helpers/scratch.js';
import { AOF, aofBytes, classicStarter, files, records } from '../helpers/classic.js';

const scratch = useScratch('nodis-aof-classic-');

const TEMP = `temp-rewriteaof-bg-${process.pid}.aof`;
/** Absolute expire times, far enough to never pass during the tests. */
const FAR = Date.now() + 100 * 86_400_000;
/** What a rewrite writes (Redis 7.0's rewrite records). */
const BASE_CMDS = new Set(['SELECT', 'SET', 'RPUSH', 'SADD', 'ZADD', 'HMSET', 'PEXPIREAT']);

type Cmd = (string | number)[];

const start = classicStarter(scratch);

const dataset = (srv: TestServer) => readDatasetAt(srv.port);

/** Waits until no rewrite runs or is scheduled; returns INFO persistence. */
async function rewriteDone(c: RespClient, timeoutMs = 20_000): Promise<Map<string, string>> {
  let m = new Map<string, string>();
  await waitFor(async () => {
    m = await info(c);
    return m.get('aof_rewrite_in_progress') === '0' && m.get('aof_rewrite_scheduled') === '0';
  }, timeoutMs, 'the rewrite to finish');
  return m;
}

/** Redis's lines of a successful classic rewrite, in order; returns the logged diff size (MB). */
function assertRewriteLines(log: LogLines): number {
  const texts = log.lines.map((l) => `${l.level} ${l.text}`);
  const want = [
    `* Background append only file rewriting started by pid ${process.pid}`,
    `* Successfully created the temporary AOF base file ${TEMP}`,
    '* Background AOF rewrite terminated with success',
    /^\* Residual parent diff successfully flushed to the rewritten AOF \((\d+\.\d\d) MB\)$/,
    '* Background AOF rewrite finished successfully',
  ];
  let at = -1;
  let mb = NaN;
  for (const w of want) {
    const i = texts.findIndex((t, j) => j > at && (typeof w === 'string' ? t === w : w.test(t)));
    assert.ok(i > at, `log line ${String(w)} (in order) missing:\n${log.dump()}`);
    if (typeof w !== 'string') mb = Number(w.exec(texts[i]!)![1]);
    at = i;
  }
  return mb;
}

/** The checkers on a classic file: both accept it, with the same report. */
async function assertCheckersAccept(dir: string, name = AOF): Promise<void> {
  const ours = await runCheckAof('nodis', [name], { cwd: dir });
  assert.equal(ours.code, 0, `nodis-check-aof: ${ours.stdout}${ours.stderr}`);
  assert.match(ours.stdout, new RegExp(`AOF ${name.replace('.', '\\.')} is valid`));
  if (!HAVE_REDIS_CHECK_AOF) return;
  const theirs = await runCheckAof('redis', [name], { cwd: dir });
  assert.equal(theirs.code, 0, `redis-check-aof: ${theirs.stdout}${theirs.stderr}`);
  assert.equal(ours.stdout, theirs.stdout, 'nodis-check-aof and redis-check-aof report alike');
}

// ---- the dataset and the writers of the rewrite tests -----------------------------------------

const PRE_PER_DB = 100;

/** 400 keys of every type in dbs 0..3 (some with TTLs), and history a rewrite drops. */
function preload(): Cmd[] {
  const cmds: Cmd[] = [];
  for (let db = 0; db < 4; db++) {
    cmds.push(['SELECT', db]);
    for (let j = 0; j < PRE_PER_DB; j++) {
      const key = `p:${db}:${j}`;
      const v = `v${db}.${j}`;
      cmds.push([['SET', key, v], ['RPUSH', key, 'a', v], ['HSET', key, 'f', v, 'g', 'x'], ['SADD', key, 'a', v], ['ZADD', key, j, 'a', 1.5, v]][j % 5]!);
      if (j % 7 === 0) cmds.push(['PEXPIREAT', key, FAR + j]);
    }
    for (let j = 0; j < 20; j++) cmds.push(['SET', `stale:${db}:${j}`, 'x'], ['DEL', `stale:${db}:${j}`]);
    for (let j = 0; j < 30; j++) cmds.push(['INCR', `hist:${db}`]);
  }
  cmds.push(['SELECT', 0]);
  return cmds;
}

type Mode = 'plain' | 'pipeline' | 'multi' | 'big';
const BIG = 'B'.repeat(4096);

/** Writer `w` owns the keys w<w>:* and the preloaded names p:<w>:*: any interleaving of writers gives the same dataset. */
function op(w: number, i: number): Cmd[] {
  const k = (s: string) => `w${w}:${s}`;
  const p = `p:${w}:${(i * 7) % PRE_PER_DB}`;
  const ops: Cmd[][] = [
    [['SET', k(`s:${i}`), `v${i}`]], [['INCR', k('ctr')]], [['RPUSH', k('list'), `e${i}`, `f${i}`]], [['HSET', k('h'), `f${i % 50}`, `v${i}`]],
    [['SADD', k('set'), `m${i % 70}`]], [['ZADD', k('z'), i, `m${i % 60}`]], [['SET', k(`t:${i}`), 'ttl', 'PXAT', FAR + i]],
    [['DEL', k(`s:${i - 7}`)], ['LPOP', k('list')]], i % 20 === 8 ? [['DEL', p]] : [['PEXPIREAT', p, FAR + 2 * i]], [['COPY', p, k(`copy:${i}`)], ['PERSIST', p]],
  ];
  return ops[i % 10]!;
}

class Writer {
  next = 0;
  /** The commands sent, per phase, in order. */
  readonly phases: Cmd[][] = [];
  constructor(readonly w: number, readonly mode: Mode) {}

  /** Up to `maxOps` ops (until `until`), every reply checked; recorded for the replay. */
  async phase(c: RespClient, maxOps: number, until: number): Promise<void> {
    const sent: Cmd[] = [];
    this.phases.push(sent);
    for (let n = 0; n < maxOps && Date.now() < until; ) {
      const cmds: Cmd[] = [];
      for (let b = 0; b < (this.mode === 'pipeline' ? 8 : 1); b++, n++) {
        const i = this.next++;
        const one = op(this.w, i);
        if (this.mode === 'big') one.push(['SET', `w${this.w}:big:${i % 30}`, BIG + i]);
        cmds.push(...(this.mode === 'multi' ? [['MULTI'], ...one, ['EXEC']] : one));
      }
      for (const r of await pipeline(c, cmds)) assert.ok(!Array.isArray(r) || !r.some((x) => x instanceof RespError), `EXEC reply ${JSON.stringify(r)}`);
      sent.push(...cmds);
    }
  }
}

type Step = { readonly control: Cmd } | { readonly phase: true };

/** A client of `srv` on writer `wr`'s db. */
async function writerClient(srv: TestServer, wr: Writer): Promise<RespClient> {
  const c = scratch.client(await srv.client());
  await ok(c, 'SELECT', wr.w);
  return c;
}

/** The clients' history replayed on a server without AOF: what the dataset must be. */
async function expectedDataset(pre: Cmd[], writers: Writer[], steps: Step[]) {
  const ref = scratch.keep(await startTestServer({}));
  try {
    const ctl = await ref.client();
    await pipeline(ctl, pre);
    const wcs = await Promise.all(writers.map((wr) => writerClient(ref, wr)));
    let phase = 0;
    for (const s of steps) {
      if ('control' in s) await ok(ctl, ...s.control);
      else {
        for (let j = 0; j < writers.length; j++) await pipeline(wcs[j]!, writers[j]!.phases[phase]!);
        phase++;
      }
    }
    return await dataset(ref);
  } finally {
    await scratch.stop(ref);
  }
}

// ---- tests ----------------------------------------------------------------------------------------

test('restart round trip of every family: same dataset and digest; one appendonly.aof, no appendonlydir', async () => {
  const dir = scratch.dir();
  const e = await start(dir);
  // MULTI/EXEC first: it runs a FLUSHALL.
  for (const [, w] of [...families].sort(([a], [b]) => Number(b === 'MULTI/EXEC') - Number(a === 'MULTI/EXEC'))) {
    await w(e.c, e.srv);
    await ok(e.c, 'SELECT', 0);
  }
  const before = await dataset(e.srv);
  assert.deepEqual([...new Set([...before.keys.values()].map((s) => s.type))].sort(), ['hash', 'list', 'set', 'string', 'zset']);
  assert.ok([...before.keys.values()].some((s) => s.pexpiretime > 0), 'some keys have a TTL');
  assert.ok(new Set([...before.keys.keys()].map((k) => k.split(' ')[0])).size >= 5, 'several dbs');
  assert.deepEqual(files(dir), [AOF]);
  await scratch.stop(e.srv);
  const e2 = await start(dir);
  assertSameDataset(await dataset(e2.srv), before, 'after restart');
  assert.ok(readLog(e2.logfile).includes('* DB loaded from append only file: <t> seconds'), 'the load line');
  assert.deepEqual(files(dir), [AOF]);
  await scratch.stop(e2.srv);

  // appendfilename names the file.
  const dir2 = scratch.dir();
  const e3 = await start(dir2, { appendfilename: 'my-classic.aof' });
  await pipeline(e3.c, [['SET', 'k', 'v', 'PXAT', FAR], ['SELECT', 7], ['RPUSH', 'l', 'a', 'b']]);
  const before3 = await dataset(e3.srv);
  await scratch.stop(e3.srv);
  assert.deepEqual(files(dir2), ['my-classic.aof']);
  assert.deepEqual(records(aofBytes(dir2, 'my-classic.aof')), [['SELECT', '0'], ['SET', 'k', 'v', 'PXAT', String(FAR)], ['SELECT', '7'], ['RPUSH', 'l', 'a', 'b']]);
  const e4 = await start(dir2, { appendfilename: 'my-classic.aof' });
  assertSameDataset(await dataset(e4.srv), before3, 'custom appendfilename, after restart');
  await scratch.stop(e4.srv);
});

const VARIANTS = [
  { fsync: 'always', steps: ['phase', ['SWAPDB', 0, 2], 'phase', ['FLUSHALL'], 'phase'] },
  { fsync: 'everysec', steps: ['phase', ['SWAPDB', 1, 3], 'phase', ['SWAPDB', 0, 1], 'phase'] },
] as const;

for (const variant of VARIANTS) {
  const what = variant.steps.filter((s) => s !== 'phase').map((s) => (s as readonly (string | number)[]).join(' ')).join(', ');
  test(`BGREWRITEAOF under concurrent writers (appendfsync ${variant.fsync}; ${what} during the walk): clean BASE + diff, same dataset after the rewrite and a restart`, async () => {
    const dir = scratch.dir();
    const e = await start(dir, { appendfsync: variant.fsync });
    const pre = preload();
    await pipeline(e.c, pre);
    const atStart = await dataset(e.srv);
    const writers = (['plain', 'pipeline', 'multi', 'big'] as Mode[]).map((m, w) => new Writer(w, m));
    const wcs = await Promise.all(writers.map((wr) => writerClient(e.srv, wr)));

    await ok(e.c, 'CONFIG', 'SET', 'rdb-key-save-delay', 15_000); // 15 ms per key: ~6 s for the whole walk
    assert.equal(await e.c.call('BGREWRITEAOF'), 'Background append only file rewriting started');
    assert.deepEqual(files(dir), [AOF, TEMP]);
    // The diff begins with this marker (nothing else is written in between).
    const steps: Step[] = [{ control: ['SELECT', 15] }, { control: ['SET', 'marker:diff', '1'] }];
    for (const s of steps) await ok(e.c, ...(s as { control: Cmd }).control);
    const began = Date.now();
    for (const s of variant.steps) {
      if (s === 'phase') {
        steps.push({ phase: true });
        await Promise.all(writers.map((wr, j) => wr.phase(wcs[j]!, 60, began + 3000 * steps.filter((x) => 'phase' in x).length)));
      } else {
        steps.push({ control: [...s] });
        await ok(e.c, ...s);
      }
    }
    const during = await info(e.c);
    assert.equal(during.get('aof_rewrite_in_progress'), '1', 'every write happened during the walk');
    const processed = Number(during.get('current_save_keys_processed'));
    assert.ok(processed > 0 && processed < Number(during.get('current_save_keys_total')), `the walk went on under the writes (${processed} keys)`);
    await ok(e.c, 'CONFIG', 'SET', 'rdb-key-save-delay', 0);
    const done = await rewriteDone(e.c);
    assert.deepEqual([done.get('aof_last_bgrewrite_status'), done.get('aof_rewrites')], ['ok', '1']);
    assert.deepEqual(files(dir), [AOF], 'the temp file was renamed over appendonly.aof');
    const mb = assertRewriteLines(e.log);

    // The file: the BASE of the view, then the diff from the marker on.
    const bytes = aofBytes(dir);
    const items = parseAofStrict(bytes);
    const recs = items.map((i) => (i as { argv: string[] }).argv);
    const m = recs.findIndex((r) => r[1] === 'marker:diff');
    assert.ok(m > 0, 'the marker is in the file');
    assert.deepEqual(recs[m - 1], ['SELECT', '15'], 'the diff starts with a SELECT');
    const base = recs.slice(0, m - 1);
    assert.equal(base[0]![0]!.toUpperCase(), 'SELECT');
    for (const r of base) {
      assert.ok(BASE_CMDS.has(r[0]!.toUpperCase()), `not a rewrite record in the BASE: ${JSON.stringify(r).slice(0, 100)}`);
      assert.ok(!r.some((a) => /^(stale:|w\d:|marker:)/.test(a)), `stale or later key in the BASE: ${JSON.stringify(r).slice(0, 100)}`);
    }
    const baseLen = encodeItems(items.slice(0, m - 1)).length;
    const diffBytes = bytes.length - baseLen;
    assert.ok(diffBytes > 256 * 1024, `the diff is large enough to be appended asynchronously (${diffBytes} bytes)`);
    assert.ok(mb >= 0 && mb <= diffBytes / (1024 * 1024) + 0.005, `logged diff size ${mb} MB vs ${diffBytes} bytes of diff in the file`);

    // Appending goes on in the new file.
    await ok(e.c, 'SET', 'after:switch', '1');
    steps.push({ control: ['SET', 'after:switch', '1'] });
    assert.ok(aofBytes(dir).toString('latin1').endsWith(resp('SET', 'after:switch', '1')), 'the next write is appended to the rewritten file');
    const after = await dataset(e.srv);
    assertSameDataset(await expectedDataset(pre, writers, steps), after, 'reference replay of the clients vs the server after the rewrite');
    assert.ok(after.keys.size > 50, `dataset of ${after.keys.size} keys`);
    await scratch.stop(e.srv);

    // The BASE alone is the dataset of the moment BGREWRITEAOF ran.
    const baseDir = scratch.dir();
    fs.writeFileSync(path.join(baseDir, AOF), bytes.subarray(0, baseLen));
    const eb = await start(baseDir);
    assertSameDataset(await dataset(eb.srv), atStart, 'the BASE alone');
    await scratch.stop(eb.srv);

    await assertCheckersAccept(dir);
    const e2 = await start(dir, { appendfsync: variant.fsync });
    assertSameDataset(await dataset(e2.srv), after, 'after restart');
    assert.deepEqual(files(dir), [AOF]);
    await scratch.stop(e2.srv);
  });
}

test('CONFIG SET appendonly yes with data: appendonly.aof appears when the rewrite finishes and holds the writes made meanwhile', async () => {
  const dir = scratch.dir();
  const e = await start(dir, { appendonly: 'no' });
  await pipeline(e.c, preload());
  await ok(e.c, 'CONFIG', 'SET', 'rdb-key-save-delay', 10_000);
  assert.equal(await e.c.call('CONFIG', 'SET', 'appendonly', 'yes'), 'OK');
  const m = await info(e.c);
  assert.deepEqual([m.get('aof_enabled'), m.get('aof_rewrite_in_progress')], ['1', '1']);
  const during: Cmd[] = [];
  for (let i = 0; i < 40; i++) during.push(['SET', `during:${i}`, `v${i}`], ['RPUSH', 'during:list', i], ['HSET', 'p:0:2', `d${i}`, i]);
  during.push(['SELECT', 3], ['DEL', 'p:3:1'], ['SET', 'during:db3', 'x', 'PXAT', FAR]);
  await pipeline(e.c, during);
  assert.equal((await info(e.c)).get('aof_rewrite_in_progress'), '1', 'the writes happened during the rewrite');
  assert.deepEqual(files(dir), [TEMP], 'no appendonly.aof before the rewrite completes');
  await ok(e.c, 'CONFIG', 'SET', 'rdb-key-save-delay', 0);
  assert.equal((await rewriteDone(e.c)).get('aof_last_bgrewrite_status'), 'ok');
  assertRewriteLines(e.log);
  assert.deepEqual(files(dir), [AOF]);
  const recs = records(aofBytes(dir));
  for (const r of [['SET', 'during:0', 'v0'], ['SET', 'during:39', 'v39'], ['DEL', 'p:3:1'], ['SET', 'during:db3', 'x', 'PXAT', String(FAR)]]) {
    assert.ok(recs.some((x) => JSON.stringify(x) === JSON.stringify(r)), `${JSON.stringify(r)} is in the file`);
  }
  await ok(e.c, 'SET', 'after', '1');
  assert.ok(aofBytes(dir).toString('latin1').endsWith(resp('SET', 'after', '1')));
  const before = await dataset(e.srv);
  assert.equal(before.keys.get('3 during:db3')?.pexpiretime, FAR);
  await scratch.stop(e.srv);
  await assertCheckersAccept(dir);
  const e2 = await start(dir);
  assertSameDataset(await dataset(e2.srv), before, 'after restart');
  await scratch.stop(e2.srv);
});

test('CONFIG SET appendonly no during a rewrite: the temp file is removed, appendonly.aof keeps its history and the writes made until then', async () => {
  const dir = scratch.dir();
  const e = await start(dir);
  await pipeline(e.c, preload());
  const history = aofBytes(dir);
  await ok(e.c, 'CONFIG', 'SET', 'rdb-key-save-delay', 10_000);
  assert.equal(await e.c.call('BGREWRITEAOF'), 'Background append only file rewriting started');
  const during: Cmd[] = [];
  for (let i = 0; i < 20; i++) during.push(['SET', `during:${i}`, `v${i}`]);
  await pipeline(e.c, during);
  const atStop = await dataset(e.srv);
  assert.equal(await e.c.call('CONFIG', 'SET', 'appendonly', 'no'), 'OK');
  const m = await info(e.c);
  assert.deepEqual([m.get('aof_enabled'), m.get('aof_rewrite_in_progress')], ['0', '0']);
  assert.equal(m.get('aof_last_bgrewrite_status'), 'ok', 'a rewrite stopped on purpose is no failure');
  assert.equal(e.log.count('*', `Killing running AOF rewrite child: ${process.pid}`), 1);
  await waitFor(() => !fs.existsSync(path.join(dir, TEMP)), 5000, 'the temp file to be removed');
  const file = aofBytes(dir);
  assert.ok(file.subarray(0, history.length).equals(history), 'appendonly.aof still starts with its history');
  const tail = records(file.subarray(history.length));
  assert.deepEqual(tail.filter((r) => r[0] !== 'SELECT'), during.map((c) => c.map(String)), 'and ends with the writes made during the rewrite');
  assert.ok(tail.every((r) => r[0] !== 'SELECT' || r[1] === '0'));
  await ok(e.c, 'SET', 'later', '1');
  assert.equal(aofBytes(dir).length, file.length, 'nothing is appended with the AOF off');
  assert.equal(e.log.countPrefix('Residual parent diff'), 0);
  // The file loads the dataset of the moment the AOF was switched off.
  const copy = scratch.dir();
  fs.copyFileSync(path.join(dir, AOF), path.join(copy, AOF));
  const e2 = await start(copy);
  assertSameDataset(await dataset(e2.srv), atStop, 'appendonly.aof after appendonly no');
  await scratch.stop(e2.srv);
  await scratch.stop(e.srv);
});

test('BGREWRITEAOF with appendonly no writes appendonly.aof from the dataset (replacing an old one), and nothing after', async () => {
  const dir = scratch.dir();
  fs.writeFileSync(path.join(dir, AOF), resp('SELECT', '0') + resp('SET', 'stale', 'old'));
  const e = await start(dir, { appendonly: 'no' });
  assert.equal(await e.c.call('EXISTS', 'stale'), 0, 'appendonly no loads nothing');
  await pipeline(e.c, preload());
  const before = await dataset(e.srv);
  assert.equal(await e.c.call('BGREWRITEAOF'), 'Background append only file rewriting started');
  assert.equal((await rewriteDone(e.c)).get('aof_last_bgrewrite_status'), 'ok');
  assert.equal(e.log.count('*', 'Background AOF rewrite finished successfully'), 1);
  assert.equal(e.log.countPrefix('Residual parent diff'), 0, 'no diff with the AOF off');
  assert.deepEqual(files(dir), [AOF]);
  const file = aofBytes(dir);
  const recs = records(file);
  for (const r of recs) assert.ok(BASE_CMDS.has(r[0]!.toUpperCase()), `not a rewrite record: ${JSON.stringify(r).slice(0, 100)}`);
  assert.ok(!recs.some((r) => r.some((a) => a.startsWith('stale'))), 'no stale history');
  await ok(e.c, 'SET', 'later', '1');
  assert.ok(aofBytes(dir).equals(file), 'nothing is appended with the AOF off');
  await scratch.stop(e.srv);
  await assertCheckersAccept(dir);
  const e2 = await start(dir);
  assertSameDataset(await dataset(e2.srv), before, 'appendonly.aof written with the AOF off');
  await scratch.stop(e2.srv);
});

test('automatic rewrite in classic mode: on growth over the size at start-up, then aof_base_size is the rewritten file', async () => {
  const dir = scratch.dir();
  fs.writeFileSync(path.join(dir, AOF), resp('SELECT', '0') + resp('SET', 'seed', 'x'.repeat(2000)));
  const startSize = fs.statSync(path.join(dir, AOF)).size;
  const e = await start(dir, { 'auto-aof-rewrite-min-size': 4096, 'auto-aof-rewrite-percentage': 100 });
  let m = await info(e.c);
  assert.deepEqual([m.get('aof_base_size'), m.get('aof_current_size')], [String(startSize), String(startSize)], 'the size at start-up is the base');
  // Overwriting one key: the file grows, the dataset does not.
  for (let i = 0; i < 40; i++) await ok(e.c, 'SET', 'seed', `${i}`.padEnd(200, 'y'));
  await waitFor(() => e.log.countPrefix('Starting automatic rewriting of AOF on ') > 0, 10_000, 'the automatic rewrite');
  const growth = Number(/on (\d+)% growth$/.exec(e.log.lines.find((l) => l.text.startsWith('Starting automatic'))!.text)![1]);
  assert.ok(growth >= 100, `growth ${growth}%`);
  m = await rewriteDone(e.c);
  assert.equal(m.get('aof_last_bgrewrite_status'), 'ok');
  const size = fs.statSync(path.join(dir, AOF)).size;
  assert.ok(size < startSize, `the rewritten file (${size} bytes) holds one key`);
  assert.deepEqual([m.get('aof_base_size'), m.get('aof_current_size')], [String(size), String(size)]);
  assert.deepEqual(records(aofBytes(dir)), [['SELECT', '0'], ['SET', 'seed', '39'.padEnd(200, 'y')]]);
  assert.equal(e.log.countPrefix('Starting automatic rewriting'), 1, 'once');
  await scratch.stop(e.srv);
});
