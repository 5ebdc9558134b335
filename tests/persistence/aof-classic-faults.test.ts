// Faults of the classic rewrite (`aof-multi-part no`, src/aof/classic.ts).
//
// 1. The temp file behind a FaultFs (tests/helpers/fault-fs.ts), armed the moment the walk's
//    BASE is complete ("Successfully created the temporary AOF base file"), so that the fault
//    hits the diff flush: its asynchronous writes (a diff over 256 KB), the final synchronous
//    step's write (a small diff), a disk that fills up in the middle of the append, the rename.
//    Each time: Redis's line, aof_last_bgrewrite_status:err, the temp file removed, the old
//    appendonly.aof untouched and still appended to, and a restart loads everything (including
//    the writes made during the failed rewrite); then a rewrite without the fault succeeds.
// 2. SIGKILL of bin/nodis-server (appendfsync always) while rewrites run back to back under
//    concurrent writers (tests/helpers/aof-crash-writers.ts): after each kill the file is whole
//    but for a torn tail (redis-check-aof), the restart truncates exactly that tail, and every
//    acknowledged write is there (the surviving writes of a connection are a prefix of what it
//    sent, the state is exactly that prefix).
//    Tunable: NODIS_CRASH_CYCLES / NODIS_CRASH_SECONDS, NODIS_CRASH_WRITERS, NODIS_CRASH_SEED.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { ServerOptions } from '../../src/index.js';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { RespClient, RespError } from '../helpers/resp-client.js';
import { info, ok, pipeline, sleep } from '../helpers/calls.js';
import { LogLines } from '../helpers/aof-env.js';
import { parseAofStrict, resp } from '../helpers/aof-files.js';
import { assertSameDataset, readDatasetAt } from '../helpers/dataset-compare.js';
import { runCheckAof } from '../helpers/check-aof.js';
import { FaultFs } from '../helpers/fault-fs.js';
import { useScratch } from '../helpers/scratch.js';
import { HAVE_REDIS_CHECK_AOF, freePort, kill9, startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { SEED, WRITERS, Writer, between, envInt, runWriter, verifyAfterRestart } from '../helpers/aof-crash-writers.js';

const scratch = useScratch('nodis-aof-classic-faults-');

const AOF = 'appendonly.aof';
const TEMP = `temp-rewriteaof-bg-${process.pid}.aof`;
const files = (dir: string): string[] => fs.readdirSync(dir).sort();
const aofBytes = (dir: string): Buffer => fs.readFileSync(path.join(dir, AOF));

/** A FaultFs on the temp rewrite file that counts the asynchronous writes made once armed. */
class TempFaultFs extends FaultFs {
  armed = false;
  asyncWritesArmed = 0;

  constructor() {
    super();
    this.target = (p) => p.endsWith(TEMP);
  }

  override writeAsync(fd: number, buf: Buffer, offset: number, length: number, done: (err: NodeJS.ErrnoException | null, n: number) => void): void {
    if (this.armed) this.asyncWritesArmed++;
    super.writeAsync(fd, buf, offset, length, done);
  }
}

async function start(dir: string, options: ServerOptions, ffs?: FaultFs): Promise<{ srv: TestServer; c: RespClient; log: LogLines }> {
  const srv = scratch.keep(
    await startTestServer(
      { appendonly: 'yes', 'aof-multi-part': 'no', 'aof-use-rdb-preamble': 'no', loglevel: 'notice', logfile: path.join(scratch.root, `${path.basename(dir)}.log`), dir, ...options },
      ffs === undefined ? {} : { aofFs: ffs },
    ),
  );
  const log = new LogLines();
  srv.server.logger.sinks.push(log);
  return { srv, c: scratch.client(await srv.client()), log };
}

async function rewriteDone(c: RespClient): Promise<Map<string, string>> {
  let m = new Map<string, string>();
  await waitFor(async () => {
    m = await info(c);
    return m.get('aof_rewrite_in_progress') === '0';
  }, 20_000, 'the rewrite to end');
  return m;
}

const BIG = 'D'.repeat(4096);

interface FaultCase {
  readonly name: string;
  readonly fsync: 'always' | 'everysec';
  /** Writes during the walk: a diff over 256 KB is appended asynchronously first. */
  readonly bigDiff: boolean;
  readonly arm: (ffs: TempFaultFs) => void;
  readonly line: string;
  readonly asyncWrites: 'some' | 'none';
  /** Redis logs the Residual line once the diff is written, before the rename. */
  readonly residualLogged?: boolean;
}

const NO_SPACE = 'Error trying to flush the parent diff to the rewritten AOF: No space left on device';
const CASES: FaultCase[] = [
  { name: 'the asynchronous writes of the diff fail (ENOSPC)', fsync: 'everysec', bigDiff: true, arm: (f) => f.failWrites('ENOSPC'), line: NO_SPACE, asyncWrites: 'some' },
  { name: 'the asynchronous writes of the diff fail (ENOSPC), appendfsync always', fsync: 'always', bigDiff: true, arm: (f) => f.failWrites('ENOSPC'), line: NO_SPACE, asyncWrites: 'some' },
  { name: "the final synchronous step's write fails (ENOSPC)", fsync: 'everysec', bigDiff: false, arm: (f) => f.failWrites('ENOSPC'), line: NO_SPACE, asyncWrites: 'none' },
  { name: 'the disk fills up in the middle of the asynchronous append', fsync: 'everysec', bigDiff: true, arm: (f) => f.partialWrites(100_000), line: NO_SPACE, asyncWrites: 'some' },
  {
    name: 'the rename over appendonly.aof fails (EIO)',
    fsync: 'everysec',
    bigDiff: false,
    arm: (f) => f.failRenames('EIO', 1),
    line: `Error trying to rename the temporary AOF file ${TEMP} into appendonly.aof: Input/output error`,
    asyncWrites: 'none',
    residualLogged: true,
  },
];

for (const fc of CASES) {
  test(`classic rewrite fault: ${fc.name} -> status err, temp file removed, appendonly.aof still appended to, restart loads everything`, async () => {
    const dir = scratch.dir();
    const ffs = new TempFaultFs();
    scratch.onCleanup(() => ffs.dispose());
    const e = await start(dir, { appendfsync: fc.fsync }, ffs);
    // Armed synchronously by the line logged just before the diff flush begins.
    e.srv.server.logger.sinks.push({
      write: (line) => {
        if (!ffs.armed && line.includes(`Successfully created the temporary AOF base file ${TEMP}`)) {
          ffs.armed = true;
          fc.arm(ffs);
        }
      },
    });
    const pre: (string | number)[][] = [];
    for (let i = 0; i < 200; i++) pre.push(['SET', `k:${i}`, `v${i}`], ['RPUSH', `l:${i % 10}`, i], ['ZADD', 'z', i, `m${i}`]);
    pre.push(['HSET', 'h', 'f', 'v'], ['SADD', 's', 'a', 'b'], ['PEXPIREAT', 'h', Date.now() + 86_400_000]);
    await pipeline(e.c, pre);
    const history = aofBytes(dir);

    await ok(e.c, 'CONFIG', 'SET', 'rdb-key-save-delay', 5000);
    assert.equal(await e.c.call('BGREWRITEAOF'), 'Background append only file rewriting started');
    const during: (string | number)[][] = [];
    for (let i = 0; i < (fc.bigDiff ? 100 : 20); i++) during.push(['SET', `during:${i}`, fc.bigDiff ? BIG + i : `d${i}`], ['INCR', 'during:n']);
    await pipeline(e.c, during);
    assert.equal((await info(e.c)).get('aof_rewrite_in_progress'), '1', 'the writes happened during the walk');
    await ok(e.c, 'CONFIG', 'SET', 'rdb-key-save-delay', 0);
    const m = await rewriteDone(e.c);

    assert.ok(ffs.armed, 'the walk completed and the fault was armed');
    assert.ok(ffs.calls.failedWrites + ffs.calls.failedRenames > 0, 'the fault was hit');
    if (fc.asyncWrites === 'some') assert.ok(ffs.asyncWritesArmed > 0, 'the diff was being appended asynchronously');
    else assert.equal(ffs.asyncWritesArmed, 0, 'the whole diff went through the final synchronous step');
    assert.equal(e.log.count('#', fc.line), 1, e.log.dump());
    assert.equal(e.log.count('*', 'Background AOF rewrite finished successfully'), 0);
    const residual = e.log.lines.findIndex((l) => /^Residual parent diff successfully flushed to the rewritten AOF \(\d+\.\d\d MB\)$/.test(l.text));
    if (fc.residualLogged === true) {
      // backgroundRewriteDoneHandler: the diff is flushed and logged, then the rename fails.
      const failed = e.log.lines.findIndex((l) => l.text === fc.line);
      assert.ok(residual >= 0 && residual < failed, `the Residual line comes before the rename error, as in Redis:\n${e.log.dump()}`);
    } else {
      assert.equal(residual, -1, 'no Residual line when the diff could not be written');
    }
    assert.equal(m.get('aof_last_bgrewrite_status'), 'err');
    assert.equal(m.get('aof_rewrites_consecutive_failures'), '1');
    assert.equal(m.get('aof_last_write_status'), 'ok', 'the AOF itself never failed');
    assert.deepEqual(files(dir), [AOF], 'the temp file was removed');

    // The old file was neither replaced nor damaged, and still receives every write.
    ffs.clear();
    const file = aofBytes(dir);
    assert.ok(file.subarray(0, history.length).equals(history), 'appendonly.aof keeps its history');
    const tail = parseAofStrict(file.subarray(history.length)).map((i) => (i as { argv: string[] }).argv);
    assert.deepEqual(tail.filter((r) => r[0] !== 'SELECT'), during.map((c) => c.map(String)), 'the writes made during the rewrite were appended to it');
    await ok(e.c, 'SET', 'after:failure', '1');
    assert.ok(aofBytes(dir).toString('latin1').endsWith(resp('SET', 'after:failure', '1')));
    assert.equal(await e.c.call('PING'), 'PONG');
    const before = await readDatasetAt(e.srv.port);
    assert.equal(before.keys.get('0 during:n')?.value, fc.bigDiff ? '100' : '20');
    await scratch.stop(e.srv);

    const e2 = await start(dir, { appendfsync: fc.fsync });
    assertSameDataset(await readDatasetAt(e2.srv.port), before, 'restart after the failed rewrite');
    // Without the fault the next rewrite goes through and loses nothing either.
    assert.equal(await e2.c.call('BGREWRITEAOF'), 'Background append only file rewriting started');
    assert.equal((await rewriteDone(e2.c)).get('aof_last_bgrewrite_status'), 'ok');
    assert.ok(!aofBytes(dir).subarray(0, history.length).equals(history), 'the file was rewritten');
    await scratch.stop(e2.srv);
    const e3 = await start(dir, { appendfsync: fc.fsync });
    assertSameDataset(await readDatasetAt(e3.srv.port), before, 'restart after the next, successful rewrite');
    await scratch.stop(e3.srv);
  });
}

// ---- SIGKILL during rewrites ----------------------------------------------------------------------

const CYCLES = envInt('NODIS_CRASH_CYCLES', 10);
const BUDGET_MS = envInt('NODIS_CRASH_SECONDS', 30) * 1000;

async function startNodis(dir: string): Promise<ServerProcess> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--aof-multi-part', 'no', '--appendfsync', 'always'];
  args.push('--aof-use-rdb-preamble', 'no', '--save', '', '--enable-debug-command', 'yes', '--logfile', '');
  return startServerProcess('nodis', args, port, 20_000);
}

