// Damaged AOFs at start-up: every truncation of a realistic INCR, garbage tails, bad
// manifests, missing files, unknown commands, a truncated file that is not the last, empty
// files, an RDB base nodis cannot read, the legacy single-file upgrade (also when it was
// interrupted), redis-check-aof agreeing with nodis-check-aof on the damaged files, and what a
// client sees while a long AOF loads (-LOADING, INFO loading_*, ioredis waiting for the load).
//
// Most servers run in-process (startTestServer on a prepared dir: a start is cheap, so every
// byte offset of the sample is tried); a damaged load rejects with an AofFatalError whose
// logLines are the lines Redis logs before exit(1). A few cases also run bin/nodis-server as a
// child for the exit code, next to the real redis-server 7.0.15 when it is installed.
// Expectations are computed from the record boundaries this file builds, not by the loader.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { AofFatalError } from '../../src/index.js';
import { nodeAofFs, type AofFs } from '../../src/aof/fs.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { RespClient } from '../helpers/resp-client.js';
import { main as checkAofMain } from '../../src/cli/check-aof-main.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const NODIS_SERVER = path.join(ROOT, 'bin', 'nodis-server');
const NODIS_CHECK = path.join(ROOT, 'bin', 'nodis-check-aof');
const REDIS_SERVER = '/usr/bin/redis-server';
const REDIS_CHECK = '/usr/bin/redis-check-aof';

const BASE_NAME = 'appendonly.aof.1.base.aof';
const INCR_NAME = 'appendonly.aof.1.incr.aof';
const MANIFEST = `file ${BASE_NAME} seq 1 type b\nfile ${INCR_NAME} seq 1 type i\n`;
const LOADING = '-LOADING Redis is loading the dataset in memory\r\n';
const EMPTY_DIGEST = '0'.repeat(40);

const uxeof = (name: string) =>
  `Unexpected end of file reading the append only file ${name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`;
const badFormat = (name: string) =>
  `Bad file format reading the append only file ${name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`;
const revert = (name: string) => `Revert incomplete MULTI/EXEC transaction in AOF file ${name}`;
const shortRead = (name: string, at: number) => [
  `!!! Warning: short read while loading the AOF file ${name}!!!`,
  `!!! Truncating the AOF ${name} at offset ${at} !!!`,
  `AOF ${name} loaded anyway because aof-load-truncated is enabled`,
];
const manifestFatal = (reason: string, at?: { line: number; text: string }) => [
  '\n*** FATAL AOF MANIFEST FILE ERROR ***\n',
  ...(at === undefined ? [] : [`Reading the manifest file, at line ${at.line}\n`, `>>> '${at.text}'\n`]),
  `${reason}\n`,
];

// ---- scaffolding ------------------------------------------------------------------------------

