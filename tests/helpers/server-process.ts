// Servers as child processes: bin/nodis-server (under this node) or the real redis-server
// 7.0.15, with their output captured (both log to stdout with --logfile ''), a free port, and
// the waits the tests need: a log line, "Ready to accept connections" or the exit, PING
// answered with PONG. Every child spawned here (or passed to trackChild) that still runs when
// its test file ends is killed by killChildren(), which useScratch()'s after() hook calls.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RespClient } from './resp-client.js';
import { waitFor } from './server.js';

/** The repository's root (this module runs as dist/tests/helpers/server-process.js). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const NODIS_SERVER = path.join(ROOT, 'bin', 'nodis-server');
export const NODIS_CHECK_AOF = path.join(ROOT, 'bin', 'nodis-check-aof');
export const REDIS_SERVER = '/usr/bin/redis-server';
export const REDIS_CHECK_AOF = '/usr/bin/redis-check-aof';
export const HAVE_REDIS_SERVER = fs.existsSync(REDIS_SERVER);
export const HAVE_REDIS_CHECK_AOF = fs.existsSync(REDIS_CHECK_AOF);
/** The `skip` option of a test that needs redis-server. */
export const NO_REDIS_SERVER = HAVE_REDIS_SERVER ? false : `${REDIS_SERVER} is not installed`;

export const READY = /Ready to accept connections/;

