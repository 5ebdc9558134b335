// AOF compatibility both ways with the real redis-server 7.0.15 and redis-check-aof (skipped
// only when /usr/bin/redis-server or /usr/bin/redis-check-aof is missing).
//
// 1. nodis -> Redis: a rich workload on nodis (all five types, several dbs, future TTLs, binary
//    keys and values, 1 MB values, 10k-element collections, MULTI/EXEC, expiries that happen,
//    served blocking pops, SPOP, INCRBYFLOAT, SWAPDB, MOVE, COPY, FLUSHDB) with appendfsync
//    always / everysec / no and aof-timestamp-enabled yes / no, in-process and as the
//    nodis-server executable; its directory passes redis-check-aof and loads in redis-server
//    with the same data (key by key: TYPE, value, PEXPIRETIME, PTTL; and DEBUG DIGEST). Also a
//    directory where nodis switched the AOF on at runtime, and the round trip on one directory:
//    nodis -> Redis (appends) -> nodis (appends) -> Redis. With aof-timestamp-enabled, the
//    INCR bytes (#TS: annotations) equal redis-server's for the same commands at the same times.
// 2. Redis -> nodis: the same workload on redis-server (aof-use-rdb-preamble no, timestamps, a
//    BGREWRITEAOF in the middle), loaded by nodis; a legacy single appendonly.aof upgraded;
//    an RDB base refused with Redis's "Error reading the RDB base file" line.
// 3. nodis-check-aof vs redis-check-aof on those directories, valid and damaged: same stdout,
//    exit code, and byte-identical files after --fix.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { RespClient, RespError, encodeCommand, type RespValue } from '../helpers/resp-client.js';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { main as checkAofMain } from '../../src/cli/check-aof-main.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const NODIS_SERVER = path.join(ROOT, 'bin', 'nodis-server');
const NODIS_CHECK = path.join(ROOT, 'bin', 'nodis-check-aof');
const REDIS_SERVER = '/usr/bin/redis-server';
const REDIS_CHECK = '/usr/bin/redis-check-aof';
const missing = [REDIS_SERVER, REDIS_CHECK].filter((b) => !fs.existsSync(b));
const skip = missing.length > 0 ? `not installed: ${missing.join(', ')}` : false;

const MANIFEST = 'appendonly.aof.manifest';
const ALL_BYTES = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
/** 1 MB cycling through every byte value (as a latin1 string). */
const MEGA = Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => (i * 7 + (i >> 8)) & 0xff)).toString('latin1');
const HOUR = 3_600_000;

let tmp = '';
const children = new Set<ChildProcess>();
const servers = new Set<TestServer>();
const clients = new Set<RespClient>();

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-compat-aof-'));
});
after(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await s.stop().catch(() => {});
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  if (tmp !== '') fs.rmSync(tmp, { recursive: true, force: true });
});

// ---- processes -------------------------------------------------------------------------------

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

interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly port: number;
  /** Everything the server logged (it logs to stdout). */
  output(): string;
  readonly exit: Promise<number | null>;
  connect(): Promise<RespClient>;
}

/**
 * Spawns redis-server or nodis-server (same arguments) on `dir` with the AOF on (RESP base),
 * DEBUG enabled, logging to stdout; resolves once PING answers PONG (not -LOADING).
 */
async function spawnServer(kind: 'redis' | 'nodis', dir: string, extra: string[] = []): Promise<Proc> {
  const port = await freePort();
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes',
    '--aof-use-rdb-preamble', 'no', '--enable-debug-command', 'yes', '--logfile', '', '--daemonize', 'no', ...extra,
  ];
  const child = kind === 'redis' ? spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(process.execPath, [NODIS_SERVER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('latin1')));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const proc: Proc = {
    name: kind === 'redis' ? 'redis-server' : 'nodis-server',
    child,
    port,
    output: () => out,
    exit,
    async connect() {
      const c = await RespClient.connect(port);
      clients.add(c);
      return c;
    },
  };
  return proc;
}

/** Waits until `proc` answers PING with PONG; fails early if it exits. */
async function ready(proc: Proc): Promise<RespClient> {
  let client: RespClient | null = null;
  await waitFor(async () => {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`${proc.name} exited (${proc.child.exitCode}): ${proc.output()}`);
    try {
      client ??= await proc.connect();
      const r = await client.call('PING');
      return r === 'PONG';
    } catch {
      client?.close();
      client = null;
      return false;
    }
  }, 15_000, `${proc.name} to answer PONG`);
  return client!;
}

async function startServerProc(kind: 'redis' | 'nodis', dir: string, extra: string[] = []): Promise<{ proc: Proc; c: RespClient }> {
  const proc = await spawnServer(kind, dir, extra);
  return { proc, c: await ready(proc) };
}

