// The kill -9 harness of the AOF crash tests (tests/persistence/aof-crash-*.test.ts): bin/nodis-
// server as a child process with concurrent writers (tests/helpers/aof-crash-writers.ts), killed
// by SIGKILL at a random moment, restarted on the same directory, over many cycles. After each
// kill the files must be complete but for a torn tail of the last INCR (checked with a strict
// scan and with redis-check-aof), the restart must truncate exactly that tail, every write that
// had to survive must be there, and at the end the real redis-server loads the directory with
// the same DBSIZE and DEBUG DIGEST.

import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { RespClient } from './resp-client.js';
import { sleep } from './calls.js';
import { AOF_DIRNAME, manifestEntries } from './aof-files.js';
import { redisCheckAofDir } from './check-aof.js';
import type { Scratch } from './scratch.js';
import { HAVE_REDIS_CHECK_AOF, NO_REDIS_SERVER, REDIS_CHECK_AOF, freePort, kill9, spawnServer, startServerProcess, type ServerProcess } from './server-process.js';
import { SEED, WRITERS, Writer, between, runWriter, verifyAfterRestart } from './aof-crash-writers.js';

const START_TIMEOUT_MS = 20_000;

// ---- processes --------------------------------------------------------------------------

function nodisArgs(dir: string, port: number, fsync: string): string[] {
  return ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', fsync, '--save', '', '--enable-debug-command', 'yes'];
}

/** nodis-server on `dir` with the AOF on and appendfsync `fsync`, not waited for. */
export function spawnNodis(dir: string, port: number, fsync: string): ServerProcess {
  return spawnServer('nodis', nodisArgs(dir, port, fsync), port);
}

/** nodis-server on `dir`, once it is ready. */
export async function startNodis(dir: string, fsync: string): Promise<ServerProcess> {
  const port = await freePort();
  return startServerProcess('nodis', nodisArgs(dir, port, fsync), port, START_TIMEOUT_MS);
}

/** redis-server on `dir` with the AOF on, once it is ready. */
export async function startRedis(dir: string): Promise<ServerProcess> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--enable-debug-command', 'yes', '--daemonize', 'no', '--logfile', ''];
  return startServerProcess('redis', args, port, START_TIMEOUT_MS);
}

// ---- the AOF directory on disk ----------------------------------------------------------

interface ScanResult {
  /** 'ok': ends at a record boundary outside MULTI; 'torn': ends inside a record or MULTI; 'format': a byte that no valid continuation has. */
  readonly kind: 'ok' | 'torn' | 'format';
  /** Offset after the last complete command outside MULTI (what a loader keeps). */
  readonly validUpTo: number;
  readonly records: number;
  readonly detail: string;
}

/** A strict RESP scan (as redis-check-aof: exact CRLFs, MULTI/EXEC nesting). */
function scanAof(buf: Buffer): ScanResult {
  let pos = 0;
  let validUpTo = 0;
  let records = 0;
  let inMulti = false;
  const torn = (why: string): ScanResult => ({ kind: 'torn', validUpTo, records, detail: why });
  const bad = (at: number, why: string): ScanResult => ({ kind: 'format', validUpTo, records, detail: `offset ${at}: ${why}` });
  const line = (from: number): number => buf.indexOf('\r\n', from);
  while (pos < buf.length) {
    const start = pos;
    const c0 = buf[pos]!;
    if (c0 === 0x23 /* '#' annotation */) {
      const nl = line(pos);
      if (nl < 0) return torn('inside an annotation');
      pos = nl + 2;
      if (!inMulti) validUpTo = pos;
      continue;
    }
    if (c0 !== 0x2a) return bad(pos, `expected '*', got ${JSON.stringify(String.fromCharCode(c0))}`);
    const nl = line(pos);
    if (nl < 0) return /^\*\d*\r?$/.test(buf.toString('latin1', pos)) ? torn('inside an argc line') : bad(pos, 'bad argc line');
    const argcText = buf.toString('latin1', pos + 1, nl);
    if (!/^\d+$/.test(argcText) || Number(argcText) < 1) return bad(pos, `bad argc ${JSON.stringify(argcText)}`);
    pos = nl + 2;
    const argv: string[] = [];
    for (let i = 0; i < Number(argcText); i++) {
      if (pos >= buf.length) return torn('before an argument');
      if (buf[pos] !== 0x24) return bad(pos, `expected '$', got ${JSON.stringify(String.fromCharCode(buf[pos]!))}`);
      const nl2 = line(pos);
      if (nl2 < 0) return /^\$\d*\r?$/.test(buf.toString('latin1', pos)) ? torn('inside a length line') : bad(pos, 'bad length line');
      const lenText = buf.toString('latin1', pos + 1, nl2);
      if (!/^\d+$/.test(lenText)) return bad(pos, `bad length ${JSON.stringify(lenText)}`);
      const len = Number(lenText);
      const data = nl2 + 2;
      if (data + len > buf.length) return torn('inside an argument');
      if (i === 0) argv.push(buf.toString('latin1', data, data + len).toLowerCase());
      const crlf = buf.toString('latin1', data + len, Math.min(data + len + 2, buf.length));
      if (crlf !== '\r\n'.slice(0, crlf.length)) return bad(data + len, 'expected CRLF after an argument');
      if (crlf.length < 2) return torn('inside the CRLF after an argument');
      pos = data + len + 2;
    }
    records++;
    if (argv[0] === 'multi') {
      if (inMulti) return bad(start, 'nested MULTI');
      inMulti = true;
    } else if (argv[0] === 'exec') {
      if (!inMulti) return bad(start, 'EXEC without MULTI');
      inMulti = false;
    }
    if (!inMulti) validUpTo = pos;
  }
  return inMulti ? torn('inside MULTI') : { kind: 'ok', validUpTo, records, detail: '' };
}