/** A TCP port that was free a moment ago (listened on, then closed). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const children = new Set<ChildProcess>();

/** Registers a child process for killChildren(). */
export function trackChild<C extends ChildProcess>(child: C): C {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** SIGKILLs every tracked child still running. */
export function killChildren(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

export type ServerKind = 'nodis' | 'redis';

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  readonly name: 'nodis-server' | 'redis-server';
  readonly child: ChildProcess;
  readonly port: number;
  /** stdout and stderr, interleaved as they arrived (latin1). */
  output(): string;
  stdout(): string;
  stderr(): string;
  running(): boolean;
  /** Resolves with the time the output first matched `re`; rejects if the process exits first or after `timeoutMs`. */
  waitLine(re: RegExp, timeoutMs?: number): Promise<number>;
  /** The 'exit' event (the last output may still be on its way). */
  readonly exit: Promise<Exit>;
  /** The exit once stdout and stderr are closed too: the output is complete. */
  readonly closed: Promise<Exit>;
}

/** Spawns nodis-server or redis-server with `args` (which name `port`); `cwd` defaults to this process's. */
export function spawnServer(kind: ServerKind, args: readonly string[], port: number, cwd?: string): ServerProcess {
  const opts = { cwd, stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'] };
  const child = trackChild(kind === 'nodis' ? spawn(process.execPath, [NODIS_SERVER, ...args], opts) : spawn(REDIS_SERVER, [...args], opts));
  let out = '';
  let stdout = '';
  let stderr = '';
  const seen: { re: RegExp; resolve: (t: number) => void }[] = [];
  const onData = (d: Buffer) => {
    out += d.toString('latin1');
    const now = Date.now();
    for (let i = seen.length - 1; i >= 0; i--) {
      if (seen[i]!.re.test(out)) {
        seen[i]!.resolve(now);
        seen.splice(i, 1);
      }
    }
  };
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('latin1');
    onData(d);
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('latin1');
    onData(d);
  });
  const exit = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const closed = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const name = kind === 'nodis' ? 'nodis-server' : 'redis-server';
  return {
    name,
    child,
    port,
    output: () => out,
    stdout: () => stdout,
    stderr: () => stderr,
    running: () => child.exitCode === null && child.signalCode === null,
    exit,
    closed,
    waitLine(re, timeoutMs = 20_000) {
      if (re.test(out)) return Promise.resolve(Date.now());
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: no ${re} within ${timeoutMs} ms; output:\n${out}`)), timeoutMs);
        seen.push({
          re,
          resolve: (t) => {
            clearTimeout(timer);
            resolve(t);
          },
        });
        void exit.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(new Error(`${name} exited (code ${code}, signal ${signal}) before ${re}; output:\n${out}`));
        });
      });
    },
  };
}

/** Spawns a server and waits for "Ready to accept connections". */
export async function startServerProcess(kind: ServerKind, args: readonly string[], port: number, timeoutMs = 20_000): Promise<ServerProcess> {
  const p = spawnServer(kind, args, port);
  await p.waitLine(READY, timeoutMs);
  return p;
}

/**
 * Waits until `p` logs "Ready to accept connections" ('running') or exits (then its exit code,
 * once its output is complete); after `timeoutMs`, kills it and throws.
 */
export async function readyOrExit(p: ServerProcess, timeoutMs: number): Promise<'running' | number | null> {
  try {
    await p.waitLine(READY, timeoutMs);
    return 'running';
  } catch (err) {
    if (!p.running()) return (await p.closed).code;
    p.child.kill('SIGKILL');
    throw new Error(`${p.name} neither started nor exited in ${timeoutMs} ms; stdout: ${p.stdout()}; stderr: ${p.stderr()}`, { cause: err });
  }
}

/** The exit code once `p` has exited and its output is complete; after `timeoutMs`, kills it and throws. */
export async function exitCode(p: ServerProcess, timeoutMs: number): Promise<number | null> {
  let t: NodeJS.Timeout | undefined;
  const timer = new Promise<'timeout'>((resolve) => (t = setTimeout(() => resolve('timeout'), timeoutMs)));
  const r = await Promise.race([p.closed, timer]);
  clearTimeout(t);
  if (r === 'timeout') {
    p.child.kill('SIGKILL');
    throw new Error(`${p.name} did not exit in ${timeoutMs} ms; stdout: ${p.stdout()}; stderr: ${p.stderr()}`);
  }
  return r.code;
}

/** A client of `p` once PING answers PONG (not -LOADING); fails at once if `p` exits. */
export async function connectWhenReady(p: ServerProcess, timeoutMs: number): Promise<RespClient> {
  let client: RespClient | null = null;
  await waitFor(async () => {
    if (!p.running()) throw new Error(`${p.name} exited (${p.child.exitCode}): ${p.output()}`);
    try {
      client ??= await RespClient.connect(p.port);
      return (await client.call('PING')) === 'PONG';
    } catch {
      client?.close();
      client = null;
      return false;
    }
  }, timeoutMs, `${p.name} to answer PONG`);
  return client!;
}

/** SIGKILL and wait for the exit; with `mustBeAlive`, fails if the server had already exited on its own. */
export async function kill9(p: ServerProcess, mustBeAlive = false): Promise<void> {
  const alive = p.running();
  if (alive) p.child.kill('SIGKILL');
  const r = await p.exit;
  if (mustBeAlive) {
    assert.ok(alive && r.signal === 'SIGKILL', `the server exited on its own (code ${r.code}, signal ${r.signal}) before the kill; output:\n${p.output().slice(-3000)}`);
  }
}

export interface RedisServer {
  readonly proc: ServerProcess;
  /** A client connected once the server was ready. */
  readonly c: RespClient;
  /** Closes the client, SIGKILLs the server and waits until it is gone. */
  stop(): Promise<void>;
}

/**
 * redis-server 7.0.15 on `dir` (no RDB saves, RESP AOF base, logging to stdout) with `args`,
 * once it logged "Ready to accept connections".
 */
export async function startRedisServer(dir: string, args: readonly string[] = [], timeoutMs = 10_000): Promise<RedisServer> {
  const port = await freePort();
  const proc = await startServerProcess(
    'redis',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--logfile', '', '--aof-use-rdb-preamble', 'no', ...args],
    port,
    timeoutMs,
  );
  const c = await RespClient.connect(port);
  return {
    proc,
    c,
    async stop() {
      c.close();
      proc.child.kill('SIGKILL');
      await proc.closed;
    },
  };
}
