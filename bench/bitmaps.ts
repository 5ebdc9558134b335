// Bitmap writes: what a one-bit change costs, and SETBIT/GETBIT throughput against Redis.
//
//   npx tsc -p tsconfig.json && node dist/bench/bitmaps.js
//
// Part 1 (in-process): one bit flipped at a random offset of a value of each size, held as a
// latin1 JS string (rebuilt: slice + char + slice) or as a ByteString (changed in place).
// Part 2 (servers): nodis (node bin/nodis-server) and redis-server on free loopback ports;
// BITMAP_CLIENTS connections each send SETBIT (then GETBIT) at random offsets of one bitmap of
// each size, one request at a time; requests/s and the ratio nodis/redis.
//
// Environment: BITMAP_N [100000] requests per run, BITMAP_CLIENTS [50],
// BITMAP_SIZES [1024,65536,1048576,16777216] bitmap sizes in bytes.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ByteString } from '../src/keyspace/byte-string.js';
import { ROOT, freePort } from './common.js';

const N = Number(process.env['BITMAP_N'] ?? 100_000);
const CLIENTS = Number(process.env['BITMAP_CLIENTS'] ?? 50);
const SIZES = (process.env['BITMAP_SIZES'] ?? '1024,65536,1048576,16777216').split(',').map(Number);

// ---- part 1: the representation ----------------------------------------------------------------

function perWriteMicros(size: number, asBytes: boolean): number {
  // Enough writes to take ~100 ms or more at the string's cost, at least 200.
  const iters = Math.max(200, Math.min(200_000, Math.floor(100_000_000 / size)));
  let s = Buffer.alloc(size).toString('latin1');
  const b = ByteString.from(s);
  let x = 12345;
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < iters; k++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const i = x % size;
    if (asBytes) {
      b.buf[i] = b.buf[i]! ^ 1;
    } else {
      const c = s.charCodeAt(i) ^ 1;
      s = s.slice(0, i) + String.fromCharCode(c) + s.slice(i + 1);
    }
  }
  s.charCodeAt(0);
  return Number(process.hrtime.bigint() - t0) / iters / 1000;
}

// ---- part 2: servers ----------------------------------------------------------------------------

function encode(args: readonly string[]): string {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${a.length}\r\n${a}\r\n`;
  return out;
}

/** A TCP connection to the server on `port`. */
function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

async function waitReady(port: number, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server on port ${port} exited`);
    try {
      const s = await connect(port);
      s.destroy();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`server on port ${port} not ready`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Runs `total` requests made by `make` over CLIENTS connections; requests per second. */
async function load(port: number, total: number, make: () => string): Promise<number> {
  const socks = await Promise.all(Array.from({ length: CLIENTS }, () => connect(port)));
  let sent = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    socks.map(
      (s) =>
        new Promise<void>((resolve) => {
          const next = () => {
            if (sent >= total) return resolve();
            sent++;
            s.write(make());
          };
          s.on('data', (d: Buffer) => {
            // Integer replies only (":0\r\n"): one reply per CRLF.
            for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) next();
          });
          next();
        }),
    ),
  );
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  for (const s of socks) s.destroy();
  return total / secs;
}

async function command(port: number, args: readonly string[]): Promise<void> {
  const s = await connect(port);
  await new Promise<void>((resolve) => {
    s.once('data', () => resolve());
    s.write(encode(args));
  });
  s.destroy();
}

async function startServer(name: 'nodis' | 'redis'): Promise<{ port: number; proc: ChildProcess; dir: string }> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), `nodis-bitmaps-${name}-`));
  const common = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const proc =
    name === 'redis'
      ? spawn('redis-server', common, { stdio: 'ignore' })
      : spawn(process.execPath, [path.join(ROOT, 'bin', 'nodis-server'), ...common], { stdio: 'ignore' });
  await waitReady(port, proc);
  return { port, proc, dir };
}

async function main(): Promise<void> {
  console.log('one-bit write, µs per write (in-process)');
  console.log('size'.padStart(10), 'JS string'.padStart(12), 'ByteString'.padStart(12));
  for (const size of SIZES) {
    console.log(String(size).padStart(10), perWriteMicros(size, false).toFixed(3).padStart(12), perWriteMicros(size, true).toFixed(3).padStart(12));
  }
  const servers = { nodis: await startServer('nodis'), redis: await startServer('redis') };
  try {
    console.log(`\nrequests/s, ${CLIENTS} clients, ${N} requests, random offsets`);
    console.log('test'.padEnd(22), 'nodis'.padStart(10), 'redis'.padStart(10), 'ratio'.padStart(7));
    for (const size of SIZES) {
      const bits = size * 8;
      const rps: Record<string, Record<string, number>> = {};
      for (const name of ['nodis', 'redis'] as const) {
        const { port } = servers[name];
        await command(port, ['DEL', 'bm']);
        await command(port, ['SETBIT', 'bm', String(bits - 1), '1']);
        let x = 1;
        const rand = () => (x = (x * 1103515245 + 12345) & 0x7fffffff) % bits;
        // A short warm-up lets V8 optimise nodis before measuring.
        await load(port, Math.min(N, 20000), () => encode(['SETBIT', 'bm', String(rand()), String((x >> 8) & 1)]));
        rps[name] = {
          SETBIT: await load(port, N, () => encode(['SETBIT', 'bm', String(rand()), String((x >> 8) & 1)])),
          GETBIT: await load(port, N, () => encode(['GETBIT', 'bm', String(rand())])),
        };
      }
      for (const t of ['SETBIT', 'GETBIT']) {
        const a = rps['nodis']![t]!;
        const b = rps['redis']![t]!;
        console.log(`${t} ${size} B`.padEnd(22), a.toFixed(0).padStart(10), b.toFixed(0).padStart(10), (a / b).toFixed(2).padStart(7));
      }
    }
  } finally {
    for (const s of Object.values(servers)) {
      s.proc.kill('SIGTERM');
      rmSync(s.dir, { recursive: true, force: true });
    }
  }
}

await main();