/** SHUTDOWN (the AOF is flushed and fsynced); the process must exit 0. */
async function shutdown(proc: Proc, c: RespClient): Promise<void> {
  c.send('SHUTDOWN');
  await c.waitClosed(10_000);
  const code = await Promise.race([proc.exit, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${proc.name} did not exit`)), 10_000).unref())]);
  assert.equal(code, 0, `${proc.name} exit code; output:\n${proc.output().slice(-2000)}`);
  children.delete(proc.child);
}

async function startNodis(options: Record<string, string>): Promise<TestServer> {
  const srv = await startTestServer({ 'aof-use-rdb-preamble': 'no', ...options });
  servers.add(srv);
  return srv;
}

async function stopNodis(srv: TestServer): Promise<void> {
  await srv.stop();
  servers.delete(srv);
}

// ---- the workload --------------------------------------------------------------------------

type Arg = string | number;

async function ok(c: RespClient, ...args: Arg[]): Promise<RespValue> {
  const r = await c.call(...args);
  assert.ok(!(r instanceof RespError), `${args.slice(0, 3).join(' ')} -> ${r instanceof RespError ? r.message : ''}`);
  return r;
}

/** Sends every command at once, then reads every reply (none may be an error). */
async function pipeline(c: RespClient, cmds: Arg[][]): Promise<RespValue[]> {
  c.writeRaw(Buffer.concat(cmds.map((a) => encodeCommand(a))));
  const out: RespValue[] = [];
  for (const cmd of cmds) {
    const r = await c.read(20_000);
    assert.ok(!(r instanceof RespError), `${cmd.slice(0, 3).join(' ')} -> ${r instanceof RespError ? r.message : ''}`);
    out.push(r);
  }
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitBlocked(c: RespClient, n: number): Promise<void> {
  await waitFor(async () => String(await c.call('INFO', 'clients')).includes(`\r\nblocked_clients:${n}\r\n`), 5000, `${n} blocked client(s)`);
}

/** Commands adding `n` items to a collection in batches of 1000. */
function bulk(cmd: string, key: string, n: number, item: (i: number) => Arg[]): Arg[][] {
  const out: Arg[][] = [];
  for (let i = 0; i < n; i += 1000) {
    const args: Arg[] = [cmd, key];
    for (let j = i; j < Math.min(n, i + 1000); j++) args.push(...item(j));
    out.push(args);
  }
  return out;
}

/**
 * The workload, run the same way on nodis and on redis-server (whose outcomes may differ only
 * where Redis is random: SPOP). `mid` runs half-way (Redis's BGREWRITEAOF).
 */
async function workload(c: RespClient, c2: RespClient, mid: () => Promise<void> = async () => {}): Promise<void> {
  const now = Date.now();
  await ok(c, 'SELECT', 0);
  // Strings: binary keys and values, every byte value, 1 MB, edits, counters, TTLs.
  await pipeline(c, [
    ['SET', 'str', 'hello'],
    ['SET', ALL_BYTES, ALL_BYTES],
    ['SET', 'bin:\x00\r\n*1\r\n$', '\r\n\x00\xff'],
    ['SET', '', 'empty key'],
    ['SET', 'empty', ''],
    ['SET', 'mega', MEGA],
    ['SET', 'mega2', MEGA, 'EX', 7200],
    ['APPEND', 'mega', ALL_BYTES],
    ['SETRANGE', 'mega2', (1 << 20) - 3, 'tail\x00\xfe'],
    ['SETRANGE', 'sparse', 100, 'x'],
    ['SETBIT', 'bits', 100_001, 1],
    ['SETBIT', 'bits', 7, 1],
    ['INCR', 'counter'],
    ['INCRBY', 'counter', 41],
    ['DECRBY', 'counter', -1000],
    ['SET', 'float', '10.5', 'EX', 3600],
    ['INCRBYFLOAT', 'float', '0.1'],
    ['INCRBYFLOAT', 'float2', '3.0e3'],
    ['INCRBYFLOAT', 'float2', '-0.000001'],
    ['SETEX', 'setex', 5000, 'v'],
    ['PSETEX', 'psetex', 6_000_000, 'v'],
    ['SET', 'exat', 'v', 'EXAT', Math.floor(now / 1000) + 9000],
    ['SET', 'pxat', 'v', 'PXAT', now + 2 * HOUR + 123],
    ['SET', 'keepttl', 'a', 'PX', HOUR],
    ['SET', 'keepttl', 'b', 'KEEPTTL'],
    ['SET', 'getset', 'old'],
    ['GETSET', 'getset', 'new'],
    ['SET', 'getdel', 'x'],
    ['GETDEL', 'getdel'],
    ['SET', 'getex', 'v'],
    ['GETEX', 'getex', 'PX', 2 * HOUR],
    ['SET', 'getex2', 'v', 'EX', 100],
    ['GETEX', 'getex2', 'PERSIST'],
    ['SET', 'exp', 'v'],
    ['EXPIRE', 'exp', 4000],
    ['EXPIRE', 'exp', 5000, 'GT'],
    ['SET', 'pexp', 'v'],
    ['PEXPIRE', 'pexp', HOUR + 7],
    ['SET', 'expat', 'v'],
    ['EXPIREAT', 'expat', Math.floor(now / 1000) + 10_000],
    ['SET', 'persisted', 'v', 'EX', 100],
    ['PERSIST', 'persisted'],
    ['MSET', 'm1', '1', 'm2', '2', 'm3', ALL_BYTES],
    ['MSETNX', 'mnx1', 'a', 'mnx2', 'b'],
    ['SET', 'nx', 'first', 'NX'],
    ['SET', 'nx', 'second', 'NX'],
    ['SET', 'xx', 'never', 'XX'],
    ['SET', 'tobedel', 'x'],
    ['DEL', 'tobedel', 'nosuchkey'],
    ['SET', 'tobeunlinked', 'x'],
    ['UNLINK', 'tobeunlinked'],
    ['SET', 'torename', 'v', 'EX', 3000],
    ['RENAME', 'torename', 'renamed'],
  ]);
  // Big collections (10k elements, binary members), and small ones.
  await pipeline(c, [
    ...bulk('RPUSH', 'biglist', 10_000, (i) => [i % 1000 === 0 ? ALL_BYTES + i : `item:${i}`]),
    ...bulk('HSET', 'bighash', 10_000, (i) => [`f${i}`, i % 1000 === 0 ? ALL_BYTES : String(i * 3)]),
    ...bulk('SADD', 'bigset', 10_000, (i) => [i % 1000 === 0 ? ALL_BYTES + i : `m${i}`]),
    ...bulk('SADD', 'bigintset', 10_000, (i) => [i * 7 - 30_000]),
    ...bulk('ZADD', 'bigzset', 10_000, (i) => [i % 997 === 0 ? '-inf' : (i * 0.37 - 1234.5).toString(), i % 1000 === 0 ? ALL_BYTES + i : `z${i}`]),
    ['ZADD', 'bigzset', '+inf', 'top', '1e300', 'huge', '0.1', 'tenth', '-0.0', 'negzero', '3.141592653589793', 'pi'],
    ['PEXPIREAT', 'bigzset', now + 3 * HOUR],
    ['LPUSH', 'biglist', 'head'],
    ['LINSERT', 'biglist', 'BEFORE', 'item:5', 'inserted'],
    ['LSET', 'biglist', 3, ALL_BYTES],
    ['LREM', 'biglist', 0, 'item:7'],
    ['RPUSH', 'list', 'a', 'b', 'c', 'd', 'e', 'f', 'a', 'a'],
    ['LREM', 'list', -1, 'a'],
    ['LTRIM', 'list', 1, -2],
    ['LMOVE', 'list', 'list2', 'LEFT', 'RIGHT'],
    ['RPOPLPUSH', 'list', 'list2'],
    ['LPOP', 'list', 2],
    ['RPUSH', 'list3', 'x', 'y', 'z'],
    ['RPOP', 'list3'],
    ['HSET', 'hash', 'a', '1', 'b', '2', ALL_BYTES, ALL_BYTES, '', 'empty field'],
    ['HINCRBY', 'hash', 'a', 10],
    ['HINCRBYFLOAT', 'hash', 'fl', '2.5'],
    ['HINCRBYFLOAT', 'hash', 'fl', '0.1'],
    ['HSETNX', 'hash', 'b', 'never'],
    ['HSETNX', 'hash', 'c', 'set'],
    ['HDEL', 'hash', 'b'],
    ['HDEL', 'bighash', 'f5', 'f6'],
    ['HMSET', 'hash2', 'x', 'y'],
    ['EXPIRE', 'hash2', 6000],
    ['SADD', 'set', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
    ['SADD', 'intset', 1, 2, 3, -5, 1_000_000_000_000],
    ['SPOP', 'set'],
    ['SPOP', 'set', 3],
    ['SADD', 'small', 'only', 'two'],
    ['SPOP', 'small', 10],
    ['SPOP', 'bigset', 5],
    ['SREM', 'bigset', 'm10', 'm11'],
    ['SMOVE', 'set', 'set2', 'a'],
    ['SADD', 'set2', 'b', 'zz'],
    ['SINTERSTORE', 'sinter', 'set', 'set2'],
    ['SUNIONSTORE', 'sunion', 'set', 'set2', 'intset'],
    ['SDIFFSTORE', 'sdiff', 'intset', 'set'],
    ['ZADD', 'zset', 1, 'a', 2, 'b', 3, 'c', 4, 'd'],
    ['ZINCRBY', 'zset', '0.5', 'a'],
    ['ZINCRBY', 'zset', '-7', 'new'],
    ['ZREM', 'zset', 'b'],
    ['ZREMRANGEBYSCORE', 'bigzset', 100, 200],
    ['ZUNIONSTORE', 'zunion', 2, 'zset', 'bigzset', 'WEIGHTS', 2, '0.5', 'AGGREGATE', 'MAX'],
    ['ZPOPMIN', 'zset'],
    ['ZPOPMAX', 'zunion', 3],
    ['ZRANGESTORE', 'zrs', 'bigzset', 0, 99],
    ['EXPIRE', 'zrs', 9000],
  ]);
  await mid();
  // COPY / MOVE / RENAME across databases.
  await pipeline(c, [
    ['COPY', 'biglist', 'biglist:copy'],
    ['COPY', 'bighash', 'bighash:copy', 'DB', 3, 'REPLACE'],
    ['COPY', 'mega2', 'mega2:copy', 'DB', 3],
    ['SET', 'mv', 'moved', 'EX', 4000],
    ['MOVE', 'mv', 4],
    ['ZADD', 'mvz', 1, 'x'],
    ['MOVE', 'mvz', 4],
    ['SELECT', 3],
    ['SET', 'db3', 'x'],
    ['HSET', 'db3hash', 'f', 'v'],
    ['SELECT', 15],
    ['SET', 'db15', ALL_BYTES, 'PX', HOUR],
    ['RPUSH', 'db15list', ...Array.from({ length: 200 }, (_, i) => `e${i}`)],
  ]);
  // MULTI/EXEC, with a SELECT inside.
  await ok(c, 'SELECT', 0);
  await ok(c, 'MULTI');
  for (const cmd of [
    ['SET', 'tx:a', '1'],
    ['INCR', 'tx:a'],
    ['LPUSH', 'tx:l', 'x', 'y'],
    ['SELECT', 5],
    ['SADD', 'tx:s', 'a', 'b'],
    ['HSET', 'tx:h', 'f', 'v'],
    ['EXPIRE', 'tx:h', 7000],
    ['INCRBYFLOAT', 'tx:f', '1.25'],
  ]) assert.equal(await c.call(...cmd), 'QUEUED');
  const exec = await c.call('EXEC');
  assert.ok(Array.isArray(exec) && exec.length === 8, `EXEC -> ${String(exec)}`);
  await ok(c, 'SELECT', 0);
  // Blocking pops served by a later push (logged as their non-blocking forms).
  await ok(c2, 'SELECT', 0);
  const served: [Arg[], Arg[], RespValue][] = [
    [['BLPOP', 'bl:1', 5], ['RPUSH', 'bl:1', 'a', 'b', 'c'], ['bl:1', 'a']],
    [['BRPOP', 'bl:2', 'bl:2b', 5], ['LPUSH', 'bl:2', 'p', 'q'], ['bl:2', 'p']],
    [['BLMOVE', 'bl:3', 'bl:dst', 'LEFT', 'RIGHT', 5], ['RPUSH', 'bl:3', 'm1', 'm2'], 'm1'],
    [['BRPOPLPUSH', 'bl:4', 'bl:dst', 5], ['RPUSH', 'bl:4', 'r1', 'r2'], 'r2'],
    [['BLMPOP', 5, 1, 'bl:5', 'RIGHT', 'COUNT', 2], ['RPUSH', 'bl:5', 'x', 'y', 'z'], ['bl:5', ['z', 'y']]],
    [['BZPOPMIN', 'bz:1', 5], ['ZADD', 'bz:1', 3, 'c', 1, 'a', 2, 'b'], ['bz:1', 'a', '1']],
    [['BZPOPMAX', 'bz:2', 5], ['ZADD', 'bz:2', '1.5', 'lo', '2.5', 'hi'], ['bz:2', 'hi', '2.5']],
  ];
  for (const [block, push, expected] of served) {
    c2.send(...block);
    await waitBlocked(c, 1);
    await ok(c, ...push);
    assert.deepEqual(await c2.read(), expected, block.join(' '));
  }
  // A pop blocked in db 9, served by a push inside MULTI.
  await ok(c2, 'SELECT', 9);
  c2.send('BLPOP', 'bl:db9', 5);
  await waitBlocked(c, 1);
  await ok(c, 'SELECT', 9);
  await ok(c, 'MULTI');
  await c.call('RPUSH', 'bl:db9', 'one', 'two');
  await c.call('SET', 'db9', 'v');
  await ok(c, 'EXEC');
  assert.deepEqual(await c2.read(), ['bl:db9', 'one']);
  // SWAPDB with TTLs on both sides, then writes to the swapped databases.
  await pipeline(c, [
    ['SELECT', 1],
    ['SET', 'one', '1'],
    ['RPUSH', 'onelist', 'a'],
    ['SELECT', 2],
    ['SET', 'two', '2', 'EX', 4000],
    ['SADD', 'twoset', 'x'],
    ['SWAPDB', 1, 2],
    ['SET', 'after:swap:2', 'v'],
    ['SELECT', 1],
    ['APPEND', 'two', '+'],
  ]);
  // FLUSHDB of a populated and of an empty database.
  await pipeline(c, [
    ['SELECT', 7],
    ['SET', 'gone', 'x'],
    ['RPUSH', 'gonelist', 'a', 'b'],
    ['FLUSHDB'],
    ['SET', 'after:flush', 'v'],
    ['SELECT', 8],
    ['FLUSHDB'],
    ['SELECT', 10],
    ['SET', 'gone', 'x'],
    ['FLUSHDB', 'ASYNC'],
  ]);
  // Expiries that happen: lazily (on access) and actively (the expire cycle).
  const short: Arg[][] = [['SELECT', 6], ['SET', 'keep6', 'v'], ['SET', 'keep6ttl', 'v', 'EX', 5000]];
  for (let i = 0; i < 15; i++) short.push(['SET', `lazy:${i}`, 'v', 'PX', 40], ['SET', `active:${i}`, 'v', 'PX', 40]);
  short.push(
    ['RPUSH', 'exp:list', 'a'],
    ['PEXPIRE', 'exp:list', 40],
    ['HSET', 'exp:hash', 'f', 'v'],
    ['PEXPIRE', 'exp:hash', 40],
    ['ZADD', 'exp:zset', 1, 'm'],
    ['PEXPIRE', 'exp:zset', 40],
    ['SADD', 'exp:set', 'm'],
    ['PEXPIREAT', 'exp:set', Date.now() + 40],
    ['SET', 'exp:inc', '1', 'PX', 40],
  );
  await pipeline(c, short);
  await sleep(120);
  for (let i = 0; i < 15; i++) assert.equal(await c.call('GET', `lazy:${i}`), null);
  assert.equal(await c.call('EXISTS', 'exp:list'), 0);
  assert.equal(await c.call('INCR', 'exp:inc'), 1); // lazily expired, then recreated without TTL
  await waitFor(async () => (await c.call('DBSIZE')) === 3, 5000, 'active expiry of db 6');
  await ok(c, 'SELECT', 0);
}

// ---- comparing datasets ------------------------------------------------------------------------

interface KeyDump {
  readonly type: string;
  readonly value: RespValue;
  readonly pexpiretime: number;
  readonly pttl: number;
}

/** Every key of every database: TYPE, full value, PEXPIRETIME and PTTL. */
async function dump(c: RespClient): Promise<Map<string, KeyDump>> {
  const out = new Map<string, KeyDump>();
  for (let db = 0; db < 16; db++) {
    await ok(c, 'SELECT', db);
    const keys = (await ok(c, 'KEYS', '*')) as string[];
    keys.sort();
    for (const key of keys) {
      const [type, pexpiretime, pttl] = (await pipeline(c, [['TYPE', key], ['PEXPIRETIME', key], ['PTTL', key]])) as [string, number, number];
      let value: RespValue;
      switch (type) {
        case 'string':
          value = await ok(c, 'GET', key);
          break;
        case 'list':
          value = await ok(c, 'LRANGE', key, 0, -1);
          break;
        case 'set':
          value = ((await ok(c, 'SMEMBERS', key)) as string[]).sort();
          break;
        case 'hash': {
          const flat = (await ok(c, 'HGETALL', key)) as string[];
          const pairs: string[][] = [];
          for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
          value = pairs.sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
          break;
        }
        case 'zset':
          value = await ok(c, 'ZRANGE', key, 0, -1, 'WITHSCORES');
          break;
        default:
          throw new Error(`unexpected type ${type} of ${JSON.stringify(key.slice(0, 40))}`);
      }
      out.set(`${db}\n${key}`, { type, value, pexpiretime, pttl });
    }
  }
  await ok(c, 'SELECT', 0);
  return out;
}

const showKey = (k: string): string => JSON.stringify(k.length > 60 ? k.slice(0, 60) + '...' : k);

/** Same keys in the same databases with the same types, values and expire times. */
function assertSameDataset(actual: Map<string, KeyDump>, expected: Map<string, KeyDump>, label: string): void {
  assert.deepEqual([...actual.keys()].sort().map(showKey), [...expected.keys()].sort().map(showKey), `${label}: the keys of every db`);
  for (const [k, e] of expected) {
    const a = actual.get(k)!;
    assert.equal(a.type, e.type, `${label}: TYPE of ${showKey(k)}`);
    assert.equal(a.pexpiretime, e.pexpiretime, `${label}: PEXPIRETIME of ${showKey(k)}`);
    if (e.pttl < 0) assert.equal(a.pttl, e.pttl, `${label}: PTTL of ${showKey(k)}`);
    else assert.ok(a.pttl > 0 && Math.abs(a.pttl - e.pttl) < 10_000, `${label}: PTTL of ${showKey(k)}: ${a.pttl} vs ${e.pttl}`);
    if (!isDeepStrictEqual(a.value, e.value)) assert.fail(`${label}: value of ${showKey(k)} (${e.type}) differs: ${firstDifference(a.value, e.value)}`);
  }
}

/** Where two values first differ, briefly (values can be megabytes). */
function firstDifference(a: RespValue, b: RespValue): string {
  if (typeof a === 'string' && typeof b === 'string') {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    return `lengths ${a.length} vs ${b.length}, first difference at offset ${i}`;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const i = a.findIndex((x, j) => !isDeepStrictEqual(x, b[j]));
    return `lengths ${a.length} vs ${b.length}, first difference at index ${i}: ${JSON.stringify(a[i])?.slice(0, 80)} vs ${JSON.stringify(b[i])?.slice(0, 80)}`;
  }
  return `${JSON.stringify(a)?.slice(0, 80)} vs ${JSON.stringify(b)?.slice(0, 80)}`;
}

async function digest(c: RespClient): Promise<string> {
  const d = await ok(c, 'DEBUG', 'DIGEST');
  assert.match(String(d), /^[0-9a-f]{40}$/);
  return String(d);
}

/** A minimum of dataset, so that a comparison of empty datasets cannot pass. */
function assertRich(d: Map<string, KeyDump>): void {
  const dbs = new Set([...d.keys()].map((k) => k.split('\n')[0]));
  assert.ok(d.size > 70 && dbs.size >= 9, `dataset has ${d.size} keys in ${dbs.size} dbs`);
  const types = new Set([...d.values()].map((v) => v.type));
  assert.equal(types.size, 5);
  assert.equal((d.get('0\nbiglist:copy')?.value as string[]).length, 10_001);
  assert.ok(d.get('0\nmega')?.value === MEGA + ALL_BYTES, 'the 1 MB value');
}

// ---- directories -------------------------------------------------------------------------------

const aofDir = (dir: string): string => path.join(dir, 'appendonlydir');

function readDir(dir: string): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const f of fs.readdirSync(dir).sort()) m.set(f, fs.readFileSync(path.join(dir, f)));
  return m;
}

/** Copies appendonlydir of `dir` to a new snapshot directory. */
function snapshot(dir: string, name: string): string {
  const to = path.join(tmp, 'snap', name);
  fs.mkdirSync(to, { recursive: true });
  for (const [f, data] of readDir(aofDir(dir))) fs.writeFileSync(path.join(to, f), data);
  return to;
}

function manifestFiles(aofdir: string): { name: string; type: string }[] {
  const text = fs.readFileSync(path.join(aofdir, MANIFEST), 'latin1');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const m = /^file (\S+) seq \d+ type ([bhi])$/.exec(l);
      assert.ok(m, `manifest line ${l}`);
      return { name: m[1]!, type: m[2]! };
    });
}

function redisCheckAof(aofdir: string): { code: number | null; out: string } {
  const r = spawnSync(REDIS_CHECK, [path.join(aofdir, MANIFEST)], { timeout: 30_000 });
  return { code: r.status, out: r.stdout.toString('latin1') };
}

/** The same directory, twice: the same dump and digest from the writer as from the reader. */
interface Captured {
  readonly data: Map<string, KeyDump>;
  readonly digest: string;
}

async function capture(c: RespClient): Promise<Captured> {
  return { data: await dump(c), digest: await digest(c) };
}

async function assertSameAs(c: RespClient, expected: Captured, label: string): Promise<void> {
  assert.equal(await digest(c), expected.digest, `${label}: DEBUG DIGEST`);
  assertSameDataset(await dump(c), expected.data, label);
}

/** Snapshots for part 3 (valid directories written by each side). */
const snaps = new Map<string, string>();

// ---- 1. nodis -> Redis ---------------------------------------------------------------------------

test('nodis (appendfsync always, timestamps) -> redis-check-aof and redis-server; then the round trip nodis -> Redis -> nodis -> Redis', { skip, timeout: 60_000 }, async () => {
  const dir = path.join(tmp, 'nodis-always');
  fs.mkdirSync(dir);
  let srv = await startNodis({ dir, appendonly: 'yes', appendfsync: 'always', 'aof-timestamp-enabled': 'yes' });
  let c = await srv.client();
  await workload(c, await srv.client());
  const written = await capture(c);
  assertRich(written.data);
  await stopNodis(srv);
  assert.deepEqual(manifestFiles(aofDir(dir)), [
    { name: 'appendonly.aof.1.base.aof', type: 'b' },
    { name: 'appendonly.aof.1.incr.aof', type: 'i' },
  ]);
  assert.match(fs.readFileSync(path.join(aofDir(dir), 'appendonly.aof.1.base.aof'), 'latin1'), /^#TS:\d{10}\r\n$/, 'the base of an empty start is one annotation');
  const incr = fs.readFileSync(path.join(aofDir(dir), 'appendonly.aof.1.incr.aof'), 'latin1');
  snaps.set('nodis-always', snapshot(dir, 'nodis-always'));

  const check = redisCheckAof(aofDir(dir));
  assert.equal(check.code, 0, check.out);
  assert.match(check.out, /\nAll AOF files and manifest are valid\n$/);

  // Redis loads it, with the same data.
  const redis = await startServerProc('redis', dir);
  await assertSameAs(redis.c, written, 'redis-server loading nodis (always)');
  assert.match(redis.proc.output(), / \* DB loaded from incr file appendonly\.aof\.1\.incr\.aof: /);
  assert.doesNotMatch(redis.proc.output(), /Bad file format|Unexpected end of file|Truncating|Revert incomplete|Unknown command/);
  // Redis appends to our directory.
  await pipeline(redis.c, [
    ['SET', 'by:redis', ALL_BYTES, 'PX', 2 * HOUR],
    ['RPUSH', 'biglist', 'from redis'],
    ['HSET', 'bighash', 'redis', 'was here'],
    ['ZADD', 'bigzset', '-1.5', 'redis'],
    ['SPOP', 'bigset'],
    ['INCRBYFLOAT', 'float', '1'],
    ['DEL', 'str'],
    ['SELECT', 11],
    ['SADD', 'redis:set', 'a', 'b'],
    ['SELECT', 0],
  ]);
  const byRedis = await capture(redis.c);
  await shutdown(redis.proc, redis.c);
  assert.deepEqual(manifestFiles(aofDir(dir)), [
    { name: 'appendonly.aof.1.base.aof', type: 'b' },
    { name: 'appendonly.aof.1.incr.aof', type: 'i' },
  ]);
  assert.ok(fs.readFileSync(path.join(aofDir(dir), 'appendonly.aof.1.incr.aof'), 'latin1').startsWith(incr), 'Redis appended to our incr');

  // nodis loads what Redis appended, and appends again.
  srv = await startNodis({ dir, appendonly: 'yes', appendfsync: 'everysec' });
  c = await srv.client();
  await assertSameAs(c, byRedis, 'nodis loading what Redis appended');
  await pipeline(c, [['SET', 'by:nodis:again', 'v'], ['LPOP', 'biglist'], ['SELECT', 12], ['ZADD', 'z12', 1, 'a'], ['SELECT', 0]]);
  const again = await capture(c);
  await stopNodis(srv);
  snaps.set('round-trip', snapshot(dir, 'round-trip'));
  const redis2 = await startServerProc('redis', dir);
  await assertSameAs(redis2.c, again, 'redis-server after the round trip');
  await shutdown(redis2.proc, redis2.c);
});

test('nodis-server executable (appendfsync everysec, no timestamps, SHUTDOWN) -> redis-check-aof and redis-server', { skip, timeout: 60_000 }, async () => {
  const dir = path.join(tmp, 'nodis-everysec');
  fs.mkdirSync(dir);
  const nodis = await startServerProc('nodis', dir, ['--appendfsync', 'everysec', '--aof-timestamp-enabled', 'no']);
  await workload(nodis.c, await nodis.proc.connect());
  const written = await capture(nodis.c);
  assertRich(written.data);
  await shutdown(nodis.proc, nodis.c);
  assert.match(nodis.proc.output(), /\d+:M \d\d \w{3} \d{4} [\d:.]+ \* Calling fsync\(\) on the AOF file\.\n/);
  const files = readDir(aofDir(dir));
  assert.ok(!/(^|\n)#TS:/.test(files.get('appendonly.aof.1.incr.aof')!.toString('latin1')), 'no timestamp annotations');
  snaps.set('nodis-everysec', snapshot(dir, 'nodis-everysec'));

  const check = redisCheckAof(aofDir(dir));
  assert.equal(check.code, 0, check.out);
  assert.match(check.out, /\nAll AOF files and manifest are valid\n$/);
  const redis = await startServerProc('redis', dir);
  await assertSameAs(redis.c, written, 'redis-server loading nodis (everysec)');
  await shutdown(redis.proc, redis.c);
});

test('nodis switching the AOF on at runtime (CONFIG SET appendonly yes writes a base) -> redis-server', { skip, timeout: 60_000 }, async () => {
  const dir = path.join(tmp, 'nodis-runtime');
  fs.mkdirSync(dir);
  const srv = await startNodis({ dir, appendonly: 'no', appendfsync: 'no', 'aof-timestamp-enabled': 'yes' });
  const c = await srv.client();
  await workload(c, await srv.client());
  assert.equal(fs.existsSync(aofDir(dir)), false, 'no AOF while appendonly is no');
  assert.equal(await c.call('CONFIG', 'SET', 'appendonly', 'yes'), 'OK');
  await pipeline(c, [
    ['SET', 'after:enable', 'v', 'EX', 5000],
    ['RPUSH', 'biglist', 'after'],
    ['HDEL', 'bighash', 'f100'],
    ['SELECT', 13],
    ['ZADD', 'z13', '2.5', 'm'],
    ['SELECT', 0],
  ]);
  const written = await capture(c);
  assertRich(written.data);
  await stopNodis(srv);
  const files = manifestFiles(aofDir(dir));
  assert.deepEqual(files.map((f) => f.type), ['b', 'i']);
  const base = fs.readFileSync(path.join(aofDir(dir), files[0]!.name));
  assert.ok(base.length > 2_000_000, `the base holds the dataset (${base.length} bytes)`);
  assert.match(base.toString('latin1', 0, 20), /^#TS:\d{10}\r\n\*2\r\n/);
  snaps.set('nodis-runtime', snapshot(dir, 'nodis-runtime'));

  const check = redisCheckAof(aofDir(dir));
  assert.equal(check.code, 0, check.out);
  assert.match(check.out, /\nAll AOF files and manifest are valid\n$/);
  const redis = await startServerProc('redis', dir);
  await assertSameAs(redis.c, written, 'redis-server loading the directory of CONFIG SET appendonly yes');
  assert.match(redis.proc.output(), new RegExp(` \\* DB loaded from base file ${files[0]!.name.replace(/\./g, '\\.')}: `));
  await shutdown(redis.proc, redis.c);
});

test('aof-timestamp-enabled yes: the incr carries #TS annotations where redis-server writes them', { skip, timeout: 30_000 }, async () => {
  const dirs = { redis: path.join(tmp, 'ts-redis'), nodis: path.join(tmp, 'ts-nodis') };
  for (const d of Object.values(dirs)) fs.mkdirSync(d);
  const extra = ['--aof-timestamp-enabled', 'yes', '--appendfsync', 'always'];
  const [redis, nodis] = await Promise.all([startServerProc('redis', dirs.redis, extra), startServerProc('nodis', dirs.nodis, extra)]);
  const both = (...args: Arg[]): Promise<RespValue[]> => Promise.all([ok(redis.c, ...args), ok(nodis.c, ...args)]);
  // Commands sent 20 ms into a second run in that second on both servers.
  const nextSecond = async (): Promise<number> => {
    await sleep(1000 - (Date.now() % 1000) + 20);
    return Math.floor(Date.now() / 1000);
  };
  const s1 = await nextSecond();
  await both('SELECT', 6);
  await both('SET', 'a', 'b');
  const s2 = await nextSecond();
  await both('SELECT', 0);
  await both('SET', 'x', 'y');
  await both('MULTI');
  for (const args of [['SET', 'm', '1'], ['INCR', 'n']]) assert.deepEqual(await Promise.all([redis.c.call(...args), nodis.c.call(...args)]), ['QUEUED', 'QUEUED']);
  await both('EXEC');
  await shutdown(redis.proc, redis.c);
  await shutdown(nodis.proc, nodis.c);
  const cmd = (...a: string[]): string => encodeCommand(a).toString('latin1');
  const expected =
    `#TS:${s1}\r\n` + cmd('SELECT', '6') + cmd('SET', 'a', 'b') + `#TS:${s2}\r\n` + cmd('SELECT', '0') + cmd('SET', 'x', 'y') + cmd('MULTI') + cmd('SET', 'm', '1') + cmd('INCR', 'n') + cmd('EXEC');
  const incrOf = (d: string): string => fs.readFileSync(path.join(aofDir(d), 'appendonly.aof.1.incr.aof'), 'latin1');
  assert.equal(incrOf(dirs.redis), expected, 'redis-server (the expectation itself)');
  assert.equal(incrOf(dirs.nodis), expected, 'nodis');
});

// ---- 2. Redis -> nodis ---------------------------------------------------------------------------

let redisWritten: Captured | null = null;

test('redis-server (timestamps, BGREWRITEAOF half-way: RESP base + incr, history gone) -> nodis', { skip, timeout: 60_000 }, async () => {
  const dir = path.join(tmp, 'redis-rewrite');
  fs.mkdirSync(dir);
  const redis = await startServerProc('redis', dir, ['--aof-timestamp-enabled', 'yes', '--appendfsync', 'always']);
  const rewrite = async (): Promise<void> => {
    assert.equal(await redis.c.call('BGREWRITEAOF'), 'Background append only file rewriting started');
    await waitFor(async () => {
      const info = String(await redis.c.call('INFO', 'persistence'));
      const names = fs.readdirSync(aofDir(dir)).sort();
      return info.includes('aof_rewrite_in_progress:0') && names.join(' ') === `appendonly.aof.2.base.aof appendonly.aof.2.incr.aof ${MANIFEST}`;
    }, 10_000, 'the rewrite to finish and the history files to go');
  };
  await workload(redis.c, await redis.proc.connect(), rewrite);
  const written = await capture(redis.c);
  assertRich(written.data);
  await shutdown(redis.proc, redis.c);
  assert.equal(fs.readFileSync(path.join(aofDir(dir), MANIFEST), 'latin1'), 'file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n');
  const base = fs.readFileSync(path.join(aofDir(dir), 'appendonly.aof.2.base.aof'));
  assert.match(base.toString('latin1', 0, 20), /^#TS:\d{10}\r\n\*2\r\n/, 'a RESP base with a timestamp');
  snaps.set('redis-rewrite', snapshot(dir, 'redis-rewrite'));
  redisWritten = written;

  // nodis (the executable) loads it.
  const nodis = await startServerProc('nodis', dir, ['--loglevel', 'notice']);
  await assertSameAs(nodis.c, written, 'nodis loading redis-server (rewritten)');
  const log = nodis.proc.output();
  for (const line of [
    'DB loaded from base file appendonly.aof.2.base.aof: \\d+\\.\\d{3} seconds',
    'DB loaded from incr file appendonly.aof.2.incr.aof: \\d+\\.\\d{3} seconds',
    'DB loaded from append only file: \\d+\\.\\d{3} seconds',
    'Opening AOF incr file appendonly.aof.2.incr.aof on server start',
  ]) {
    assert.match(log, new RegExp(`\\n\\d+:M \\d\\d \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\* ${line}\\n`), line);
  }
  await shutdown(nodis.proc, nodis.c);
});

test('a legacy single appendonly.aof written by Redis is upgraded and loaded by nodis (and by Redis alike)', { skip, timeout: 60_000 }, async () => {
  const src = snaps.get('redis-rewrite');
  assert.ok(src !== undefined && redisWritten !== null, 'needs the directory of the previous test');
  const legacy = Buffer.concat([fs.readFileSync(path.join(src, 'appendonly.aof.2.base.aof')), fs.readFileSync(path.join(src, 'appendonly.aof.2.incr.aof'))]);
  const dirs = { nodis: path.join(tmp, 'legacy-nodis'), redis: path.join(tmp, 'legacy-redis') };
  for (const d of Object.values(dirs)) {
    fs.mkdirSync(d);
    fs.writeFileSync(path.join(d, 'appendonly.aof'), legacy);
  }
  const logfile = path.join(tmp, 'legacy-nodis.log');
  const srv = await startNodis({ dir: dirs.nodis, appendonly: 'yes', loglevel: 'notice', logfile });
  const c = await srv.client();
  await assertSameAs(c, redisWritten!, 'nodis loading a legacy appendonly.aof');
  await stopNodis(srv);
  const log = fs.readFileSync(logfile, 'latin1');
  assert.match(log, / \* Successfully migrated an old-style AOF file \(appendonly\.aof\) into the AOF directory \(appendonlydir\)\.\n/);
  assert.match(log, / \* DB loaded from base file appendonly\.aof: /);
  assert.match(log, / \* Creating AOF incr file appendonly\.aof\.1\.incr\.aof on server start\n/);
  assert.equal(fs.existsSync(path.join(dirs.nodis, 'appendonly.aof')), false);
  assert.deepEqual(fs.readFileSync(path.join(aofDir(dirs.nodis), 'appendonly.aof')), legacy);

  const redis = await startServerProc('redis', dirs.redis);
  await assertSameAs(redis.c, redisWritten!, 'redis-server loading the same legacy file');
  await shutdown(redis.proc, redis.c);
  // Both migrated the same way.
  const ours = readDir(aofDir(dirs.nodis));
  const theirs = readDir(aofDir(dirs.redis));
  assert.deepEqual([...ours.keys()], [...theirs.keys()]);
  assert.equal(ours.get(MANIFEST)!.toString('latin1'), 'file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
  assert.deepEqual(ours.get(MANIFEST), theirs.get(MANIFEST));
});

test('a Redis directory with an RDB base: nodis refuses with "Error reading the RDB base file", exit 1, files untouched', { skip, timeout: 60_000 }, async () => {
  const dir = path.join(tmp, 'redis-rdb-base');
  fs.mkdirSync(dir);
  const redis = await startServerProc('redis', dir, ['--aof-use-rdb-preamble', 'yes']);
  await pipeline(redis.c, [['SET', 'k', 'v'], ['RPUSH', 'l', 'a', 'b']]);
  assert.equal(await redis.c.call('BGREWRITEAOF'), 'Background append only file rewriting started');
  await waitFor(async () => String(await redis.c.call('INFO', 'persistence')).includes('aof_rewrite_in_progress:0') && fs.existsSync(path.join(aofDir(dir), 'appendonly.aof.2.base.rdb')), 10_000, 'the rewrite');
  await ok(redis.c, 'SET', 'after', 'rewrite');
  await shutdown(redis.proc, redis.c);
  const before = readDir(aofDir(dir));
  assert.ok(before.get('appendonly.aof.2.base.rdb')!.toString('latin1', 0, 5) === 'REDIS');

  const nodis = await spawnServer('nodis', dir, ['--loglevel', 'notice']);
  const code = await Promise.race([nodis.exit, sleep(15_000).then(() => 'timeout' as const)]);
  assert.equal(code, 1, nodis.output());
  children.delete(nodis.child);
  const ts = '\\d+:M \\d\\d \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{3}';
  assert.match(nodis.output(), new RegExp(`\\n${ts} \\* Reading RDB base file on AOF loading\\.\\.\\.\\n`));
  assert.match(nodis.output(), new RegExp(`\\n${ts} # Error reading the RDB base file appendonly\\.aof\\.2\\.base\\.rdb, AOF loading aborted\\n`));
  assert.doesNotMatch(nodis.output(), /Ready to accept connections/);
  assert.deepEqual(readDir(aofDir(dir)), before, 'nothing changed on disk');
});

// ---- 3. nodis-check-aof vs redis-check-aof ---------------------------------------------------------

interface CheckRun {
  readonly out: string;
  readonly code: number | null;
  readonly files: Map<string, Buffer>;
}

/**
 * Runs a checker on a copy of `files` with `args` + the manifest's path. 'nodis' spawns
 * bin/nodis-check-aof; 'nodis-inproc' calls its main() in this process (the same code without
 * a node start-up per run, for the many damaged variants).
 */
function runCheck(prog: 'nodis' | 'nodis-inproc' | 'redis', files: Map<string, Buffer>, args: string[], input: string): CheckRun {
  const dir = fs.mkdtempSync(path.join(tmp, 'check-'));
  for (const [f, data] of files) fs.writeFileSync(path.join(dir, f), data);
  const argv = [...args, path.join(dir, MANIFEST)];
  let out: string;
  let code: number | null;
  if (prog === 'nodis-inproc') {
    const chunks: Buffer[] = [];
    let pending = input;
    code = checkAofMain(argv, 'nodis-check-aof', {
      write: (b) => chunks.push(Buffer.from(b)),
      readAnswer: () => {
        if (pending === '') return null;
        const ch = pending[0]!;
        pending = pending.slice(1);
        return ch;
      },
    });
    out = Buffer.concat(chunks).toString('latin1');
  } else {
    const r = prog === 'nodis' ? spawnSync(process.execPath, [NODIS_CHECK, ...argv], { input, timeout: 30_000 }) : spawnSync(REDIS_CHECK, argv, { input, timeout: 30_000 });
    out = r.stdout.toString('latin1');
    code = r.status;
  }
  const result = { out: out.split(dir).join('<DIR>'), code, files: readDir(dir) };
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

/** Both checkers on identical copies: the same stdout, exit code and resulting files. */
function compareCheckers(files: Map<string, Buffer>, label: string, prog: 'nodis' | 'nodis-inproc' = 'nodis-inproc'): { check: CheckRun; fix: CheckRun } {
  const results = { check: null as CheckRun | null, fix: null as CheckRun | null };
  for (const [mode, args, input] of [['check', [], ''], ['fix', ['--fix'], 'y\n']] as const) {
    const theirs = runCheck('redis', files, [...args], input);
    const ours = runCheck(prog, files, [...args], input);
    assert.equal(ours.out, theirs.out, `${label} (${mode}): stdout`);
    assert.equal(ours.code, theirs.code, `${label} (${mode}): exit code`);
    assert.deepEqual([...ours.files.keys()], [...theirs.files.keys()], `${label} (${mode}): file names`);
    for (const [f, data] of theirs.files) assert.ok(ours.files.get(f)!.equals(data), `${label} (${mode}): ${f} byte-identical`);
    results[mode] = theirs;
  }
  return { check: results.check!, fix: results.fix! };
}

const resp = (...argv: string[]): Buffer => encodeCommand(argv);

test('nodis-check-aof and redis-check-aof agree on real directories, valid and damaged, with and without --fix', { skip, timeout: 60_000 }, () => {
  for (const name of ['nodis-always', 'nodis-everysec', 'nodis-runtime', 'round-trip', 'redis-rewrite']) assert.ok(snaps.has(name), `snapshot ${name} (from an earlier test)`);
  let damagedValid = 0;
  for (const [name, dir] of snaps) {
    const files = readDir(dir);
    const valid = compareCheckers(files, `${name} as written`, 'nodis');
    assert.equal(valid.check.code, 0);
    assert.match(valid.check.out, /^Start checking Multi Part AOF\n[^]*\nAll AOF files and manifest are valid\n$/);
    if (name !== 'redis-rewrite' && name !== 'nodis-always') continue;
    const list = manifestFiles(dir);
    const baseName = list.find((f) => f.type === 'b')!.name;
    const incrName = list.filter((f) => f.type === 'i').at(-1)!.name;
    const incr = files.get(incrName)!;
    const base = files.get(baseName)!;
    const withIncr = (data: Buffer): Map<string, Buffer> => new Map([...files, [incrName, data]]);
    const damaged: [string, Map<string, Buffer>][] = [];
    for (const cut of [incr.length - 1, incr.length - 2, incr.length - 40, Math.floor(incr.length / 2), Math.floor(incr.length / 3) + 1, 3]) {
      damaged.push([`last incr cut at ${cut}/${incr.length}`, withIncr(incr.subarray(0, cut))]);
    }
    damaged.push(['last incr emptied', withIncr(Buffer.alloc(0))]);
    damaged.push(['garbage tail', withIncr(Buffer.concat([incr, Buffer.from('!!garbage\r\n')]))]);
    damaged.push(['binary garbage tail', withIncr(Buffer.concat([incr, Buffer.from([0x2a, 0x32, 0x0d, 0x0a, 0x24, 0xff, 0x00])]))]);
    damaged.push(['MULTI without EXEC', withIncr(Buffer.concat([incr, resp('MULTI'), resp('SET', 'x', 'y'), resp('INCR', 'n')]))]);
    damaged.push(['MULTI then a cut record', withIncr(Buffer.concat([incr, resp('MULTI'), resp('SET', 'x', 'y').subarray(0, 12)]))]);
    damaged.push(['base cut (not the last file)', new Map([...files, [baseName, base.subarray(0, base.length - 5)]])]);
    damaged.push(['base cut in the middle', new Map([...files, [baseName, base.subarray(0, Math.floor(base.length / 2))]])]);
    for (const [label, data] of damaged) {
      const r = compareCheckers(data, `${name}: ${label}`);
      if (r.check.code === 0) damagedValid++;
      else assert.match(r.check.out, /is not valid|format error|Unexpected EOF|Reached EOF|Failed/, `${name}: ${label}: ${r.check.out}`);
    }
    // The fixed last file is a prefix of the damaged one and the directory then checks valid.
    const fixed = compareCheckers(withIncr(incr.subarray(0, incr.length - 40)), `${name}: cut, fixed`, 'nodis').fix;
    assert.equal(fixed.code, 0, fixed.out);
    assert.match(fixed.out, /Successfully truncated AOF /);
    assert.ok(incr.subarray(0, incr.length - 40).subarray(0, fixed.files.get(incrName)!.length).equals(fixed.files.get(incrName)!));
    assert.equal(compareCheckers(fixed.files, `${name}: after --fix`).check.code, 0);
  }
  // Only the emptied incr (and cuts that land on a record boundary) are valid damage.
  assert.ok(damagedValid >= 2 && damagedValid <= 6, `damaged but valid: ${damagedValid}`);
});
