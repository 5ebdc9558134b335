// Crash safety of the AOF with real child processes killed by SIGKILL.
//
// 1. appendfsync always: concurrent writers (some pipelining) record which writes were
//    acknowledged; the server is killed -9 at a random moment, restarted on the same directory,
//    and every acknowledged write must be there. The surviving writes of each connection must
//    be a prefix of what it sent (no holes, MULTI all-or-nothing), the state must equal that
//    prefix exactly (no phantoms), a torn tail may only be the last record of the last INCR,
//    and redis-check-aof must pass once nodis has loaded. Repeated on the same directory; at
//    the end the real redis-server loads it and DEBUG DIGEST must match.
// 2. appendfsync everysec: the same harness; only writes acknowledged more than ~2 s before the
//    kill must survive (the contract); what was actually lost is reported.
// 3. A kill during start-up loading of a large AOF: the files are left as they were (except a
//    torn tail truncated once the load reached it) and the next start loads everything.
//
// Tunable: NODIS_CRASH_CYCLES / NODIS_CRASH_SECONDS (always), NODIS_CRASH_EVERYSEC_CYCLES /
// NODIS_CRASH_EVERYSEC_SECONDS, NODIS_CRASH_LOAD_KILLS / NODIS_CRASH_LOAD_RECORDS,
// NODIS_CRASH_WRITERS, NODIS_CRASH_SEED.

import { test, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RespClient, RespError, encodeCommand, type RespValue } from '../helpers/resp-client.js';
import { hasBinary, runTool } from '../clients/tools.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const NODIS = path.join(ROOT, 'bin', 'nodis-server');
const REDIS_SERVER = '/usr/bin/redis-server';
const REDIS_CHECK_AOF = '/usr/bin/redis-check-aof';
const HAVE_REDIS = hasBinary(REDIS_SERVER);
const HAVE_CHECK = hasBinary(REDIS_CHECK_AOF);

const envInt = (name: string, dflt: number): number => {
  const v = process.env[name];
  return v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : dflt;
};
const ALWAYS_CYCLES = envInt('NODIS_CRASH_CYCLES', 25);
const ALWAYS_MS = envInt('NODIS_CRASH_SECONDS', 25) * 1000;
const EVERYSEC_CYCLES = envInt('NODIS_CRASH_EVERYSEC_CYCLES', 4);
const EVERYSEC_MS = envInt('NODIS_CRASH_EVERYSEC_SECONDS', 12) * 1000;
const LOAD_KILLS = envInt('NODIS_CRASH_LOAD_KILLS', 4);
const LOAD_RECORDS = envInt('NODIS_CRASH_LOAD_RECORDS', 200_000);
const WRITERS = envInt('NODIS_CRASH_WRITERS', 6);
const SEED = envInt('NODIS_CRASH_SEED', crypto.randomInt(1, 2 ** 31));
const START_TIMEOUT_MS = 20_000;

// ---- processes --------------------------------------------------------------------------

