// What lands in the INCR file, checked on the file's bytes (not on srv.propagated): every argv
// translation of Redis 7.0 (aof-contract.md §1.3, §2.6, §2.8): relative times made absolute,
// GETEX/GETDEL/GETSET/INCRBYFLOAT/SPOP rewritten, blocking pops served as plain pops, lazy and
// active expiry, MULTI/EXEC wrapping and SELECT placement, what is not written, FLUSHDB/FLUSHALL,
// and `#TS:` annotations.
//
// Each scenario runs on nodis (appendfsync always: the record is written, and fsynced, before
// the reply) and, as a second test, on a real redis-server 7.0.15 with the same settings
// (appendonly yes, aof-use-rdb-preamble no; skipped only when the binary is missing). Both must
// give exactly the expected bytes; the only freedom is in values no client controls, each
// checked against a window (absolute times from relative TTLs: [sent + ttl, replied + ttl]).
// The INCR is read after the reply: Redis writes the AOF before it sends replies.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { RespClient, RespError, type RespValue } from '../helpers/resp-client.js';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { FileTail, aofItems, lastIncrPath, readBase, resp } from '../helpers/aof-files.js';

const REDIS = '/usr/bin/redis-server';
const HAVE_REDIS = fs.existsSync(REDIS);
const SKIP_REDIS = HAVE_REDIS ? false : `${REDIS} is not installed`;

// ---- expected records with placeholders -------------------------------------------------------

/** An argument no client controls, accepted when `test` holds. */
class Placeholder {
  constructor(
    readonly label: string,
    readonly test: (v: string) => boolean,
  ) {}
}

/** An integer (ms, or s for #TS) in [lo, hi]. */
function within(lo: number, hi: number): Placeholder {
  return new Placeholder(`<${lo}..${hi}>`, (v) => /^[1-9]\d*$/.test(v) && Number(v) >= lo && Number(v) <= hi);
}

type Arg = string | Placeholder;
type Expected = Arg[] | { readonly ts: Arg };

/** Asserts that `actual` (file bytes) is exactly `expected`, placeholders matched by value. */
function assertAof(actual: string, expected: readonly Expected[], who: string): void {
  let items: ReturnType<typeof aofItems> = [];
  try {
    items = aofItems(actual);
  } catch {
    // Not clean RESP: the byte comparison below shows it.
  }
  const fill = (a: Arg, got: string | undefined): string => {
    if (typeof a === 'string') return a;
    return got !== undefined && a.test(got) ? got : a.label;
  };
  let want = '';
  const wantLines: string[] = [];
  expected.forEach((e, i) => {
    const it = items[i];
    if (Array.isArray(e)) {
      const argv = it !== undefined && 'argv' in it ? it.argv : [];
      const filled = e.map((a, j) => fill(a, argv[j]));
      want += resp(...filled);
      wantLines.push(line(filled));
    } else {
      const ts = fill(e.ts, it !== undefined && 'ts' in it ? String(it.ts) : undefined);
      want += `#TS:${ts}\r\n`;
      wantLines.push(`#TS:${ts}`);
    }
  });
  // Records one per line first (a readable diff), then the exact bytes.
  if (items.length > 0) assert.deepEqual(items.map((it) => ('ts' in it ? `#TS:${it.ts}` : line(it.argv))), wantLines, `${who}: INCR records`);
  assert.equal(actual, want, `${who}: INCR bytes`);
}

