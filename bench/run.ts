// `npm run bench`: nodis against Debian's redis-server, same settings, same redis-benchmark
// runs, alternating which server goes first in each round. Prints requests/s per test for both
// servers (median over rounds) and the median of the per-round ratios nodis/redis.
//
// Environment (defaults in brackets):
//   BENCH_N [100000]           requests per test without pipelining
//   BENCH_PIPELINE_N [4×N]     requests per test with pipelining
//   BENCH_PIPELINE [16]        -P for the pipelined runs (0 skips them)
//   BENCH_ROUNDS [5]           rounds; each runs both servers, in alternating order
//   BENCH_CLIENTS [50]         -c
//   BENCH_TESTS [set,get,incr,mset,lpush,rpush,lpop,rpop,sadd,spop,hset,zadd,zpopmin,lrange]
//                              -t for the runs without pipelining (lrange = LRANGE_100..600)
//   BENCH_PIPELINE_TESTS [set,get]    -t for the pipelined runs
//   BENCH_PERSISTENCE [no,everysec,always]  comma list of persistence settings to compare, each run as its
//                              own series: no (appendonly no), or an appendfsync policy
//                              (always, everysec, no-fsync = appendonly yes + appendfsync no)
//   BENCH_WARMUP [20000]       requests per test of an unmeasured first pass on each server
//                              (lets V8 optimise nodis before measuring; 0 skips it)
//   BENCH_EXTRA ['']           extra redis-benchmark arguments, e.g. "-r 100000 -d 64"
//   BENCH_TIMEOUT [180]        seconds before one redis-benchmark run is killed
//   BENCH_JSON ['']            also write all measurements to this file
// The machine is noisy: compare the ratio column, not absolute numbers across runs.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT, envInt, freePort, median } from './common.js';

const N = envInt('BENCH_N', 100_000);
const PIPELINE = envInt('BENCH_PIPELINE', 16);
const PIPELINE_N = envInt('BENCH_PIPELINE_N', 4 * N);
const ROUNDS = Math.max(1, envInt('BENCH_ROUNDS', 5));
const CLIENTS = Math.max(1, envInt('BENCH_CLIENTS', 50));
const TESTS = process.env.BENCH_TESTS || 'set,get,incr,mset,lpush,rpush,lpop,rpop,sadd,spop,hset,zadd,zpopmin,lrange';
const PIPELINE_TESTS = process.env.BENCH_PIPELINE_TESTS || 'set,get';
const PERSISTENCE = (process.env.BENCH_PERSISTENCE || 'no,everysec,always').split(',').map((s) => s.trim()).filter(Boolean);
const WARMUP = envInt('BENCH_WARMUP', 20_000);
const EXTRA = (process.env.BENCH_EXTRA || '').split(/\s+/).filter(Boolean);
const TIMEOUT_MS = envInt('BENCH_TIMEOUT', 180) * 1000;
const JSON_OUT = process.env.BENCH_JSON || '';

type ServerName = 'nodis' | 'redis';

interface RunningChild {
  name: ServerName;
  port: number;
  proc: ChildProcess;
  dir: string;
}

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    for (const c of children) c.kill('SIGKILL');
    process.exit(130);
  });
}

function persistenceArgs(setting: string): string[] {
  switch (setting) {
    case 'no':
      return ['--appendonly', 'no'];
    case 'always':
    case 'everysec':
      return ['--appendonly', 'yes', '--appendfsync', setting];
    case 'no-fsync':
      return ['--appendonly', 'yes', '--appendfsync', 'no'];
    default:
      throw new Error(`BENCH_PERSISTENCE: unknown setting ${JSON.stringify(setting)} (no, always, everysec, no-fsync)`);
  }
}