/**
 * BGREWRITEAOF back to back (with short random pauses) until the kill; counts the completed
 * ones. `keyDelayUs` > 0 slows the walks down (the kill then surely lands in one); with 0 they
 * are short and the kill lands anywhere: walk, diff append, final step, switch, between two.
 */
async function rewriteLoop(port: number, keyDelayUs: number, killed: { v: boolean }, counts: { started: number; completed: number }, errors: string[]): Promise<void> {
  let c: RespClient;
  try {
    c = await RespClient.connect(port);
  } catch (err) {
    if (!killed.v) errors.push(`rewrite loop: ${String(err)}`);
    return;
  }
  try {
    await ok(c, 'CONFIG', 'SET', 'rdb-key-save-delay', keyDelayUs);
    while (!killed.v) {
      const r = await c.call('BGREWRITEAOF');
      if (r instanceof RespError) {
        if (r.message !== 'ERR Background append only file rewriting already in progress') errors.push(`BGREWRITEAOF: ${r.message}`);
      } else {
        counts.started++;
      }
      for (;;) {
        const m = String(await c.call('INFO', 'persistence'));
        if (m.includes('\r\naof_rewrite_in_progress:0\r\n')) {
          if (!m.includes('\r\naof_last_bgrewrite_status:ok\r\n')) errors.push('a rewrite failed');
          break;
        }
        await sleep(3);
      }
      counts.completed++;
      await sleep(between(0, 30));
    }
  } catch (err) {
    if (!killed.v) errors.push(`rewrite loop: ${String(err)}`);
  } finally {
    c.close();
  }
}