interface DirState {
  readonly lastIncr: string;
  readonly size: number;
  readonly scan: ScanResult;
}

/** Right after a kill: every file but the last INCR is complete; the last may only have a torn tail. */
function checkDirAfterKill(dir: string): DirState {
  const aofDir = path.join(dir, AOF_DIRNAME);
  const files = manifestEntries(dir).filter((f) => f.type !== 'h');
  assert.ok(files.length >= 1, 'the manifest lists no file');
  const last = files[files.length - 1]!;
  assert.equal(last.type, 'i', 'the last file of the manifest should be an INCR');
  let state: DirState | null = null;
  for (const f of files) {
    const buf = fs.readFileSync(path.join(aofDir, f.name));
    const s = scanAof(buf);
    if (f !== last) {
      assert.equal(s.kind, 'ok', `${f.name} (not the last file) is damaged after a kill: ${s.detail}`);
      continue;
    }
    assert.notEqual(s.kind, 'format', `${f.name} has a format error after a kill (only a torn tail is allowed): ${s.detail}`);
    state = { lastIncr: f.name, size: buf.length, scan: s };
  }
  return state!;
}

/** redis-check-aof on `dir`'s manifest: exit code, stdout and stderr. */
export async function checkAof(dir: string): Promise<{ code: number | null; stdout: string }> {
  const r = await redisCheckAofDir(dir);
  return { code: r.code, stdout: r.stdout + r.stderr };
}

// ---- the harness ------------------------------------------------------------------------------

/**
 * The end of a crash test: reads DBSIZE and DEBUG DIGEST from nodis (`srv`, on `dir`), kills it,
 * and in a subtest the real redis-server loads a copy (scratch dir `copyName`) of the AOF
 * directory: same DBSIZE, same digest.
 */
export async function finalDirInRedis(t: TestContext, scratch: Scratch, srv: ServerProcess, dir: string, copyName: string): Promise<void> {
  const c = await RespClient.connect(srv.port);
  c.send('DEBUG', 'DIGEST');
  const nodisDigest = await c.read(60_000);
  const nodisSize = await c.call('DBSIZE');
  c.close();
  assert.match(String(nodisDigest), /^[0-9a-f]{40}$/);
  await kill9(srv);
  await t.test('the final directory loads in redis-server with the same DBSIZE and DEBUG DIGEST', { skip: NO_REDIS_SERVER }, async () => {
    const copy = scratch.dir(copyName);
    fs.cpSync(path.join(dir, AOF_DIRNAME), path.join(copy, AOF_DIRNAME), { recursive: true });
    const redis = await startRedis(copy);
    try {
      const rc = await RespClient.connect(redis.port);
      assert.equal(await rc.call('DBSIZE'), nodisSize, 'DBSIZE in redis-server vs nodis');
      rc.send('DEBUG', 'DIGEST');
      assert.equal(await rc.read(60_000), nodisDigest, 'DEBUG DIGEST in redis-server vs nodis');
      rc.close();
    } finally {
      await kill9(redis);
    }
  });
}


export interface HarnessStats {
  cycles: number;
  sent: number;
  acked: number;
  ackedVerified: number;
  ackedLost: number;
  ackedLostOld: number;
  unackedSurvived: number;
  unackedLost: number;
  tornTails: number;
  revertedMulti: number;
  maxLostAckAgeMs: number;
}

export interface HarnessOptions {
  readonly fsync: 'always' | 'everysec';
  readonly cycles: number;
  readonly budgetMs: number;
  /** The kill comes this long after the writers start (random within). */
  readonly killWindowMs: [number, number];
  readonly pauseMs: [number, number];
  /** Acknowledged writes older than this before the kill must survive (0: all of them). */
  readonly graceMs: number;
}