/** A record on one line, arguments JSON-quoted only when they need it. */
function line(argv: readonly string[]): string {
  return argv.map((a) => (/^[\x21-\x7e]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

// ---- the two servers ------------------------------------------------------------------------

interface Side {
  readonly name: 'nodis' | 'redis-server';
  /** The main client and a second one (blocking pops, other dbs). */
  readonly c: RespClient;
  readonly c2: RespClient;
  readonly tail: FileTail;
  readonly dir: string;
  /** One more client (closed at the end of the file). */
  client(): Promise<RespClient>;
}

const tmpDirs: string[] = [];
const children: ChildProcess[] = [];
const testServers: TestServer[] = [];
const clients: RespClient[] = [];

function newDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-aof-translations-'));
  tmpDirs.push(d);
  return d;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function connect(port: number): Promise<RespClient> {
  const c = await RespClient.connect(port);
  clients.push(c);
  return c;
}

const COMMON: Record<string, string> = { appendonly: 'yes', appendfsync: 'always', 'aof-use-rdb-preamble': 'no' };

async function startNodis(options: Record<string, string> = {}): Promise<Side & { srv: TestServer }> {
  const dir = newDir();
  const srv = await startTestServer({ ...COMMON, ...options, dir });
  testServers.push(srv);
  return { name: 'nodis', srv, c: await connect(srv.port), c2: await connect(srv.port), tail: new FileTail(lastIncrPath(dir)), dir, client: () => connect(srv.port) };
}

async function startRedis(options: Record<string, string> = {}): Promise<Side & { child: ChildProcess }> {
  const dir = newDir();
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--enable-debug-command', 'yes', '--logfile', 'redis.log'];
  for (const [k, v] of Object.entries({ ...COMMON, ...options })) args.push(`--${k}`, v);
  const child = spawn(REDIS, args, { stdio: 'ignore' });
  children.push(child);
  let probe: RespClient | null = null;
  await waitFor(async () => {
    try {
      probe?.close();
      probe = await RespClient.connect(port);
      return (await probe.call('PING')) === 'PONG';
    } catch {
      return false;
    }
  }, 10_000, 'redis-server to answer');
  (probe as RespClient | null)?.close();
  return { name: 'redis-server', child, c: await connect(port), c2: await connect(port), tail: new FileTail(lastIncrPath(dir)), dir, client: () => connect(port) };
}

let nodis: Side;
let redis: Side | null = null;

before(async () => {
  nodis = await startNodis();
  if (HAVE_REDIS) redis = await startRedis();
});

after(async () => {
  for (const c of clients) c.close();
  for (const s of testServers) await s.stop().catch(() => {});
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

// ---- scenarios --------------------------------------------------------------------------------

/** A command that must not fail. */
async function ok(c: RespClient, ...args: (string | number)[]): Promise<RespValue> {
  const r = await c.call(...args);
  if (r instanceof RespError) throw new Error(`${args.join(' ')} -> ${r.message}`);
  return r;
}

/** Runs a command, with the wall-clock window around it. */
async function timed(c: RespClient, ...args: (string | number)[]): Promise<{ t0: number; t1: number; reply: RespValue }> {
  const t0 = Date.now();
  const reply = await ok(c, ...args);
  return { t0, t1: Date.now(), reply };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitBlocked(c: RespClient, n: number): Promise<void> {
  await waitFor(async () => String(await c.call('INFO', 'clients')).includes(`\r\nblocked_clients:${n}\r\n`), 5000, `${n} blocked client(s)`);
}

/** Sends a blocking command on `s.c2`, waits until it blocks, runs `push` on `s.c`, returns the served reply. */
async function served(s: Side, block: (string | number)[], push: (string | number)[]): Promise<RespValue> {
  s.c2.send(...block);
  await waitBlocked(s.c, 1);
  await ok(s.c, ...push);
  return s.c2.read();
}

/**
 * Keys that expire at `at`, set with an absolute PXAT: the same bytes on both servers, and
 * the same bytes even if `at` has passed when a SET arrives (SET ... PXAT is written as sent).
 */
async function setExpiring(s: Side, keys: [string, string][], at: number): Promise<Expected[]> {
  const out: Expected[] = [];
  for (const [k, v] of keys) {
    await ok(s.c, 'SET', k, v, 'PXAT', at);
    out.push(['SET', k, v, 'PXAT', String(at)]);
  }
  return out;
}

async function waitPast(at: number): Promise<void> {
  while (Date.now() <= at + 5) await sleep(at + 10 - Date.now());
}

type Check = (actual: string, who: string) => void;
type Run = (s: Side) => Promise<Expected[] | Check>;

/** Clean state on both sides: db 0 everywhere, the file's db is 0, empty dataset. */
async function prelude(s: Side): Promise<void> {
  await ok(s.c, 'SELECT', 0);
  await ok(s.c2, 'SELECT', 0);
  await ok(s.c, 'DEBUG', 'SET-ACTIVE-EXPIRE', 1);
  await ok(s.c, 'FLUSHALL');
  s.tail.skip();
}

async function runOn(side: Side, run: Run): Promise<void> {
  await prelude(side);
  const expected = await run(side);
  const actual = side.tail.next();
  if (typeof expected === 'function') expected(actual, side.name);
  else assertAof(actual, expected, side.name);
}

/** Registers the scenario twice: on nodis, and on redis-server 7.0.15 (the reference). */
function scenario(name: string, run: Run): void {
  test(`nodis: ${name}`, async () => {
    await runOn(nodis, run);
  });
  test(`redis-server 7.0.15: ${name}`, { skip: SKIP_REDIS }, async () => {
    assert.ok(redis !== null);
    await runOn(redis, run);
  });
}

// ---- SELECT, and what is not written ------------------------------------------------------------

scenario('SELECT only before a write in another db than the last written; client SELECTs and reads write nothing', async ({ c, c2 }) => {
  await ok(c, 'SELECT', 3);
  await ok(c, 'GET', 'x');
  await ok(c, 'SELECT', 4);
  await ok(c, 'SET', 'a', '1');
  await ok(c, 'SET', 'b', '1');
  await ok(c, 'SELECT', 0);
  await ok(c, 'SELECT', 4);
  await ok(c, 'SET', 'c', '1'); // the file is still at db 4
  await ok(c2, 'SET', 'd', '1'); // db 0
  await ok(c, 'SET', 'e', '1');
  await ok(c, 'SELECT', 15);
  await ok(c, 'DEL', 'nosuch'); // nothing written, so no SELECT either
  await ok(c, 'SET', 'f', '1');
  return [['SELECT', '4'], ['SET', 'a', '1'], ['SET', 'b', '1'], ['SET', 'c', '1'], ['SELECT', '0'], ['SET', 'd', '1'], ['SELECT', '4'], ['SET', 'e', '1'], ['SELECT', '15'], ['SET', 'f', '1']];
});

scenario('commands that change nothing are not written', async ({ c }) => {
  await ok(c, 'DEL', 'nosuch');
  await ok(c, 'UNLINK', 'nosuch', 'nosuch2');
  await ok(c, 'SET', 'k', 'v', 'XX');
  await ok(c, 'SET', 'k', 'v');
  await ok(c, 'SET', 'k', 'w', 'NX');
  await ok(c, 'SETNX', 'k', 'w');
  await ok(c, 'MSETNX', 'k', 'w', 'k2', 'w');
  await ok(c, 'EXPIRE', 'nosuch', 100);
  await ok(c, 'PERSIST', 'k'); // no TTL
  await ok(c, 'GETEX', 'k');
  await ok(c, 'GETEX', 'k', 'PERSIST'); // no TTL
  await ok(c, 'GETEX', 'nosuch', 'EX', 100);
  await ok(c, 'GETDEL', 'nosuch');
  await ok(c, 'LPUSHX', 'nosuch', 'a');
  await ok(c, 'HDEL', 'nosuch', 'f');
  await ok(c, 'SREM', 'nosuch', 'm');
  await ok(c, 'SPOP', 'nosuch');
  await ok(c, 'ZREM', 'nosuch', 'm');
  await ok(c, 'RENAMENX', 'k', 'k'); // same name: 0
  await ok(c, 'MOVE', 'nosuch', 1);
  await ok(c, 'COPY', 'nosuch', 'dst');
  await ok(c, 'BITFIELD', 'bf', 'GET', 'u8', 0);
  await ok(c, 'SINTERSTORE', 'dst', 'nosuch1', 'nosuch2'); // empty result, nothing to delete
  await ok(c, 'LMPOP', 1, 'nosuch', 'LEFT');
  await ok(c, 'SET', 'k2', 'v');
  return [['SET', 'k', 'v'], ['SET', 'k2', 'v']];
});

scenario('the edges of "changed nothing": what Redis writes and what it does not', async ({ c }) => {
  await ok(c, 'SETRANGE', 'sr', 0, ''); // missing key, empty value: nothing
  await ok(c, 'APPEND', 'ap', ''); // creates an empty string
  await ok(c, 'APPEND', 'ap', '');
  await ok(c, 'RPUSH', 'l', 'a', 'b');
  await ok(c, 'LREM', 'l', 0, 'x'); // no match
  await ok(c, 'LTRIM', 'l', 0, -1); // removes nothing
  await ok(c, 'LINSERT', 'l', 'BEFORE', 'x', 'y'); // no pivot
  await ok(c, 'LSET', 'l', 0, 'a'); // same value
  await ok(c, 'LPOP', 'l', 0);
  await ok(c, 'SADD', 's', 'a');
  await ok(c, 'SADD', 's', 'a'); // already there
  await ok(c, 'SMOVE', 's', 's2', 'x'); // not a member
  await ok(c, 'HSET', 'h', 'f', 'v');
  await ok(c, 'HSET', 'h', 'f', 'v'); // same value
  await ok(c, 'HSETNX', 'h', 'f', 'w');
  await ok(c, 'ZADD', 'z', 1, 'a');
  await ok(c, 'ZADD', 'z', 1, 'a'); // same score
  await ok(c, 'ZADD', 'z', 'NX', 2, 'a');
  await ok(c, 'ZREMRANGEBYSCORE', 'z', 5, 10);
  await ok(c, 'ZPOPMIN', 'z', 0);
  await ok(c, 'SETBIT', 'b', 3, 0); // creates the key
  await ok(c, 'SETBIT', 'b', 3, 0); // same bit: nothing
  await ok(c, 'BITFIELD', 'b', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', 0, 7); // overflows: nothing changes
  await ok(c, 'INCRBY', 'n', 0);
  await ok(c, 'INCRBYFLOAT', 'n', '0');
  await ok(c, 'RENAME', 'n', 'n');
  await ok(c, 'SET', 'cp', 'v');
  await ok(c, 'COPY', 'cp', 'n'); // target exists, no REPLACE
  await ok(c, 'SELECT', 1);
  await ok(c, 'SET', 'cp', 'other');
  await ok(c, 'SELECT', 0);
  await ok(c, 'MOVE', 'cp', 1); // target exists
  await ok(c, 'SWAPDB', 2, 2);
  await ok(c, 'DEL', 'cp', 'cp');
  await ok(c, 'SPOP', 's', 0);
  await ok(c, 'SINTERSTORE', 's', 'nosuch'); // empty result deletes the existing destination
  await ok(c, 'PEXPIREAT', 'nosuch', 1);
  await ok(c, 'MULTI');
  await ok(c, 'DEL', 'nosuch');
  await ok(c, 'SADD', 'z', 'wrongtype');
  await ok(c, 'EXEC'); // nothing changed
  await ok(c, 'MULTI');
  await c.call('SET', 'k'); // wrong arity: the transaction is discarded
  assert.ok((await c.call('EXEC')) instanceof RespError);
  return [
    ['APPEND', 'ap', ''],
    ['APPEND', 'ap', ''],
    ['RPUSH', 'l', 'a', 'b'],
    ['LSET', 'l', '0', 'a'],
    ['SADD', 's', 'a'],
    ['HSET', 'h', 'f', 'v'],
    ['HSET', 'h', 'f', 'v'],
    ['ZADD', 'z', '1', 'a'],
    ['SETBIT', 'b', '3', '0'],
    ['INCRBY', 'n', '0'],
    ['SET', 'n', '0', 'KEEPTTL'],
    ['SET', 'cp', 'v'],
    ['SELECT', '1'],
    ['SET', 'cp', 'other'],
    ['SELECT', '0'],
    ['SWAPDB', '2', '2'],
    ['DEL', 'cp', 'cp'],
    ['SINTERSTORE', 's', 'nosuch'],
  ];
});

// ---- relative times made absolute ----------------------------------------------------------------

scenario('EXPIRE / PEXPIRE / EXPIREAT become PEXPIREAT with absolute ms; PEXPIREAT stays as sent', async ({ c }) => {
  await ok(c, 'SET', 'k', 'v');
  const e = await timed(c, 'EXPIRE', 'k', 1000);
  const p = await timed(c, 'PEXPIRE', 'k', 2_000_000);
  await ok(c, 'EXPIREAT', 'k', 4102444800);
  await ok(c, 'PEXPIREAT', 'k', '4102444800123');
  const lower = await timed(c, 'expire', 'k', 3000); // lower case command name
  return [
    ['SET', 'k', 'v'],
    ['PEXPIREAT', 'k', within(e.t0 + 1_000_000, e.t1 + 1_000_000)],
    ['PEXPIREAT', 'k', within(p.t0 + 2_000_000, p.t1 + 2_000_000)],
    ['PEXPIREAT', 'k', '4102444800000'],
    ['PEXPIREAT', 'k', '4102444800123'],
    ['PEXPIREAT', 'k', within(lower.t0 + 3_000_000, lower.t1 + 3_000_000)],
  ];
});

scenario('the EXPIRE family keeps NX / XX / GT / LT (as sent) after the absolute time, and writes nothing when the condition fails', async ({ c }) => {
  await ok(c, 'SET', 'k', 'v');
  const nx = await timed(c, 'EXPIRE', 'k', 1000, 'NX');
  await ok(c, 'EXPIRE', 'k', 2000, 'NX'); // has a TTL: nothing
  const xx = await timed(c, 'EXPIRE', 'k', 3000, 'xx');
  await ok(c, 'EXPIRE', 'k', 1000, 'GT'); // not greater: nothing
  const gt = await timed(c, 'PEXPIRE', 'k', 4_000_000, 'GT');
  await ok(c, 'EXPIRE', 'k', 5000, 'LT'); // not lower: nothing
  const lt = await timed(c, 'EXPIRE', 'k', 500, 'Lt');
  await ok(c, 'EXPIREAT', 'k', 4102444800, 'GT');
  await ok(c, 'PEXPIREAT', 'k', '4102444800001', 'XX');
  await ok(c, 'SET', 'n', 'v');
  await ok(c, 'EXPIRE', 'n', 100, 'XX'); // no TTL: nothing
  await ok(c, 'EXPIRE', 'n', 100, 'GT'); // no TTL counts as infinite: nothing
  const lt2 = await timed(c, 'EXPIRE', 'n', 100, 'LT');
  return [
    ['SET', 'k', 'v'],
    ['PEXPIREAT', 'k', within(nx.t0 + 1_000_000, nx.t1 + 1_000_000), 'NX'],
    ['PEXPIREAT', 'k', within(xx.t0 + 3_000_000, xx.t1 + 3_000_000), 'xx'],
    ['PEXPIREAT', 'k', within(gt.t0 + 4_000_000, gt.t1 + 4_000_000), 'GT'],
    ['PEXPIREAT', 'k', within(lt.t0 + 500_000, lt.t1 + 500_000), 'Lt'],
    ['PEXPIREAT', 'k', '4102444800000', 'GT'],
    ['PEXPIREAT', 'k', '4102444800001', 'XX'],
    ['SET', 'n', 'v'],
    ['PEXPIREAT', 'n', within(lt2.t0 + 100_000, lt2.t1 + 100_000), 'LT'],
  ];
});

scenario('an EXPIRE-family time already past deletes the key and is written as DEL', async ({ c }) => {
  const out: Expected[] = [];
  for (const [k, cmd] of [
    ['a', ['EXPIRE', 'a', -1]],
    ['b', ['EXPIREAT', 'b', 1]],
    ['c', ['PEXPIRE', 'c', 0]],
    ['d', ['PEXPIREAT', 'd', Date.now() - 1000]],
    ['e', ['EXPIRE', 'e', -100, 'NX']],
  ] as [string, (string | number)[]][]) {
    await ok(c, 'SET', k, 'v');
    assert.equal(await ok(c, ...cmd), 1);
    assert.equal(await ok(c, 'EXISTS', k), 0);
    out.push(['SET', k, 'v'], ['DEL', k]);
  }
  return out;
});

scenario('SET EX / PX / EXAT become SET k v PXAT <abs ms>; PXAT and KEEPTTL stay; GET is stripped', async ({ c }) => {
  const ex = await timed(c, 'SET', 'a', 'v', 'EX', 1000);
  const px = await timed(c, 'SET', 'b', 'v', 'PX', 2_000_000);
  await ok(c, 'SET', 'c', 'v', 'EXAT', 4102444800);
  await ok(c, 'SET', 'd', 'v', 'PXAT', '4102444800123');
  await ok(c, 'SET', 'a', 'v2', 'KEEPTTL');
  await ok(c, 'SET', 'a', 'v3', 'GET');
  await ok(c, 'SET', 'a', 'v4', 'KEEPTTL', 'GET');
  await ok(c, 'SET', 'n', 'v', 'NX', 'GET');
  await ok(c, 'SET', 'n', 'v2', 'XX', 'get');
  const nx = await timed(c, 'SET', 'e', 'v', 'NX', 'EX', 3000, 'GET'); // NX goes with the rewrite
  const lower = await timed(c, 'set', 'f', 'v', 'ex', 4000);
  return [
    ['SET', 'a', 'v', 'PXAT', within(ex.t0 + 1_000_000, ex.t1 + 1_000_000)],
    ['SET', 'b', 'v', 'PXAT', within(px.t0 + 2_000_000, px.t1 + 2_000_000)],
    ['SET', 'c', 'v', 'PXAT', '4102444800000'],
    ['SET', 'd', 'v', 'PXAT', '4102444800123'],
    ['SET', 'a', 'v2', 'KEEPTTL'],
    ['SET', 'a', 'v3'],
    ['SET', 'a', 'v4', 'KEEPTTL'],
    ['SET', 'n', 'v', 'NX'],
    ['SET', 'n', 'v2', 'XX'],
    ['SET', 'e', 'v', 'PXAT', within(nx.t0 + 3_000_000, nx.t1 + 3_000_000)],
    ['SET', 'f', 'v', 'PXAT', within(lower.t0 + 4_000_000, lower.t1 + 4_000_000)],
  ];
});

scenario('SET with EXAT / PXAT already in the past is written as sent (PXAT); the key expires on access', async ({ c }) => {
  await ok(c, 'DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  await ok(c, 'SET', 'a', 'v', 'EXAT', 1);
  await ok(c, 'SET', 'b', 'v', 'PXAT', 1);
  await ok(c, 'SET', 'c', 'v');
  assert.equal(await ok(c, 'GET', 'a'), null);
  return [['SET', 'a', 'v', 'PXAT', '1000'], ['SET', 'b', 'v', 'PXAT', '1'], ['SET', 'c', 'v'], ['DEL', 'a']];
});

scenario('SETEX / PSETEX become SET k v PXAT <abs ms>', async ({ c }) => {
  const s = await timed(c, 'SETEX', 'a', 1000, 'v');
  const p = await timed(c, 'PSETEX', 'b', 2_000_000, 'w');
  const s2 = await timed(c, 'setex', 'a', 3000, 'x'); // overwrite
  return [
    ['SET', 'a', 'v', 'PXAT', within(s.t0 + 1_000_000, s.t1 + 1_000_000)],
    ['SET', 'b', 'w', 'PXAT', within(p.t0 + 2_000_000, p.t1 + 2_000_000)],
    ['SET', 'a', 'x', 'PXAT', within(s2.t0 + 3_000_000, s2.t1 + 3_000_000)],
  ];
});

scenario('GETEX EX / PX / EXAT / PXAT become PEXPIREAT, PERSIST stays PERSIST, a past time becomes DEL', async ({ c }) => {
  await ok(c, 'SET', 'k', 'v');
  const ex = await timed(c, 'GETEX', 'k', 'EX', 1000);
  const px = await timed(c, 'GETEX', 'k', 'PX', 2_000_000);
  await ok(c, 'GETEX', 'k', 'EXAT', 4102444800);
  await ok(c, 'GETEX', 'k', 'PXAT', '4102444800999');
  await ok(c, 'GETEX', 'k', 'PERSIST');
  await ok(c, 'GETEX', 'k', 'PERSIST'); // no TTL any more: nothing
  await ok(c, 'GETEX', 'k'); // no option: nothing
  assert.equal(await ok(c, 'GETEX', 'k', 'EXAT', 1), 'v');
  assert.equal(await ok(c, 'EXISTS', 'k'), 0);
  return [
    ['SET', 'k', 'v'],
    ['PEXPIREAT', 'k', within(ex.t0 + 1_000_000, ex.t1 + 1_000_000)],
    ['PEXPIREAT', 'k', within(px.t0 + 2_000_000, px.t1 + 2_000_000)],
    ['PEXPIREAT', 'k', '4102444800000'],
    ['PEXPIREAT', 'k', '4102444800999'],
    ['PERSIST', 'k'],
    ['DEL', 'k'],
  ];
});

// ---- other rewrites -------------------------------------------------------------------------------

scenario('GETDEL becomes DEL, GETSET becomes SET', async ({ c }) => {
  await ok(c, 'SET', 'a', 'v', 'PXAT', '4102444800000');
  assert.equal(await ok(c, 'GETDEL', 'a'), 'v');
  await ok(c, 'SET', 'b', 'old', 'PXAT', '4102444800000');
  assert.equal(await ok(c, 'GETSET', 'b', 'new'), 'old');
  assert.equal(await ok(c, 'PTTL', 'b'), -1);
  assert.equal(await ok(c, 'GETSET', 'c', 'fresh'), null);
  return [
    ['SET', 'a', 'v', 'PXAT', '4102444800000'],
    ['DEL', 'a'],
    ['SET', 'b', 'old', 'PXAT', '4102444800000'],
    ['SET', 'b', 'new'],
    ['SET', 'c', 'fresh'],
  ];
});

scenario('INCRBYFLOAT becomes SET k <result> KEEPTTL; HINCRBYFLOAT becomes HSET k f <result>', async ({ c }) => {
  await ok(c, 'SET', 'f', '10.5');
  assert.equal(await ok(c, 'INCRBYFLOAT', 'f', '0.1'), '10.6');
  await ok(c, 'INCRBYFLOAT', 'new', '3.0e3');
  await ok(c, 'SET', 't', '1', 'PXAT', '4102444800000');
  await ok(c, 'INCRBYFLOAT', 't', '-0.25');
  assert.equal(await ok(c, 'PEXPIRETIME', 't'), 4102444800000);
  await ok(c, 'INCRBYFLOAT', 'f', '5.0e-1');
  await ok(c, 'HSET', 'h', 'a', '1');
  await ok(c, 'HINCRBYFLOAT', 'h', 'a', '2.5');
  await ok(c, 'HINCRBYFLOAT', 'h', 'b', '1e2');
  return [
    ['SET', 'f', '10.5'],
    ['SET', 'f', '10.6', 'KEEPTTL'],
    ['SET', 'new', '3000', 'KEEPTTL'],
    ['SET', 't', '1', 'PXAT', '4102444800000'],
    ['SET', 't', '0.75', 'KEEPTTL'],
    ['SET', 'f', '11.1', 'KEEPTTL'],
    ['HSET', 'h', 'a', '1'],
    ['HSET', 'h', 'a', '3.5'],
    ['HSET', 'h', 'b', '100'],
  ];
});

scenario('SPOP becomes SREM; with a count: SREMs in MULTI/EXEC, or DEL when it takes everything', async ({ c }) => {
  await ok(c, 'SADD', 'one', 'm');
  await ok(c, 'SPOP', 'one'); // the set goes away with its last member
  await ok(c, 'SADD', 'a', 'x', 'y', 'z');
  const single = String(await ok(c, 'SPOP', 'a'));
  await ok(c, 'SADD', 'b', 'p', 'q', 'r', 's', 't');
  const two = (await ok(c, 'SPOP', 'b', 2)) as string[];
  const onlyOne = (await ok(c, 'SPOP', 'b', 1)) as string[];
  await ok(c, 'SPOP', 'b', 0); // nothing
  await ok(c, 'SADD', 'c', '1', '2', '3');
  await ok(c, 'SPOP', 'c', 3); // all: DEL
  await ok(c, 'SADD', 'd', 'a', 'b');
  await ok(c, 'SPOP', 'd', 10); // more than all: DEL
  assert.equal(two.length, 2);
  assert.equal(onlyOne.length, 1);
  return [
    ['SADD', 'one', 'm'],
    ['SREM', 'one', 'm'],
    ['SADD', 'a', 'x', 'y', 'z'],
    ['SREM', 'a', single],
    ['SADD', 'b', 'p', 'q', 'r', 's', 't'],
    ['MULTI'],
    ['SREM', 'b', two[0]!],
    ['SREM', 'b', two[1]!],
    ['EXEC'],
    ['SREM', 'b', onlyOne[0]!],
    ['SADD', 'c', '1', '2', '3'],
    ['DEL', 'c'],
    ['SADD', 'd', 'a', 'b'],
    ['DEL', 'd'],
  ];
});

scenario('SPOP with a count of most of a large set: one SREM per member, in MULTI/EXEC', async ({ c }) => {
  const members: string[] = [];
  for (let i = 0; i < 40; i++) members.push(`m${i}`);
  await ok(c, 'SADD', 's', ...members);
  const popped = (await ok(c, 'SPOP', 's', 35)) as string[];
  assert.equal(popped.length, 35);
  return (actual, who) => {
    const items = aofItems(actual);
    assert.deepEqual(items[0], { argv: ['SADD', 's', ...members] }, who);
    assert.deepEqual(items[1], { argv: ['MULTI'] }, who);
    assert.deepEqual(items[items.length - 1], { argv: ['EXEC'] }, who);
    const srems = items.slice(2, -1);
    for (const it of srems) assert.ok('argv' in it && it.argv.length === 3 && it.argv[0] === 'SREM' && it.argv[1] === 's', `${who}: ${JSON.stringify(it)}`);
    assert.deepEqual(srems.map((it) => ('argv' in it ? it.argv[2] : '')).sort(), [...popped].sort(), `${who}: the SREMs name the popped members`);
  };
});

scenario('LMPOP / ZMPOP become LPOP / RPOP / ZPOPMIN / ZPOPMAX with the count popped', async ({ c }) => {
  await ok(c, 'RPUSH', 'l', 'a', 'b', 'c', 'd');
  await ok(c, 'LMPOP', 1, 'l', 'LEFT', 'COUNT', 2);
  await ok(c, 'LMPOP', 2, 'nosuch', 'l', 'RIGHT');
  await ok(c, 'ZADD', 'z', 1, 'a', 2, 'b', 3, 'c');
  await ok(c, 'ZMPOP', 1, 'z', 'MIN', 'COUNT', 2);
  await ok(c, 'ZMPOP', 1, 'z', 'MAX', 'COUNT', 10);
  return [
    ['RPUSH', 'l', 'a', 'b', 'c', 'd'],
    ['LPOP', 'l', '2'],
    ['RPOP', 'l', '1'],
    ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
    ['ZPOPMIN', 'z', '2'],
    ['ZPOPMAX', 'z', '1'],
  ];
});

// ---- blocking pops ---------------------------------------------------------------------------------

scenario('blocking pops served after blocking are written as LPOP / RPOP / LMOVE / RPOPLPUSH / ZPOPMIN / ZPOPMAX, after the push', async (s) => {
  assert.deepEqual(await served(s, ['BLPOP', 'nosuch', 'l1', 0], ['RPUSH', 'l1', 'a', 'b']), ['l1', 'a']);
  assert.deepEqual(await served(s, ['BRPOP', 'l2', 0], ['RPUSH', 'l2', 'a', 'b']), ['l2', 'b']);
  assert.equal(await served(s, ['BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', 0], ['RPUSH', 'src', 'x', 'y']), 'x');
  assert.equal(await served(s, ['BLMOVE', 'src2', 'dst', 'right', 'left', 0], ['RPUSH', 'src2', 'x', 'y']), 'y');
  assert.equal(await served(s, ['BRPOPLPUSH', 'src3', 'dst', 0], ['LPUSH', 'src3', 'z']), 'z');
  assert.deepEqual(await served(s, ['BZPOPMIN', 'z1', 0], ['ZADD', 'z1', 2, 'b', 1, 'a']), ['z1', 'a', '1']);
  assert.deepEqual(await served(s, ['BZPOPMAX', 'z2', 0], ['ZADD', 'z2', 2, 'b', 1, 'a']), ['z2', 'b', '2']);
  assert.deepEqual(await served(s, ['BLMPOP', 0, 1, 'l3', 'RIGHT', 'COUNT', 5], ['RPUSH', 'l3', 'p', 'q']), ['l3', ['q', 'p']]);
  assert.deepEqual(await served(s, ['BLMPOP', 0, 1, 'l4', 'LEFT'], ['RPUSH', 'l4', 'p', 'q']), ['l4', ['p']]);
  assert.deepEqual(await served(s, ['BZMPOP', 0, 1, 'z3', 'MAX', 'COUNT', 3], ['ZADD', 'z3', 1, 'a', 2, 'b']), ['z3', [['b', '2'], ['a', '1']]]);
  return [
    ['RPUSH', 'l1', 'a', 'b'],
    ['LPOP', 'l1'],
    ['RPUSH', 'l2', 'a', 'b'],
    ['RPOP', 'l2'],
    ['RPUSH', 'src', 'x', 'y'],
    ['LMOVE', 'src', 'dst', 'left', 'right'],
    ['RPUSH', 'src2', 'x', 'y'],
    ['LMOVE', 'src2', 'dst', 'right', 'left'],
    ['LPUSH', 'src3', 'z'],
    ['RPOPLPUSH', 'src3', 'dst'],
    ['ZADD', 'z1', '2', 'b', '1', 'a'],
    ['ZPOPMIN', 'z1'],
    ['ZADD', 'z2', '2', 'b', '1', 'a'],
    ['ZPOPMAX', 'z2'],
    ['RPUSH', 'l3', 'p', 'q'],
    ['RPOP', 'l3', '2'],
    ['RPUSH', 'l4', 'p', 'q'],
    ['LPOP', 'l4', '1'],
    ['ZADD', 'z3', '1', 'a', '2', 'b'],
    ['ZPOPMAX', 'z3', '2'],
  ];
});

scenario('blocking pops served at once (the key exists) are written as the plain pops', async ({ c }) => {
  await ok(c, 'RPUSH', 'l', 'a', 'b', 'c', 'd', 'e');
  await ok(c, 'BLPOP', 'l', 0);
  await ok(c, 'BRPOP', 'l', 0);
  await ok(c, 'BLMOVE', 'l', 'dst', 'RIGHT', 'LEFT', 0);
  await ok(c, 'BRPOPLPUSH', 'l', 'dst', 0);
  await ok(c, 'BLMPOP', 0, 1, 'dst', 'LEFT', 'COUNT', 5);
  await ok(c, 'ZADD', 'z', 1, 'a', 2, 'b', 3, 'c');
  await ok(c, 'BZPOPMIN', 'z', 0);
  await ok(c, 'BZMPOP', 0, 1, 'z', 'MAX');
  return [
    ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'],
    ['LPOP', 'l'],
    ['RPOP', 'l'],
    ['LMOVE', 'l', 'dst', 'RIGHT', 'LEFT'],
    ['RPOPLPUSH', 'l', 'dst'],
    ['LPOP', 'dst', '2'],
    ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
    ['ZPOPMIN', 'z'],
    ['ZPOPMAX', 'z', '1'],
  ];
});

scenario('a waiter in another db: the pop follows the push in that db; a push in MULTI serves after EXEC', async (s) => {
  const { c, c2 } = s;
  await ok(c2, 'SELECT', 3);
  c2.send('BLPOP', 'q', 0);
  await waitBlocked(c, 1);
  await ok(c, 'SELECT', 3);
  await ok(c, 'RPUSH', 'q', 'a', 'b');
  assert.deepEqual(await c2.read(), ['q', 'a']);
  await ok(c, 'SELECT', 0);
  await ok(c2, 'SELECT', 0);
  c2.send('BRPOP', 'tx', 0);
  await waitBlocked(c, 1);
  await ok(c, 'MULTI');
  await ok(c, 'RPUSH', 'tx', '1', '2', '3');
  await ok(c, 'LPOP', 'tx');
  await ok(c, 'EXEC');
  assert.deepEqual(await c2.read(), ['tx', '3']);
  return [
    ['SELECT', '3'],
    ['RPUSH', 'q', 'a', 'b'],
    ['LPOP', 'q'],
    ['SELECT', '0'],
    ['MULTI'],
    ['RPUSH', 'tx', '1', '2', '3'],
    ['LPOP', 'tx'],
    ['EXEC'],
    ['RPOP', 'tx'],
  ];
});

scenario('a served BLMOVE feeds another waiter; a block that times out writes nothing', async (s) => {
  const { c, c2 } = s;
  const c3 = await s.client();
  c2.send('BLMOVE', 'a', 'b', 'RIGHT', 'LEFT', 0);
  await waitBlocked(c, 1);
  c3.send('BLPOP', 'b', 0);
  await waitBlocked(c, 2);
  await ok(c, 'RPUSH', 'a', 'x');
  assert.equal(await c2.read(), 'x');
  assert.deepEqual(await c3.read(), ['b', 'x']);
  assert.equal(await ok(c, 'BLPOP', 'nosuch', '0.05'), null);
  assert.equal(await ok(c, 'BZPOPMIN', 'nosuch', '0.05'), null);
  c3.close();
  return [['RPUSH', 'a', 'x'], ['LMOVE', 'a', 'b', 'right', 'left'], ['LPOP', 'b']];
});

// ---- expiry -------------------------------------------------------------------------------------------

scenario('lazy expiry: a read of an expired key writes DEL; a write to one writes MULTI, DEL, the command, EXEC', async (s) => {
  const { c } = s;
  await ok(c, 'DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  await ok(c, 'RPUSH', 'l', 'a');
  const at = Date.now() + 400;
  await ok(c, 'PEXPIREAT', 'l', at); // first: a time already past would make it a DEL
  const set = await setExpiring(s, [['g', 'v'], ['e', 'v'], ['i', '5'], ['r', 'v'], ['s', 'v'], ['x', 'v']], at);
  await waitPast(at);
  assert.equal(await ok(c, 'GET', 'g'), null);
  assert.equal(await ok(c, 'EXISTS', 'e'), 0);
  assert.equal(await ok(c, 'GET', 'g'), null); // gone: nothing more
  assert.equal(await ok(c, 'INCR', 'i'), 1);
  assert.equal(await ok(c, 'RPUSH', 'l', 'b'), 1);
  assert.equal(await ok(c, 'GETEX', 'x', 'EX', 100), null); // DEL only: no key to expire
  await ok(c, 'SETRANGE', 'r', 0, 'w');
  await ok(c, 'APPEND', 's', 'w');
  return [
    ['RPUSH', 'l', 'a'],
    ['PEXPIREAT', 'l', String(at)],
    ...set,
    ['DEL', 'g'],
    ['DEL', 'e'],
    ['MULTI'],
    ['DEL', 'i'],
    ['INCR', 'i'],
    ['EXEC'],
    ['MULTI'],
    ['DEL', 'l'],
    ['RPUSH', 'l', 'b'],
    ['EXEC'],
    ['DEL', 'x'],
    ['MULTI'],
    ['DEL', 'r'],
    ['SETRANGE', 'r', '0', 'w'],
    ['EXEC'],
    ['MULTI'],
    ['DEL', 's'],
    ['APPEND', 's', 'w'],
    ['EXEC'],
  ];
});

scenario('lazy expiry of the key a SET / DEL overwrites or deletes', async (s) => {
  const { c } = s;
  await ok(c, 'DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  const at = Date.now() + 300;
  const set = await setExpiring(s, [['a', 'v'], ['b', 'v'], ['c', 'v']], at);
  await waitPast(at);
  await ok(c, 'SET', 'a', 'w');
  assert.equal(await ok(c, 'DEL', 'b'), 0);
  assert.equal(await ok(c, 'SET', 'c', 'w', 'NX'), 'OK');
  return [...set, ['MULTI'], ['DEL', 'a'], ['SET', 'a', 'w'], ['EXEC'], ['DEL', 'b'], ['MULTI'], ['DEL', 'c'], ['SET', 'c', 'w', 'NX'], ['EXEC']];
});

scenario('lazy expiry inside MULTI/EXEC joins the transaction; a read-only transaction writes only the DEL', async (s) => {
  const { c } = s;
  await ok(c, 'DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  const at = Date.now() + 300;
  const set = await setExpiring(s, [['a', 'v'], ['b', 'v']], at);
  await waitPast(at);
  await ok(c, 'MULTI');
  await ok(c, 'GET', 'a');
  await ok(c, 'SET', 'x', '1');
  await ok(c, 'EXEC');
  await ok(c, 'MULTI');
  await ok(c, 'GET', 'b');
  await ok(c, 'EXEC');
  return [...set, ['MULTI'], ['DEL', 'a'], ['SET', 'x', '1'], ['EXEC'], ['DEL', 'b']];
});

scenario('active expiry: one DEL record per key, never wrapped in MULTI', async (s) => {
  const { c } = s;
  await ok(c, 'SELECT', 5);
  const at = Date.now() + 150;
  const keys: [string, string][] = [['k1', 'v'], ['k2', 'v'], ['k3', 'v'], ['k4', 'v']];
  const set = await setExpiring(s, keys, at);
  await waitFor(async () => (await ok(c, 'DBSIZE')) === 0, 5000, 'active expiry');
  return (actual, who) => {
    const items = aofItems(actual);
    assert.deepEqual(items.slice(0, 5), [{ argv: ['SELECT', '5'] }, ...set.map((argv) => ({ argv }))], who);
    const dels = items.slice(5);
    assert.equal(dels.length, keys.length, `${who}: ${JSON.stringify(dels)}`);
    for (const it of dels) assert.ok('argv' in it && it.argv.length === 2 && it.argv[0] === 'DEL', `${who}: ${JSON.stringify(it)}`);
    assert.deepEqual(dels.map((it) => ('argv' in it ? it.argv[1] : '')).sort(), keys.map(([k]) => k), who);
  };
});

// ---- MULTI/EXEC ------------------------------------------------------------------------------------------

scenario('MULTI/EXEC: wrapped when it writes more than once, SELECT before MULTI, SELECT inside for a db change, nothing for reads only', async ({ c }) => {
  await ok(c, 'SELECT', 2);
  await ok(c, 'MULTI');
  await ok(c, 'SET', 'a', '1');
  await ok(c, 'INCR', 'a');
  await ok(c, 'EXEC');
  await ok(c, 'MULTI');
  await ok(c, 'GET', 'a');
  await ok(c, 'EXEC'); // reads only: nothing
  await ok(c, 'MULTI');
  await ok(c, 'SET', 'b', '1');
  await ok(c, 'GET', 'b');
  await ok(c, 'EXEC'); // one write: as is
  await ok(c, 'SELECT', 0);
  await ok(c, 'MULTI');
  await ok(c, 'SET', 'c', '1');
  await ok(c, 'SELECT', 1);
  await ok(c, 'SET', 'd', '1', 'EX', 100_000);
  await ok(c, 'SELECT', 0);
  await ok(c, 'DEL', 'nosuch'); // writes nothing, inside too
  const ex = await timed(c, 'EXEC');
  await ok(c, 'MULTI');
  await ok(c, 'SET', 'e', '1');
  await ok(c, 'DISCARD');
  return [
    ['SELECT', '2'],
    ['MULTI'],
    ['SET', 'a', '1'],
    ['INCR', 'a'],
    ['EXEC'],
    ['SET', 'b', '1'],
    ['SELECT', '0'],
    ['MULTI'],
    ['SET', 'c', '1'],
    ['SELECT', '1'],
    ['SET', 'd', '1', 'PXAT', within(ex.t0 + 100_000_000, ex.t1 + 100_000_000)],
    ['EXEC'],
  ];
});

scenario('MULTI/EXEC: a failing command is left out, an aborted (WATCH) transaction writes nothing, FLUSHALL inside', async ({ c, c2 }) => {
  await ok(c, 'MULTI');
  await ok(c, 'SET', 's', 'v');
  await ok(c, 'INCR', 's'); // fails at EXEC
  await ok(c, 'SET', 't', '1');
  const r = (await ok(c, 'EXEC')) as RespValue[];
  assert.ok(r[1] instanceof RespError);
  await ok(c, 'WATCH', 't');
  await ok(c2, 'SET', 't', '2');
  await ok(c, 'MULTI');
  await ok(c, 'SET', 't', '3');
  assert.equal(await ok(c, 'EXEC'), null);
  await ok(c, 'SELECT', 6);
  await ok(c, 'MULTI');
  await ok(c, 'SET', 'u', '1');
  await ok(c, 'FLUSHALL');
  await ok(c, 'EXEC');
  return [
    ['MULTI'],
    ['SET', 's', 'v'],
    ['SET', 't', '1'],
    ['EXEC'],
    ['SET', 't', '2'],
    ['SELECT', '6'],
    ['MULTI'],
    ['SET', 'u', '1'],
    ['FLUSHALL'],
    ['EXEC'],
  ];
});

// ---- FLUSHDB / FLUSHALL, and writes logged as received ----------------------------------------------------

scenario('FLUSHDB on an empty db is written; FLUSHALL always; ASYNC / SYNC kept', async ({ c }) => {
  await ok(c, 'SELECT', 6);
  await ok(c, 'FLUSHDB');
  await ok(c, 'FLUSHDB', 'ASYNC');
  await ok(c, 'SET', 'k', 'v');
  await ok(c, 'FLUSHDB', 'SYNC');
  await ok(c, 'FLUSHALL');
  await ok(c, 'FLUSHALL', 'ASYNC');
  return [['SELECT', '6'], ['FLUSHDB'], ['FLUSHDB', 'ASYNC'], ['SET', 'k', 'v'], ['FLUSHDB', 'SYNC'], ['FLUSHALL'], ['FLUSHALL', 'ASYNC']];
});

scenario('keyspace writes logged as received: DEL / UNLINK with missing keys, RENAME, MOVE, COPY ... DB, SWAPDB, PERSIST', async ({ c }) => {
  await ok(c, 'MSET', 'a', '1', 'b', '2', 'c', '\r\n\x00\xff');
  await ok(c, 'DEL', 'a', 'nosuch', 'b');
  await ok(c, 'UNLINK', 'nosuch', 'c');
  await ok(c, 'SET', 'r', 'v', 'PXAT', '4102444800000');
  await ok(c, 'RENAME', 'r', 'r2');
  await ok(c, 'MOVE', 'r2', 7);
  await ok(c, 'SET', 'cp', 'v');
  await ok(c, 'COPY', 'cp', 'cp2', 'DB', 8);
  await ok(c, 'COPY', 'cp', 'cp', 'DB', 9, 'REPLACE');
  await ok(c, 'SWAPDB', 7, 8);
  await ok(c, 'SET', 'p', 'v', 'PXAT', '4102444800000');
  await ok(c, 'PERSIST', 'p');
  return [
    ['MSET', 'a', '1', 'b', '2', 'c', '\r\n\x00\xff'],
    ['DEL', 'a', 'nosuch', 'b'],
    ['UNLINK', 'nosuch', 'c'],
    ['SET', 'r', 'v', 'PXAT', '4102444800000'],
    ['RENAME', 'r', 'r2'],
    ['MOVE', 'r2', '7'],
    ['SET', 'cp', 'v'],
    ['COPY', 'cp', 'cp2', 'DB', '8'],
    ['COPY', 'cp', 'cp', 'DB', '9', 'REPLACE'],
    ['SWAPDB', '7', '8'],
    ['SET', 'p', 'v', 'PXAT', '4102444800000'],
    ['PERSIST', 'p'],
  ];
});

// ---- a fresh start, and #TS: annotations -------------------------------------------------------------------

type Fresh = Side & { stop(): Promise<void> };

async function fresh(kind: 'nodis' | 'redis-server', options: Record<string, string>): Promise<Fresh> {
  if (kind === 'nodis') {
    const s = await startNodis(options);
    return { ...s, stop: () => s.srv.stop() };
  }
  const s = await startRedis(options);
  return {
    ...s,
    stop: async () => {
      s.child.kill('SIGKILL');
    },
  };
}

function bothKinds(name: string, fn: (kind: 'nodis' | 'redis-server') => Promise<void>, timeout = 20_000): void {
  test(`nodis: ${name}`, { timeout }, async () => fn('nodis'));
  test(`redis-server 7.0.15: ${name}`, { skip: SKIP_REDIS, timeout }, async () => fn('redis-server'));
}

bothKinds('the first write after start is preceded by SELECT, even for db 0', async (kind) => {
  const s = await fresh(kind, {});
  try {
    assert.equal(s.tail.all(), '', 'empty INCR at start');
    await ok(s.c, 'GET', 'x');
    await ok(s.c, 'SET', 'a', '1');
    await ok(s.c, 'SET', 'b', '1');
    assertAof(s.tail.next(), [['SELECT', '0'], ['SET', 'a', '1'], ['SET', 'b', '1']], kind);
    assert.equal(readBase(s.dir)!.toString('latin1'), '', 'empty BASE');
  } finally {
    await s.stop();
  }
});

const sec = (ms: number) => Math.floor(ms / 1000);

/** Sleeps until just after the next second starts; returns that second. */
async function nextSecond(): Promise<number> {
  const now = Date.now();
  await sleep(1000 - (now % 1000) + 30);
  return sec(Date.now());
}

/**
 * Runs `prep`, then `body` right after a second starts, and checks what `body` appended against
 * `expected(thatSecond)`. When `body` ends in a later second (a slow machine), tries again (3 times).
 */
async function inOneSecond(s: Side, prep: () => Promise<unknown>, body: () => Promise<void>, expected: (t: number) => Expected[]): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    await prep();
    s.tail.skip();
    const t = await nextSecond();
    await body();
    if (sec(Date.now()) !== t) continue;
    assertAof(s.tail.next(), expected(t), s.name);
    return;
  }
  assert.fail('could not run the commands within one second in 3 attempts');
}

bothKinds('aof-timestamp-enabled yes: #TS:<unix s> in the start-up BASE, then at most one per second in the INCR, before the SELECT', async (kind) => {
  const secStart = sec(Date.now());
  const s = await fresh(kind, { 'aof-timestamp-enabled': 'yes' });
  const secReady = sec(Date.now());
  try {
    const base = readBase(s.dir)!.toString('latin1');
    const m = /^#TS:(\d+)\r\n$/.exec(base);
    assert.ok(m, `${kind}: BASE is ${JSON.stringify(base)}`);
    const baseTs = Number(m[1]);
    assert.ok(baseTs >= secStart && baseTs <= secReady, `${kind}: BASE #TS:${baseTs} outside ${secStart}..${secReady}`);

    // A new second: one annotation, before the SELECT and the records of that second.
    await ok(s.c, 'SELECT', 2);
    await inOneSecond(
      s,
      () => ok(s.c2, 'SET', 'reset', '1'), // the file's db is 0 again
      async () => {
        await ok(s.c, 'SET', 'a', '1');
        await ok(s.c, 'SET', 'b', '2');
      },
      (t) => [{ ts: String(t) }, ['SELECT', '2'], ['SET', 'a', '1'], ['SET', 'b', '2']],
    );
    // A read, and a whole second with no write: no annotation. Then a transaction.
    await inOneSecond(
      s,
      async () => {
        await ok(s.c, 'GET', 'a');
        await nextSecond();
      },
      async () => {
        await ok(s.c, 'MULTI');
        await ok(s.c, 'SET', 'c', '1');
        await ok(s.c, 'SET', 'd', '1');
        await ok(s.c, 'EXEC');
        await ok(s.c, 'SET', 'e', '1');
      },
      (t) => [{ ts: String(t) }, ['MULTI'], ['SET', 'c', '1'], ['SET', 'd', '1'], ['EXEC'], ['SET', 'e', '1']],
    );

    // Many writes over about 1.5 s: one annotation per second that has a record, increasing.
    const seconds = new Set<number>();
    const deadline = Date.now() + 1500;
    for (let i = 0; Date.now() < deadline; i++) {
      const before = sec(Date.now());
      await ok(s.c, 'SET', `k${i}`, 'v');
      const after = sec(Date.now());
      seconds.add(before);
      seconds.add(after);
    }
    const items = aofItems(s.tail.next());
    const ts = items.flatMap((it) => ('ts' in it ? [it.ts] : []));
    assert.ok(ts.length >= 1 && ts.length <= seconds.size, `${kind}: ${ts.length} annotations for seconds ${[...seconds].join(',')}`);
    for (let i = 1; i < ts.length; i++) assert.ok(ts[i]! > ts[i - 1]!, `${kind}: annotations increase`);
    for (const v of ts) assert.ok(seconds.has(v), `${kind}: #TS:${v} is not a second of the writes`);
    assert.ok(!('ts' in items[items.length - 1]!), `${kind}: an annotation is followed by a record`);
  } finally {
    await s.stop();
  }
});

bothKinds('aof-timestamp-enabled yes: a write in the second of the BASE\'s annotation gets none', async (kind) => {
  // Start right after a second begins, so the first write most likely shares the BASE's second.
  for (let attempt = 0; attempt < 3; attempt++) {
    await nextSecond();
    const s = await fresh(kind, { 'aof-timestamp-enabled': 'yes' });
    try {
      const baseTs = Number(/^#TS:(\d+)\r\n$/.exec(readBase(s.dir)!.toString('latin1'))![1]);
      const t0 = Date.now();
      await ok(s.c, 'SET', 'a', '1');
      if (sec(t0) !== baseTs || sec(Date.now()) !== baseTs) continue; // a second went by: try again
      assertAof(s.tail.next(), [['SELECT', '0'], ['SET', 'a', '1']], kind);
      return;
    } finally {
      await s.stop();
    }
  }
  assert.fail('could not write within the BASE\'s second in 3 attempts');
});

bothKinds('CONFIG SET aof-timestamp-enabled yes at runtime: the next write gets an annotation', async (kind) => {
  const s = await fresh(kind, {});
  try {
    await ok(s.c, 'SET', 'a', '1');
    await ok(s.c, 'CONFIG', 'SET', 'aof-timestamp-enabled', 'yes');
    const t0 = Date.now();
    await ok(s.c, 'SET', 'b', '1');
    const t1 = Date.now();
    await ok(s.c, 'CONFIG', 'SET', 'aof-timestamp-enabled', 'no');
    await nextSecond();
    await ok(s.c, 'SET', 'c', '1');
    assertAof(s.tail.next(), [['SELECT', '0'], ['SET', 'a', '1'], { ts: within(sec(t0), sec(t1)) }, ['SET', 'b', '1'], ['SET', 'c', '1']], kind);
  } finally {
    await s.stop();
  }
});
