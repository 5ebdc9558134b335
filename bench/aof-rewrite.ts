// `npm run bench:rewrite` (and the end of `npm run bench`): a background AOF rewrite of the same
// dataset on nodis and on Debian's redis-server.
//
// Dataset: DEBUG POPULATE BENCH_REWRITE_KEYS (2,000,000 `key:<n>` strings) plus BENCH_REWRITE_LISTS
// lists of 1000 elements, on both servers (appendonly yes, appendfsync everysec, RESP bases).
// Measured per server, BENCH_REWRITE_ROUNDS times:
//   duration  BGREWRITEAOF until INFO aof_rewrite_in_progress:0 (idle server);
//   memory    nodis: peak RSS during the rewrite minus RSS before it, against the dataset's RSS
//             (RSS after populating minus before); redis: its child's copy-on-write peak
//             ("Fork CoW for AOF rewrite: ... peak N MB") against used_memory_dataset;
//   stall     nodis: the longest event-loop delay during the rewrite (perf_hooks
//             monitorEventLoopDelay, 1 ms resolution); redis: latest_fork_usec (its main thread
//             is stopped for the fork);
//   load      redis-benchmark SET (-c 50, -r over the key count) with rewrites running back to
//             back, over the same without (median of BENCH_REWRITE_ROUNDS alternating pairs).
// nodis runs in this process (startServer), so its event loop can be watched directly; start
// with --expose-gc for steadier memory figures (npm run bench does).
//
// Environment: BENCH_REWRITE_KEYS [2000000] (0 skips), BENCH_REWRITE_LISTS [100],
// BENCH_REWRITE_ROUNDS [3], BENCH_REWRITE_LOAD_N [300000] (0 skips the load part).

import { execFile, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startServer } from '../src/index.js';
import { envInt, freePort, median } from './common.js';

const KEYS = envInt('BENCH_REWRITE_KEYS', 2_000_000);
const LISTS = envInt('BENCH_REWRITE_LISTS', 100);
const ROUNDS = Math.max(1, envInt('BENCH_REWRITE_ROUNDS', 3));
const LOAD_N = envInt('BENCH_REWRITE_LOAD_N', 300_000);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** redis-cli, asynchronously (the nodis under test shares this event loop). */
function cli(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', ['-p', String(port), ...args], { maxBuffer: 1 << 24 }, (err, stdout) => (err ? reject(err) : resolve(stdout.trim())));
  });
}

async function infoField(port: number, section: string, field: string): Promise<string> {
  const info = await cli(port, 'INFO', section);
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(info);
  if (!m) throw new Error(`INFO ${section} has no ${field}`);
  return m[1]!.trim();
}

async function populate(port: number): Promise<void> {
  await cli(port, 'DEBUG', 'POPULATE', String(KEYS));
  const script: string[] = [];
  for (let l = 0; l < LISTS; l++) {
    const args = [`list:${l}`];
    for (let i = 0; i < 1000; i++) args.push(`element-${i}`);
    script.push(`RPUSH ${args.join(' ')}`);
  }
  if (script.length > 0) {
    await new Promise<void>((resolve, reject) => {
      const p = spawn('redis-cli', ['-p', String(port)], { stdio: ['pipe', 'ignore', 'inherit'] });
      p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`redis-cli exited ${code}`))));
      p.stdin.end(script.join('\n') + '\n');
    });
  }
}

/** How to start a rewrite and watch it: nodis in-process (no redis-cli spawns on the loop under watch), redis through redis-cli. */
interface RewriteControl {
  start(): Promise<string>;
  inProgress(): Promise<boolean>;
  ok(): Promise<boolean>;
}

function redisControl(port: number): RewriteControl {
  return {
    start: () => cli(port, 'BGREWRITEAOF'),
    inProgress: async () => (await infoField(port, 'persistence', 'aof_rewrite_in_progress')) === '1',
    ok: async () => (await infoField(port, 'persistence', 'aof_last_bgrewrite_status')) === 'ok',
  };
}