export async function crashHarness(t: TestContext, scratch: Scratch, opts: HarnessOptions): Promise<HarnessStats> {
  const dir = scratch.dir(`crash-${opts.fsync}`);
  const writers = Array.from({ length: WRITERS }, (_, w) => new Writer(w));
  const stats: HarnessStats = {
    cycles: 0,
    sent: 0,
    acked: 0,
    ackedVerified: 0,
    ackedLost: 0,
    ackedLostOld: 0,
    unackedSurvived: 0,
    unackedLost: 0,
    tornTails: 0,
    revertedMulti: 0,
    maxLostAckAgeMs: 0,
  };
  const began = Date.now();
  let srv = await startNodis(dir, opts.fsync);
  try {
    while (stats.cycles < opts.cycles && (stats.cycles === 0 || Date.now() - began < opts.budgetMs)) {
      const cycle = stats.cycles + 1;
      const killed = { v: false };
      const runs = writers.map((wr, i) => runWriter(wr, srv.port, i % 2 === 0, opts.pauseMs, killed));
      await sleep(between(opts.killWindowMs[0], opts.killWindowMs[1]));
      const killAt = Date.now();
      killed.v = true;
      await kill9(srv, true);
      await Promise.all(runs);
      for (const wr of writers) assert.deepEqual(wr.errors, [], `cycle ${cycle}: writer errors`);

      // The files as the kill left them.
      const onDisk = checkDirAfterKill(dir);
      if (onDisk.scan.kind === 'torn') stats.tornTails++;
      if (HAVE_REDIS_CHECK_AOF) {
        const r = await checkAof(dir);
        if (onDisk.scan.kind === 'ok') {
          assert.equal(r.code, 0, `cycle ${cycle}: redis-check-aof right after the kill:\n${r.stdout}`);
        } else {
          assert.equal(r.code, 1, `cycle ${cycle}: redis-check-aof should see the torn tail:\n${r.stdout}`);
          assert.ok(
            r.stdout.includes(`AOF analyzed: filename=${onDisk.lastIncr}, size=${onDisk.size}, ok_up_to=${onDisk.scan.validUpTo},`),
            `cycle ${cycle}: redis-check-aof should report the torn tail of the last INCR at ${onDisk.scan.validUpTo}:\n${r.stdout}`,
          );
        }
      }

      srv = await startNodis(dir, opts.fsync);
      const log = srv.output();
      const truncLine = `!!! Truncating the AOF ${onDisk.lastIncr} at offset ${onDisk.scan.validUpTo} !!!`;
      if (onDisk.scan.kind === 'torn') {
        assert.ok(log.includes(truncLine), `cycle ${cycle}: the torn tail (${onDisk.scan.detail}) should be truncated on load:\n${log}`);
        if (log.includes('Revert incomplete MULTI/EXEC transaction')) stats.revertedMulti++;
        assert.equal(fs.statSync(path.join(dir, 'appendonlydir', onDisk.lastIncr)).size, onDisk.scan.validUpTo, `cycle ${cycle}: size of the truncated INCR`);
      } else {
        assert.ok(!log.includes('Truncating the AOF'), `cycle ${cycle}: a complete AOF was truncated on load:\n${log}`);
      }
      if (HAVE_REDIS_CHECK_AOF) {
        const r = await checkAof(dir);
        assert.equal(r.code, 0, `cycle ${cycle}: redis-check-aof after nodis loaded:\n${r.stdout}`);
        assert.match(r.stdout, /All AOF files and manifest are valid/);
      }

      // The data: every acknowledged op must be there (always), or every one acknowledged before the grace period (everysec).
      await verifyAfterRestart(srv.port, writers, { killAt, ackedBy: opts.graceMs === 0 ? Infinity : killAt - opts.graceMs, context: `cycle ${cycle} (appendfsync ${opts.fsync})` }, ({ op, survived, required }) => {
        stats.sent++;
        if (op.ackAt > 0) {
          stats.acked++;
          if (survived) stats.ackedVerified++;
          else {
            stats.ackedLost++;
            stats.maxLostAckAgeMs = Math.max(stats.maxLostAckAgeMs, killAt - op.ackAt);
            if (required) stats.ackedLostOld++;
          }
        } else if (survived) stats.unackedSurvived++;
        else stats.unackedLost++;
      });
      stats.cycles++;
    }

    await finalDirInRedis(t, scratch, srv, dir, 'crash-redis');
  } finally {
    await kill9(srv);
  }
  return stats;
}

export function report(t: TestContext, name: string, s: HarnessStats, ms: number): void {
  t.diagnostic(
    `${name}: seed ${SEED}, ${s.cycles} kill/restart cycles in ${(ms / 1000).toFixed(1)} s, ${WRITERS} writers; ` +
      `${s.sent} ops sent, ${s.acked} acknowledged, ${s.ackedVerified} acknowledged and verified present, ${s.ackedLost} acknowledged but lost` +
      `${s.ackedLost > 0 ? ` (the oldest acked ${s.maxLostAckAgeMs} ms before its kill)` : ''}; ` +
      `unacknowledged (in flight): ${s.unackedSurvived} survived, ${s.unackedLost} lost; torn tails after kill: ${s.tornTails}, reverted MULTI: ${s.revertedMulti}; ` +
      `redis-check-aof ${HAVE_REDIS_CHECK_AOF ? 'passed after every kill and load' : `not run (${REDIS_CHECK_AOF} is not installed)`}`,
  );
}