const children = new Set<ChildProcess>();
const tmpDirs: string[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

function mkTmp(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(d);
  return d;
}

/** mulberry32: the test's randomness is reproducible from NODIS_CRASH_SEED (timing is not). */
function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rng = makeRng(SEED);
const between = (lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

interface Proc {
  readonly child: ChildProcess;
  readonly port: number;
  out(): string;
  /** Resolves with the time the first line matching `re` was seen; rejects on exit or timeout. */
  waitLine(re: RegExp, timeoutMs?: number): Promise<number>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnProc(bin: string, args: string[], port: number): Proc {
  const useNode = bin === NODIS;
  const child = spawn(useNode ? process.execPath : bin, useNode ? [bin, ...args] : args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
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
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return {
    child,
    port,
    out: () => out,
    exit,
    waitLine(re, timeoutMs = START_TIMEOUT_MS) {
      if (re.test(out)) return Promise.resolve(Date.now());
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${re} within ${timeoutMs} ms; output:\n${out}`)), timeoutMs);
        seen.push({
          re,
          resolve: (t) => {
            clearTimeout(timer);
            resolve(t);
          },
        });
        void exit.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(new Error(`exited (code ${code}, signal ${signal}) before ${re}; output:\n${out}`));
        });
      });
    },
  };
}

function spawnNodis(dir: string, port: number, fsync: string): Proc {
  return spawnProc(
    NODIS,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', fsync, '--save', '', '--enable-debug-command', 'yes'],
    port,
  );
}

async function startNodis(dir: string, fsync: string): Promise<Proc> {
  const p = spawnNodis(dir, await freePort(), fsync);
  await p.waitLine(/Ready to accept connections/);
  return p;
}

async function startRedis(dir: string): Promise<Proc> {
  const port = await freePort();
  const p = spawnProc(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--enable-debug-command', 'yes', '--daemonize', 'no', '--logfile', ''],
    port,
  );
  await p.waitLine(/Ready to accept connections/);
  return p;
}

/** SIGKILL and wait for the exit; with `mustBeAlive`, fails if the server had already exited on its own. */
async function kill9(p: Proc, mustBeAlive = false): Promise<void> {
  const alive = p.child.exitCode === null && p.child.signalCode === null;
  if (alive) p.child.kill('SIGKILL');
  const r = await p.exit;
  if (mustBeAlive) {
    assert.ok(alive && r.signal === 'SIGKILL', `the server exited on its own (code ${r.code}, signal ${r.signal}) before the kill; output:\n${p.out().slice(-3000)}`);
  }
}

// ---- the AOF directory on disk ----------------------------------------------------------

interface ManifestFile {
  readonly name: string;
  readonly type: string;
}

function readManifest(aofDir: string): ManifestFile[] {
  const text = fs.readFileSync(path.join(aofDir, 'appendonly.aof.manifest'), 'latin1');
  const files: ManifestFile[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = /^file (\S+) seq (\d+) type ([bhi])$/.exec(line);
    assert.ok(m, `unexpected manifest line ${JSON.stringify(line)} in ${JSON.stringify(text)}`);
    files.push({ name: m[1]!, type: m[3]! });
  }
  return files;
}

interface ScanResult {
  /** 'ok': ends at a record boundary outside MULTI; 'torn': ends inside a record or MULTI; 'format': a byte that no valid continuation has. */
  readonly kind: 'ok' | 'torn' | 'format';
  /** Offset after the last complete command outside MULTI (what a loader keeps). */
  readonly validUpTo: number;
  readonly records: number;
  readonly detail: string;
}

/** A strict RESP scan (as redis-check-aof: exact CRLFs, MULTI/EXEC nesting). */
function scanAof(buf: Buffer): ScanResult {
  let pos = 0;
  let validUpTo = 0;
  let records = 0;
  let inMulti = false;
  const torn = (why: string): ScanResult => ({ kind: 'torn', validUpTo, records, detail: why });
  const bad = (at: number, why: string): ScanResult => ({ kind: 'format', validUpTo, records, detail: `offset ${at}: ${why}` });
  const line = (from: number): number => buf.indexOf('\r\n', from);
  while (pos < buf.length) {
    const start = pos;
    const c0 = buf[pos]!;
    if (c0 === 0x23 /* '#' annotation */) {
      const nl = line(pos);
      if (nl < 0) return torn('inside an annotation');
      pos = nl + 2;
      if (!inMulti) validUpTo = pos;
      continue;
    }
    if (c0 !== 0x2a) return bad(pos, `expected '*', got ${JSON.stringify(String.fromCharCode(c0))}`);
    const nl = line(pos);
    if (nl < 0) return /^\*\d*\r?$/.test(buf.toString('latin1', pos)) ? torn('inside an argc line') : bad(pos, 'bad argc line');
    const argcText = buf.toString('latin1', pos + 1, nl);
    if (!/^\d+$/.test(argcText) || Number(argcText) < 1) return bad(pos, `bad argc ${JSON.stringify(argcText)}`);
    pos = nl + 2;
    const argv: string[] = [];
    for (let i = 0; i < Number(argcText); i++) {
      if (pos >= buf.length) return torn('before an argument');
      if (buf[pos] !== 0x24) return bad(pos, `expected '$', got ${JSON.stringify(String.fromCharCode(buf[pos]!))}`);
      const nl2 = line(pos);
      if (nl2 < 0) return /^\$\d*\r?$/.test(buf.toString('latin1', pos)) ? torn('inside a length line') : bad(pos, 'bad length line');
      const lenText = buf.toString('latin1', pos + 1, nl2);
      if (!/^\d+$/.test(lenText)) return bad(pos, `bad length ${JSON.stringify(lenText)}`);
      const len = Number(lenText);
      const data = nl2 + 2;
      if (data + len > buf.length) return torn('inside an argument');
      if (i === 0) argv.push(buf.toString('latin1', data, data + len).toLowerCase());
      const crlf = buf.toString('latin1', data + len, Math.min(data + len + 2, buf.length));
      if (crlf !== '\r\n'.slice(0, crlf.length)) return bad(data + len, 'expected CRLF after an argument');
      if (crlf.length < 2) return torn('inside the CRLF after an argument');
      pos = data + len + 2;
    }
    records++;
    if (argv[0] === 'multi') {
      if (inMulti) return bad(start, 'nested MULTI');
      inMulti = true;
    } else if (argv[0] === 'exec') {
      if (!inMulti) return bad(start, 'EXEC without MULTI');
      inMulti = false;
    }
    if (!inMulti) validUpTo = pos;
  }
  return inMulti ? torn('inside MULTI') : { kind: 'ok', validUpTo, records, detail: '' };
}

interface DirState {
  readonly lastIncr: string;
  readonly size: number;
  readonly scan: ScanResult;
}

/** Right after a kill: every file but the last INCR is complete; the last may only have a torn tail. */
function checkDirAfterKill(dir: string): DirState {
  const aofDir = path.join(dir, 'appendonlydir');
  const files = readManifest(aofDir).filter((f) => f.type !== 'h');
  assert.ok(files.length >= 1, 'the manifest lists no file');
  const last = files[files.length - 1]!;
  assert.equal(last.type, 'i', 'the last file of the manifest should be an INCR');
  let state: DirState | null = null;
  for (const f of files) {
    const buf = fs.readFileSync(path.join(aofDir, f.name));
    const s = scanAof(buf);
    if (f !== last) {
      assert.equal(s.kind, 'ok', `${f.name} (not the last file) is damaged after a kill: ${s.detail}`);
      continue;
    }
    assert.notEqual(s.kind, 'format', `${f.name} has a format error after a kill (only a torn tail is allowed): ${s.detail}`);
    state = { lastIncr: f.name, size: buf.length, scan: s };
  }
  return state!;
}

async function checkAof(dir: string): Promise<{ code: number | null; stdout: string }> {
  const r = await runTool(REDIS_CHECK_AOF, [path.join(dir, 'appendonlydir', 'appendonly.aof.manifest')]);
  return { code: r.code, stdout: r.stdout + r.stderr };
}

// ---- the writers' model ---------------------------------------------------------------------

type OpKind = 'set' | 'incr' | 'rpush' | 'hset' | 'sadd' | 'zadd' | 'multi';
const KINDS: [OpKind, number][] = [
  ['set', 20],
  ['incr', 15],
  ['rpush', 15],
  ['hset', 12],
  ['sadd', 12],
  ['zadd', 12],
  ['multi', 14],
];
const KIND_TOTAL = KINDS.reduce((n, [, w]) => n + w, 0);

function pickKind(): OpKind {
  let r = rng() * KIND_TOTAL;
  for (const [k, w] of KINDS) if ((r -= w) < 0) return k;
  return 'set';
}

interface Op {
  readonly kind: OpKind;
  readonly id: number;
  sentAt: number;
  /** When its (last) reply arrived; 0 while unacknowledged. */
  ackAt: number;
}

/** A writer's keys: one database view, compared exactly after each restart. */
interface State {
  strings: Map<string, string>;
  ctr: number;
  list: string[];
  hash: Map<string, string>;
  set: Set<string>;
  zset: Map<string, string>;
  mset: Set<string>;
}

const emptyState = (): State => ({ strings: new Map(), ctr: 0, list: [], hash: new Map(), set: new Set(), zset: new Map(), mset: new Set() });
const cloneState = (s: State): State => ({
  strings: new Map(s.strings),
  ctr: s.ctr,
  list: [...s.list],
  hash: new Map(s.hash),
  set: new Set(s.set),
  zset: new Map(s.zset),
  mset: new Set(s.mset),
});

/** Deterministic, binary-ish values of varied length (CRLF and NUL inside some). */
function value(id: number): string {
  const tail = id % 5 === 0 ? 'a\r\nb\x00c\xff' : '';
  return `v${id}:${'x'.repeat(id % 41)}${tail}`;
}

class Writer {
  nextId = 0;
  base = emptyState();
  ops: Op[] = [];
  readonly errors: string[] = [];
  // Totals over all cycles, for the report.
  sent = 0;
  acked = 0;
  ackedVerified = 0;
  ackedLost = 0;
  unackedSurvived = 0;
  unackedLost = 0;

  constructor(readonly w: number) {}

  key(suffix: string): string {
    return `w${this.w}:${suffix}`;
  }

  /** The commands of an op and the replies they must get, given the ops before it this cycle. */
  commands(op: Op, incrsBefore: number, pushesBefore: number): { cmds: (string | number)[][]; replies: RespValue[] } {
    const id = op.id;
    switch (op.kind) {
      case 'set':
        return { cmds: [['SET', this.key(`s:${id}`), value(id)]], replies: ['OK'] };
      case 'incr':
        return { cmds: [['INCR', this.key('ctr')]], replies: [this.base.ctr + incrsBefore + 1] };
      case 'rpush':
        return { cmds: [['RPUSH', this.key('list'), `e${id}`]], replies: [this.base.list.length + pushesBefore + 1] };
      case 'hset':
        return { cmds: [['HSET', this.key('h'), `f${id}`, value(id)]], replies: [1] };
      case 'sadd':
        return { cmds: [['SADD', this.key('set'), `m${id}`]], replies: [1] };
      case 'zadd':
        return { cmds: [['ZADD', this.key('z'), id, `z${id}`]], replies: [1] };
      case 'multi':
        return {
          cmds: [['MULTI'], ['SET', this.key(`m:${id}:x`), value(id)], ['SET', this.key(`m:${id}:y`), value(id + 1)], ['SADD', this.key('mset'), `b${id}`], ['EXEC']],
          replies: ['OK', 'QUEUED', 'QUEUED', 'QUEUED', ['OK', 'OK', 1]],
        };
    }
  }

  apply(s: State, op: Op): void {
    const id = op.id;
    switch (op.kind) {
      case 'set':
        s.strings.set(this.key(`s:${id}`), value(id));
        break;
      case 'incr':
        s.ctr++;
        break;
      case 'rpush':
        s.list.push(`e${id}`);
        break;
      case 'hset':
        s.hash.set(`f${id}`, value(id));
        break;
      case 'sadd':
        s.set.add(`m${id}`);
        break;
      case 'zadd':
        s.zset.set(`z${id}`, String(id));
        break;
      case 'multi':
        s.strings.set(this.key(`m:${id}:x`), value(id));
        s.strings.set(this.key(`m:${id}:y`), value(id + 1));
        s.mset.add(`b${id}`);
        break;
    }
  }

  /** Whether an op's effect is visible in `s` (null: an INCR, not identifiable); 'partial' for a torn MULTI. */
  presence(s: State, listSet: Set<string>, op: Op): boolean | 'partial' | null {
    const id = op.id;
    switch (op.kind) {
      case 'set':
        return s.strings.has(this.key(`s:${id}`));
      case 'incr':
        return null;
      case 'rpush':
        return listSet.has(`e${id}`);
      case 'hset':
        return s.hash.has(`f${id}`);
      case 'sadd':
        return s.set.has(`m${id}`);
      case 'zadd':
        return s.zset.has(`z${id}`);
      case 'multi': {
        const parts = [s.strings.has(this.key(`m:${id}:x`)), s.strings.has(this.key(`m:${id}:y`)), s.mset.has(`b${id}`)];
        if (parts.every((p) => p)) return true;
        if (parts.every((p) => !p)) return false;
        return 'partial';
      }
    }
  }
}

const isClosedError = (err: unknown): boolean => /connection closed|ECONNRESET|EPIPE|ECONNREFUSED/.test(String((err as Error)?.message ?? err));

/** One writer's connection until the server dies (or `stop`). Replies are checked as they come. */
async function runWriter(wr: Writer, port: number, pipeline: boolean, pauseMs: [number, number], killed: { v: boolean }): Promise<void> {
  let c: RespClient;
  try {
    c = await RespClient.connect(port);
  } catch (err) {
    if (!killed.v) wr.errors.push(`writer ${wr.w} could not connect: ${String(err)}`);
    return;
  }
  let incrs = 0;
  let pushes = 0;
  try {
    while (!killed.v) {
      const n = pipeline ? between(1, 8) : 1;
      const batch: { op: Op; replies: RespValue[] }[] = [];
      const chunks: Buffer[] = [];
      for (let i = 0; i < n; i++) {
        const op: Op = { kind: pickKind(), id: wr.nextId++, sentAt: 0, ackAt: 0 };
        const { cmds, replies } = wr.commands(op, incrs, pushes);
        if (op.kind === 'incr') incrs++;
        if (op.kind === 'rpush') pushes++;
        for (const cmd of cmds) chunks.push(encodeCommand(cmd));
        batch.push({ op, replies });
      }
      const now = Date.now();
      for (const b of batch) {
        b.op.sentAt = now;
        wr.ops.push(b.op);
        wr.sent++;
      }
      c.writeRaw(Buffer.concat(chunks));
      for (const { op, replies } of batch) {
        for (const expected of replies) {
          const got = await c.read(15_000);
          if (got instanceof RespError || JSON.stringify(got) !== JSON.stringify(expected)) {
            wr.errors.push(`writer ${wr.w} op #${op.id} ${op.kind}: reply ${JSON.stringify(got instanceof RespError ? `-${got.message}` : got)}, expected ${JSON.stringify(expected)}`);
            killed.v = true; // stop this cycle's traffic: the test fails anyway
          }
        }
        op.ackAt = Date.now();
        wr.acked++;
      }
      if (pauseMs[1] > 0) await sleep(between(pauseMs[0], pauseMs[1]));
    }
  } catch (err) {
    // The kill closes the connection; anything else before it is a failure.
    if (!killed.v || !isClosedError(err)) wr.errors.push(`writer ${wr.w}: ${String(err)} (killed: ${killed.v})`);
  } finally {
    c.close();
  }
}

const asStrings = (v: RespValue, what: string): string[] => {
  assert.ok(Array.isArray(v), `${what}: expected an array, got ${JSON.stringify(v)}`);
  return v.map((x) => {
    assert.equal(typeof x, 'string', `${what}: element ${JSON.stringify(x)}`);
    return x as string;
  });
};

/** Reads a writer's keys from the server. */
async function readState(c: RespClient, wr: Writer): Promise<State> {
  const s = emptyState();
  const keys = asStrings(await c.call('KEYS', `w${wr.w}:*`), 'KEYS');
  const strKeys: string[] = [];
  const singles = new Set(['ctr', 'list', 'h', 'set', 'z', 'mset'].map((k) => wr.key(k)));
  for (const k of keys) {
    if (/^w\d+:(s:\d+|m:\d+:[xy])$/.test(k)) strKeys.push(k);
    else assert.ok(singles.has(k), `unexpected key ${JSON.stringify(k)}`);
  }
  for (let i = 0; i < strKeys.length; i += 1000) {
    const part = strKeys.slice(i, i + 1000);
    const vals = await c.call('MGET', ...part);
    assert.ok(Array.isArray(vals));
    part.forEach((k, j) => {
      assert.equal(typeof vals[j], 'string', `GET ${k}`);
      s.strings.set(k, vals[j] as string);
    });
  }
  if (keys.includes(wr.key('ctr'))) {
    const v = await c.call('GET', wr.key('ctr'));
    assert.ok(typeof v === 'string' && /^\d+$/.test(v), `counter ${JSON.stringify(v)}`);
    s.ctr = Number(v);
  }
  s.list = asStrings(await c.call('LRANGE', wr.key('list'), 0, -1), 'LRANGE');
  const h = asStrings(await c.call('HGETALL', wr.key('h')), 'HGETALL');
  for (let i = 0; i < h.length; i += 2) s.hash.set(h[i]!, h[i + 1]!);
  for (const m of asStrings(await c.call('SMEMBERS', wr.key('set')), 'SMEMBERS')) s.set.add(m);
  const z = asStrings(await c.call('ZRANGE', wr.key('z'), 0, -1, 'WITHSCORES'), 'ZRANGE');
  for (let i = 0; i < z.length; i += 2) s.zset.set(z[i]!, z[i + 1]!);
  for (const m of asStrings(await c.call('SMEMBERS', wr.key('mset')), 'SMEMBERS mset')) s.mset.add(m);
  return s;
}

/** The first difference between two states, or null. */
function diffStates(exp: State, act: State): string | null {
  const mapDiff = (what: string, e: Map<string, string>, a: Map<string, string>): string | null => {
    for (const [k, v] of e) if (a.get(k) !== v) return `${what} ${JSON.stringify(k)}: expected ${JSON.stringify(v)}, got ${JSON.stringify(a.get(k))}`;
    for (const k of a.keys()) if (!e.has(k)) return `${what} ${JSON.stringify(k)} present but never written (or lost before)`;
    return null;
  };
  const setDiff = (what: string, e: Set<string>, a: Set<string>): string | null => {
    for (const k of e) if (!a.has(k)) return `${what} member ${k} missing`;
    for (const k of a) if (!e.has(k)) return `${what} member ${k} present but not expected`;
    return null;
  };
  if (exp.ctr !== act.ctr) return `counter: expected ${exp.ctr}, got ${act.ctr}`;
  if (exp.list.length !== act.list.length || exp.list.some((x, i) => act.list[i] !== x)) {
    const i = exp.list.findIndex((x, j) => act.list[j] !== x);
    return `list: expected ${exp.list.length} elements, got ${act.list.length}; first difference at ${i < 0 ? exp.list.length : i}: ${JSON.stringify(exp.list[i])} vs ${JSON.stringify(act.list[i < 0 ? exp.list.length : i])}`;
  }
  return (
    mapDiff('string', exp.strings, act.strings) ??
    mapDiff('hash field', exp.hash, act.hash) ??
    mapDiff('zset member', exp.zset, act.zset) ??
    setDiff('set', exp.set, act.set) ??
    setDiff('mset', exp.mset, act.mset)
  );
}

interface CycleVerdict {
  readonly cut: number;
  readonly required: number;
}

/**
 * After a restart: the ops of this cycle that survived must be a prefix of the ops sent on the
 * connection, the state must be exactly `base` + that prefix, and the prefix must cover every
 * op whose acknowledgement arrived at or before `ackedBy`.
 */
function verifyWriter(wr: Writer, actual: State, ackedBy: number): CycleVerdict {
  const ops = wr.ops;
  const listSet = new Set(actual.list);
  let lastPresent = -1;
  let firstAbsent = -1;
  for (let i = 0; i < ops.length; i++) {
    const p = wr.presence(actual, listSet, ops[i]!);
    assert.notEqual(p, 'partial', `writer ${wr.w}: MULTI block #${ops[i]!.id} is partly present: a transaction was not all-or-nothing`);
    if (p === true) lastPresent = i;
    if (p === false && firstAbsent < 0) firstAbsent = i;
  }
  if (firstAbsent >= 0 && firstAbsent < lastPresent) {
    const a = ops[firstAbsent]!;
    const b = ops[lastPresent]!;
    assert.fail(`writer ${wr.w}: hole in the log: op #${a.id} (${a.kind}, ${a.ackAt ? 'acked' : 'not acked'}) is missing but the later op #${b.id} (${b.kind}) survived`);
  }
  // Between the last identifiable survivor and the first identifiable loss there are only
  // INCRs: the counter says how many of them survived.
  const lo = lastPresent + 1;
  const hi = firstAbsent < 0 ? ops.length : firstAbsent;
  const incrsBefore = (n: number) => ops.slice(0, n).filter((o) => o.kind === 'incr').length;
  const delta = actual.ctr - wr.base.ctr;
  const cut = lo + (delta - incrsBefore(lo));
  assert.ok(cut >= lo && cut <= hi, `writer ${wr.w}: counter ${actual.ctr} (was ${wr.base.ctr}) does not match the surviving ops (${incrsBefore(lo)}..${incrsBefore(hi)} INCRs survived)`);
  const expected = cloneState(wr.base);
  for (let i = 0; i < cut; i++) wr.apply(expected, ops[i]!);
  const diff = diffStates(expected, actual);
  assert.equal(diff, null, `writer ${wr.w}: the dataset is not the state after its first ${cut} ops: ${diff}`);
  let required = 0;
  for (let i = 0; i < ops.length; i++) if (ops[i]!.ackAt > 0 && ops[i]!.ackAt <= ackedBy) required = i + 1;
  return { cut, required };
}

interface HarnessStats {
  cycles: number;
  sent: number;
  acked: number;
  ackedVerified: number;
  ackedLost: number;
  ackedLostOld: number;
  unackedSurvived: number;
  unackedLost: number;
  tornTails: number;
  revertedMulti: number;
  maxLostAckAgeMs: number;
}

interface HarnessOptions {
  readonly fsync: 'always' | 'everysec';
  readonly cycles: number;
  readonly budgetMs: number;
  /** The kill comes this long after the writers start (random within). */
  readonly killWindowMs: [number, number];
  readonly pauseMs: [number, number];
  /** Acknowledged writes older than this before the kill must survive (0: all of them). */
  readonly graceMs: number;
}

async function crashHarness(t: TestContext, opts: HarnessOptions): Promise<HarnessStats> {
  const dir = mkTmp(`nodis-crash-${opts.fsync}-`);
  const writers = Array.from({ length: WRITERS }, (_, w) => new Writer(w));
  const stats: HarnessStats = {
    cycles: 0,
    sent: 0,
    acked: 0,
    ackedVerified: 0,
    ackedLost: 0,
    ackedLostOld: 0,
    unackedSurvived: 0,
    unackedLost: 0,
    tornTails: 0,
    revertedMulti: 0,
    maxLostAckAgeMs: 0,
  };
  const began = Date.now();
  let srv = await startNodis(dir, opts.fsync);
  try {
    while (stats.cycles < opts.cycles && (stats.cycles === 0 || Date.now() - began < opts.budgetMs)) {
      const cycle = stats.cycles + 1;
      const killed = { v: false };
      const runs = writers.map((wr, i) => runWriter(wr, srv.port, i % 2 === 0, opts.pauseMs, killed));
      await sleep(between(opts.killWindowMs[0], opts.killWindowMs[1]));
      const killAt = Date.now();
      killed.v = true;
      await kill9(srv, true);
      await Promise.all(runs);
      for (const wr of writers) assert.deepEqual(wr.errors, [], `cycle ${cycle}: writer errors`);

      // The files as the kill left them.
      const onDisk = checkDirAfterKill(dir);
      if (onDisk.scan.kind === 'torn') stats.tornTails++;
      if (HAVE_CHECK) {
        const r = await checkAof(dir);
        if (onDisk.scan.kind === 'ok') {
          assert.equal(r.code, 0, `cycle ${cycle}: redis-check-aof right after the kill:\n${r.stdout}`);
        } else {
          assert.equal(r.code, 1, `cycle ${cycle}: redis-check-aof should see the torn tail:\n${r.stdout}`);
          assert.ok(
            r.stdout.includes(`AOF analyzed: filename=${onDisk.lastIncr}, size=${onDisk.size}, ok_up_to=${onDisk.scan.validUpTo},`),
            `cycle ${cycle}: redis-check-aof should report the torn tail of the last INCR at ${onDisk.scan.validUpTo}:\n${r.stdout}`,
          );
        }
      }

      srv = await startNodis(dir, opts.fsync);
      const log = srv.out();
      const truncLine = `!!! Truncating the AOF ${onDisk.lastIncr} at offset ${onDisk.scan.validUpTo} !!!`;
      if (onDisk.scan.kind === 'torn') {
        assert.ok(log.includes(truncLine), `cycle ${cycle}: the torn tail (${onDisk.scan.detail}) should be truncated on load:\n${log}`);
        if (log.includes('Revert incomplete MULTI/EXEC transaction')) stats.revertedMulti++;
        assert.equal(fs.statSync(path.join(dir, 'appendonlydir', onDisk.lastIncr)).size, onDisk.scan.validUpTo, `cycle ${cycle}: size of the truncated INCR`);
      } else {
        assert.ok(!log.includes('Truncating the AOF'), `cycle ${cycle}: a complete AOF was truncated on load:\n${log}`);
      }
      if (HAVE_CHECK) {
        const r = await checkAof(dir);
        assert.equal(r.code, 0, `cycle ${cycle}: redis-check-aof after nodis loaded:\n${r.stdout}`);
        assert.match(r.stdout, /All AOF files and manifest are valid/);
      }

      // The data.
      const c = await RespClient.connect(srv.port);
      try {
        const verdicts = new Map<Writer, CycleVerdict>();
        let ownKeys = 0;
        for (const wr of writers) {
          const actual = await readState(c, wr);
          const v = verifyWriter(wr, actual, opts.graceMs === 0 ? Infinity : killAt - opts.graceMs);
          verdicts.set(wr, v);
          // Every acknowledged op must be there (always), or every one acknowledged before the grace period (everysec).
          for (let i = 0; i < wr.ops.length; i++) {
            const op = wr.ops[i]!;
            if (op.ackAt > 0) {
              if (i < v.cut) stats.ackedVerified++;
              else {
                stats.ackedLost++;
                stats.maxLostAckAgeMs = Math.max(stats.maxLostAckAgeMs, killAt - op.ackAt);
              }
            } else if (i < v.cut) stats.unackedSurvived++;
            else stats.unackedLost++;
          }
          if (v.cut < v.required) {
            const lost = wr.ops[v.cut]!;
            stats.ackedLostOld += v.required - v.cut;
            assert.fail(
              `cycle ${cycle}, writer ${wr.w}: acknowledged write lost: op #${lost.id} (${lost.kind}) acked ${killAt - lost.ackAt} ms before the kill; ` +
                `${v.required - v.cut} op(s) that had to survive are missing (${opts.fsync})`,
            );
          }
          wr.base = actual;
          ownKeys += actual.strings.size + (actual.ctr > 0 ? 1 : 0) + [actual.list.length, actual.hash.size, actual.set.size, actual.zset.size, actual.mset.size].filter((n) => n > 0).length;
        }
        // Across connections the log is one ordered stream: an op whose reply arrived before
        // a surviving op was sent must have survived too.
        let newestSurvivorSent = 0;
        for (const [wr, v] of verdicts) if (v.cut > 0) newestSurvivorSent = Math.max(newestSurvivorSent, wr.ops[v.cut - 1]!.sentAt);
        for (const [wr, v] of verdicts) {
          for (let i = v.cut; i < wr.ops.length; i++) {
            const op = wr.ops[i]!;
            assert.ok(
              !(op.ackAt > 0 && op.ackAt < newestSurvivorSent),
              `cycle ${cycle}: writer ${wr.w} op #${op.id} was acknowledged before a surviving op was sent on another connection, yet it is lost`,
            );
          }
        }
        assert.equal(await c.call('DBSIZE'), ownKeys, `cycle ${cycle}: DBSIZE (keys nobody wrote?)`);
      } finally {
        c.close();
      }
      for (const wr of writers) {
        stats.sent += wr.ops.length;
        stats.acked += wr.ops.filter((o) => o.ackAt > 0).length;
        wr.ops = [];
      }
      stats.cycles++;
    }

    // The final directory in the real redis-server: same dataset, same digest.
    const c = await RespClient.connect(srv.port);
    c.send('DEBUG', 'DIGEST');
    const nodisDigest = await c.read(60_000);
    const nodisSize = await c.call('DBSIZE');
    c.close();
    assert.match(String(nodisDigest), /^[0-9a-f]{40}$/);
    await kill9(srv);
    await t.test('the final directory loads in redis-server with the same DBSIZE and DEBUG DIGEST', { skip: HAVE_REDIS ? false : `${REDIS_SERVER} is not installed` }, async () => {
      const copy = mkTmp('nodis-crash-redis-');
      fs.cpSync(path.join(dir, 'appendonlydir'), path.join(copy, 'appendonlydir'), { recursive: true });
      const redis = await startRedis(copy);
      try {
        const rc = await RespClient.connect(redis.port);
        assert.equal(await rc.call('DBSIZE'), nodisSize, 'DBSIZE in redis-server vs nodis');
        rc.send('DEBUG', 'DIGEST');
        assert.equal(await rc.read(60_000), nodisDigest, 'DEBUG DIGEST in redis-server vs nodis');
        rc.close();
      } finally {
        await kill9(redis);
      }
    });
  } finally {
    await kill9(srv);
  }
  return stats;
}

function report(t: TestContext, name: string, s: HarnessStats, ms: number): void {
  t.diagnostic(
    `${name}: seed ${SEED}, ${s.cycles} kill/restart cycles in ${(ms / 1000).toFixed(1)} s, ${WRITERS} writers; ` +
      `${s.sent} ops sent, ${s.acked} acknowledged, ${s.ackedVerified} acknowledged and verified present, ${s.ackedLost} acknowledged but lost` +
      `${s.ackedLost > 0 ? ` (the oldest acked ${s.maxLostAckAgeMs} ms before its kill)` : ''}; ` +
      `unacknowledged (in flight): ${s.unackedSurvived} survived, ${s.unackedLost} lost; torn tails after kill: ${s.tornTails}, reverted MULTI: ${s.revertedMulti}; ` +
      `redis-check-aof ${HAVE_CHECK ? 'passed after every kill and load' : `not run (${REDIS_CHECK_AOF} is not installed)`}`,
  );
}

test('appendfsync always: every acknowledged write survives kill -9, over many kill/restart cycles', async (t) => {
  const began = Date.now();
  const stats = await crashHarness(t, { fsync: 'always', cycles: ALWAYS_CYCLES, budgetMs: ALWAYS_MS, killWindowMs: [50, 700], pauseMs: [0, 0], graceMs: 0 });
  report(t, 'always', stats, Date.now() - began);
  assert.ok(stats.acked > 0, 'the writers got no write acknowledged');
  assert.equal(stats.ackedLost, 0);
});

test('appendfsync everysec: writes acknowledged more than 2 s before kill -9 survive', async (t) => {
  const began = Date.now();
  const stats = await crashHarness(t, {
    fsync: 'everysec',
    cycles: EVERYSEC_CYCLES,
    budgetMs: EVERYSEC_MS,
    killWindowMs: [2700, 3500],
    pauseMs: [1, 4],
    graceMs: 2500,
  });
  report(t, 'everysec', stats, Date.now() - began);
  assert.ok(stats.acked > 0, 'the writers got no write acknowledged');
  assert.equal(stats.ackedLostOld, 0);
});

// ---- 3. a kill during start-up loading --------------------------------------------------

interface BuiltAof {
  readonly files: Map<string, Buffer>;
  /** Size of the INCR without its torn tail. */
  readonly incrValid: number;
  readonly dbsize: [number, number];
  readonly counters: Map<string, number>;
}

/** A largish AOF: `records` commands over a BASE and an INCR (MULTI blocks, two DBs), ending in a torn record. */
function buildAof(records: number): BuiltAof {
  const db0 = new Set<string>();
  const db1 = new Set<string>();
  const counters = new Map<string, number>();
  const base: Buffer[] = [encodeCommand(['SELECT', '0'])];
  const half = Math.floor(records / 2);
  for (let i = 0; i < half; i++) {
    // Mostly list and set elements: cheap for DEBUG DIGEST (one or two SHA1s each), which
    // nodis computes with a createHash per step.
    let cmd: string[];
    const r = i % 20;
    if (r < 8) cmd = ['RPUSH', `l:${i % 97}`, `e${i}`];
    else if (r < 16) cmd = ['SADD', `st:${i % 83}`, `m${i}`];
    else if (r < 18) cmd = ['SET', `s:${i}`, value(i)];
    else if (r === 18) cmd = ['HSET', `h:${i % 89}`, `f${i}`, value(i)];
    else cmd = ['ZADD', `z:${i % 79}`, String(i), `m${i}`];
    db0.add(cmd[1]!);
    base.push(encodeCommand(cmd));
  }
  const incr: Buffer[] = [encodeCommand(['SELECT', '1'])];
  let n = 1;
  for (let i = 0; n < records - half; i++) {
    if (i % 10 === 9) {
      const k = `c:${i % 13}`;
      incr.push(encodeCommand(['MULTI']), encodeCommand(['SET', `t:${i}`, value(i)]), encodeCommand(['INCR', k]), encodeCommand(['EXEC']));
      counters.set(k, (counters.get(k) ?? 0) + 1);
      db1.add(`t:${i}`).add(k);
      n += 4;
    } else {
      const cmd = i % 2 === 0 ? ['RPUSH', `ul:${i % 101}`, value(i)] : ['SADD', `us:${i % 103}`, `m${i}`];
      incr.push(encodeCommand(cmd));
      db1.add(cmd[1]!);
      n++;
    }
  }
  const incrBuf = Buffer.concat(incr);
  const torn = encodeCommand(['SET', 'torn', 'never-loaded']).subarray(0, 20);
  const files = new Map<string, Buffer>([
    ['appendonly.aof.1.base.aof', Buffer.concat(base)],
    ['appendonly.aof.1.incr.aof', Buffer.concat([incrBuf, torn])],
    ['appendonly.aof.manifest', Buffer.from('file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n')],
  ]);
  return { files, incrValid: incrBuf.length, dbsize: [db0.size, db1.size], counters };
}

function writeAof(dir: string, built: BuiltAof): void {
  const aofDir = path.join(dir, 'appendonlydir');
  fs.mkdirSync(aofDir, { recursive: true });
  for (const [name, buf] of built.files) fs.writeFileSync(path.join(aofDir, name), buf);
}

async function datasetSummary(port: number): Promise<{ digest: RespValue; sizes: RespValue[]; counters: Map<string, RespValue> }> {
  const c = await RespClient.connect(port);
  try {
    c.send('DEBUG', 'DIGEST');
    const digest = await c.read(60_000);
    const sizes = [await c.call('DBSIZE')];
    await c.call('SELECT', 1);
    sizes.push(await c.call('DBSIZE'));
    const counters = new Map<string, RespValue>();
    for (let i = 0; i < 13; i++) counters.set(`c:${i}`, await c.call('GET', `c:${i}`));
    return { digest, sizes, counters };
  } finally {
    c.close();
  }
}

test('kill -9 during start-up loading: the files are untouched and the next start loads everything', async (t) => {
  const built = buildAof(LOAD_RECORDS);
  const incrName = 'appendonly.aof.1.incr.aof';
  const origIncr = built.files.get(incrName)!;
  const expectedCounters = new Map<string, RespValue>();
  for (let i = 0; i < 13; i++) expectedCounters.set(`c:${i}`, built.counters.has(`c:${i}`) ? String(built.counters.get(`c:${i}`)) : null);

  // A reference load of an untouched copy: its duration, and the dataset to expect.
  const refDir = mkTmp('nodis-crash-loadref-');
  writeAof(refDir, built);
  const refPort = await freePort();
  const ref = spawnNodis(refDir, refPort, 'everysec');
  let loadStart: number;
  let loadEnd: number;
  let expected: Awaited<ReturnType<typeof datasetSummary>>;
  try {
    loadStart = await ref.waitLine(/Server initialized/);
    loadEnd = await ref.waitLine(/Ready to accept connections/, 120_000);
    assert.match(ref.out(), new RegExp(`Truncating the AOF ${incrName.replace(/\./g, '\\.')} at offset ${built.incrValid} `));
    expected = await datasetSummary(refPort);
  } finally {
    await kill9(ref);
  }
  assert.deepEqual(expected.sizes, built.dbsize, 'DBSIZE of db 0 and db 1 after the reference load');
  assert.deepEqual(expected.counters, expectedCounters, 'the INCR counters written inside MULTI blocks');
  const loadMs = loadEnd - loadStart;
  await t.test('redis-server loads the same dataset from these files', { skip: HAVE_REDIS ? false : `${REDIS_SERVER} is not installed` }, async () => {
    const rdir = mkTmp('nodis-crash-loadredis-');
    writeAof(rdir, built);
    const redis = await startRedis(rdir);
    try {
      const got = await datasetSummary(redis.port);
      assert.deepEqual(got, expected, 'redis-server loads the same dataset (digest, sizes, counters)');
    } finally {
      await kill9(redis);
    }
  });

  // Kills at random moments of the load, on one directory.
  const dir = mkTmp('nodis-crash-load-');
  writeAof(dir, built);
  const aofDir = path.join(dir, 'appendonlydir');
  let midLoad = 0;
  let truncatedBeforeKill = 0;
  const delays: number[] = [];
  for (let k = 0; k < LOAD_KILLS; k++) {
    const p = spawnNodis(dir, await freePort(), 'everysec');
    try {
      await p.waitLine(/Server initialized/);
      // Stratified: kill k lands in the k-th slice of the load (the last one may fall just
      // after it, once the torn tail was cut).
      const slice = (loadMs * 1.05) / LOAD_KILLS;
      // The first kill comes early, so that one lands in the load even if this start is much faster.
      const delay = k === 0 ? between(0, Math.floor(slice / 2)) : between(Math.floor(k * slice), Math.floor((k + 1) * slice));
      delays.push(delay);
      await sleep(delay);
    } finally {
      await kill9(p);
    }
    const out = p.out();
    if (!out.includes('DB loaded from append only file')) midLoad++;
    // Loading modifies nothing but a torn tail, which it truncates once it reaches it.
    const names = fs.readdirSync(aofDir).filter((n) => n !== 'temp-appendonly.aof.manifest').sort();
    assert.deepEqual(names, [...built.files.keys()].sort(), `kill ${k + 1}: the files in appendonlydir`);
    for (const [name, buf] of built.files) {
      const now = fs.readFileSync(path.join(aofDir, name));
      if (name === incrName && !now.equals(buf)) {
        assert.ok(now.equals(origIncr.subarray(0, built.incrValid)), `kill ${k + 1}: the INCR changed other than by cutting its torn tail (size ${now.length})`);
        assert.ok(out.includes(`!!! Truncating the AOF ${incrName} at offset ${built.incrValid} !!!`), `kill ${k + 1}: truncated without logging it:\n${out}`);
        truncatedBeforeKill++;
        continue;
      }
      assert.ok(now.equals(buf), `kill ${k + 1}: ${name} was modified by a killed load (size ${buf.length} -> ${now.length})`);
    }
  }
  assert.ok(LOAD_KILLS === 0 || midLoad > 0, `no kill landed during the load (load takes ${loadMs} ms; delays ${delays.join(', ')})`);

  const final = await startNodis(dir, 'everysec');
  try {
    const got = await datasetSummary(final.port);
    assert.deepEqual(got, expected, 'after the killed loads, a start loads the whole dataset');
  } finally {
    await kill9(final);
  }
  assert.equal(fs.statSync(path.join(aofDir, incrName)).size, built.incrValid, 'only the torn tail was cut');
  if (HAVE_CHECK) {
    const r = await checkAof(dir);
    assert.equal(r.code, 0, `redis-check-aof after the loads:\n${r.stdout}`);
  }
  t.diagnostic(
    `load kill: ${LOAD_RECORDS} records (${built.files.get('appendonly.aof.1.base.aof')!.length + origIncr.length} bytes), load takes ~${loadMs} ms; ` +
      `${LOAD_KILLS} kills at ${delays.join(', ')} ms into the load, ${midLoad} during loading, ${truncatedBeforeKill} after the tail was truncated`,
  );
});
