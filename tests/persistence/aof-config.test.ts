// The AOF's configuration and runtime switches, over the wire, on real files:
// - CONFIG GET/SET of every AOF parameter: defaults and Redis 7.0.15's validation texts (each
//   table is also run against the real redis-server when it is installed);
// - CONFIG SET appendonly yes/no on a running server (new BASE from the dataset, new INCR,
//   history removal, restart equality), denied while loading, failing on an unusable dir;
// - aof-disable-auto-gc keeping history files;
// - SHUTDOWN's fsync line, DEBUG LOADAOF (tests/fixtures/aof/redis-7.0.15-load-logs.json
//   scenarios 18 and 19), INFO persistence.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { RespClient, encodeCommand } from '../helpers/resp-client.js';
import { AofFatalError, type ServerOptions } from '../../src/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const REDIS_SERVER = '/usr/bin/redis-server';
const HAVE_REDIS = fs.existsSync(REDIS_SERVER);
const NO_REDIS = HAVE_REDIS ? false : `${REDIS_SERVER} is not installed`;
const FIXTURE = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests', 'fixtures', 'aof', 'redis-7.0.15-load-logs.json'), 'utf8')) as {
  scenarios: Record<string, Scenario>;
};

interface Scenario {
  files_before: Record<string, { directory?: boolean; size?: number; content?: string }>;
  files_after: Record<string, { directory?: boolean; size?: number; content?: string }>;
  log: { role: string | null; level: string | null; text: string }[];
}

const MANIFEST_1 = 'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n';
const MANIFEST_2 = 'file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n';

let tmp: string;
const servers = new Set<TestServer>();
const children = new Set<ChildProcess>();

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-aof-config-'));
});

