// CONFIG SET appendonly yes / no on a running server, on real files: yes replies at once and a
// background rewrite writes the BASE from the dataset (the AOF is switched on when it finishes,
// as Redis 7.0's WAIT_REWRITE), then a new INCR; the INCR closed by no; seq 2 with the history
// removed; restarts identical; denied while loading (-LOADING); refused and rolled back on an
// unusable appenddirname (and fatal at start-up, as redis-server 7.0.15 is);
// aof-disable-auto-gc keeping history files.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, waitFor } from '../helpers/server.js';
import { RespClient } from '../helpers/resp-client.js';
import { AofFatalError } from '../../src/index.js';
import { aofDir, parseAofStrict, resp as rec } from '../helpers/aof-files.js';
import { info, infoFields, sleep } from '../helpers/calls.js';
import { useAofEnvs } from '../helpers/aof-env.js';
import { NO_REDIS_SERVER as NO_REDIS, freePort, spawnServer, startRedisServer as startRedis } from '../helpers/server-process.js';

const { freshDir, open: start, stop, keep } = useAofEnvs('nodis-aof-config-appendonly-');

const MANIFEST_1 = 'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n';
const MANIFEST_2 = 'file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n';
const read = (dir: string, name: string) => fs.readFileSync(path.join(aofDir(dir), name)).toString('latin1');
const size = (dir: string, name: string) => fs.statSync(path.join(aofDir(dir), name)).size;
const listAof = (dir: string) => fs.readdirSync(aofDir(dir)).sort();
const bulkPair = (k: string, v: string) => `*2\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`;

/** Parses RESP multibulk records (and nothing else) into argv arrays. */
function parseRecords(text: string): string[][] {
  return parseAofStrict(text).map((it) => {
    assert.ok('argv' in it, `not a record: ${JSON.stringify(it)}`);
    return it.argv;
  });
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

/**
 * Waits for the background rewrite CONFIG SET appendonly yes started (Redis's test suite and
 * capture script poll the same fields), then for the manifest to name `baseSeq`'s BASE.
 */
async function waitRewrite(c: RespClient, dir: string, baseSeq: number): Promise<void> {
  await waitFor(
    async () => {
      const i = await info(c);
      if (i.get('aof_rewrite_in_progress') !== '0' || i.get('aof_rewrite_scheduled') !== '0') return false;
      const m = path.join(aofDir(dir), 'appendonly.aof.manifest');
      return fs.existsSync(m) && fs.readFileSync(m, 'latin1').includes(`seq ${baseSeq} type b`);
    },
    10_000,
    `the rewrite to BASE seq ${baseSeq}`,
  );
}

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
  assert.equal((await info(c)).get('aof_enabled'), '1', 'enabled (WAIT_REWRITE counts) as soon as the reply arrives');
  await waitRewrite(c, dir, 1);
  assert.equal(read(dir, 'appendonly.aof.manifest'), MANIFEST_1);
  assert.deepEqual(listAof(dir), ['appendonly.aof.1.base.aof', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('temp-')), [], 'the temp BASE was renamed into place');
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
  await waitRewrite(c, dir, 2);
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
  starting.then((s) => keep(s), () => {});
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
  // As redis-server 7.0.15 (checked): the directory failure happens before a rewrite is counted,
  // so only the status changes.
  const failed = await info(c);
  assert.equal(failed.get('aof_last_bgrewrite_status'), 'err');
  assert.equal(failed.get('aof_rewrites'), '0');
  assert.equal(failed.get('aof_rewrites_consecutive_failures'), '0');
  assert.equal(failed.get('aof_rewrite_in_progress'), '0');
  assert.equal(failed.get('aof_rewrite_scheduled'), '0');
  assert.equal(fs.readFileSync(path.join(dir, 'appendonlydir'), 'latin1'), 'not a directory');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['appendonlydir', 'nodis.log'], 'no temp file left behind');
  const lines = log.dump();
  // Writes still work (the AOF is simply off), and a usable dir later allows it.
  assert.equal(await c.callRaw('SET', 'b', '2'), '+OK\r\n');
  fs.unlinkSync(path.join(dir, 'appendonlydir'));
  assert.equal(await c.callRaw('CONFIG', 'SET', 'appendonly', 'yes'), '+OK\r\n');
  await waitRewrite(c, dir, 1);
  assert.equal(read(dir, 'appendonly.aof.manifest'), MANIFEST_1);
  assert.equal((await info(c)).get('aof_last_bgrewrite_status'), 'ok');
  await stop(env);
  // The reason, as redis-server 7.0.15 logs it (dirCreateIfMissing: EEXIST on a non-directory is ENOTDIR).
  assert.match(
    lines,
    /^# Can't open or create append-only dir appendonlydir: Not a directory\n# Redis needs to enable the AOF but can't trigger a background AOF rewrite operation\. Check the above logs for more info about the error\.\n# Failed applying new configuration\. Possibly related to new appendonly setting\. Restoring previous settings\.$/m,
    lines,
  );
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
  const port = await freePort();
  const p = spawnServer('redis', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--logfile', '', '--appendonly', 'yes'], port);
  const { code } = await p.closed;
  assert.equal(code, 1, p.stdout());
  assert.match(p.stdout(), /# Can't open or create append-only dir appendonlydir: Not a directory\n$/);
});

test('CONFIG SET appendonly yes when appenddirname is a regular file: redis-server 7.0.15 replies the same', { skip: NO_REDIS }, async () => {
  const dir = freshDir();
  fs.writeFileSync(path.join(dir, 'appendonlydir'), 'not a directory');
  const r = await startRedis(dir);
  try {
    assert.equal(await r.c.callRaw('CONFIG', 'SET', 'appendonly', 'yes'), UNABLE);
    assert.equal(await r.c.callRaw('CONFIG', 'GET', 'appendonly'), bulkPair('appendonly', 'no'));
    await waitFor(() => /Restoring previous settings/.test(r.proc.output()), 2000, 'the log');
    assert.match(
      r.proc.output(),
      /# Can't open or create append-only dir appendonlydir: Not a directory\n.*# Redis needs to enable the AOF but can't trigger a background AOF rewrite operation\. Check the above logs for more info about the error\.\n.*# Failed applying new configuration\. Possibly related to new appendonly setting\. Restoring previous settings\.\n/,
    );
    const i = String(await r.c.call('INFO', 'persistence'));
    for (const f of ['aof_last_bgrewrite_status:err', 'aof_rewrites:0', 'aof_rewrites_consecutive_failures:0']) assert.ok(i.includes(`\r\n${f}\r\n`), f);
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
  await waitRewrite(c, dir, 2);
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
