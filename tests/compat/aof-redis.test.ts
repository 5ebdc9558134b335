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
//
// The workload lives in tests/helpers/aof-redis-workload.ts, the dataset comparison in
// tests/helpers/dataset-compare.ts. The tests stay in one file: the last one runs both checkers
// on the directories the others wrote (and the legacy test reuses Redis's rewritten one), so
// splitting them would write those directories again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RespClient, encodeCommand, type RespValue } from '../helpers/resp-client.js';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { MANIFEST_NAME as MANIFEST, aofDir, manifestEntries, parseManifestText, resp } from '../helpers/aof-files.js';
import { ok, pipeline, sleep, type Arg } from '../helpers/calls.js';
import { checkAofInProcess, redisCheckAofDir, runCheckAof } from '../helpers/check-aof.js';
import { assertSameDataset, readDataset, type Dataset } from '../helpers/dataset-compare.js';
import { HOUR, assertRich, workload } from '../helpers/aof-redis-workload.js';
import { useScratch } from '../helpers/scratch.js';
import { REDIS_CHECK_AOF, REDIS_SERVER, connectWhenReady, exitCode, freePort, spawnServer, type ServerProcess } from '../helpers/server-process.js';
import { ALL_BYTES } from '../helpers/data-gen.js';

const missing = [REDIS_SERVER, REDIS_CHECK_AOF].filter((b) => !fs.existsSync(b));
const skip = missing.length > 0 ? `not installed: ${missing.join(', ')}` : false;

const scratch = useScratch('nodis-compat-aof-');

// ---- processes -------------------------------------------------------------------------------

/**
 * Spawns redis-server or nodis-server (same arguments) on `dir` with the AOF on (RESP base),
 * DEBUG enabled, logging to stdout.
 */
async function spawnOn(kind: 'redis' | 'nodis', dir: string, extra: string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes',
    '--aof-use-rdb-preamble', 'no', '--enable-debug-command', 'yes', '--logfile', '', '--daemonize', 'no', ...extra,
  ];
  return spawnServer(kind, args, port);
}

/** A server process on `dir` and a client, once PING answers PONG (not -LOADING). */
async function startServerProc(kind: 'redis' | 'nodis', dir: string, extra: string[] = []): Promise<{ proc: ServerProcess; c: RespClient }> {
  const proc = await spawnOn(kind, dir, extra);
  return { proc, c: scratch.client(await connectWhenReady(proc, 15_000)) };
}

async function connect(proc: ServerProcess): Promise<RespClient> {
  return scratch.client(await RespClient.connect(proc.port));
}

