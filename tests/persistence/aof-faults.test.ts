// AOF write and fsync failures, injected through the file layer (tests/helpers/fault-fs.ts) of
// an in-process server, and a real full disk (/dev/full behind the INCR's name) for the
// byte-for-byte comparison with redis-server 7.0.15 and the CLI's exit status.
//
// Redis 7.0 (aof.c flushAppendOnlyFile, server.c processCommand/rejectCommand, bio.c):
// - everysec/no: a failed write keeps the bytes in aof_buf, sets aof_last_write_status=err and
//   is retried (beforeSleep, and once a second from cron); writes and PING get
//   "-MISCONF Errors writing to the AOF file: <strerror>", reads are served. A rejected command
//   inside MULTI flags the transaction (EXECABORT ... previous errors); EXEC itself rejected
//   becomes "-EXECABORT Transaction discarded because of: MISCONF ...".
// - The error lines are rate limited to one per 30 s; recovery logs "AOF write error looks
//   solved, Redis can write again."
// - A short write is truncated back (ftruncate to aof_last_incr_size); if that fails the prefix
//   stays and leaves the buffer. Either way the errno becomes ENOSPC.
// - A failed background fsync logs "Fail to fsync the AOF file: <err>" once and refuses writes
//   until an fsync succeeds.
// - always: a write error or an fsync error exits(1); the reply is never sent.

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
import { FaultFs } from '../helpers/fault-fs.js';
import type { ServerOptions } from '../../src/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const NODIS_BIN = path.join(ROOT, 'bin', 'nodis-server');
const REDIS_SERVER = '/usr/bin/redis-server';
const HAVE_REDIS = fs.existsSync(REDIS_SERVER);
const HAVE_DEV_FULL = (() => {
  try {
    return fs.statSync('/dev/full').isCharacterDevice();
  } catch {
    return false;
  }
})();

const MISCONF_ENOSPC = '-MISCONF Errors writing to the AOF file: No space left on device\r\n';
const MISCONF_EIO = '-MISCONF Errors writing to the AOF file: Input/output error\r\n';
const SOLVED = 'AOF write error looks solved, Redis can write again.';
const INCR = path.join('appendonlydir', 'appendonly.aof.1.incr.aof');

let tmp: string;
const servers = new Set<TestServer>();
const fss = new Set<FaultFs>();
const children = new Set<ChildProcess>();

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-aof-faults-'));
});