/** Starts BGREWRITEAOF and resolves with its duration (ms) once it is over. */
async function rewriteOnce(ctl: RewriteControl): Promise<number> {
  const t0 = performance.now();
  const reply = await ctl.start();
  if (!reply.startsWith('Background append only file rewriting started')) throw new Error(`BGREWRITEAOF: ${reply}`);
  while (await ctl.inProgress()) await sleep(5);
  if (!(await ctl.ok())) throw new Error('the rewrite failed');
  return performance.now() - t0;
}

/** redis-benchmark SET requests/s, optionally with rewrites running back to back meanwhile. */
async function loadRps(port: number, ctl: RewriteControl, withRewrites: boolean): Promise<number> {
  const bench = new Promise<number>((resolve, reject) => {
    execFile(
      'redis-benchmark',
      ['-p', String(port), '-t', 'set', '-n', String(LOAD_N), '-c', '50', '-r', String(Math.max(1, KEYS)), '-d', '16', '--csv'],
      { maxBuffer: 1 << 24 },
      (err, stdout) => {
        if (err) return reject(err);
        const m = /"SET","([\d.]+)"/.exec(stdout);
        if (!m) return reject(new Error(`redis-benchmark output: ${stdout}`));
        resolve(Number(m[1]));
      },
    );
  });
  let done = false;
  const rewrites = (async () => {
    let n = 0;
    while (withRewrites && !done) {
      await rewriteOnce(ctl);
      n++;
    }
    return n;
  })();
  const rps = await bench;
  done = true;
  const n = await rewrites;
  if (withRewrites && n === 0) throw new Error('no rewrite ran during the load');
  return rps;
}

/** SET throughput during back-to-back rewrites over alone: the median of ROUNDS alternating pairs. */
async function loadRatio(name: string, port: number, ctl: RewriteControl): Promise<number> {
  const ratios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const plain = await loadRps(port, ctl, false);
    const during = await loadRps(port, ctl, true);
    ratios.push(during / plain);
    process.stderr.write(`  ${name} SET: ${plain.toFixed(0)} req/s alone, ${during.toFixed(0)} req/s during rewrites\n`);
  }
  return median(ratios);
}