/** Resolves once the server answers PING with +PONG. */
async function waitReady(port: number, proc: ChildProcess, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server on port ${port} exited with code ${proc.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      let buf = '';
      s.setTimeout(1000, () => {
        s.destroy();
        resolve(false);
      });
      s.on('error', () => resolve(false));
      s.on('connect', () => s.write('PING\r\n'));
      s.on('data', (d) => {
        buf += d.toString();
        if (buf.includes('\r\n')) {
          s.destroy();
          resolve(buf.startsWith('+PONG'));
        }
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`server on port ${port} not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startChild(name: ServerName, setting: string): Promise<RunningChild> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), `nodis-bench-${name}-`));
  const common = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, ...persistenceArgs(setting)];
  let cmd: string;
  let args: string[];
  if (name === 'redis') {
    cmd = 'redis-server';
    args = [...common, '--daemonize', 'no', '--logfile', ''];
  } else {
    cmd = process.execPath;
    const bin = path.join(ROOT, 'bin', 'nodis-server');
    const child = path.join(ROOT, 'dist', 'bench', 'nodis-child.js');
    args = [existsSync(bin) ? bin : child, ...common];
  }
  const proc = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  children.add(proc);
  proc.on('exit', () => children.delete(proc));
  await waitReady(port, proc);
  return { name, port, proc, dir };
}

async function stopChild(c: RunningChild): Promise<void> {
  if (c.proc.exitCode === null) {
    const exited = new Promise<void>((resolve) => c.proc.once('exit', () => resolve()));
    c.proc.kill('SIGTERM');
    const timer = setTimeout(() => c.proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(c.dir, { recursive: true, force: true });
}

/** One redis-benchmark run: test name -> requests per second (from --csv). */
function benchmark(port: number, args: readonly string[]): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const all = ['-h', '127.0.0.1', '-p', String(port), '-c', String(CLIENTS), '-q', '--csv', ...EXTRA, ...args];
    const proc = spawn('redis-benchmark', all, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(proc);
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), TIMEOUT_MS);
    proc.on('close', (code) => {
      clearTimeout(timer);
      children.delete(proc);
      if (code !== 0) return reject(new Error(`redis-benchmark ${all.join(' ')} exited with ${code}: ${(out + err).slice(-1000)}`));
      const result = new Map<string, number>();
      for (const line of out.split('\n')) {
        const m = /^"([^"]+)","([\d.]+)"/.exec(line);
        if (m) result.set(m[1]!, Number(m[2]));
      }
      if (result.size === 0) return reject(new Error(`no results in redis-benchmark output: ${out.slice(-1000)}`));
      resolve(result);
    });
  });
}

/** All tests of one round against one server: "SET", "GET", ..., "SET P16", ... */
async function suite(port: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const [k, v] of await benchmark(port, ['-t', TESTS, '-n', String(N)])) out.set(k, v);
  if (PIPELINE > 0 && PIPELINE_N > 0) {
    for (const [k, v] of await benchmark(port, ['-t', PIPELINE_TESTS, '-n', String(PIPELINE_N), '-P', String(PIPELINE)])) out.set(`${k} P${PIPELINE}`, v);
  }
  return out;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

interface SeriesResult {
  persistence: string;
  rounds: { first: ServerName; nodis: Record<string, number>; redis: Record<string, number> }[];
  summary: { test: string; nodis: number; redis: number; ratio: number; ratios: number[] }[];
}

async function series(setting: string): Promise<SeriesResult> {
  const nodis = await startChild('nodis', setting);
  const redis = await startChild('redis', setting);
  const rounds: SeriesResult['rounds'] = [];
  try {
    if (WARMUP > 0) {
      for (const s of [nodis, redis]) {
        await benchmark(s.port, ['-t', TESTS, '-n', String(WARMUP)]);
        if (PIPELINE > 0) await benchmark(s.port, ['-t', PIPELINE_TESTS, '-n', String(WARMUP), '-P', String(PIPELINE)]);
      }
      process.stderr.write(`  warm-up done (${WARMUP} requests per test on each server)\n`);
    }
    for (let r = 0; r < ROUNDS; r++) {
      const order: RunningChild[] = r % 2 === 0 ? [nodis, redis] : [redis, nodis];
      const got: Partial<Record<ServerName, Map<string, number>>> = {};
      for (const s of order) {
        const t0 = Date.now();
        got[s.name] = await suite(s.port);
        process.stderr.write(`  round ${r + 1}/${ROUNDS} ${s.name}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      }
      rounds.push({ first: order[0]!.name, nodis: Object.fromEntries(got.nodis!), redis: Object.fromEntries(got.redis!) });
    }
  } finally {
    await stopChild(nodis);
    await stopChild(redis);
  }
  const tests = Object.keys(rounds[0]!.redis);
  const summary = tests.map((test) => {
    const ratios = rounds.map((r) => (r.nodis[test] ?? 0) / r.redis[test]!);
    return {
      test,
      nodis: median(rounds.map((r) => r.nodis[test] ?? 0)),
      redis: median(rounds.map((r) => r.redis[test]!)),
      ratio: median(ratios),
      ratios,
    };
  });
  return { persistence: setting, rounds, summary };
}

function printSeries(s: SeriesResult): void {
  const label = s.persistence === 'no' ? 'appendonly no' : `appendonly yes, appendfsync ${s.persistence === 'no-fsync' ? 'no' : s.persistence}`;
  console.log(`\n## ${label} — requests/s, median of ${s.rounds.length} round(s)`);
  const rows = [['test', 'nodis', 'redis', 'nodis/redis (median of rounds)', 'per-round ratios']];
  for (const t of s.summary) {
    rows.push([t.test, fmt(t.nodis), fmt(t.redis), t.ratio.toFixed(2), t.ratios.map((x) => x.toFixed(2)).join(' ')]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((cell, j) => (j === 0 || j === 4 ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!))).join('  ').trimEnd());
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

function versionOf(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.error ? 'not found' : (r.stdout || r.stderr).trim().split('\n')[0]!;
}

async function main(): Promise<void> {
  for (const tool of ['redis-server', 'redis-benchmark']) {
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).error) {
      console.error(`${tool} not found: install Debian's redis-server and redis-tools (apt-get install redis-server redis-tools)`);
      process.exit(2);
    }
  }
  console.log('# nodis vs redis-server (redis-benchmark)');
  console.log(`node ${process.version}; ${versionOf('redis-server', ['--version'])}; ${os.cpus().length} CPU(s) ${os.cpus()[0]?.model ?? ''}`);
  console.log(
    `-c ${CLIENTS}; -t ${TESTS} -n ${N}` +
      (PIPELINE > 0 ? `; -t ${PIPELINE_TESTS} -n ${PIPELINE_N} -P ${PIPELINE}` : '') +
      `; ${ROUNDS} round(s), alternating which server goes first` +
      (EXTRA.length ? `; extra: ${EXTRA.join(' ')}` : '') +
      `; nodis via ${existsSync(path.join(ROOT, 'bin', 'nodis-server')) ? 'bin/nodis-server' : 'dist/bench/nodis-child.js'}`,
  );
  const results: SeriesResult[] = [];
  for (const setting of PERSISTENCE) {
    process.stderr.write(`persistence ${setting}:\n`);
    const s = await series(setting);
    printSeries(s);
    results.push(s);
  }
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ date: new Date().toISOString(), n: N, pipelineN: PIPELINE_N, pipeline: PIPELINE, clients: CLIENTS, results }, null, 2));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