test('SIGKILL during classic rewrites under concurrent writers (appendfsync always): the file always loads and every acknowledged write is there', async (t) => {
  const dir = scratch.dir('crash');
  const writers = Array.from({ length: WRITERS }, (_, w) => new Writer(w));
  const counts = { started: 0, completed: 0 };
  const stats = { cycles: 0, acked: 0, verified: 0, tornTails: 0, killsInRewrite: 0 };
  const began = Date.now();
  let srv = await startNodis(dir);
  try {
    while (stats.cycles < CYCLES && (stats.cycles === 0 || Date.now() - began < BUDGET_MS)) {
      const cycle = stats.cycles + 1;
      const killed = { v: false };
      const errors: string[] = [];
      const runs = writers.map((wr, i) => runWriter(wr, srv.port, i % 2 === 0, [0, 0], killed));
      const loop = rewriteLoop(srv.port, cycle % 2 === 0 ? 1000 : 0, killed, counts, errors);
      await sleep(between(200, 1500));
      const killAt = Date.now();
      killed.v = true;
      const pid = srv.child.pid!;
      await kill9(srv, true);
      await Promise.all([...runs, loop]);
      for (const wr of writers) assert.deepEqual(wr.errors, [], `cycle ${cycle}: writer errors`);
      assert.deepEqual(errors, [], `cycle ${cycle}: rewrite loop`);
      const temp = path.join(dir, `temp-rewriteaof-bg-${pid}.aof`);
      if (fs.existsSync(temp)) {
        stats.killsInRewrite++;
        fs.rmSync(temp); // a leftover of the dead process (Redis leaves it too)
      }
      assert.deepEqual(files(dir).filter((f) => f !== AOF), [], `cycle ${cycle}: files next to appendonly.aof`);

      // Whole but for a torn tail, which the restart truncates exactly.
      const size = fs.statSync(path.join(dir, AOF)).size;
      const chk = await runCheckAof(HAVE_REDIS_CHECK_AOF ? 'redis' : 'nodis', [AOF], { cwd: dir });
      const okUpTo = Number(/ok_up_to=(\d+),/.exec(chk.stdout)?.[1] ?? NaN);
      assert.ok(chk.code === 0 || (chk.code === 1 && okUpTo < size), `cycle ${cycle}: check-aof right after the kill:\n${chk.stdout}${chk.stderr}`);
      srv = await startNodis(dir);
      if (chk.code === 0) {
        assert.ok(!srv.output().includes('Truncating the AOF'), `cycle ${cycle}: a whole file was truncated:\n${srv.output()}`);
      } else {
        stats.tornTails++;
        assert.ok(srv.output().includes(`!!! Truncating the AOF ${AOF} at offset ${okUpTo} !!!`), `cycle ${cycle}: the torn tail is truncated at ${okUpTo}:\n${srv.output()}`);
        assert.equal(fs.statSync(path.join(dir, AOF)).size, okUpTo);
      }

      await verifyAfterRestart(srv.port, writers, { killAt, ackedBy: Infinity, context: `cycle ${cycle} (classic rewrites, appendfsync always)` }, ({ op, survived, required }) => {
        if (op.ackAt > 0) stats.acked++;
        if (required && survived) stats.verified++;
      });
      stats.cycles++;
    }
  } finally {
    await kill9(srv);
  }
  t.diagnostic(
    `seed ${SEED}: ${stats.cycles} kill/restart cycles in ${((Date.now() - began) / 1000).toFixed(1)} s, ${WRITERS} writers; ` +
      `${counts.started} rewrites started, ${counts.completed} seen to end; ${stats.killsInRewrite} kills during a rewrite; ` +
      `${stats.acked} acknowledged ops, all verified present; torn tails: ${stats.tornTails}`,
  );
  assert.ok(stats.acked > 0, 'the writers got no write acknowledged');
  assert.ok(counts.completed > 0, 'no rewrite completed');
  assert.ok(stats.killsInRewrite > 0, 'no kill hit a running rewrite');
});