after(async () => {
  for (const f of fss) f.dispose();
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

// ---- log capture ---------------------------------------------------------------------------

interface LogLine {
  readonly level: string;
  readonly text: string;
}

const LOG_RE = /^\d+:M \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} ([.\-*#]) (.*)$/;

class Log {
  readonly lines: LogLine[] = [];
  write(raw: string): void {
    // Never throw here: this runs inside the server's logger.
    const m = LOG_RE.exec(raw);
    this.lines.push(m ? { level: m[1]!, text: m[2]! } : { level: '?', text: raw });
  }
  count(level: string, text: string): number {
    return this.lines.filter((l) => l.level === level && l.text === text).length;
  }
  countPrefix(prefix: string): number {
    return this.lines.filter((l) => l.text.startsWith(prefix)).length;
  }
  dump(): string {
    return this.lines.map((l) => `${l.level} ${l.text}`).join('\n');
  }
}

interface Env {
  readonly srv: TestServer;
  readonly ffs: FaultFs;
  readonly log: Log;
  readonly dir: string;
}

async function start(dir: string, options: ServerOptions = {}, ffs = new FaultFs()): Promise<Env> {
  fss.add(ffs);
  const srv = await startTestServer(
    { appendonly: 'yes', 'aof-use-rdb-preamble': 'no', loglevel: 'notice', logfile: 'nodis.log', dir, ...options },
    { aofFs: ffs },
  );
  servers.add(srv);
  const log = new Log();
  srv.server.logger.sinks.push(log);
  return { srv, ffs, log, dir };
}

async function stop(env: Env): Promise<void> {
  env.ffs.dispose();
  await env.srv.stop();
  servers.delete(env.srv);
}

function fileSize(dir: string, rel = INCR): number {
  return fs.statSync(path.join(dir, rel)).size;
}

function fileText(dir: string, rel = INCR): string {
  return fs.readFileSync(path.join(dir, rel)).toString('latin1');
}

const rec = (...argv: string[]): string => encodeCommand(argv).toString('latin1');
const SELECT0 = rec('SELECT', '0');

async function info(c: RespClient): Promise<Map<string, string>> {
  const text = (await c.call('INFO', 'persistence')) as string;
  const m = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

/** Waits until nothing is buffered and no background fsync runs (everysec postpones writes then). */
async function settle(c: RespClient): Promise<void> {
  await waitFor(async () => {
    const inf = await info(c);
    return inf.get('aof_buffer_length') === '0' && inf.get('aof_pending_bio_fsync') === '0';
  }, 3000, 'a settled AOF');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Restarts on `dir` without faults and checks the dataset is exactly `model` (db 0) and `digest`. */
async function assertRecovered(dir: string, model: Record<string, string>, digest: string): Promise<void> {
  const env = await start(dir);
  try {
    const c = await env.srv.client();
    assert.equal(await c.call('DEBUG', 'DIGEST'), digest, 'the restarted dataset differs from the acknowledged one');
    assert.equal(await c.call('DBSIZE'), Object.keys(model).length);
    for (const [k, v] of Object.entries(model)) assert.equal(await c.call('GET', k), v, `key ${k}`);
  } finally {
    await stop(env);
  }
}

// ---- write errors under everysec and no ------------------------------------------------------

for (const policy of ['everysec', 'no'] as const) {
  test(`appendfsync ${policy}: ENOSPC then EIO on write -> MISCONF for writes, PING and EXEC, reads served, rate-limited log, recovery keeps every acknowledged write`, async () => {
    const dir = freshDir();
    const env = await start(dir, { appendfsync: policy });
    const { srv, ffs, log } = env;
    const c = await srv.client();
    const c2 = await srv.client();
    assert.equal(await c.call('SET', 'a', '1'), 'OK');
    assert.equal(await c.call('SET', 'b', '2'), 'OK');
    const good = SELECT0 + rec('SET', 'a', '1') + rec('SET', 'b', '2');
    // everysec may postpone a write while a background fsync runs: wait for a quiet disk.
    await settle(c);
    assert.equal(fileText(dir), good);
    ffs.failWrites('ENOSPC');
    // The write of this command fails after it ran: its reply was already due (Redis sends it).
    assert.equal(await c.callRaw('SET', 'c', '3'), '+OK\r\n');
    assert.equal(await c.callRaw('SET', 'd', '4'), MISCONF_ENOSPC);
    assert.equal(await c.callRaw('PING'), MISCONF_ENOSPC);
    assert.equal(await c.callRaw('DEL', 'a'), MISCONF_ENOSPC);
    // Reads are served, the refused write did nothing, the acknowledged one is in memory.
    assert.equal(await c.callRaw('GET', 'a'), '$1\r\n1\r\n');
    assert.equal(await c.callRaw('GET', 'c'), '$1\r\n3\r\n');
    assert.equal(await c.callRaw('EXISTS', 'd'), ':0\r\n');
    assert.equal(await c.callRaw('ECHO', 'x'), '$1\r\nx\r\n');
    // A write rejected inside MULTI flags the transaction.
    assert.equal(await c2.callRaw('MULTI'), '+OK\r\n');
    assert.equal(await c2.callRaw('SET', 'q', '1'), MISCONF_ENOSPC);
    assert.equal(await c2.callRaw('GET', 'a'), '+QUEUED\r\n');
    assert.equal(await c2.callRaw('EXEC'), '-EXECABORT Transaction discarded because of previous errors.\r\n');
    // A read-only transaction runs.
    assert.equal(await c2.callRaw('MULTI'), '+OK\r\n');
    assert.equal(await c2.callRaw('GET', 'a'), '+QUEUED\r\n');
    assert.equal(await c2.callRaw('EXEC'), '*1\r\n$1\r\n1\r\n');

    let inf = await info(c);
    assert.equal(inf.get('aof_last_write_status'), 'err');
    assert.equal(inf.get('aof_buffer_length'), String(rec('SET', 'c', '3').length), 'the failed write stays buffered');
    assert.equal(fileText(dir), good, 'nothing of the failed write is in the file');

    // Retried (each turn / cron) while failing, logged once.
    const failedBefore = ffs.calls.failedWrites;
    await sleep(1200);
    assert.ok(ffs.calls.failedWrites > failedBefore, `the write must be retried while failing (${ffs.calls.failedWrites} failed writes)`);
    assert.equal(log.count('#', 'Error writing to the AOF file: No space left on device'), 1, log.dump());
    assert.equal(log.count('#', SOLVED), 0);

    const cleared = Date.now();
    ffs.clear();
    await waitFor(() => log.count('#', SOLVED) === 1, 2500, 'the "looks solved" line');
    assert.ok(Date.now() - cleared <= 1500, `recovery took ${Date.now() - cleared} ms (cron retries every 100 ms, Redis at least once a second)`);
    inf = await info(c);
    assert.equal(inf.get('aof_last_write_status'), 'ok');
    assert.equal(inf.get('aof_buffer_length'), '0');
    assert.equal(fileText(dir), good + rec('SET', 'c', '3'), 'the acknowledged write is in the file after recovery');
    assert.equal(await c.callRaw('PING'), '+PONG\r\n');
    assert.equal(await c.callRaw('SET', 'e', '5'), '+OK\r\n');

    // A second failure within 30 s: MISCONF with the new errno, no new error line.
    await settle(c);
    ffs.failWrites('EIO');
    assert.equal(await c.callRaw('SET', 'f', '6'), '+OK\r\n');
    assert.equal(await c.callRaw('SET', 'g', '7'), MISCONF_EIO);
    assert.equal(await c.callRaw('PING'), MISCONF_EIO);
    assert.equal((await info(c)).get('aof_last_write_status'), 'err');
    await sleep(300);
    assert.equal(log.countPrefix('Error writing to the AOF file'), 1, `rate limited to one line per 30 s:\n${log.dump()}`);
    ffs.clear();
    await waitFor(() => log.count('#', SOLVED) === 2, 2500, 'the second "looks solved" line');
    assert.equal((await info(c)).get('aof_last_write_status'), 'ok');

    const expected = good + rec('SET', 'c', '3') + rec('SET', 'e', '5') + rec('SET', 'f', '6');
    assert.equal(fileText(dir), expected);
    const digest = (await c.call('DEBUG', 'DIGEST')) as string;
    await stop(env);
    assert.equal(fileText(dir), expected, 'shutdown adds nothing');
    await assertRecovered(dir, { a: '1', b: '2', c: '3', e: '5', f: '6' }, digest);
  });
}

test('MISCONF: EXEC of a transaction queued before the failure is aborted with the MISCONF reason and leaves MULTI', async () => {
  const dir = freshDir();
  const env = await start(dir, { appendfsync: 'no' });
  const { srv, ffs, log } = env;
  const c = await srv.client();
  const c2 = await srv.client();
  assert.equal(await c2.callRaw('MULTI'), '+OK\r\n');
  assert.equal(await c2.callRaw('SET', 'q', '1'), '+QUEUED\r\n');
  assert.equal(await c2.callRaw('GET', 'q'), '+QUEUED\r\n');
  ffs.failWrites('ENOSPC');
  assert.equal(await c.callRaw('SET', 'a', '1'), '+OK\r\n');
  assert.equal(await c.callRaw('PING'), MISCONF_ENOSPC);
  // rejectCommand() on EXEC: execCommandAbort, "-EXECABORT Transaction discarded because of: <err>".
  assert.equal(await c2.callRaw('EXEC'), '-EXECABORT Transaction discarded because of: MISCONF Errors writing to the AOF file: No space left on device\r\n');
  assert.equal(await c2.callRaw('GET', 'q'), '$-1\r\n', 'the aborted EXEC must leave the MULTI state, and nothing ran');
  ffs.clear();
  await waitFor(() => log.count('#', SOLVED) === 1, 2500, 'recovery');
  await stop(env);
});

// ---- short writes ---------------------------------------------------------------------------

test('short write (k bytes, then EIO): truncated back to the last good size, errno ENOSPC, logged once, recovered without loss', async () => {
  const dir = freshDir();
  const env = await start(dir);
  const { srv, ffs, log } = env;
  const c = await srv.client();
  assert.equal(await c.call('SET', 'a', '1'), 'OK');
  await settle(c);
  const good = SELECT0 + rec('SET', 'a', '1');
  assert.equal(fileSize(dir), good.length);

  ffs.partialWrites(7, 'EIO');
  const record = rec('SET', 'bb', '22');
  assert.equal(await c.callRaw('SET', 'bb', '22'), '+OK\r\n');
  assert.ok(ffs.calls.ftruncate >= 1, 'the short write must be undone with ftruncate');
  assert.equal(fileSize(dir), good.length, 'the partial record was removed');
  assert.equal(log.count('#', `Short write while writing to the AOF file: (nwritten=7, expected=${record.length})`), 1, log.dump());
  // Redis reports ENOSPC for a short write, whatever error ended it.
  assert.equal(await c.callRaw('SET', 'x', 'y'), MISCONF_ENOSPC);
  assert.equal((await info(c)).get('aof_buffer_length'), String(record.length));

  await sleep(1200);
  assert.equal(fileSize(dir), good.length, 'every retry is truncated back too');
  assert.equal(log.countPrefix('Short write'), 1, 'rate limited');
  assert.equal(log.countPrefix('Could not remove short write'), 0);

  ffs.clear();
  await waitFor(() => log.count('#', SOLVED) === 1, 2500, 'recovery');
  assert.equal(fileText(dir), good + record);
  assert.equal(await c.callRaw('SET', 'c', '3'), '+OK\r\n');
  const digest = (await c.call('DEBUG', 'DIGEST')) as string;
  await stop(env);
  assert.equal(fileText(dir), good + record + rec('SET', 'c', '3'));
  await assertRecovered(dir, { a: '1', bb: '22', c: '3' }, digest);
});

test('short write with a failing ftruncate: the written prefix stays, leaves the buffer and is not written twice', async () => {
  const dir = freshDir();
  const env = await start(dir);
  const { srv, ffs, log } = env;
  const c = await srv.client();
  assert.equal(await c.call('SET', 'a', '1'), 'OK');
  await settle(c);
  const good = SELECT0 + rec('SET', 'a', '1');

  ffs.partialWrites(7, 'ENOSPC');
  ffs.failFtruncate('EIO');
  const record = rec('SET', 'bb', '22');
  assert.equal(await c.callRaw('SET', 'bb', '22'), '+OK\r\n');
  assert.equal(log.count('#', `Short write while writing to the AOF file: (nwritten=7, expected=${record.length})`), 1, log.dump());
  assert.equal(
    log.count('#', 'Could not remove short write from the append-only file.  Redis may refuse to load the AOF the next time it starts.  ftruncate: Input/output error'),
    1,
    log.dump(),
  );
  assert.equal(fileText(dir), good + record.slice(0, 7), 'the prefix stays in the file');
  assert.equal(await c.callRaw('SET', 'x', 'y'), MISCONF_ENOSPC);
  const inf = await info(c);
  assert.equal(inf.get('aof_last_write_status'), 'err');
  assert.equal(inf.get('aof_buffer_length'), String(record.length - 7), 'the written prefix left the buffer');

  await sleep(600);
  assert.equal(fileText(dir), good + record.slice(0, 7), 'no room left: retries add nothing');
  ffs.clear();
  await waitFor(() => log.count('#', SOLVED) === 1, 2500, 'recovery');
  assert.equal(fileText(dir), good + record, 'the rest of the record follows the prefix exactly once');
  assert.equal(await c.callRaw('SET', 'c', '3'), '+OK\r\n');
  const digest = (await c.call('DEBUG', 'DIGEST')) as string;
  await stop(env);
  await assertRecovered(dir, { a: '1', bb: '22', c: '3' }, digest);
});

test('a write(2) that returns fewer bytes without an error is completed by further calls: no error state', async () => {
  const dir = freshDir();
  const env = await start(dir);
  const { srv, ffs, log } = env;
  const c = await srv.client();
  ffs.shortWrites(3);
  const before = ffs.calls.write;
  assert.equal(await c.call('SET', 'key', 'value'), 'OK');
  assert.equal(await c.call('RPUSH', 'l', 'x', 'y', 'z'), 3);
  await settle(c);
  const expected = SELECT0 + rec('SET', 'key', 'value') + rec('RPUSH', 'l', 'x', 'y', 'z');
  assert.equal(fileText(dir), expected);
  assert.ok(ffs.calls.write - before >= Math.ceil(expected.length / 3), `${ffs.calls.write - before} write calls`);
  assert.equal(await c.callRaw('PING'), '+PONG\r\n');
  assert.equal((await info(c)).get('aof_last_write_status'), 'ok');
  assert.equal(log.countPrefix('Short write'), 0);
  await stop(env);
});

// ---- background fsync failure (everysec) ------------------------------------------------------

test('everysec: a failed background fsync -> "Fail to fsync the AOF file" once, MISCONF with its errno, cleared by the next successful fsync', async () => {
  const dir = freshDir();
  const env = await start(dir, { appendfsync: 'everysec' });
  const { srv, ffs, log } = env;
  const c = await srv.client();
  ffs.failFsyncs('EIO');
  assert.equal(await c.callRaw('SET', 'a', '1'), '+OK\r\n');
  await waitFor(() => log.count('#', 'Fail to fsync the AOF file: Input/output error') === 1, 2500, 'the fsync error line');
  assert.equal(await c.callRaw('SET', 'b', '2'), MISCONF_EIO);
  assert.equal(await c.callRaw('PING'), MISCONF_EIO);
  assert.equal(await c.callRaw('GET', 'a'), '$1\r\n1\r\n');
  assert.equal((await info(c)).get('aof_last_write_status'), 'err');

  // Still failing a second later: still refused, not logged again.
  const attempts = ffs.calls.fdatasyncAsync;
  await waitFor(() => ffs.calls.fdatasyncAsync > attempts, 2500, 'an fsync retry');
  await sleep(50);
  assert.equal(await c.callRaw('SET', 'b', '2'), MISCONF_EIO);
  assert.equal(log.countPrefix('Fail to fsync the AOF file'), 1, log.dump());

  ffs.clear();
  await waitFor(async () => (await info(c)).get('aof_last_write_status') === 'ok', 2500, 'a successful fsync');
  assert.equal(await c.callRaw('SET', 'b', '2'), '+OK\r\n');
  assert.equal(await c.callRaw('PING'), '+PONG\r\n');
  const digest = (await c.call('DEBUG', 'DIGEST')) as string;
  await stop(env);
  assert.equal(fileText(dir), SELECT0 + rec('SET', 'a', '1') + rec('SET', 'b', '2'));
  await assertRecovered(dir, { a: '1', b: '2' }, digest);
});

// ---- appendfsync always: the server exits ------------------------------------------------------

async function connectRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

test("always: a write error crashes the server before the reply is sent (\"Can't recover from AOF write error ...\")", async () => {
  const dir = freshDir();
  const env = await start(dir, { appendfsync: 'always' });
  const { srv, ffs, log } = env;
  const c = await srv.client();
  const other = await srv.client();
  assert.equal(await c.call('SET', 'a', '1'), 'OK');
  ffs.failWrites('ENOSPC');
  c.send('SET', 'b', '2');
  await c.waitClosed(3000);
  assert.equal(c.unread, '', 'the reply of the failed write must never arrive');
  assert.equal(srv.server.crashed, true);
  assert.equal(log.count('#', "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting..."), 1, log.dump());
  await other.waitClosed(3000);
  assert.ok(await connectRefused(srv.port), 'a crashed server does not listen');
  await stop(env);
  assert.equal(fileText(dir), SELECT0 + rec('SET', 'a', '1'));
  const restarted = await start(dir);
  const c3 = await restarted.srv.client();
  assert.equal(await c3.call('GET', 'a'), '1');
  assert.equal(await c3.call('EXISTS', 'b'), 0);
  await stop(restarted);
});

test("always: an fsync error crashes the server (\"Can't persist AOF for fsync error ...: Input/output error. Exiting...\")", async () => {
  const dir = freshDir();
  const env = await start(dir, { appendfsync: 'always' });
  const { srv, ffs, log } = env;
  const c = await srv.client();
  assert.equal(await c.call('SET', 'a', '1'), 'OK');
  ffs.failFsyncs('EIO');
  c.send('SET', 'b', '2');
  await c.waitClosed(3000);
  assert.equal(c.unread, '');
  assert.equal(srv.server.crashed, true);
  assert.equal(log.count('#', "Can't persist AOF for fsync error when the AOF fsync policy is 'always': Input/output error. Exiting..."), 1, log.dump());
  assert.equal(log.countPrefix('Fail to fsync the AOF file'), 0, 'under always the fsync error is fatal, not the everysec warning');
  await stop(env);
});

test('always: a failed fsync whose reply is held also drops the replies of reads that were waiting for it', async () => {
  const dir = freshDir();
  const env = await start(dir, { appendfsync: 'always' });
  const { srv, ffs } = env;
  const writer = await srv.client();
  const reader = await srv.client();
  assert.equal(await writer.call('SET', 'a', '1'), 'OK');
  ffs.holdFsyncs();
  writer.send('SET', 'a', '2');
  await waitFor(() => ffs.heldFsyncs === 1, 2000, 'the held fsync');
  reader.send('GET', 'a');
  await sleep(100);
  assert.equal(reader.unread, '', 'the read shows an undurable write: held');
  ffs.failHeldFsyncs('EIO');
  await reader.waitClosed(3000);
  await writer.waitClosed(3000);
  assert.equal(reader.unread, '');
  assert.equal(writer.unread, '');
  assert.equal(srv.server.crashed, true);
  await stop(env);
});

// ---- a real full disk: /dev/full behind the INCR's name ---------------------------------------

/** appendonlydir with a manifest, an empty BASE and the INCR as a symlink to /dev/full. */
function fullDiskDir(): string {
  const dir = freshDir();
  fs.mkdirSync(path.join(dir, 'appendonlydir'));
  fs.writeFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
  fs.writeFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.1.base.aof'), '');
  fs.symlinkSync('/dev/full', path.join(dir, INCR));
  return dir;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

interface Child {
  readonly child: ChildProcess;
  out(): string;
  exited: Promise<number | null>;
}

function spawnServer(cmd: string, args: string[]): Child {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('latin1')));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, out: () => out, exited };
}

async function waitReady(ch: Child): Promise<void> {
  await waitFor(() => /Ready to accept connections/.test(ch.out()) || ch.child.exitCode !== null, 10000, 'Ready to accept connections');
  assert.match(ch.out(), /Ready to accept connections/, ch.out());
}

/** The MISCONF script on a full disk; returns every reply's exact bytes. */
async function fullDiskScript(port: number): Promise<string[]> {
  const a = await RespClient.connect(port);
  const b = await RespClient.connect(port);
  try {
    const out: string[] = [];
    out.push(await b.callRaw('MULTI'));
    out.push(await b.callRaw('SET', 'q', '1'));
    out.push(await a.callRaw('SET', 'k', 'v'));
    out.push(await a.callRaw('SET', 'k2', 'v'));
    out.push(await a.callRaw('PING'));
    out.push(await a.callRaw('PING', 'hello'));
    out.push(await a.callRaw('GET', 'k'));
    out.push(await a.callRaw('INCR', 'n'));
    out.push(await a.callRaw('FLUSHALL'));
    out.push(await a.callRaw('DBSIZE'));
    out.push(await b.callRaw('EXEC'));
    out.push(await b.callRaw('MULTI'));
    out.push(await b.callRaw('PING'));
    out.push(await b.callRaw('GET', 'k'));
    out.push(await b.callRaw('EXEC'));
    out.push(await b.callRaw('MULTI'));
    out.push(await b.callRaw('GET', 'k'));
    out.push(await b.callRaw('EXEC'));
    const inf = (await a.call('INFO', 'persistence')) as string;
    out.push(/aof_last_write_status:\w+/.exec(inf)![0]);
    out.push(/aof_buffer_length:\d+/.exec(inf)![0]);
    return out;
  } finally {
    a.close();
    b.close();
  }
}

const FULL_DISK_EXPECTED = [
  '+OK\r\n',
  '+QUEUED\r\n',
  '+OK\r\n',
  MISCONF_ENOSPC,
  MISCONF_ENOSPC,
  MISCONF_ENOSPC,
  '$1\r\nv\r\n',
  MISCONF_ENOSPC,
  MISCONF_ENOSPC,
  ':1\r\n',
  '-EXECABORT Transaction discarded because of: MISCONF Errors writing to the AOF file: No space left on device\r\n',
  '+OK\r\n',
  MISCONF_ENOSPC,
  '+QUEUED\r\n',
  '-EXECABORT Transaction discarded because of previous errors.\r\n',
  '+OK\r\n',
  '+QUEUED\r\n',
  '*1\r\n$1\r\nv\r\n',
  'aof_last_write_status:err',
  // SELECT 0 + SET k v, never written.
  'aof_buffer_length:50',
];

test('a real full disk (/dev/full), everysec: the replies of nodis', { skip: HAVE_DEV_FULL ? false : 'no /dev/full on this system' }, async () => {
  const dir = fullDiskDir();
  const srv = await startTestServer({ appendonly: 'yes', appendfsync: 'everysec', 'aof-use-rdb-preamble': 'no', logfile: 'nodis.log', dir });
  servers.add(srv);
  try {
    assert.deepEqual(await fullDiskScript(srv.port), FULL_DISK_EXPECTED);
  } finally {
    await srv.stop();
    servers.delete(srv);
  }
});

test('a real full disk (/dev/full), everysec: redis-server 7.0.15 replies the same bytes', { skip: !HAVE_DEV_FULL ? 'no /dev/full on this system' : !HAVE_REDIS ? `${REDIS_SERVER} is not installed` : false }, async () => {
  const dir = fullDiskDir();
  const port = await freePort();
  const r = spawnServer(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--aof-use-rdb-preamble', 'no', '--daemonize', 'no', '--logfile', '']);
  try {
    await waitReady(r);
    assert.deepEqual(await fullDiskScript(port), FULL_DISK_EXPECTED);
  } finally {
    r.child.kill('SIGKILL');
    await r.exited;
  }
});

for (const [name, cmd, extra] of [
  ['bin/nodis-server', process.execPath, [NODIS_BIN]],
  ['redis-server 7.0.15', REDIS_SERVER, []],
] as const) {
  const skip = !HAVE_DEV_FULL ? 'no /dev/full on this system' : name.startsWith('redis') && !HAVE_REDIS ? `${REDIS_SERVER} is not installed` : false;
  test(`${name}, appendfsync always on a full disk: a write exits with status 1 and never replies`, { skip }, async () => {
    const dir = fullDiskDir();
    const port = await freePort();
    const ch = spawnServer(cmd, [...extra, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--aof-use-rdb-preamble', 'no', '--daemonize', 'no', '--logfile', '']);
    try {
      await waitReady(ch);
      const c = await RespClient.connect(port);
      assert.equal(await c.callRaw('GET', 'k'), '$-1\r\n', 'reads need no write');
      c.send('SET', 'k', 'v');
      await c.waitClosed(5000);
      assert.equal(c.unread, '');
      const code = await Promise.race([ch.exited, sleep(5000).then(() => 'timeout' as const)]);
      assert.equal(code, 1, ch.out());
      assert.match(ch.out(), /^\d+:M \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} # Can't recover from AOF write error when the AOF fsync policy is 'always'\. Exiting\.\.\.$/m);
    } finally {
      if (ch.child.exitCode === null) ch.child.kill('SIGKILL');
      await ch.exited;
    }
  });
}