/** SHUTDOWN (the AOF is flushed and fsynced); the process must exit 0. */
async function shutdown(proc: ServerProcess, c: RespClient): Promise<void> {
  c.send('SHUTDOWN');
  await c.waitClosed(10_000);
  const { code } = await Promise.race([proc.exit, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${proc.name} did not exit`)), 10_000).unref())]);
  assert.equal(code, 0, `${proc.name} exit code; output:\n${proc.output().slice(-2000)}`);
}

async function startNodis(options: Record<string, string>): Promise<TestServer> {
  return scratch.keep(await startTestServer({ 'aof-use-rdb-preamble': 'no', ...options }));
}

// ---- datasets and directories ------------------------------------------------------------------

/** The same directory read by another server: the same dump and digest as from the writer. */
async function assertSameAs(c: RespClient, expected: Dataset, label: string): Promise<void> {
  assertSameDataset(await readDataset(c), expected, label, { pttlToleranceMs: 10_000 });
}

function readDir(dir: string): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const f of fs.readdirSync(dir).sort()) m.set(f, fs.readFileSync(path.join(dir, f)));
  return m;
}

/** Copies appendonlydir of `dir` to a new snapshot directory. */
function snapshot(dir: string, name: string): string {
  const to = scratch.dir(path.join('snap', name));
  for (const [f, data] of readDir(aofDir(dir))) fs.writeFileSync(path.join(to, f), data);
  return to;
}

/** redis-check-aof on `dir`'s AOF directory: exit code and stdout. */
async function redisCheckAof(dir: string): Promise<{ code: number | null; out: string }> {
  const r = await redisCheckAofDir(dir);
  return { code: r.code, out: r.stdout };
}

const manifestFiles = (dir: string) => manifestEntries(dir).map(({ name, type }) => ({ name, type }));

/** Snapshots for part 3 (valid directories written by each side). */
const snaps = new Map<string, string>();

// ---- 1. nodis -> Redis ---------------------------------------------------------------------------

test('nodis (appendfsync always, timestamps) -> redis-check-aof and redis-server; then the round trip nodis -> Redis -> nodis -> Redis', { skip, timeout: 60_000 }, async () => {
  const dir = scratch.dir('nodis-always');
  let srv = await startNodis({ dir, appendonly: 'yes', appendfsync: 'always', 'aof-timestamp-enabled': 'yes' });
  let c = await srv.client();
  await workload(c, await srv.client());
  const written = await readDataset(c);
  assertRich(written);
  await scratch.stop(srv);
  assert.deepEqual(manifestFiles(dir), [
    { name: 'appendonly.aof.1.base.aof', type: 'b' },
    { name: 'appendonly.aof.1.incr.aof', type: 'i' },
  ]);
  assert.match(fs.readFileSync(path.join(aofDir(dir), 'appendonly.aof.1.base.aof'), 'latin1'), /^#TS:\d{10}\r\n$/, 'the base of an empty start is one annotation');
  const incr = fs.readFileSync(path.join(aofDir(dir), 'appendonly.aof.1.incr.aof'), 'latin1');
  snaps.set('nodis-always', snapshot(dir, 'nodis-always'));

  const check = await redisCheckAof(dir);
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
  const byRedis = await readDataset(redis.c);
  await shutdown(redis.proc, redis.c);
  assert.deepEqual(manifestFiles(dir), [
    { name: 'appendonly.aof.1.base.aof', type: 'b' },
    { name: 'appendonly.aof.1.incr.aof', type: 'i' },
  ]);
  assert.ok(fs.readFileSync(path.join(aofDir(dir), 'appendonly.aof.1.incr.aof'), 'latin1').startsWith(incr), 'Redis appended to our incr');

  // nodis loads what Redis appended, and appends again.
  srv = await startNodis({ dir, appendonly: 'yes', appendfsync: 'everysec' });
  c = await srv.client();
  await assertSameAs(c, byRedis, 'nodis loading what Redis appended');
  await pipeline(c, [['SET', 'by:nodis:again', 'v'], ['LPOP', 'biglist'], ['SELECT', 12], ['ZADD', 'z12', 1, 'a'], ['SELECT', 0]]);
  const again = await readDataset(c);
  await scratch.stop(srv);
  snaps.set('round-trip', snapshot(dir, 'round-trip'));
  const redis2 = await startServerProc('redis', dir);
  await assertSameAs(redis2.c, again, 'redis-server after the round trip');
  await shutdown(redis2.proc, redis2.c);
});

test('nodis-server executable (appendfsync everysec, no timestamps, SHUTDOWN) -> redis-check-aof and redis-server', { skip, timeout: 60_000 }, async () => {
  const dir = scratch.dir('nodis-everysec');
  const nodis = await startServerProc('nodis', dir, ['--appendfsync', 'everysec', '--aof-timestamp-enabled', 'no']);
  await workload(nodis.c, await connect(nodis.proc));
  const written = await readDataset(nodis.c);
  assertRich(written);
  await shutdown(nodis.proc, nodis.c);
  assert.match(nodis.proc.output(), /\d+:M \d\d \w{3} \d{4} [\d:.]+ \* Calling fsync\(\) on the AOF file\.\n/);
  const files = readDir(aofDir(dir));
  assert.ok(!/(^|\n)#TS:/.test(files.get('appendonly.aof.1.incr.aof')!.toString('latin1')), 'no timestamp annotations');
  snaps.set('nodis-everysec', snapshot(dir, 'nodis-everysec'));

  const check = await redisCheckAof(dir);
  assert.equal(check.code, 0, check.out);
  assert.match(check.out, /\nAll AOF files and manifest are valid\n$/);
  const redis = await startServerProc('redis', dir);
  await assertSameAs(redis.c, written, 'redis-server loading nodis (everysec)');
  await shutdown(redis.proc, redis.c);
});

test('nodis switching the AOF on at runtime (CONFIG SET appendonly yes writes a base) -> redis-server', { skip, timeout: 60_000 }, async () => {
  const dir = scratch.dir('nodis-runtime');
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
  const written = await readDataset(c);
  assertRich(written);
  await scratch.stop(srv);
  const files = manifestFiles(dir);
  assert.deepEqual(files.map((f) => f.type), ['b', 'i']);
  const base = fs.readFileSync(path.join(aofDir(dir), files[0]!.name));
  assert.ok(base.length > 2_000_000, `the base holds the dataset (${base.length} bytes)`);
  assert.match(base.toString('latin1', 0, 20), /^#TS:\d{10}\r\n\*2\r\n/);
  snaps.set('nodis-runtime', snapshot(dir, 'nodis-runtime'));

  const check = await redisCheckAof(dir);
  assert.equal(check.code, 0, check.out);
  assert.match(check.out, /\nAll AOF files and manifest are valid\n$/);
  const redis = await startServerProc('redis', dir);
  await assertSameAs(redis.c, written, 'redis-server loading the directory of CONFIG SET appendonly yes');
  assert.match(redis.proc.output(), new RegExp(` \\* DB loaded from base file ${files[0]!.name.replace(/\./g, '\\.')}: `));
  await shutdown(redis.proc, redis.c);
});

test('aof-timestamp-enabled yes: the incr carries #TS annotations where redis-server writes them', { skip, timeout: 30_000 }, async () => {
  const dirs = { redis: scratch.dir('ts-redis'), nodis: scratch.dir('ts-nodis') };
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
  const expected =
    `#TS:${s1}\r\n` + resp('SELECT', '6') + resp('SET', 'a', 'b') + `#TS:${s2}\r\n` + resp('SELECT', '0') + resp('SET', 'x', 'y') + resp('MULTI') + resp('SET', 'm', '1') + resp('INCR', 'n') + resp('EXEC');
  const incrOf = (d: string): string => fs.readFileSync(path.join(aofDir(d), 'appendonly.aof.1.incr.aof'), 'latin1');
  assert.equal(incrOf(dirs.redis), expected, 'redis-server (the expectation itself)');
  assert.equal(incrOf(dirs.nodis), expected, 'nodis');
});

// ---- 2. Redis -> nodis ---------------------------------------------------------------------------

let redisWritten: Dataset | null = null;

test('redis-server (timestamps, BGREWRITEAOF half-way: RESP base + incr, history gone) -> nodis', { skip, timeout: 60_000 }, async () => {
  const dir = scratch.dir('redis-rewrite');
  const redis = await startServerProc('redis', dir, ['--aof-timestamp-enabled', 'yes', '--appendfsync', 'always']);
  const rewrite = async (): Promise<void> => {
    assert.equal(await redis.c.call('BGREWRITEAOF'), 'Background append only file rewriting started');
    await waitFor(async () => {
      const info = String(await redis.c.call('INFO', 'persistence'));
      const names = fs.readdirSync(aofDir(dir)).sort();
      return info.includes('aof_rewrite_in_progress:0') && names.join(' ') === `appendonly.aof.2.base.aof appendonly.aof.2.incr.aof ${MANIFEST}`;
    }, 10_000, 'the rewrite to finish and the history files to go');
  };
  await workload(redis.c, await connect(redis.proc), rewrite);
  const written = await readDataset(redis.c);
  assertRich(written);
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
  const dirs = { nodis: scratch.dir('legacy-nodis'), redis: scratch.dir('legacy-redis') };
  for (const d of Object.values(dirs)) fs.writeFileSync(path.join(d, 'appendonly.aof'), legacy);
  const logfile = path.join(scratch.root, 'legacy-nodis.log');
  const srv = await startNodis({ dir: dirs.nodis, appendonly: 'yes', loglevel: 'notice', logfile });
  const c = await srv.client();
  await assertSameAs(c, redisWritten!, 'nodis loading a legacy appendonly.aof');
  await scratch.stop(srv);
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
  const dir = scratch.dir('redis-rdb-base');
  const redis = await startServerProc('redis', dir, ['--aof-use-rdb-preamble', 'yes']);
  await pipeline(redis.c, [['SET', 'k', 'v'], ['RPUSH', 'l', 'a', 'b']]);
  assert.equal(await redis.c.call('BGREWRITEAOF'), 'Background append only file rewriting started');
  await waitFor(async () => String(await redis.c.call('INFO', 'persistence')).includes('aof_rewrite_in_progress:0') && fs.existsSync(path.join(aofDir(dir), 'appendonly.aof.2.base.rdb')), 10_000, 'the rewrite');
  await ok(redis.c, 'SET', 'after', 'rewrite');
  await shutdown(redis.proc, redis.c);
  const before = readDir(aofDir(dir));
  assert.ok(before.get('appendonly.aof.2.base.rdb')!.toString('latin1', 0, 5) === 'REDIS');

  const nodis = await spawnOn('nodis', dir, ['--loglevel', 'notice']);
  assert.equal(await exitCode(nodis, 15_000), 1, nodis.output());
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
async function runCheck(prog: 'nodis' | 'nodis-inproc' | 'redis', files: Map<string, Buffer>, args: string[], input: string): Promise<CheckRun> {
  const dir = fs.mkdtempSync(path.join(scratch.root, 'check-'));
  for (const [f, data] of files) fs.writeFileSync(path.join(dir, f), data);
  const argv = [...args, path.join(dir, MANIFEST)];
  const r = prog === 'nodis-inproc' ? checkAofInProcess(argv, { input }) : await runCheckAof(prog, argv, { input });
  const result = { out: r.stdout.split(dir).join('<DIR>'), code: r.code, files: readDir(dir) };
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

/** Both checkers on identical copies: the same stdout, exit code and resulting files. */
async function compareCheckers(files: Map<string, Buffer>, label: string, prog: 'nodis' | 'nodis-inproc' = 'nodis-inproc'): Promise<{ check: CheckRun; fix: CheckRun }> {
  const results = { check: null as CheckRun | null, fix: null as CheckRun | null };
  for (const [mode, args, input] of [['check', [], ''], ['fix', ['--fix'], 'y\n']] as const) {
    const theirs = await runCheck('redis', files, [...args], input);
    const ours = await runCheck(prog, files, [...args], input);
    assert.equal(ours.out, theirs.out, `${label} (${mode}): stdout`);
    assert.equal(ours.code, theirs.code, `${label} (${mode}): exit code`);
    assert.deepEqual([...ours.files.keys()], [...theirs.files.keys()], `${label} (${mode}): file names`);
    for (const [f, data] of theirs.files) assert.ok(ours.files.get(f)!.equals(data), `${label} (${mode}): ${f} byte-identical`);
    results[mode] = theirs;
  }
  return { check: results.check!, fix: results.fix! };
}

const rec = (...argv: string[]): Buffer => encodeCommand(argv);

test('nodis-check-aof and redis-check-aof agree on real directories, valid and damaged, with and without --fix', { skip, timeout: 60_000 }, async () => {
  for (const name of ['nodis-always', 'nodis-everysec', 'nodis-runtime', 'round-trip', 'redis-rewrite']) assert.ok(snaps.has(name), `snapshot ${name} (from an earlier test)`);
  let damagedValid = 0;
  for (const [name, dir] of snaps) {
    const files = readDir(dir);
    const valid = await compareCheckers(files, `${name} as written`, 'nodis');
    assert.equal(valid.check.code, 0);
    assert.match(valid.check.out, /^Start checking Multi Part AOF\n[^]*\nAll AOF files and manifest are valid\n$/);
    if (name !== 'redis-rewrite' && name !== 'nodis-always') continue;
    const list = parseManifestText(files.get(MANIFEST)!.toString('latin1'));
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
    damaged.push(['MULTI without EXEC', withIncr(Buffer.concat([incr, rec('MULTI'), rec('SET', 'x', 'y'), rec('INCR', 'n')]))]);
    damaged.push(['MULTI then a cut record', withIncr(Buffer.concat([incr, rec('MULTI'), rec('SET', 'x', 'y').subarray(0, 12)]))]);
    damaged.push(['base cut (not the last file)', new Map([...files, [baseName, base.subarray(0, base.length - 5)]])]);
    damaged.push(['base cut in the middle', new Map([...files, [baseName, base.subarray(0, Math.floor(base.length / 2))]])]);
    for (const [label, data] of damaged) {
      const r = await compareCheckers(data, `${name}: ${label}`);
      if (r.check.code === 0) damagedValid++;
      else assert.match(r.check.out, /is not valid|format error|Unexpected EOF|Reached EOF|Failed/, `${name}: ${label}: ${r.check.out}`);
    }
    // The fixed last file is a prefix of the damaged one and the directory then checks valid.
    const fixed = (await compareCheckers(withIncr(incr.subarray(0, incr.length - 40)), `${name}: cut, fixed`, 'nodis')).fix;
    assert.equal(fixed.code, 0, fixed.out);
    assert.match(fixed.out, /Successfully truncated AOF /);
    assert.ok(incr.subarray(0, incr.length - 40).subarray(0, fixed.files.get(incrName)!.length).equals(fixed.files.get(incrName)!));
    assert.equal((await compareCheckers(fixed.files, `${name}: after --fix`)).check.code, 0);
  }
  // Only the emptied incr (and cuts that land on a record boundary) are valid damage.
  assert.ok(damagedValid >= 2 && damagedValid <= 6, `damaged but valid: ${damagedValid}`);
});