let tmp: string;
const children = new Set<ChildProcess>();
const servers = new Set<TestServer>();
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-aof-damaged-'));
});
after(async () => {
  for (const s of servers) await s.stop().catch(() => {});
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const resp = (...argv: string[]) => `*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('');
const L = (s: string) => Buffer.from(s, 'latin1');

let dirSeq = 0;
/** A fresh data dir with `files` (relative paths; appendonlydir/ is created when needed). */
function makeDir(files: Record<string, string | Buffer>): string {
  const dir = path.join(tmp, `d${dirSeq++}`);
  fs.mkdirSync(dir);
  for (const [rel, data] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), typeof data === 'string' ? L(data) : data);
  }
  return dir;
}
const aofDir = (dir: string) => path.join(dir, 'appendonlydir');
const readAof = (dir: string, name: string) => fs.readFileSync(path.join(aofDir(dir), name), 'latin1');

/** The real file layer without the fsyncs: the thousands of starts below need no durability. */
const noSyncFs: AofFs = {
  ...nodeAofFs,
  fsync: () => {},
  fdatasyncAsync: (_fd, done) => setImmediate(() => done(null)),
  fsyncDir: () => {},
};

/** A log file's lines as level + text ("0.000 seconds" timings replaced by "<t> seconds"). */
function readLog(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  const out: string[] = [];
  const re = /^\d+:[A-Z] \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} ([.\-*#]) (.*)$/s;
  const lines = fs.readFileSync(file, 'latin1').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const m = re.exec(line);
    out.push(m === null ? `? ${line}` : `${m[1]} ${m[2]!.replace(/: \d+\.\d{3} seconds$/, ': <t> seconds')}`);
  }
  return out;
}
const N = (t: string) => `* ${t}`;
const W = (t: string) => `# ${t}`;

type StartResult = { ok: true; srv: TestServer; log: string[] } | { ok: false; error: AofFatalError; log: string[] };

/** Starts an in-process server with AOF on `dir`; the log goes to `<dir>.log` (read here). */
async function start(dir: string, options: Record<string, string | number> = {}, fast = false): Promise<StartResult> {
  const logfile = `${dir}.log`;
  fs.rmSync(logfile, { force: true });
  try {
    const srv = await startTestServer(
      { dir, appendonly: 'yes', 'aof-use-rdb-preamble': 'no', loglevel: 'notice', logfile, ...options },
      fast ? { aofFs: noSyncFs } : {},
    );
    servers.add(srv);
    return { ok: true, srv, log: readLog(logfile) };
  } catch (err) {
    if (!(err instanceof AofFatalError)) throw err;
    return { ok: false, error: err, log: readLog(logfile) };
  }
}
async function stop(srv: TestServer): Promise<void> {
  servers.delete(srv);
  await srv.stop();
}
function started(r: StartResult): TestServer {
  if (!r.ok) assert.fail(`the server did not start: ${JSON.stringify(r.error.logLines)}; log: ${JSON.stringify(r.log)}`);
  return r.srv;
}
function failed(r: StartResult): AofFatalError {
  if (r.ok) assert.fail(`the server started; log: ${JSON.stringify(r.log)}`);
  return r.error;
}

async function call(srv: TestServer, ...argv: string[]): Promise<string> {
  const c = await RespClient.connect(srv.port);
  try {
    return await c.callRaw(...argv);
  } finally {
    c.close();
  }
}
async function digest(srv: TestServer): Promise<string> {
  const r = await call(srv, 'DEBUG', 'DIGEST');
  assert.match(r, /^\+[0-9a-f]{40}\r\n$/);
  return r.slice(1, 41);
}

// ---- CLI runs (nodis-server, and redis-server when installed) ------------------------------------

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * Runs `bin` (a redis-server compatible executable) on `dir` until it logs "Ready to accept
 * connections" (then SIGKILL: 'running') or exits; returns the exit code and the AOF-related log
 * lines from "Server initialized" on.
 */
async function runCli(bin: string, dir: string, extra: string[] = []): Promise<{ exit: number | null | 'running'; log: string[] }> {
  const port = await freePort();
  const args = ['--port', String(port), '--dir', dir, '--appendonly', 'yes', '--aof-use-rdb-preamble', 'no', '--save', '', '--loglevel', 'notice', '--logfile', '', '--daemonize', 'no', ...extra];
  const child = bin === REDIS_SERVER ? spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const deadline = Date.now() + 15000;
  let exit: number | null | 'running' = 'running';
  for (;;) {
    if (/ Ready to accept connections/.test(out)) {
      child.kill('SIGKILL');
      await closed;
      break;
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      exit = await closed;
      break;
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${bin} neither started nor exited: ${out}`);
    }
    await sleep(20);
  }
  const lines = out.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const from = lines.findIndex((l) => / Server initialized$/.test(l));
  const re = /^\d+:[A-Z] \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} ([.\-*#]) (.*)$/;
  const log = lines
    .slice(from)
    .map((l) => {
      const m = re.exec(l);
      return m === null ? `? ${l}` : `${m[1]} ${m[2]!.replace(/: \d+\.\d{3} seconds$/, ': <t> seconds')}`;
    })
    // Not about the AOF: this machine's overcommit setting (Redis only).
    .filter((l) => !l.startsWith('# WARNING Memory overcommit'));
  return { exit, log };
}

const HAVE_REDIS_SERVER = fs.existsSync(REDIS_SERVER);
const HAVE_REDIS_CHECK = fs.existsSync(REDIS_CHECK);

/**
 * The CLI check of a fatal case: nodis-server exits 1 after logging `lines` (and, when
 * redis-server is installed, Redis does exactly the same on an identical copy of the files).
 */
async function cliFatal(files: Record<string, string | Buffer>, lines: string[], extra: string[] = []): Promise<void> {
  const [ours, theirs] = await Promise.all([
    runCli(NODIS_SERVER, makeDir(files), extra),
    HAVE_REDIS_SERVER ? runCli(REDIS_SERVER, makeDir(files), extra) : null,
  ]);
  assert.equal(ours.exit, 1, JSON.stringify(ours.log));
  const tail = ours.log.slice(-lines.length);
  assert.deepEqual(tail, lines, JSON.stringify(ours.log));
  if (theirs !== null) assert.deepEqual(ours, theirs, 'nodis-server and redis-server 7.0.15 log and exit alike');
}

/** Redis's serverLog lines with embedded newlines as the log file shows them (level + text). */
function asLogged(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    const parts = l.split('\n');
    out.push(W(parts[0]!), ...parts.slice(1).map((p) => `? ${p}`));
  }
  return out;
}

/**
 * redis-check-aof and nodis-check-aof on the same manifest or file: the same stdout (program
 * name and the log prefix of manifest errors normalised) and the same exit code. nodis's runs
 * as the bin/nodis-check-aof child process, or (`inproc`, for long series) as that program's
 * main() in this process, in the same working directory.
 */
async function checkersAgree(files: Record<string, string | Buffer>, target: string, t: { diagnostic(m: string): void }, inproc = false): Promise<void> {
  if (!HAVE_REDIS_CHECK) {
    t.diagnostic(`${REDIS_CHECK} is not installed: nodis-check-aof is not compared on ${target}`);
    return;
  }
  const dir = makeDir(files);
  const cwd = path.join(dir, path.dirname(target));
  const arg = path.basename(target);
  const norm = (s: string) => s.replace(/^\d+:C \d\d \w{3} \d{4} [\d:.]+ # /gm, 'LOG ').replace(/^Usage: \S+/m, 'Usage: PROG');
  const run = (cmd: string, args: string[]) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
      const c = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(c);
      let out = '';
      let err = '';
      c.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
      c.stderr.on('data', (d: Buffer) => (err += d.toString('latin1')));
      c.on('error', reject);
      c.on('close', (code) => resolve({ code, out: norm(out), err }));
    });
  const theirs = run(REDIS_CHECK, [arg]);
  let ours: { code: number | null; out: string; err: string };
  if (inproc) {
    const chunks: Buffer[] = [];
    const prev = process.cwd();
    process.chdir(cwd);
    try {
      const code = checkAofMain([arg], 'nodis-check-aof', { write: (b) => chunks.push(Buffer.from(b)), readAnswer: () => null });
      ours = { code, out: norm(Buffer.concat(chunks).toString('latin1')), err: '' };
    } finally {
      process.chdir(prev);
    }
  } else {
    ours = await run(process.execPath, [NODIS_CHECK, arg]);
  }
  const r = await theirs;
  assert.equal(ours.err, '', `nodis-check-aof's stderr on ${target}`);
  assert.deepEqual({ code: ours.code, out: ours.out }, { code: r.code, out: r.out }, `nodis-check-aof and redis-check-aof differ on ${target}`);
  assert.notEqual(ours.out, '');
}

// ---- (a) the sample INCR and its record boundaries ---------------------------------------------------

interface Piece {
  readonly bytes: string;
  readonly start: number;
  readonly end: number;
  /** null for an annotation line. */
  readonly argv: string[] | null;
}

const BINARY = '\x00\x01\r\n\xff\xfe*3\r\n$#\xe9';
const SAMPLE_PIECES: (string[] | string)[] = [
  '#TS:1700000000\r\n',
  ['SELECT', '0'],
  ['SET', 'k1', 'v1'],
  ['SET', 'bin', BINARY],
  ['RPUSH', 'list', 'a', 'b', 'c'],
  ['MULTI'],
  ['INCR', 'counter'],
  ['SADD', 'set', 'x', 'y', 'z'],
  ['EXEC'],
  ['SET', 'big', 'x'.repeat(120) + BINARY],
  ['SELECT', '3'],
  ['HSET', 'h', 'f1', 'v1', 'f2', 'v2'],
  ['ZADD', 'z', '1', 'a', '2.5', 'b'],
  ['SET', 'exp', 'v', 'PXAT', '4102444800000'],
  '#TS:1700000001\r\n',
  ['MULTI'],
  ['SET', 'm1', '1'],
  ['SET', 'm2', '2'],
  ['LPUSH', 'l3', 'q'],
  ['EXEC'],
  ['SELECT', '0'],
  ['APPEND', 'k1', 'more'],
  ['LPUSH', 'list', 'z'],
  ['DEL', 'bin'],
  ['SET', 'key with spaces\r\n', 'value'],
  ['INCRBY', 'counter', '5'],
  ['PEXPIREAT', 'k1', '4102444800000'],
  ['MULTI'],
  ['SET', 't1', 'a'],
  ['SET', 't2', 'b'],
  ['EXEC'],
  ['SELECT', '9'],
  ['SET', 'nine', '9'],
  ['SELECT', '0'],
  ['SETRANGE', 'k1', '2', 'ZZ'],
  ['MULTI'],
  ['SREM', 'set', 'x'],
  ['EXEC'],
  ['SET', 'last', 'the end'],
];
const BASE_RECORDS = resp('SELECT', '0') + resp('SET', 'base', '1') + resp('RPUSH', 'list', 'from-base');

function buildPieces(spec: readonly (string[] | string)[]): { bytes: string; pieces: Piece[] } {
  let bytes = '';
  const pieces: Piece[] = [];
  for (const p of spec) {
    const b = typeof p === 'string' ? p : resp(...p);
    pieces.push({ bytes: b, start: bytes.length, end: bytes.length + b.length, argv: typeof p === 'string' ? null : p });
    bytes += b;
  }
  return { bytes, pieces };
}
const SAMPLE = buildPieces(SAMPLE_PIECES);

/** MULTI ... EXEC groups as [multi piece, exec piece]. */
function multiGroups(pieces: readonly Piece[]): [Piece, Piece][] {
  const groups: [Piece, Piece][] = [];
  let open: Piece | null = null;
  for (const p of pieces) {
    const name = p.argv?.[0]?.toUpperCase();
    if (name === 'MULTI') open = p;
    else if (name === 'EXEC' && open !== null) {
      groups.push([open, p]);
      open = null;
    }
  }
  return groups;
}

interface CutExpectation {
  /** null: a clean load; else where aof-load-truncated yes truncates the file. */
  readonly truncateAt: number | null;
  readonly reverted: boolean;
  /** The offset whose dataset the load must produce (a unit boundary). */
  readonly datasetAt: number;
}

/** What loading the first `cut` bytes of the sample must do, from the boundaries alone. */
function expectCut(pieces: readonly Piece[], cut: number): CutExpectation {
  const cmds = pieces.filter((p) => p.argv !== null);
  const inside = cmds.some((p) => p.start < cut && cut < p.end);
  const open = multiGroups(pieces).find(([m, e]) => m.end <= cut && cut < e.end);
  const lastEndBefore = (at: number) => cmds.filter((p) => p.end <= at).reduce((n, p) => Math.max(n, p.end), 0);
  if (open !== undefined) {
    // An unfinished MULTI is reverted to the end of the command before it. (Redis 7.0.15 does
    // so at a clean end of file; at a short read inside the MULTI it truncates after the last
    // queued command instead, leaving an open MULTI in the file: nodis's deliberate deviation.)
    const at = lastEndBefore(open[0].start);
    return { truncateAt: at, reverted: true, datasetAt: at };
  }
  if (inside) {
    const at = lastEndBefore(cut);
    return { truncateAt: at, reverted: false, datasetAt: at };
  }
  return { truncateAt: null, reverted: false, datasetAt: lastEndBefore(cut) };
}

/** Digests of a reference server fed the base and then the sample's units through a client. */
async function referenceDigests(): Promise<Map<number, string>> {
  const ref = await startTestServer();
  servers.add(ref);
  const digests = new Map<number, string>();
  try {
    const c = await ref.client();
    for (const rec of [resp('SELECT', '0'), resp('SET', 'base', '1'), resp('RPUSH', 'list', 'from-base')]) {
      c.writeRaw(rec);
      assert.doesNotMatch(await c.readRaw(), /^-/);
    }
    const dig = async () => {
      const r = await c.callRaw('DEBUG', 'DIGEST');
      assert.match(r, /^\+[0-9a-f]{40}\r\n$/);
      return r.slice(1, 41);
    };
    digests.set(0, await dig());
    let inMulti = false;
    let prev = digests.get(0)!;
    for (const p of SAMPLE.pieces) {
      if (p.argv === null) continue;
      c.writeRaw(L(p.bytes));
      const reply = await c.readRaw();
      assert.doesNotMatch(reply, /^-/, `reference: ${p.argv.join(' ')}`);
      const name = p.argv[0]!.toUpperCase();
      if (name === 'MULTI') inMulti = true;
      if (name === 'EXEC') inMulti = false;
      if (inMulti) continue;
      const d = await dig();
      // Every unit but SELECT changes the dataset: the comparisons below tell prefixes apart.
      if (name !== 'SELECT') assert.notEqual(d, prev, `reference: ${p.argv.join(' ')} changed nothing`);
      digests.set(p.end, d);
      prev = d;
    }
  } finally {
    servers.delete(ref);
    await ref.stop();
  }
  return digests;
}

test('(a) truncation at every byte offset: dataset, file, log, with aof-load-truncated yes and no', async () => {
  const t0 = Date.now();
  const digests = await referenceDigests();
  const size = SAMPLE.bytes.length;
  assert.ok(SAMPLE.pieces.filter((p) => p.argv !== null).length >= 30 && size > 1000, `${size} bytes`);
  const dir = makeDir({ [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS, 'appendonlydir/appendonly.aof.manifest': MANIFEST });
  const incrPath = path.join(aofDir(dir), INCR_NAME);
  let truncatedCuts = 0;
  let revertedCuts = 0;
  for (let cut = 0; cut <= size; cut++) {
    const want = expectCut(SAMPLE.pieces, cut);
    const prefix = SAMPLE.bytes.slice(0, cut);
    const head = [N(`DB loaded from base file ${BASE_NAME}: <t> seconds`)];
    const tail = [
      ...(cut > 0 ? [N(`DB loaded from incr file ${INCR_NAME}: <t> seconds`)] : []),
      N('DB loaded from append only file: <t> seconds'),
      N(`Opening AOF incr file ${INCR_NAME} on server start`),
    ];
    const what = `cut at ${cut}/${size} (${JSON.stringify(prefix.slice(-12))})`;
    for (const truncatedOk of ['yes', 'no'] as const) {
      fs.writeFileSync(incrPath, L(prefix));
      const r = await start(dir, { 'aof-load-truncated': truncatedOk }, true);
      if (want.truncateAt === null || truncatedOk === 'yes') {
        const srv = started(r);
        try {
          const lines = want.truncateAt === null ? [] : [...(want.reverted ? [revert(INCR_NAME)] : []), ...shortRead(INCR_NAME, want.truncateAt)];
          assert.deepEqual(r.log, [...head, ...lines.map(W), ...tail], `${what}, aof-load-truncated ${truncatedOk}: log`);
          assert.equal(readAof(dir, INCR_NAME), SAMPLE.bytes.slice(0, want.truncateAt ?? cut), `${what}: the incr afterwards`);
          assert.equal(await digest(srv), digests.get(want.datasetAt), `${what}: dataset (digest of the first ${want.datasetAt} bytes' units)`);
        } finally {
          await stop(srv);
        }
      } else {
        const err = failed(r);
        const lines = [...(want.reverted ? [revert(INCR_NAME)] : []), uxeof(INCR_NAME)];
        assert.deepEqual(err.logLines, lines, `${what}, aof-load-truncated no`);
        assert.deepEqual(r.log, [...head, ...lines.map(W)], `${what}: the lines are logged`);
        assert.equal(readAof(dir, INCR_NAME), prefix, `${what}: the file is left as it was`);
      }
    }
    if (want.truncateAt !== null) truncatedCuts++;
    if (want.reverted) revertedCuts++;
  }
  // The sample exercises every branch: clean cuts, short reads, reverted MULTIs.
  assert.ok(truncatedCuts > size / 2 && revertedCuts > 50 && size + 1 - truncatedCuts > 40, `${truncatedCuts} ${revertedCuts}`);
  assert.equal(readAof(dir, BASE_NAME), BASE_RECORDS, 'the base is never touched');
  assert.equal(readAof(dir, 'appendonly.aof.manifest'), MANIFEST);
  // Bounded: 2 x ~1300 in-process starts.
  assert.ok(Date.now() - t0 < 120000, `took ${Date.now() - t0} ms`);
});

test('(a)+(j) redis-check-aof and nodis-check-aof agree on truncated samples', async (t) => {
  if (!HAVE_REDIS_CHECK) {
    t.skip(`${REDIS_CHECK} is not installed`);
    return;
  }
  // Every MULTI/EXEC edge, a cut inside each kind of line, and a spread of other offsets.
  const cuts = new Set<number>([0, 1, 3, SAMPLE.bytes.length - 1, SAMPLE.bytes.length]);
  for (const [m, e] of multiGroups(SAMPLE.pieces)) for (const o of [m.start, m.end, m.end + 1, e.start, e.end - 1, e.end]) cuts.add(o);
  for (let o = 5; o < SAMPLE.bytes.length; o += 97) cuts.add(o);
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const files = {
      [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS,
      [`appendonlydir/${INCR_NAME}`]: SAMPLE.bytes.slice(0, cut),
      'appendonlydir/appendonly.aof.manifest': MANIFEST,
    };
    // The executable itself for a few cuts, its main() in-process for the rest (the same program).
    const spawned = cut === 3 || cut === SAMPLE.bytes.length - 1;
    await checkersAgree(files, 'appendonlydir/appendonly.aof.manifest', t, !spawned);
    await checkersAgree({ 'x.aof': SAMPLE.bytes.slice(0, cut) }, 'x.aof', t, !spawned);
  }
});

// ---- (b) garbage tails ----------------------------------------------------------------------------

/** A deterministic byte generator (xorshift32). */
function randomBytes(seed: number, n: number): string {
  let x = seed >>> 0 || 1;
  let s = '';
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    s += String.fromCharCode(x & 0xff);
  }
  return s;
}

const VALID = resp('SELECT', '0') + resp('SET', 'k2', 'v2') + resp('RPUSH', 'l', 'a');
const GARBAGE_TAILS: [string, string][] = [
  ...[1, 2, 3, 4, 5].map((seed): [string, string] => {
    // The first byte is never '*' or '#': any other first byte is a format error at once.
    const r = randomBytes(seed, 64);
    const first = r.charCodeAt(0) === 0x2a || r.charCodeAt(0) === 0x23 ? 'x' : r[0]!;
    return [`random bytes (seed ${seed})`, first + r.slice(1)];
  }),
  ['a line not starting with *', 'garbage\r\n'],
  ['an inline command', 'SET k v\r\n'],
  ['a RESP reply', '+OK\r\n'],
  ['an empty line', '\r\n'],
  ['*0', '*0\r\n' + resp('SET', 'k7', 'v7')],
  ['*-1', '*-1\r\n'],
  ['an argument without $', '*2\r\n$3\r\nGET\r\n:1\r\n'],
  ['a $ length shorter than the data', '*3\r\n$3\r\nSET\r\n$1\r\nkk\r\n$1\r\nv\r\n'],
  ['a $ length longer than the data (not at the end)', '*3\r\n$3\r\nSET\r\n$3\r\nk\r\n$1\r\nv\r\n' + resp('SET', 'k9', 'v9')],
  ['CRLF missing after a bulk', '*1\r\n$4\r\nPING*1\r\n$4\r\nPING\r\n'],
  ['CRLF missing after the argc', '*1$4\r\nPING\r\n'],
  ['LF instead of CRLF', '*1\n$4\nPING\n' + resp('PING')],
];

test('(b) garbage tails: "Bad file format" and exit, even with aof-load-truncated yes; nothing is truncated', async () => {
  for (const [what, tail] of GARBAGE_TAILS) {
    const incr = VALID + tail;
    const dir = makeDir({
      [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS,
      [`appendonlydir/${INCR_NAME}`]: incr,
      'appendonlydir/appendonly.aof.manifest': MANIFEST,
    });
    const r = await start(dir, { 'aof-load-truncated': 'yes' });
    assert.deepEqual(failed(r).logLines, [badFormat(INCR_NAME)], what);
    assert.deepEqual(r.log, [N(`DB loaded from base file ${BASE_NAME}: <t> seconds`), W(badFormat(INCR_NAME))], what);
    assert.equal(readAof(dir, INCR_NAME), incr, `${what}: the file is untouched`);
    // In the base (not the last file) it is the same error, for that file.
    const dir2 = makeDir({
      [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS + tail,
      [`appendonlydir/${INCR_NAME}`]: VALID,
      'appendonlydir/appendonly.aof.manifest': MANIFEST,
    });
    assert.deepEqual(failed(await start(dir2)).logLines, [badFormat(BASE_NAME)], `${what} in the base`);
  }
});

test('(b)+(j) garbage tails: the CLI exits 1 as redis-server; the checkers agree', async (t) => {
  for (const [what, tail] of GARBAGE_TAILS) {
    const files = {
      [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS,
      [`appendonlydir/${INCR_NAME}`]: VALID + tail,
      'appendonlydir/appendonly.aof.manifest': MANIFEST,
    };
    const cli = what === 'a line not starting with *' || what.startsWith('random bytes (seed 1)') || what === 'CRLF missing after a bulk';
    await checkersAgree(files, 'appendonlydir/appendonly.aof.manifest', t, !cli);
    if (what === 'a line not starting with *' || what.startsWith('random bytes (seed 1)') || what === 'CRLF missing after a bulk') {
      await cliFatal(files, [W(badFormat(INCR_NAME))], ['--aof-load-truncated', 'yes']);
    }
  }
});

// ---- (c) bad manifests, (d) missing files ---------------------------------------------------------

const MANIFEST_CASES: [string, string, string[]][] = [
  ['a bad line', `file ${BASE_NAME} seq 1 type b\nnot a manifest line\n`, manifestFatal('Invalid AOF manifest file format', { line: 2, text: 'not a manifest line' })],
  ['an odd number of fields', `file ${BASE_NAME} seq 1 type\n`, manifestFatal('Invalid AOF manifest file format', { line: 1, text: `file ${BASE_NAME} seq 1 type` })],
  ['seq 0', `file ${BASE_NAME} seq 0 type b\n`, manifestFatal('Invalid AOF manifest file format', { line: 1, text: `file ${BASE_NAME} seq 0 type b` })],
  ['an empty line', `file ${BASE_NAME} seq 1 type b\n\n`, manifestFatal('Invalid AOF manifest file format', { line: 2, text: '' })],
  [
    'a duplicate base',
    `file ${BASE_NAME} seq 1 type b\nfile appendonly.aof.2.base.aof seq 2 type b\n`,
    manifestFatal('Found duplicate base file information', { line: 2, text: 'file appendonly.aof.2.base.aof seq 2 type b' }),
  ],
  [
    'a non-monotonic incr seq',
    `file ${BASE_NAME} seq 1 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\nfile ${INCR_NAME} seq 1 type i\n`,
    manifestFatal('Found a non-monotonic sequence number', { line: 3, text: `file ${INCR_NAME} seq 1 type i` }),
  ],
  [
    'an equal incr seq',
    `file ${INCR_NAME} seq 1 type i\nfile appendonly.aof.1b.incr.aof seq 1 type i\n`,
    manifestFatal('Found a non-monotonic sequence number', { line: 2, text: 'file appendonly.aof.1b.incr.aof seq 1 type i' }),
  ],
  ['an unknown type', `file ${BASE_NAME} seq 1 type x\n`, manifestFatal('Unknown AOF file type', { line: 1, text: `file ${BASE_NAME} seq 1 type x` })],
  ['a path as file name', `file ../${BASE_NAME} seq 1 type b\n`, manifestFatal("File can't be a path, just a filename", { line: 1, text: `file ../${BASE_NAME} seq 1 type b` })],
  ['a too long line', `file ${'a'.repeat(1100)} seq 1 type b\n`, manifestFatal('The AOF manifest file contains too long line')],
  ['a last line without newline', `file ${BASE_NAME} seq 1 type b`, manifestFatal('The AOF manifest file contains too long line')],
  ['an empty manifest', '', manifestFatal('Found an empty AOF manifest')],
];

function manifestFiles(manifest: string): Record<string, string> {
  return {
    [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS,
    [`appendonlydir/${INCR_NAME}`]: VALID,
    'appendonlydir/appendonly.aof.manifest': manifest,
  };
}

test('(c) bad manifests: the exact fatal block, nothing loaded, files untouched', async () => {
  for (const [what, manifest, lines] of MANIFEST_CASES) {
    const dir = makeDir(manifestFiles(manifest));
    const r = await start(dir, { 'aof-load-truncated': 'yes' });
    assert.deepEqual(failed(r).logLines, lines, what);
    assert.deepEqual(r.log, asLogged(lines), `${what}: logged as Redis logs it`);
    assert.equal(readAof(dir, 'appendonly.aof.manifest'), manifest, what);
    assert.equal(readAof(dir, INCR_NAME), VALID, what);
  }
  // A comment-only manifest is not "empty" (the comment was a line) but lists no file: a start
  // with nothing to load, which then writes a new base and incr and a real manifest.
  const dir = makeDir({ 'appendonlydir/appendonly.aof.manifest': '# nothing here\n' });
  const r = await start(dir);
  const srv = started(r);
  assert.deepEqual(r.log, [N(`Creating AOF base file ${BASE_NAME} on server start`), N(`Creating AOF incr file ${INCR_NAME} on server start`)]);
  assert.equal(await call(srv, 'DBSIZE'), ':0\r\n');
  await stop(srv);
  assert.equal(readAof(dir, 'appendonly.aof.manifest'), MANIFEST);
});

test('(c)+(d)+(j) bad manifests and missing files through the CLI (exit 1, as redis-server) and the checkers', async (t) => {
  for (const [what, manifest, lines] of MANIFEST_CASES) {
    const cli = ['a bad line', 'a duplicate base', 'a too long line', 'an empty manifest', 'a non-monotonic incr seq'].includes(what);
    if (cli) await cliFatal(manifestFiles(manifest), asLogged(lines));
    await checkersAgree(manifestFiles(manifest), 'appendonlydir/appendonly.aof.manifest', t, what !== 'a bad line');
  }
  const missingIncr = { [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS, 'appendonlydir/appendonly.aof.manifest': MANIFEST };
  await cliFatal(missingIncr, [W(`Unable to obtain the AOF file ${INCR_NAME} length. stat: No such file or directory`)]);
  await checkersAgree(missingIncr, 'appendonlydir/appendonly.aof.manifest', t);
});

test('(d) a manifest naming a missing file: "Unable to obtain the AOF file ... length", nothing loaded', async () => {
  const cases: [string, Record<string, string>, string][] = [
    ['the incr', { [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS }, INCR_NAME],
    ['the base', { [`appendonlydir/${INCR_NAME}`]: VALID }, BASE_NAME],
    [
      'a middle incr',
      {
        [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS,
        [`appendonlydir/${INCR_NAME}`]: VALID,
        'appendonlydir/appendonly.aof.3.incr.aof': VALID,
        'appendonlydir/appendonly.aof.manifest': `${MANIFEST}file appendonly.aof.2.incr.aof seq 2 type i\nfile appendonly.aof.3.incr.aof seq 3 type i\n`,
      },
      'appendonly.aof.2.incr.aof',
    ],
  ];
  for (const [what, files, missing] of cases) {
    const dir = makeDir({ 'appendonlydir/appendonly.aof.manifest': MANIFEST, ...files });
    const r = await start(dir);
    const line = `Unable to obtain the AOF file ${missing} length. stat: No such file or directory`;
    assert.deepEqual(failed(r).logLines, [line], what);
    assert.deepEqual(r.log, [W(line)], `${what}: no file was loaded before the check`);
  }
});

// ---- (e) unknown commands, (f) a truncated file that is not the last -------------------------------

test('(e) an unknown command is fatal even with aof-load-truncated yes', async (t) => {
  const cases: [string, string, string][] = [
    ['FOOBAR', resp('FOOBAR', 'x'), 'FOOBAR'],
    ['lower case', resp('nosuchcmd'), 'nosuchcmd'],
    ['a NUL in the name (shown up to the NUL, as C prints it)', resp('FOO\x00BAR'), 'FOO'],
    ['a long name', resp('X'.repeat(300), 'a'), 'X'.repeat(300)],
  ];
  for (const [what, rec, shown] of cases) {
    const incr = VALID + rec + resp('SET', 'after', '1');
    const files = {
      [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS,
      [`appendonlydir/${INCR_NAME}`]: incr,
      'appendonlydir/appendonly.aof.manifest': MANIFEST,
    };
    const dir = makeDir(files);
    const r = await start(dir, { 'aof-load-truncated': 'yes' });
    const line = `Unknown command '${shown}' reading the append only file ${INCR_NAME}`;
    assert.deepEqual(failed(r).logLines, [line], what);
    assert.deepEqual(r.log, [N(`DB loaded from base file ${BASE_NAME}: <t> seconds`), W(line)], what);
    assert.equal(readAof(dir, INCR_NAME), incr);
    await checkersAgree(files, 'appendonlydir/appendonly.aof.manifest', t, what !== 'FOOBAR');
    if (what === 'FOOBAR' || what.startsWith('a NUL')) await cliFatal(files, [W(line)], ['--aof-load-truncated', 'yes']);
  }
});

test('(f) a truncated file that is not the last: truncated on disk, then "the truncated file is not the last file"', async (t) => {
  const cutRecord = '*3\r\n$3\r\nSET\r\n$2\r\nk9';
  const cases: [string, Record<string, string>, string, number][] = [
    [
      'the base',
      {
        [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS + cutRecord,
        [`appendonlydir/${INCR_NAME}`]: VALID,
        'appendonlydir/appendonly.aof.manifest': MANIFEST,
      },
      BASE_NAME,
      BASE_RECORDS.length,
    ],
    [
      'the first of two incrs (inside MULTI)',
      {
        [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS,
        [`appendonlydir/${INCR_NAME}`]: VALID + resp('MULTI') + resp('SET', 'q', '1'),
        'appendonlydir/appendonly.aof.2.incr.aof': VALID,
        'appendonlydir/appendonly.aof.manifest': `${MANIFEST}file appendonly.aof.2.incr.aof seq 2 type i\n`,
      },
      INCR_NAME,
      VALID.length,
    ],
  ];
  for (const [what, files, name, at] of cases) {
    const inMulti = what.includes('MULTI');
    const lines = [...(inMulti ? [revert(name)] : []), ...shortRead(name, at), 'Fatal error: the truncated file is not the last file'];
    const dir = makeDir(files);
    const r = await start(dir, { 'aof-load-truncated': 'yes' });
    assert.deepEqual(failed(r).logLines, lines, what);
    assert.equal(readAof(dir, name), files[`appendonlydir/${name}`]!.slice(0, at), `${what}: truncated on disk before the fatal error (as Redis)`);
    // With aof-load-truncated no: the plain unexpected-EOF error, the file untouched.
    const dir2 = makeDir(files);
    const r2 = await start(dir2, { 'aof-load-truncated': 'no' });
    assert.deepEqual(failed(r2).logLines, [...(inMulti ? [revert(name)] : []), uxeof(name)], `${what}, no`);
    assert.equal(readAof(dir2, name), files[`appendonlydir/${name}`]);
    await checkersAgree(files, 'appendonlydir/appendonly.aof.manifest', t);
    if (!inMulti) await cliFatal(files, lines.map(W), ['--aof-load-truncated', 'yes']);
  }
});

// ---- (g) empty files, (h) RDB, (i) legacy upgrade --------------------------------------------------

test('(g) an empty base and an empty incr: an empty dataset, started', async () => {
  const dir = makeDir({ [`appendonlydir/${BASE_NAME}`]: '', [`appendonlydir/${INCR_NAME}`]: '', 'appendonlydir/appendonly.aof.manifest': MANIFEST });
  const r = await start(dir);
  const srv = started(r);
  assert.deepEqual(r.log, [N('DB loaded from append only file: <t> seconds'), N(`Opening AOF incr file ${INCR_NAME} on server start`)]);
  assert.equal(await call(srv, 'DBSIZE'), ':0\r\n');
  assert.equal(await digest(srv), EMPTY_DIGEST);
  assert.equal(await call(srv, 'SET', 'a', '1'), '+OK\r\n');
  await stop(srv);
  assert.equal(readAof(dir, INCR_NAME), resp('SELECT', '0') + resp('SET', 'a', '1'));
  assert.equal(readAof(dir, BASE_NAME), '');
  assert.equal(readAof(dir, 'appendonly.aof.manifest'), MANIFEST);
});

// A minimal RDB v10 image (an empty dataset: header, EOF, 8 zero checksum bytes).
const RDB = 'REDIS0010\xff' + '\x00'.repeat(8);

test('(h) an RDB base: nodis cannot read RDB, the load is aborted with Redis\'s line last', async () => {
  const dir = makeDir({
    'appendonlydir/appendonly.aof.1.base.rdb': RDB,
    [`appendonlydir/${INCR_NAME}`]: VALID,
    'appendonlydir/appendonly.aof.manifest': `file appendonly.aof.1.base.rdb seq 1 type b\nfile ${INCR_NAME} seq 1 type i\n`,
  });
  const r = await start(dir);
  const lines = failed(r).logLines;
  assert.equal(lines[lines.length - 1], 'Error reading the RDB base file appendonly.aof.1.base.rdb, AOF loading aborted');
  assert.equal(r.log[0], N('Reading RDB base file on AOF loading...'));
  assert.equal(r.log[r.log.length - 1], W('Error reading the RDB base file appendonly.aof.1.base.rdb, AOF loading aborted'));
  assert.equal(readAof(dir, 'appendonly.aof.1.base.rdb'), RDB);
  // A legacy appendonly.aof with an RDB preamble: Redis's preamble wording.
  const dir2 = makeDir({ 'appendonly.aof': RDB + VALID });
  const r2 = await start(dir2);
  const lines2 = failed(r2).logLines;
  assert.equal(lines2[lines2.length - 1], 'Error reading the RDB preamble of the AOF file appendonly.aof, AOF loading aborted');
  assert.ok(r2.log.includes(N('Reading RDB preamble from AOF file...')), JSON.stringify(r2.log));
  const cli = await runCli(NODIS_SERVER, makeDir({
    'appendonlydir/appendonly.aof.1.base.rdb': RDB,
    [`appendonlydir/${INCR_NAME}`]: VALID,
    'appendonlydir/appendonly.aof.manifest': `file appendonly.aof.1.base.rdb seq 1 type b\nfile ${INCR_NAME} seq 1 type i\n`,
  }));
  assert.equal(cli.exit, 1);
  assert.equal(cli.log[cli.log.length - 1], W('Error reading the RDB base file appendonly.aof.1.base.rdb, AOF loading aborted'));
});

const LEGACY = resp('SELECT', '0') + resp('SET', 'k', 'v') + resp('SELECT', '2') + resp('SADD', 's', 'a', 'b');
const MIGRATED = 'Successfully migrated an old-style AOF file (appendonly.aof) into the AOF directory (appendonlydir).';
const UPGRADED_MANIFEST = `file appendonly.aof seq 1 type b\nfile ${INCR_NAME} seq 1 type i\n`;

async function legacyDigest(): Promise<string> {
  const ref = await startTestServer();
  servers.add(ref);
  try {
    const c = await ref.client();
    c.writeRaw(LEGACY);
    for (let i = 0; i < 4; i++) await c.readRaw();
    return (await c.callRaw('DEBUG', 'DIGEST')).slice(1, 41);
  } finally {
    servers.delete(ref);
    await ref.stop();
  }
}

test('(i) a legacy appendonly.aof is moved into appendonlydir as base seq 1, with a new incr', async () => {
  const want = await legacyDigest();
  const dir = makeDir({ 'appendonly.aof': LEGACY });
  const r = await start(dir);
  const srv = started(r);
  assert.deepEqual(r.log, [
    N(MIGRATED),
    N('DB loaded from base file appendonly.aof: <t> seconds'),
    N('DB loaded from append only file: <t> seconds'),
    N(`Creating AOF incr file ${INCR_NAME} on server start`),
  ]);
  assert.equal(await digest(srv), want);
  assert.equal(await call(srv, 'SET', 'new', '1'), '+OK\r\n');
  await stop(srv);
  assert.equal(fs.existsSync(path.join(dir, 'appendonly.aof')), false);
  assert.deepEqual(fs.readdirSync(aofDir(dir)).sort(), ['appendonly.aof', INCR_NAME, 'appendonly.aof.manifest']);
  assert.equal(readAof(dir, 'appendonly.aof'), LEGACY, 'moved as is');
  assert.equal(readAof(dir, 'appendonly.aof.manifest'), UPGRADED_MANIFEST);
  assert.equal(readAof(dir, INCR_NAME), resp('SELECT', '0') + resp('SET', 'new', '1'));
  // The next start is a plain multi-part load.
  const r2 = await start(dir);
  const srv2 = started(r2);
  assert.ok(!r2.log.includes(N(MIGRATED)));
  assert.equal(await call(srv2, 'GET', 'new'), '$1\r\n1\r\n');
  await stop(srv2);
});

test('(i) an upgrade interrupted after the manifest was written, before the rename, completes on the next start', async () => {
  const want = await legacyDigest();
  // What aofUpgradePrepare had done when the process died: the directory, then the manifest
  // naming appendonly.aof as base seq 1; the file itself still in dir.
  const dir = makeDir({ 'appendonly.aof': LEGACY, 'appendonlydir/appendonly.aof.manifest': 'file appendonly.aof seq 1 type b\n' });
  const r = await start(dir);
  const srv = started(r);
  assert.deepEqual(r.log, [
    N(MIGRATED),
    N('DB loaded from base file appendonly.aof: <t> seconds'),
    N('DB loaded from append only file: <t> seconds'),
    N(`Creating AOF incr file ${INCR_NAME} on server start`),
  ]);
  assert.equal(await digest(srv), want);
  await stop(srv);
  assert.equal(fs.existsSync(path.join(dir, 'appendonly.aof')), false);
  assert.equal(readAof(dir, 'appendonly.aof'), LEGACY);
  assert.equal(readAof(dir, 'appendonly.aof.manifest'), UPGRADED_MANIFEST);
  // Interrupted even earlier: only the directory exists (no manifest).
  const dir2 = makeDir({ 'appendonly.aof': LEGACY });
  fs.mkdirSync(aofDir(dir2));
  const srv2 = started(await start(dir2));
  assert.equal(await digest(srv2), want);
  await stop(srv2);
  assert.equal(readAof(dir2, 'appendonly.aof.manifest'), UPGRADED_MANIFEST);
  // Done already (the file is in both places and the manifest names it): no upgrade, the copy
  // in appendonlydir is loaded, the one in dir is left alone.
  const other = resp('SET', 'other', 'x');
  const dir3 = makeDir({
    'appendonly.aof': other,
    'appendonlydir/appendonly.aof': LEGACY,
    'appendonlydir/appendonly.aof.manifest': 'file appendonly.aof seq 1 type b\n',
  });
  const r3 = await start(dir3);
  const srv3 = started(r3);
  assert.ok(!r3.log.includes(N(MIGRATED)), JSON.stringify(r3.log));
  assert.equal(await digest(srv3), want);
  await stop(srv3);
  assert.equal(fs.readFileSync(path.join(dir3, 'appendonly.aof'), 'latin1'), other);
});

// ---- loading: -LOADING, INFO loading_*, ioredis ----------------------------------------------------

test('while a long AOF loads: -LOADING for PING and SET, INFO loading_* progressing; ioredis waits for the end', async () => {
  const n = 30000;
  let incr = resp('SELECT', '0');
  for (let i = 0; i < n; i++) incr += resp('SET', `key:${i}`, `value:${i}`);
  const dir = makeDir({
    [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS,
    [`appendonlydir/${INCR_NAME}`]: incr,
    'appendonlydir/appendonly.aof.manifest': MANIFEST,
  });
  const total = BASE_RECORDS.length + incr.length;
  const port = await freePort();
  const t0 = Math.floor(Date.now() / 1000);
  // key-load-delay: microseconds per replayed command (a hidden config): stretches the load.
  const starting = start(dir, { port, 'key-load-delay': 50 });
  let loadedAt = 0;
  void starting.then(() => (loadedAt = Date.now()));
  let c: RespClient | null = null;
  for (let i = 0; c === null; i++) {
    c = await RespClient.connect(port).catch(() => null);
    if (c === null) {
      assert.ok(i < 500, 'the server never listened');
      await sleep(10);
    }
  }
  try {
    assert.equal(await c.callRaw('PING'), LOADING, 'the first client must arrive during the load (raise n or key-load-delay)');
    assert.equal(await c.callRaw('SET', 'x', 'y'), LOADING);
    assert.equal(await c.callRaw('GET', 'key:0'), LOADING);
    // ioredis, created now: its ready check sees loading:1 and retries after loading_eta_seconds.
    const io = new Redis({ port, maxRetriesPerRequest: 3, maxLoadingRetryTime: 300 });
    let readyAt = 0;
    io.once('ready', () => (readyAt = Date.now()));
    const ioResult = Promise.all([io.set('from-ioredis', '1'), io.get('key:7'), io.dbsize()]);
    ioResult.catch(() => {});
    try {
      const samples: Record<string, string>[] = [];
      for (let i = 0; i < 3; i++) {
        const info = String(await c.call('INFO', 'persistence'));
        const fields = Object.fromEntries(info.split('\r\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
        samples.push(fields);
        await sleep(200);
      }
      assert.equal(loadedAt, 0, 'still loading after the samples (raise n or key-load-delay)');
      let prev = -1;
      for (const s of samples) {
        assert.equal(s['loading'], '1', JSON.stringify(s));
        assert.equal(s['async_loading'], '0');
        assert.equal(s['aof_enabled'], '0');
        const start = Number(s['loading_start_time']);
        assert.ok(start >= t0 && start <= Math.floor(Date.now() / 1000), `loading_start_time ${start}`);
        assert.equal(s['loading_total_bytes'], String(total));
        assert.equal(s['loading_rdb_used_mem'], '0');
        const loaded = Number(s['loading_loaded_bytes']);
        assert.ok(loaded > prev && loaded < total, `loading_loaded_bytes ${loaded} after ${prev}`);
        prev = loaded;
        assert.equal(s['loading_loaded_perc'], ((loaded * 100) / total).toFixed(2));
        assert.match(s['loading_eta_seconds']!, /^\d+$/);
      }
      const r = await starting;
      const srv = started(r);
      assert.ok(loadedAt > 0);
      // After the load.
      assert.equal(await c.callRaw('PING'), '+PONG\r\n');
      assert.equal(await c.callRaw('DBSIZE'), `:${n + 2}\r\n`);
      assert.equal(await c.callRaw('GET', `key:${n - 1}`), `$${`value:${n - 1}`.length}\r\nvalue:${n - 1}\r\n`);
      assert.equal(await c.callRaw('EXISTS', 'x'), ':0\r\n', 'the SET refused during the load did nothing');
      const info = String(await c.call('INFO', 'persistence'));
      assert.match(info, /\r\nloading:0\r\n/);
      assert.doesNotMatch(info, /loading_start_time/);
      assert.match(info, /\r\naof_enabled:1\r\n/);
      // ioredis: its commands ran after the load ended, without errors.
      const [set, get, size] = await ioResult;
      assert.equal(set, 'OK');
      assert.equal(get, 'value:7');
      assert.ok(size === n + 2 || size === n + 3, String(size));
      assert.ok(readyAt >= loadedAt, `ioredis became ready ${loadedAt - readyAt} ms before the load ended`);
      assert.equal(await c.callRaw('GET', 'from-ioredis'), '$1\r\n1\r\n');
      assert.deepEqual(r.log.slice(-3), [
        N(`DB loaded from incr file ${INCR_NAME}: <t> seconds`),
        N('DB loaded from append only file: <t> seconds'),
        N(`Opening AOF incr file ${INCR_NAME} on server start`),
      ]);
      await stop(srv);
    } finally {
      io.disconnect();
    }
  } finally {
    c.close();
  }
});