after(async () => {
  for (const s of servers) await s.stop().catch(() => {});
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

let seq = 0;
function freshDir(): string {
  const d = path.join(tmp, `d${seq++}`);
  fs.mkdirSync(d);
  return d;
}

const LOG_RE = /^\d+:M \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} ([.\-*#]) (.*)$/;

class Log {
  readonly lines: { level: string; text: string }[] = [];
  write(raw: string): void {
    const m = LOG_RE.exec(raw);
    this.lines.push(m ? { level: m[1]!, text: m[2]! } : { level: '?', text: raw });
  }
  count(level: string, text: string): number {
    return this.lines.filter((l) => l.level === level && l.text === text).length;
  }
  dump(): string {
    return this.lines.map((l) => `${l.level} ${l.text}`).join('\n');
  }
}

interface Env {
  readonly srv: TestServer;
  readonly log: Log;
  readonly dir: string;
  readonly c: RespClient;
}

async function start(dir: string, options: ServerOptions = {}): Promise<Env> {
  const srv = await startTestServer({ 'aof-use-rdb-preamble': 'no', loglevel: 'notice', logfile: 'nodis.log', dir, ...options });
  servers.add(srv);
  const log = new Log();
  srv.server.logger.sinks.push(log);
  return { srv, log, dir, c: await srv.client() };
}

async function stop(env: Env): Promise<void> {
  await env.srv.stop();
  servers.delete(env.srv);
}

async function infoFields(c: RespClient): Promise<[string, string][]> {
  const text = (await c.call('INFO', 'persistence')) as string;
  const out: [string, string][] = [];
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out.push([line.slice(0, i), line.slice(i + 1)]);
  }
  return out;
}

async function info(c: RespClient): Promise<Map<string, string>> {
  return new Map(await infoFields(c));
}

const rec = (...argv: string[]): string => encodeCommand(argv).toString('latin1');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const aofDir = (dir: string) => path.join(dir, 'appendonlydir');
const read = (dir: string, name: string) => fs.readFileSync(path.join(aofDir(dir), name)).toString('latin1');
const size = (dir: string, name: string) => fs.statSync(path.join(aofDir(dir), name)).size;
const listAof = (dir: string) => fs.readdirSync(aofDir(dir)).sort();

function layFiles(dir: string, files: Scenario['files_before']): void {
  for (const [name, f] of Object.entries(files)) {
    if (f.directory) fs.mkdirSync(path.join(dir, name), { recursive: true });
  }
  for (const [name, f] of Object.entries(files)) {
    if (!f.directory) fs.writeFileSync(path.join(dir, name), Buffer.from(f.content ?? '', 'latin1'));
  }
}

/** Parses RESP multibulk records (and nothing else) into argv arrays. */
function parseRecords(text: string): string[][] {
  const out: string[][] = [];
  let p = 0;
  const line = (): string => {
    const e = text.indexOf('\r\n', p);
    assert.ok(e >= 0, `unterminated line at ${p}`);
    const l = text.slice(p, e);
    p = e + 2;
    return l;
  };
  while (p < text.length) {
    const head = line();
    assert.match(head, /^\*\d+$/, `record header at ${p}: ${JSON.stringify(head)}`);
    const argv: string[] = [];
    for (let i = 0, n = Number(head.slice(1)); i < n; i++) {
      const len = line();
      assert.match(len, /^\$\d+$/);
      const l = Number(len.slice(1));
      argv.push(text.slice(p, p + l));
      assert.equal(text.slice(p + l, p + l + 2), '\r\n');
      p += l + 2;
    }
    out.push(argv);
  }
  return out;
}

/** The records of a BASE grouped as db -> key -> records (in file order). */
function groupByDbAndKey(records: string[][]): Map<number, Map<string, string[][]>> {
  const dbs = new Map<number, Map<string, string[][]>>();
  let db = -1;
  for (const r of records) {
    if (r[0] === 'SELECT') {
      db = Number(r[1]);
      assert.ok(!dbs.has(db), `db ${db} selected twice`);
      dbs.set(db, new Map());
      continue;
    }
    assert.ok(db >= 0, 'a record before any SELECT');
    const keys = dbs.get(db)!;
    const list = keys.get(r[1]!) ?? [];
    list.push(r);
    keys.set(r[1]!, list);
  }
  return dbs;
}

/** Linux: whether this process holds an open fd on `file`. */
function fdOpenOn(file: string): boolean {
  const real = fs.realpathSync(file);
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`) === real) return true;
    } catch {
      // Closed meanwhile.
    }
  }
  return false;
}
const HAVE_PROC_FD = fs.existsSync('/proc/self/fd');

// ---- a real redis-server ----------------------------------------------------------------------

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

interface Real {
  readonly port: number;
  readonly c: RespClient;
  out(): string;
  stop(): Promise<void>;
}

async function startRedis(dir: string, args: string[] = []): Promise<Real> {
  const port = await freePort();
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--logfile', '', '--aof-use-rdb-preamble', 'no', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('latin1')));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  await waitFor(() => /Ready to accept connections/.test(out) || child.exitCode !== null, 10000, 'redis-server to start');
  assert.match(out, /Ready to accept connections/, out);
  const c = await RespClient.connect(port);
  return {
    port,
    c,
    out: () => out,
    async stop() {
      c.close();
      child.kill('SIGKILL');
      await exited;
    },
  };
}

// ---- CONFIG GET / SET -------------------------------------------------------------------------

const DEFAULTS: [string, string][] = [
  ['appendonly', 'no'],
  ['appendfilename', 'appendonly.aof'],
  ['appenddirname', 'appendonlydir'],
  ['appendfsync', 'everysec'],
  ['no-appendfsync-on-rewrite', 'no'],
  ['auto-aof-rewrite-percentage', '100'],
  ['auto-aof-rewrite-min-size', '67108864'],
  ['aof-load-truncated', 'yes'],
  ['aof-use-rdb-preamble', 'yes'],
  ['aof-rewrite-incremental-fsync', 'yes'],
  ['aof-timestamp-enabled', 'no'],
  ['aof-disable-auto-gc', 'no'],
];

const bulkPair = (k: string, v: string) => `*2\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`;
/** The CONFIG GET check after a CONFIG SET: parameter and value. */
type Get = readonly [string, string];
const setErr = (name: string, text: string) => `-ERR CONFIG SET failed (possibly related to argument '${name}') - ${text}\r\n`;
const NOT_BOOL = "argument must be 'yes' or 'no'";

/** [CONFIG SET arguments, exact reply, then a CONFIG GET to check (or null)]. */
const SETS: [string[], string, Get | null][] = [
  [['appendfsync', 'bogus'], setErr('appendfsync', 'argument(s) must be one of the following: everysec, always, no'), ['appendfsync', 'everysec']],
  [['appendfsync', ''], setErr('appendfsync', 'argument(s) must be one of the following: everysec, always, no'), null],
  [['appendfsync', 'ALWAYS'], '+OK\r\n', ['appendfsync', 'always']],
  [['appendfsync', 'no'], '+OK\r\n', ['appendfsync', 'no']],
  [['appendfsync', 'everysec'], '+OK\r\n', ['appendfsync', 'everysec']],
  [['appendfilename', 'x.aof'], setErr('appendfilename', "can't set immutable config"), ['appendfilename', 'appendonly.aof']],
  [['appendfilename', 'appendonly.aof'], setErr('appendfilename', "can't set immutable config"), null],
  [['appenddirname', 'elsewhere'], setErr('appenddirname', "can't set immutable config"), ['appenddirname', 'appendonlydir']],
  [['appenddirname', 'appendonlydir'], setErr('appenddirname', "can't set immutable config"), null],
  [['auto-aof-rewrite-percentage', '-1'], setErr('auto-aof-rewrite-percentage', 'argument must be between 0 and 2147483647 inclusive'), ['auto-aof-rewrite-percentage', '100']],
  [['auto-aof-rewrite-percentage', '2147483648'], setErr('auto-aof-rewrite-percentage', 'argument must be between 0 and 2147483647 inclusive'), null],
  [['auto-aof-rewrite-percentage', 'abc'], setErr('auto-aof-rewrite-percentage', "argument couldn't be parsed into an integer"), null],
  [['auto-aof-rewrite-percentage', '0'], '+OK\r\n', ['auto-aof-rewrite-percentage', '0']],
  [['auto-aof-rewrite-percentage', '2147483647'], '+OK\r\n', ['auto-aof-rewrite-percentage', '2147483647']],
  [['auto-aof-rewrite-percentage', '100'], '+OK\r\n', null],
  [['auto-aof-rewrite-min-size', '10xb'], setErr('auto-aof-rewrite-min-size', 'argument must be a memory value'), ['auto-aof-rewrite-min-size', '67108864']],
  [['auto-aof-rewrite-min-size', '-1'], setErr('auto-aof-rewrite-min-size', 'argument must be a memory value'), null],
  [['auto-aof-rewrite-min-size', '1.5mb'], setErr('auto-aof-rewrite-min-size', 'argument must be a memory value'), null],
  [['auto-aof-rewrite-min-size', '5k'], '+OK\r\n', ['auto-aof-rewrite-min-size', '5000']],
  [['auto-aof-rewrite-min-size', '1gb'], '+OK\r\n', ['auto-aof-rewrite-min-size', '1073741824']],
  [['auto-aof-rewrite-min-size', '64mb'], '+OK\r\n', ['auto-aof-rewrite-min-size', '67108864']],
  [['appendonly', 'maybe'], setErr('appendonly', NOT_BOOL), ['appendonly', 'no']],
  [['appendonly', ''], setErr('appendonly', NOT_BOOL), null],
  [['aof-load-truncated', 'maybe'], setErr('aof-load-truncated', NOT_BOOL), ['aof-load-truncated', 'yes']],
  [['aof-load-truncated', 'NO'], '+OK\r\n', ['aof-load-truncated', 'no']],
  [['aof-load-truncated', 'yes'], '+OK\r\n', null],
  [['aof-use-rdb-preamble', 'maybe'], setErr('aof-use-rdb-preamble', NOT_BOOL), null],
  [['no-appendfsync-on-rewrite', 'maybe'], setErr('no-appendfsync-on-rewrite', NOT_BOOL), null],
  [['no-appendfsync-on-rewrite', 'yes'], '+OK\r\n', ['no-appendfsync-on-rewrite', 'yes']],
  [['no-appendfsync-on-rewrite', 'no'], '+OK\r\n', null],
  [['aof-rewrite-incremental-fsync', 'maybe'], setErr('aof-rewrite-incremental-fsync', NOT_BOOL), null],
  [['aof-timestamp-enabled', 'maybe'], setErr('aof-timestamp-enabled', NOT_BOOL), null],
  [['aof-disable-auto-gc', 'maybe'], setErr('aof-disable-auto-gc', NOT_BOOL), null],
  // Several parameters: the first bad one is reported and nothing is applied.
  [['appendfsync', 'always', 'appendonly', 'maybe'], setErr('appendonly', NOT_BOOL), ['appendfsync', 'everysec']],
  [['appendfsync', 'bogus', 'appendonly', 'yes'], setErr('appendfsync', 'argument(s) must be one of the following: everysec, always, no'), ['appendonly', 'no']],
  [['appendfsync', 'always', 'appendfsync', 'no'], setErr('appendfsync', 'duplicate parameter'), ['appendfsync', 'everysec']],
];

async function runConfigTables(c: RespClient): Promise<void> {
  for (const [name, value] of DEFAULTS) assert.equal(await c.callRaw('CONFIG', 'GET', name), bulkPair(name, value), `default of ${name}`);
  for (const [args, reply, get] of SETS) {
    assert.equal(await c.callRaw('CONFIG', 'SET', ...args), reply, `CONFIG SET ${args.join(' ')}`);
    if (get !== null) assert.equal(await c.callRaw('CONFIG', 'GET', get[0]), bulkPair(get[0], get[1]), `CONFIG GET ${get[0]} after CONFIG SET ${args.join(' ')}`);
  }
}

test('CONFIG GET defaults and CONFIG SET validation of every AOF parameter (nodis)', async () => {
  const env = await start(freshDir(), { 'aof-use-rdb-preamble': 'yes' });
  await runConfigTables(env.c);
  await stop(env);
});

test('CONFIG GET defaults and CONFIG SET validation of every AOF parameter (redis-server 7.0.15 agrees)', { skip: NO_REDIS }, async () => {
  const r = await startRedis(freshDir(), ['--aof-use-rdb-preamble', 'yes']);
  try {
    await runConfigTables(r.c);
  } finally {
    await r.stop();
  }
});

// ---- appendonly yes / no at runtime ---------------------------------------------------------

test('CONFIG SET appendonly yes with data in several dbs: BASE from the dataset, new INCR; no; yes again -> seq 2, history deleted; restarts are identical', async () => {
  const dir = freshDir();
  let env = await start(dir);
  const { c } = env;
  const at = Date.now() + 3_600_000;
  assert.equal(await c.call('SET', 's', 'v', 'PXAT', String(at)), 'OK');
  assert.equal(await c.call('RPUSH', 'l', 'a', 'b', 'c'), 3);
  assert.equal(await c.call('SELECT', '3'), 'OK');
  assert.equal(await c.call('HSET', 'h', 'f1', 'v1', 'f2', 'v2'), 2);
  assert.equal(await c.call('SADD', 'st', 'm1'), 1);
  assert.equal(await c.call('SELECT', '9'), 'OK');
  assert.equal(await c.call('ZADD', 'z', '2', 'two', '1.5', 'one'), 2);
  assert.equal(await c.call('EXPIRE', 'z', '7200'), 1);
  const zAt = String(await c.call('PEXPIRETIME', 'z'));
  assert.equal(await c.call('SELECT', '0'), 'OK');
  const digest0 = (await c.call('DEBUG', 'DIGEST')) as string;
  assert.equal((await info(c)).get('aof_enabled'), '0');
  assert.equal(fs.existsSync(aofDir(dir)), false);

  assert.equal(await c.callRaw('CONFIG', 'SET', 'appendonly', 'yes'), '+OK\r\n');
  assert.deepEqual(await c.call('CONFIG', 'GET', 'appendonly'), ['appendonly', 'yes']);
  assert.equal(read(dir, 'appendonly.aof.manifest'), MANIFEST_1);
  assert.deepEqual(listAof(dir), ['appendonly.aof.1.base.aof', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
  assert.equal(size(dir, 'appendonly.aof.1.incr.aof'), 0);
  const base1 = read(dir, 'appendonly.aof.1.base.aof');
  const grouped = groupByDbAndKey(parseRecords(base1));
  assert.deepEqual([...grouped.keys()], [0, 3, 9], 'one SELECT per non-empty db, in db order');
  assert.deepEqual(
    Object.fromEntries(grouped.get(0)!),
    { s: [['SET', 's', 'v'], ['PEXPIREAT', 's', String(at)]], l: [['RPUSH', 'l', 'a', 'b', 'c']] },
  );
  assert.deepEqual(Object.fromEntries(grouped.get(3)!), { h: [['HMSET', 'h', 'f1', 'v1', 'f2', 'v2']], st: [['SADD', 'st', 'm1']] });
  assert.deepEqual(Object.fromEntries(grouped.get(9)!), { z: [['ZADD', 'z', '1.5', 'one', '2', 'two'], ['PEXPIREAT', 'z', zAt]] });
  let inf = await info(c);
  assert.equal(inf.get('aof_enabled'), '1');
  assert.equal(inf.get('aof_base_size'), String(base1.length));
  assert.equal(inf.get('aof_current_size'), String(base1.length));
  // Enabling again is a no-op.
  assert.equal(await c.callRaw('CONFIG', 'SET', 'appendonly', 'yes'), '+OK\r\n');
  assert.equal(read(dir, 'appendonly.aof.manifest'), MANIFEST_1);

  // Writes go to the new INCR (a SELECT first: the db is unknown after a switch).
  assert.equal(await c.call('SET', 'after', '1'), 'OK');
  await waitFor(() => size(dir, 'appendonly.aof.1.incr.aof') > 0, 2000, 'the INCR write');
  assert.equal(read(dir, 'appendonly.aof.1.incr.aof'), rec('SELECT', '0') + rec('SET', 'after', '1'));
  const digest1 = (await c.call('DEBUG', 'DIGEST')) as string;
  assert.notEqual(digest1, digest0);

  // appendonly no: closed, nothing more logged, files left as they are.
  const incr1 = path.join(aofDir(dir), 'appendonly.aof.1.incr.aof');
  if (HAVE_PROC_FD) assert.equal(fdOpenOn(incr1), true, 'the INCR is open while appending');
  assert.equal(await c.callRaw('CONFIG', 'SET', 'appendonly', 'no'), '+OK\r\n');
  if (HAVE_PROC_FD) assert.equal(fdOpenOn(incr1), false, 'appendonly no closes the INCR');
  const fields = await infoFields(c);
  assert.equal(new Map(fields).get('aof_enabled'), '0');
  assert.equal(fields.some(([k]) => k === 'aof_current_size' || k === 'aof_base_size' || k === 'aof_buffer_length'), false, 'no AOF size block without appendonly');
  assert.equal(await c.call('SET', 'unlogged', '1'), 'OK');
  assert.equal(await c.call('DEL', 's'), 1);
  await sleep(150);
  assert.equal(read(dir, 'appendonly.aof.1.incr.aof'), rec('SELECT', '0') + rec('SET', 'after', '1'));
  assert.deepEqual(listAof(dir), ['appendonly.aof.1.base.aof', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);

  // yes again: seq 2, the old files become history and are removed in the background.
  assert.equal(await c.callRaw('CONFIG', 'SET', 'appendonly', 'yes'), '+OK\r\n');
  assert.equal(read(dir, 'appendonly.aof.manifest'), MANIFEST_2);
  await waitFor(() => listAof(dir).length === 3, 2000, 'history removal');
  assert.deepEqual(listAof(dir), ['appendonly.aof.2.base.aof', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
  assert.equal(env.log.count('*', 'Removing the history file appendonly.aof.1.incr.aof in the background'), 1, env.log.dump());
  assert.equal(env.log.count('*', 'Removing the history file appendonly.aof.1.base.aof in the background'), 1);
  const base2 = groupByDbAndKey(parseRecords(read(dir, 'appendonly.aof.2.base.aof')));
  assert.deepEqual([...base2.get(0)!.keys()].sort(), ['after', 'l', 'unlogged']);
  assert.equal(await c.call('SET', 'later', 'x'), 'OK');
  await waitFor(() => size(dir, 'appendonly.aof.2.incr.aof') > 0, 2000, 'the INCR write');
  assert.equal(read(dir, 'appendonly.aof.2.incr.aof'), rec('SELECT', '0') + rec('SET', 'later', 'x'));
  const digest2 = (await c.call('DEBUG', 'DIGEST')) as string;
  await stop(env);

  env = await start(dir, { appendonly: 'yes' });
  assert.equal(await env.c.call('DEBUG', 'DIGEST'), digest2, 'the restart loads the same dataset');
  assert.equal(await env.c.call('SELECT', '9'), 'OK');
  assert.equal(String(await env.c.call('PEXPIRETIME', 'z')), zAt, 'TTLs survive as absolute times');
  await stop(env);
});

test('CONFIG SET appendonly is denied while loading (-LOADING), other AOF parameters are not', async () => {
  const dir = freshDir();
  fs.mkdirSync(aofDir(dir));
  const n = 800;
  let base = rec('SELECT', '0');
  for (let i = 0; i < n; i++) base += rec('SET', `k${i}`, String(i));
  fs.writeFileSync(path.join(aofDir(dir), 'appendonly.aof.1.base.aof'), Buffer.from(base, 'latin1'));
  fs.writeFileSync(path.join(aofDir(dir), 'appendonly.aof.1.incr.aof'), '');
  fs.writeFileSync(path.join(aofDir(dir), 'appendonly.aof.manifest'), MANIFEST_1);
  const port = await freePort();
  const starting = startTestServer({ port, appendonly: 'yes', 'key-load-delay': 1000, 'aof-use-rdb-preamble': 'no', logfile: 'nodis.log', dir });
  starting.then((s) => servers.add(s), () => {});
  let c: RespClient | null = null;
  const deadline = Date.now() + 5000;
  while (c === null) {
    c = await RespClient.connect(port).catch(() => null);
    if (c === null) {
      assert.ok(Date.now() < deadline, 'could not connect while loading');
      await sleep(10);
    }
  }
  try {
    assert.equal(await c.callRaw('PING'), '-LOADING Redis is loading the dataset in memory\r\n', 'still loading');
    assert.equal(await c.callRaw('CONFIG', 'SET', 'appendonly', 'no'), '-LOADING Redis is loading the dataset in memory\r\n');
    assert.equal(await c.callRaw('CONFIG', 'SET', 'appendonly', 'yes'), '-LOADING Redis is loading the dataset in memory\r\n');
    assert.equal(await c.callRaw('CONFIG', 'SET', 'appendfsync', 'no'), '+OK\r\n');
    assert.match((await c.call('INFO', 'persistence')) as string, /\r\nloading:1\r\n/);
    const srv = await starting;
    assert.equal(await c.call('DBSIZE'), n);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'appendonly'), ['appendonly', 'yes']);
    assert.equal(await c.callRaw('CONFIG', 'SET', 'appendonly', 'no'), '+OK\r\n', 'allowed once loaded');
    await srv.stop();
    servers.delete(srv);
  } finally {
    c.close();
  }
});

const UNABLE = "-ERR CONFIG SET failed (possibly related to argument 'appendonly') - Unable to turn on AOF. Check server logs.\r\n";

test('CONFIG SET appendonly yes when appenddirname is a regular file: refused, rolled back, logged', async () => {
  const dir = freshDir();
  fs.writeFileSync(path.join(dir, 'appendonlydir'), 'not a directory');
  const env = await start(dir);
  const { c, log } = env;
  assert.equal(await c.call('SET', 'a', '1'), 'OK');
  assert.equal(await c.callRaw('CONFIG', 'SET', 'appendonly', 'yes'), UNABLE);
  assert.deepEqual(await c.call('CONFIG', 'GET', 'appendonly'), ['appendonly', 'no']);
  assert.equal((await info(c)).get('aof_enabled'), '0');
  assert.equal(
    log.count('#', "Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error."),
    1,
    log.dump(),
  );
  assert.equal(log.count('#', 'Failed applying new configuration. Possibly related to new appendonly setting. Restoring previous settings.'), 1);
  assert.equal(fs.readFileSync(path.join(dir, 'appendonlydir'), 'latin1'), 'not a directory');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['appendonlydir', 'nodis.log'], 'no temp file left behind');
  const lines = log.dump();
  // Writes still work (the AOF is simply off), and a usable dir later allows it.
  assert.equal(await c.callRaw('SET', 'b', '2'), '+OK\r\n');
  fs.unlinkSync(path.join(dir, 'appendonlydir'));
  assert.equal(await c.callRaw('CONFIG', 'SET', 'appendonly', 'yes'), '+OK\r\n');
  assert.equal(read(dir, 'appendonly.aof.manifest'), MANIFEST_1);
  await stop(env);
  // The reason, as redis-server 7.0.15 logs it (dirCreateIfMissing: EEXIST on a non-directory is ENOTDIR).
  assert.match(lines, /^# Can't open or create append-only dir appendonlydir: Not a directory$/m, lines);
});

test('start-up with appendonly yes when appenddirname is a regular file: fatal, "Can\'t open or create append-only dir"', async () => {
  const dir = freshDir();
  fs.writeFileSync(path.join(dir, 'appendonlydir'), 'not a directory');
  const lines: string[] = [];
  await assert.rejects(
    startTestServer({ appendonly: 'yes', 'aof-use-rdb-preamble': 'no', logfile: 'nodis.log', dir }),
    (err: unknown) => {
      assert.ok(err instanceof AofFatalError, String(err));
      lines.push(...err.logLines);
      return true;
    },
  );
  // redis-server 7.0.15 logs exactly this line and exits 1.
  assert.deepEqual(lines, ["Can't open or create append-only dir appendonlydir: Not a directory"]);
  assert.equal(fs.readFileSync(path.join(dir, 'appendonlydir'), 'latin1'), 'not a directory');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['appendonlydir', 'nodis.log'], 'no temp file left behind');
});

test('start-up with appendonly yes when appenddirname is a regular file: redis-server 7.0.15 exits 1 with that line', { skip: NO_REDIS }, async () => {
  const dir = freshDir();
  fs.writeFileSync(path.join(dir, 'appendonlydir'), 'not a directory');
  const child = spawn(REDIS_SERVER, ['--port', String(await freePort()), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--logfile', '', '--appendonly', 'yes'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(code, 1, out);
  assert.match(out, /# Can't open or create append-only dir appendonlydir: Not a directory\n$/);
});

test('CONFIG SET appendonly yes when appenddirname is a regular file: redis-server 7.0.15 replies the same', { skip: NO_REDIS }, async () => {
  const dir = freshDir();
  fs.writeFileSync(path.join(dir, 'appendonlydir'), 'not a directory');
  const r = await startRedis(dir);
  try {
    assert.equal(await r.c.callRaw('CONFIG', 'SET', 'appendonly', 'yes'), UNABLE);
    assert.equal(await r.c.callRaw('CONFIG', 'GET', 'appendonly'), bulkPair('appendonly', 'no'));
    await waitFor(() => /Restoring previous settings/.test(r.out()), 2000, 'the log');
    assert.match(r.out(), /# Can't open or create append-only dir appendonlydir: Not a directory\n/);
  } finally {
    await r.stop();
  }
});

// ---- aof-disable-auto-gc ----------------------------------------------------------------------

const MANIFEST_WITH_HISTORY =
  'file appendonly.aof.2.base.aof seq 2 type b\n' +
  'file appendonly.aof.1.incr.aof seq 1 type h\n' +
  'file appendonly.aof.1.base.aof seq 1 type h\n' +
  'file appendonly.aof.2.incr.aof seq 2 type i\n';
const ALL_FILES = ['appendonly.aof.1.base.aof', 'appendonly.aof.1.incr.aof', 'appendonly.aof.2.base.aof', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest'];
const CURRENT_FILES = ['appendonly.aof.2.base.aof', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest'];

test('aof-disable-auto-gc yes keeps history files (type h); setting it back to no removes them', async () => {
  const dir = freshDir();
  let env = await start(dir, { appendonly: 'yes' });
  const { c, log } = env;
  assert.equal(await c.call('SET', 'a', '1'), 'OK');
  assert.equal(await c.callRaw('CONFIG', 'SET', 'aof-disable-auto-gc', 'yes'), '+OK\r\n');
  assert.equal(await c.callRaw('CONFIG', 'SET', 'appendonly', 'no'), '+OK\r\n');
  assert.equal(await c.callRaw('CONFIG', 'SET', 'appendonly', 'yes'), '+OK\r\n');
  assert.equal(read(dir, 'appendonly.aof.manifest'), MANIFEST_WITH_HISTORY);
  await sleep(200);
  assert.deepEqual(listAof(dir), ALL_FILES, 'history files kept');
  assert.equal(log.lines.filter((l) => l.text.startsWith('Removing the history file')).length, 0);

  assert.equal(await c.callRaw('CONFIG', 'SET', 'aof-disable-auto-gc', 'no'), '+OK\r\n');
  assert.equal(read(dir, 'appendonly.aof.manifest'), MANIFEST_2);
  await waitFor(() => listAof(dir).length === CURRENT_FILES.length, 2000, 'history removal');
  assert.deepEqual(listAof(dir), CURRENT_FILES);
  assert.deepEqual(
    log.lines.filter((l) => l.text.startsWith('Removing the history file')).map((l) => `${l.level} ${l.text}`),
    ['* Removing the history file appendonly.aof.1.incr.aof in the background', '* Removing the history file appendonly.aof.1.base.aof in the background'],
  );
  const digest = (await c.call('DEBUG', 'DIGEST')) as string;
  await stop(env);
  env = await start(dir, { appendonly: 'yes' });
  assert.equal(await env.c.call('DEBUG', 'DIGEST'), digest);
  await stop(env);
});

test('aof-disable-auto-gc: redis-server 7.0.15 writes the same manifests and keeps/removes the same files', { skip: NO_REDIS }, async () => {
  const dir = freshDir();
  const r = await startRedis(dir, ['--appendonly', 'yes']);
  try {
    const c = r.c;
    assert.equal(await c.callRaw('SET', 'a', '1'), '+OK\r\n');
    assert.equal(await c.callRaw('CONFIG', 'SET', 'aof-disable-auto-gc', 'yes'), '+OK\r\n');
    assert.equal(await c.callRaw('CONFIG', 'SET', 'appendonly', 'no'), '+OK\r\n');
    assert.equal(await c.callRaw('CONFIG', 'SET', 'appendonly', 'yes'), '+OK\r\n');
    // Redis rewrites in a child: wait for the switch.
    await waitFor(() => fs.readFileSync(path.join(aofDir(dir), 'appendonly.aof.manifest'), 'latin1').includes('seq 2 type i'), 5000, 'the rewrite');
    assert.equal(read(dir, 'appendonly.aof.manifest'), MANIFEST_WITH_HISTORY);
    assert.deepEqual(listAof(dir), ALL_FILES);
    assert.equal(await c.callRaw('CONFIG', 'SET', 'aof-disable-auto-gc', 'no'), '+OK\r\n');
    await waitFor(() => listAof(dir).length === CURRENT_FILES.length, 2000, 'history removal');
    assert.equal(read(dir, 'appendonly.aof.manifest'), MANIFEST_2);
    assert.deepEqual(listAof(dir), CURRENT_FILES);
  } finally {
    await r.stop();
  }
});

// ---- SHUTDOWN, DEBUG LOADAOF ------------------------------------------------------------------

test('SHUTDOWN: "Calling fsync() on the AOF file." between the shutdown lines, files as redis-server 7.0.15 leaves them (fixture scenario 19)', async () => {
  const sc = FIXTURE.scenarios['19']!;
  const dir = freshDir();
  const env = await start(dir, { appendonly: 'yes' });
  assert.equal(await env.c.callRaw('SET', 'a', '1'), '+OK\r\n');
  env.c.send('SHUTDOWN');
  await env.c.waitClosed(3000);
  assert.equal(env.c.unread, '', 'SHUTDOWN sends no reply');
  const tail = env.log.lines.slice(-3).map((l) => `${l.level} ${l.text}`);
  const expected = sc.log.slice(-3).map((l) => `${l.level} ${l.text}`);
  assert.deepEqual(expected, ['# User requested shutdown...', '* Calling fsync() on the AOF file.', '# Redis is now ready to exit, bye bye...']);
  assert.deepEqual(tail, expected, env.log.dump());
  for (const [name, f] of Object.entries(sc.files_after)) {
    if (f.directory) continue;
    assert.equal(fs.readFileSync(path.join(dir, name), 'latin1'), f.content, name);
  }
  await stop(env);
});

test('DEBUG LOADAOF reloads the manifest\'s files: same dataset and digest, dirty reset, logged as redis-server 7.0.15 (fixture scenario 18)', async () => {
  const sc = FIXTURE.scenarios['18-debug-loadaof']!;
  const dir = freshDir();
  layFiles(dir, sc.files_before);
  const env = await start(dir, { appendonly: 'yes' });
  const { c, log } = env;
  assert.deepEqual(((await c.call('KEYS', '*')) as string[]).sort(), ['k', 'k2']);
  assert.equal(await c.callRaw('SET', 'k3', 'v3'), '+OK\r\n');
  assert.notEqual((await info(c)).get('rdb_changes_since_last_save'), '0');
  const digest = (await c.call('DEBUG', 'DIGEST')) as string;
  const from = log.lines.length;
  assert.equal(await c.callRaw('DEBUG', 'LOADAOF'), '+OK\r\n');
  assert.deepEqual(((await c.call('KEYS', '*')) as string[]).sort(), ['k', 'k2', 'k3'], 'the write made just before is in the reloaded data');
  assert.equal(await c.call('DEBUG', 'DIGEST'), digest);
  assert.equal((await info(c)).get('rdb_changes_since_last_save'), '0');
  const got = log.lines.slice(from).map((l) => `${l.level} ${l.text.replace(/\d+\.\d{3} seconds$/, 'N seconds')}`);
  const i = sc.log.findIndex((l) => l.text === 'Append Only File loaded by DEBUG LOADAOF');
  const want = sc.log
    .slice(i - 2, i + 1)
    .map((l) => `${l.level} ${l.text.replace(/\d+\.\d{3} seconds$/, 'N seconds')}`);
  assert.deepEqual(want, [
    '* DB loaded from base file appendonly.aof.1.base.aof: N seconds',
    '* DB loaded from incr file appendonly.aof.1.incr.aof: N seconds',
    '# Append Only File loaded by DEBUG LOADAOF',
  ]);
  assert.deepEqual(got, want, log.dump());
  // Writes go on to the same INCR; the files end as Redis's did.
  c.send('SHUTDOWN');
  await c.waitClosed(3000);
  for (const [name, f] of Object.entries(sc.files_after)) {
    if (f.directory) continue;
    assert.equal(fs.readFileSync(path.join(dir, name), 'latin1'), f.content, name);
  }
  await stop(env);
});

test('DEBUG LOADAOF with appendonly no and no AOF on disk stops the server (Redis 7.0 exits)', async () => {
  const dir = freshDir();
  const env = await start(dir);
  const { c, srv } = env;
  const other = await srv.client();
  assert.equal(await c.call('SET', 'a', '1'), 'OK');
  c.send('DEBUG', 'LOADAOF');
  await c.waitClosed(3000);
  assert.equal(c.unread, '', 'no reply');
  await other.waitClosed(3000);
  assert.equal(srv.server.crashed, true);
  assert.equal(fs.existsSync(aofDir(dir)), false, 'nothing was created');
  await stop(env);
});

// ---- INFO persistence -------------------------------------------------------------------------

const INFO_NAMES = [
  'loading', 'async_loading', 'current_cow_peak', 'current_cow_size', 'current_cow_size_age', 'current_fork_perc',
  'current_save_keys_processed', 'current_save_keys_total', 'rdb_changes_since_last_save', 'rdb_bgsave_in_progress',
  'rdb_last_save_time', 'rdb_last_bgsave_status', 'rdb_last_bgsave_time_sec', 'rdb_current_bgsave_time_sec', 'rdb_saves',
  'rdb_last_cow_size', 'rdb_last_load_keys_expired', 'rdb_last_load_keys_loaded', 'aof_enabled', 'aof_rewrite_in_progress',
  'aof_rewrite_scheduled', 'aof_last_rewrite_time_sec', 'aof_current_rewrite_time_sec', 'aof_last_bgrewrite_status',
  'aof_rewrites', 'aof_rewrites_consecutive_failures', 'aof_last_write_status', 'aof_last_cow_size',
  'module_fork_in_progress', 'module_fork_last_cow_size',
];
const AOF_SIZE_NAMES = ['aof_current_size', 'aof_base_size', 'aof_pending_rewrite', 'aof_buffer_length', 'aof_pending_bio_fsync', 'aof_delayed_fsync'];

test('INFO persistence with appendonly yes: the AOF fields follow the files on disk', async () => {
  const sc = FIXTURE.scenarios['2']!;
  const dir = freshDir();
  layFiles(dir, sc.files_before);
  const env = await start(dir, { appendonly: 'yes', appendfsync: 'everysec' });
  const { c } = env;
  let fields = await infoFields(c);
  assert.deepEqual(fields.map(([k]) => k), [...INFO_NAMES, ...AOF_SIZE_NAMES]);
  let m = new Map(fields);
  assert.equal(m.get('aof_enabled'), '1');
  assert.equal(m.get('aof_current_size'), '102', 'base 50 + incr 52');
  assert.equal(m.get('aof_base_size'), '50');
  for (const [k, v] of [
    ['aof_rewrite_in_progress', '0'], ['aof_rewrite_scheduled', '0'], ['aof_last_write_status', 'ok'], ['aof_pending_rewrite', '0'],
    ['aof_buffer_length', '0'], ['aof_delayed_fsync', '0'], ['aof_last_bgrewrite_status', 'ok'], ['loading', '0'],
  ] as const) assert.equal(m.get(k), v, k);

  for (let i = 0; i < 20; i++) assert.equal(await c.call('SET', `x${i}`, 'y'.repeat(i)), 'OK');
  await waitFor(async () => {
    const f = await info(c);
    return f.get('aof_buffer_length') === '0' && f.get('aof_pending_bio_fsync') === '0';
  }, 3000, 'a written and synced buffer');
  m = await info(c);
  const onDisk = size(dir, 'appendonly.aof.1.base.aof') + size(dir, 'appendonly.aof.1.incr.aof');
  assert.ok(onDisk > 102);
  assert.equal(m.get('aof_current_size'), String(onDisk));
  assert.equal(m.get('aof_base_size'), '50');
  // As redis-server 7.0.15: the two loaded commands count too.
  assert.equal(m.get('rdb_changes_since_last_save'), '22');

  assert.equal(await c.call('CONFIG', 'SET', 'appendonly', 'no'), 'OK');
  fields = await infoFields(c);
  assert.deepEqual(fields.map(([k]) => k), INFO_NAMES, 'no size block with appendonly no');
  assert.equal(new Map(fields).get('aof_enabled'), '0');
  await stop(env);
});

test('INFO persistence field names match redis-server 7.0.15 with appendonly no and yes', { skip: NO_REDIS }, async () => {
  for (const [flag, names] of [['no', INFO_NAMES], ['yes', [...INFO_NAMES, ...AOF_SIZE_NAMES]]] as const) {
    const r = await startRedis(freshDir(), ['--appendonly', flag]);
    try {
      assert.deepEqual((await infoFields(r.c)).map(([k]) => k), names, `appendonly ${flag}`);
    } finally {
      await r.stop();
    }
  }
});