interface Result {
  durationsMs: number[];
  /** Extra memory during the rewrite, as a fraction of the dataset. */
  memFractions: number[];
  stallsMs: number[];
  loadRatio: number | null;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function benchNodis(): Promise<Result> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-bench-rewrite-'));
  const srv = await startServer({ port: 0, dir, appendonly: 'yes', appendfsync: 'everysec', 'aof-use-rdb-preamble': 'no', 'enable-debug-command': 'yes', 'auto-aof-rewrite-percentage': 0, save: '' });
  try {
    gc?.();
    const rssEmpty = process.memoryUsage.rss();
    await populate(srv.port);
    gc?.();
    const dataset = process.memoryUsage.rss() - rssEmpty;
    const persistence = srv.server.persistence;
    const ctl: RewriteControl = {
      start: () => new Promise<string>((resolve) => persistence.bgrewriteaof((r) => resolve('ok' in r ? r.ok : r.error))),
      inProgress: async () => persistence.info().aofRewriteInProgress,
      ok: async () => persistence.info().aofLastBgrewriteStatus === 'ok',
    };
    const res: Result = { durationsMs: [], memFractions: [], stallsMs: [], loadRatio: null };
    for (let r = 0; r < ROUNDS; r++) {
      // No forced GC here: it shrinks V8's young generation, whose regrowth during the walk
      // (page faults) would be charged to the rewrite; a serving server keeps it grown.
      await sleep(200);
      const before = process.memoryUsage.rss();
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
      const loop = monitorEventLoopDelay({ resolution: 1 });
      loop.enable();
      const ms = await rewriteOnce(ctl);
      loop.disable();
      clearInterval(sampler);
      res.durationsMs.push(ms);
      res.memFractions.push((peak - before) / dataset);
      res.stallsMs.push(loop.max / 1e6);
      process.stderr.write(`  nodis round ${r + 1}: ${ms.toFixed(0)} ms, +${((peak - before) / 1048576).toFixed(1)} MB RSS (dataset ${(dataset / 1048576).toFixed(0)} MB), worst loop delay ${(loop.max / 1e6).toFixed(1)} ms\n`);
    }
    if (LOAD_N > 0) res.loadRatio = await loadRatio('nodis', srv.port, ctl);
    return res;
  } finally {
    await srv.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function benchRedis(): Promise<Result> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-bench-rewrite-'));
  const port = await freePort();
  const logfile = path.join(dir, 'redis.log');
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--aof-use-rdb-preamble', 'no', '--enable-debug-command', 'yes', '--auto-aof-rewrite-percentage', '0', '--logfile', logfile],
    { stdio: 'ignore' },
  );
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await cli(port, 'PING')) === 'PONG') break;
      } catch {
        // not listening yet
      }
      if (i > 200) throw new Error('redis-server did not start');
      await sleep(25);
    }
    await populate(port);
    const dataset = Number(await infoField(port, 'memory', 'used_memory_dataset'));
    const ctl = redisControl(port);
    const res: Result = { durationsMs: [], memFractions: [], stallsMs: [], loadRatio: null };
    for (let r = 0; r < ROUNDS; r++) {
      const ms = await rewriteOnce(ctl);
      const forkUs = Number(await infoField(port, 'stats', 'latest_fork_usec'));
      // The child's last CoW report (MB) for this rewrite.
      const cow = [...fs.readFileSync(logfile, 'latin1').matchAll(/Fork CoW for AOF rewrite: current \d+ MB, peak (\d+) MB/g)].pop();
      const cowBytes = cow ? Number(cow[1]) * 1048576 : 0;
      res.durationsMs.push(ms);
      res.memFractions.push(cowBytes / dataset);
      res.stallsMs.push(forkUs / 1000);
      process.stderr.write(`  redis round ${r + 1}: ${ms.toFixed(0)} ms, CoW peak ${(cowBytes / 1048576).toFixed(0)} MB (dataset ${(dataset / 1048576).toFixed(0)} MB), fork ${(forkUs / 1000).toFixed(1)} ms\n`);
    }
    if (LOAD_N > 0) res.loadRatio = await loadRatio('redis', port, ctl);
    return res;
  } finally {
    proc.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function runRewriteBench(): Promise<void> {
  if (KEYS === 0) return;
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    process.stderr.write('bench:rewrite: redis-server not found, skipped\n');
    return;
  }
  process.stderr.write(`AOF rewrite: ${KEYS} keys + ${LISTS} lists of 1000, ${ROUNDS} rounds per server\n`);
  const nodis = await benchNodis();
  const redis = await benchRedis();
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const dn = median(nodis.durationsMs);
  const dr = median(redis.durationsMs);
  const out = [
    '',
    `AOF rewrite: ${KEYS.toLocaleString('en-US')} keys + ${LISTS} lists (medians of ${ROUNDS})`,
    `                     nodis        redis     target`,
    `duration        ${`${dn.toFixed(0)} ms`.padStart(10)}   ${`${dr.toFixed(0)} ms`.padStart(10)}     nodis/redis ${(dn / dr).toFixed(2)} (<= 1.5)`,
    `extra memory    ${pct(median(nodis.memFractions)).padStart(10)}   ${pct(median(redis.memFractions)).padStart(10)}     of the dataset (nodis <= 10%; redis: CoW peak)`,
    `worst stall     ${`${Math.max(...nodis.stallsMs).toFixed(1)} ms`.padStart(10)}   ${`${Math.max(...redis.stallsMs).toFixed(1)} ms`.padStart(10)}     (nodis <= 10 ms; redis: the fork)`,
  ];
  if (nodis.loadRatio !== null && redis.loadRatio !== null) {
    out.push(`SET during/alone ${nodis.loadRatio.toFixed(2).padStart(9)}   ${redis.loadRatio.toFixed(2).padStart(10)}     (nodis >= 0.7)`);
  }
  process.stdout.write(out.join('\n') + '\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  runRewriteBench().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
