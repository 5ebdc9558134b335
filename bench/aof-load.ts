// `npm run bench:load` (and the end of `npm run bench`): how fast nodis loads an AOF, against
// Debian's redis-server loading the very same directory (the formats are the same).
//
// The directory is a Redis 7.0 multi-part AOF: an empty base and one INCR holding BENCH_LOAD_KEYS
// `SET key:<n> <value>` records (values of BENCH_LOAD_VALUE bytes), under one SELECT. Each
// round copies it, starts the server on the copy and reads the time both print in the same log
// line: "DB loaded from append only file: <seconds> seconds". Servers alternate; the result is
// the median per server and the median of per-round ratios of load rates (nodis/redis).
//
// Environment: BENCH_LOAD_KEYS [2000000] (0 skips), BENCH_LOAD_VALUE [16], BENCH_LOAD_ROUNDS [3].

import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, openSync, closeSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, envInt, median } from './common.js';

const KEYS = envInt('BENCH_LOAD_KEYS', 2_000_000);
const VALUE = envInt('BENCH_LOAD_VALUE', 16);
const ROUNDS = Math.max(1, envInt('BENCH_LOAD_ROUNDS', 3));

const bulk = (s: string): string => `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`;

/** Writes the source directory: manifest, empty base, one INCR of KEYS SETs. Returns its size. */
function buildAof(dir: string): number {
  const aofDir = path.join(dir, 'appendonlydir');
  mkdirSync(aofDir);
  closeSync(openSync(path.join(aofDir, 'appendonly.aof.1.base.aof'), 'w'));
  const fd = openSync(path.join(aofDir, 'appendonly.aof.1.incr.aof'), 'w');
  const value = 'v'.repeat(Math.max(0, VALUE - 8));
  let chunk = `*2\r\n${bulk('SELECT')}${bulk('0')}`;
  for (let i = 0; i < KEYS; i++) {
    chunk += `*3\r\n$3\r\nSET\r\n${bulk(`key:${i}`)}${bulk(`${value}${String(i).padStart(8, '0')}`)}`;
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk, null, 'latin1');
      chunk = '';
    }
  }
  writeSync(fd, chunk, null, 'latin1');
  closeSync(fd);
  const manifest = 'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n';
  const mfd = openSync(path.join(aofDir, 'appendonly.aof.manifest'), 'w');
  writeSync(mfd, manifest);
  closeSync(mfd);
  return statSync(path.join(aofDir, 'appendonly.aof.1.incr.aof')).size;
}

/** Starts a server on a copy of `source`; resolves with the load time it logs, in seconds. */
function loadOnce(name: 'nodis' | 'redis', source: string, port: number): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `nodis-bench-load-${name}-`));
  cpSync(source, dir, { recursive: true });
  const common = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--appendonly', 'yes', '--aof-use-rdb-preamble', 'no', '--logfile', ''];
  const [cmd, args] =
    name === 'redis'
      ? ['redis-server', [...common, '--daemonize', 'no']]
      : [process.execPath, [path.join(ROOT, 'bin', 'nodis-server'), ...common]];
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let seconds: number | null = null;
    const timer = setTimeout(() => proc.kill('SIGKILL'), 300_000);
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      const m = /DB loaded from append only file: ([\d.]+) seconds/.exec(out);
      if (m && seconds === null) {
        seconds = Number(m[1]);
        proc.kill('SIGKILL');
      }
    });
    proc.on('close', () => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      if (seconds === null) reject(new Error(`${name} did not report a load time:\n${out.slice(-2000)}`));
      else resolve(seconds);
    });
  });
}

export async function runLoadBench(): Promise<void> {
  if (KEYS === 0) return;
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    process.stderr.write('bench:load: redis-server not found, skipped\n');
    return;
  }
  const source = mkdtempSync(path.join(os.tmpdir(), 'nodis-bench-load-src-'));
  try {
    process.stderr.write(`AOF load: building ${KEYS} SET records...\n`);
    const size = buildAof(source);
    const times: Record<'nodis' | 'redis', number[]> = { nodis: [], redis: [] };
    const ratios: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const order: ('nodis' | 'redis')[] = r % 2 === 0 ? ['nodis', 'redis'] : ['redis', 'nodis'];
      const round: Partial<Record<'nodis' | 'redis', number>> = {};
      for (const name of order) {
        round[name] = await loadOnce(name, source, 20000 + Math.floor(Math.random() * 20000));
        times[name].push(round[name]!);
        process.stderr.write(`  round ${r + 1} ${name}: ${round[name]!.toFixed(3)} s\n`);
      }
      // Ratio of load rates = redis time / nodis time.
      ratios.push(round.redis! / round.nodis!);
    }
    const mb = size / (1024 * 1024);
    const line = (name: 'nodis' | 'redis'): string => {
      const t = median(times[name]);
      return `${name.padEnd(6)} ${t.toFixed(3).padStart(8)} s  ${(mb / t).toFixed(1).padStart(7)} MB/s  ${Math.round(KEYS / t).toLocaleString('en-US').padStart(11)} commands/s`;
    };
    process.stdout.write(`\nAOF load: ${KEYS.toLocaleString('en-US')} SET records, ${mb.toFixed(1)} MB (${ROUNDS} rounds, medians)\n`);
    process.stdout.write(`${line('nodis')}\n${line('redis')}\n`);
    process.stdout.write(`load rate nodis/redis: ${median(ratios).toFixed(2)}\n`);
  } finally {
    rmSync(source, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  runLoadBench().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
