// KeyspaceView (src/keyspace/snapshot.ts): a view taken at any instant yields exactly the
// dataset of that instant, whatever commands run while it is walked, and costs nothing per key
// to take. The property test runs random command streams through the real dispatcher of two
// servers under one fake clock: the subject, where views are taken, walked and released, and a
// model that never has a view (the live data must not notice the views).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Config } from '../../src/server/config.js';
import { Server } from '../../src/server/server.js';
import type { Client } from '../../src/server/client.js';
import { Database } from '../../src/keyspace/database.js';
import { KeyEntry } from '../../src/keyspace/entry.js';
import { ByteString } from '../../src/keyspace/byte-string.js';
import { ListValue } from '../../src/keyspace/list.js';
import type { Entry, Value } from '../../src/keyspace/types.js';
import type { KeyspaceView, SnapshotEntry, SnapshotVisitor } from '../../src/keyspace/snapshot.js';
import { rewriteKey } from '../../src/aof/rewrite-records.js';
import { mulberry32 } from '../helpers/data-gen.js';

// ---- canonical dumps ------------------------------------------------------------------------

/** A value as text: elements in their order for lists and sorted sets, sorted for sets and hashes. */
function canon(v: Value | ByteString, withEncoding: boolean): string {
  if (typeof v === 'string') return `s:${v}`;
  if (v instanceof ByteString) return `s:${v.toString()}`;
  const items: string[] = [];
  const fake: Entry = { key: 'k', value: v, expireAt: 0, access: 0, freq: 0, seq: 0, dead: false };
  rewriteKey('k', fake, (argv) => {
    for (let i = 2; i < argv.length; i++) items.push(argv[i]!);
  });
  let body = items;
  if (v.type === 'set') body = [...items].sort();
  if (v.type === 'hash') body = items.flatMap((f, i) => (i % 2 === 0 ? [`${f}=${items[i + 1]}`] : [])).sort();
  const enc = withEncoding ? `/${(v as unknown as { encoding(): string }).encoding()}` : '';
  return `${v.type}${enc}:${JSON.stringify(body)}`;
}

/** The value as held, without turning a ByteString being edited back into a string. */
function held(e: Entry | SnapshotEntry): Value | ByteString {
  return e instanceof KeyEntry ? e.stored : e.value;
}

function row(db: number, e: Entry | SnapshotEntry, withEncoding = false): string {
  return `${db}|${e.key}|${e.expireAt}|${canon(held(e), withEncoding)}`;
}

/** Every entry of every database, logically expired ones still present included. */
function dump(server: Server, withEncoding = false): string[] {
  const out: string[] = [];
  for (const db of server.keyspace.dbs) for (const e of db.entries()) out.push(row(db.id, e, withEncoding));
  return out.sort();
}

/** A view with what it must yield, and what it yielded so far. */
class Walk {
  readonly got: string[] = [];
  readonly visit: SnapshotVisitor = (db, e) => void this.got.push(row(db, e));
  constructor(
    readonly view: KeyspaceView,
    readonly expected: string[],
  ) {}

  step(budget: number): void {
    const before = this.got.length;
    const more = this.view.step(budget, this.visit);
    assert.equal(this.got.length - before, Math.min(budget, this.expected.length - before), 'keys yielded by step');
    assert.equal(this.view.visited, this.got.length);
    assert.equal(this.view.done, !more);
    assert.equal(more, this.got.length < this.expected.length, 'step answers true exactly while keys remain');
  }

  /** Walks the rest, checks the whole yield, releases. */
  finish(): void {
    this.view.walkAll(this.visit);
    assert.ok(this.view.done);
    const ids = this.got.map((r) => r.split('|', 2).join('|'));
    assert.equal(new Set(ids).size, ids.length, 'a key was yielded twice');
    assert.deepEqual([...this.got].sort(), this.expected);
    assert.equal(this.view.visited, this.view.totalKeys);
    this.view.release();
  }
}

// ---- servers --------------------------------------------------------------------------------

function newServer(databases = 3): Server {
  const config = new Config();
  config.set('databases', String(databases));
  const server = new Server(config);
  // A handler that throws is logged and swallowed by the dispatcher: make it fail the test.
  server.logger.raw = (line: string) => assert.fail(`server log: ${line}`);
  return server;
}

/**
 * A view's hooks run with their own Math.random: a pre-image of a sorted set draws skiplist
 * levels, which must not shift the draws of the command (SPOP ...) that the model makes too.
 */
function isolateRandom(view: KeyspaceView): KeyspaceView {
  const side = mulberry32(7);
  const hooks = view as unknown as Record<'beforeEntryChange' | 'beforeClear' | 'beforeSwap', (...a: unknown[]) => void>;
  for (const name of ['beforeEntryChange', 'beforeClear', 'beforeSwap'] as const) {
    const hook = hooks[name]!.bind(view);
    hooks[name] = (...a: unknown[]) => {
      const random = Math.random;
      Math.random = side;
      hook(...a);
      Math.random = random;
    };
  }
  return view;
}

/** Subject and model, fed the same commands under one fake clock. */
class Twin {
  clock = 1_700_000_000_000;
  readonly subject = newServer();
  readonly model = newServer();
  private readonly clients: [Server, Client][] = [
    [this.subject, this.subject.createInternalClient()],
    [this.model, this.model.createInternalClient()],
  ];
  private n = 0;

  /** "@d" in argv is the absolute time now + d ms. Notes in `changed` the commands that wrote. */
  exec(argv: readonly string[], changed?: Set<string>): void {
    const resolved = argv.map((a) => (a.startsWith('@') ? String(this.clock + Number(a.slice(1))) : a));
    const seed = ++this.n;
    const dirty = this.model.keyspace.dirty;
    for (const [server, client] of this.clients) {
      // Deterministic Math.random, reset before each command on each server (SPOP, SRANDMEMBER).
      Math.random = mulberry32(seed);
      server.keyspace.time = this.clock;
      server.executeRequest(client, [...resolved]);
    }
    if (this.model.keyspace.dirty > dirty) changed?.add(argv[0]!);
  }
}

// ---- the random operations ------------------------------------------------------------------

type Op = { t: 'cmd'; argv: string[] } | { t: 'multi'; cmds: string[][]; discard: boolean } | { t: 'tick'; ms: number }
  | { t: 'active' } | { t: 'snap' } | { t: 'walk'; budget: number; which: number } | { t: 'release'; which: number };

type Part = string | fc.Arbitrary<string> | fc.Arbitrary<string[]>;
const c = (...parts: Part[]): fc.Arbitrary<string[]> =>
  fc.tuple(...parts.map((p) => (typeof p === 'string' ? fc.constant(p) : (p as fc.Arbitrary<string | string[]>)))).map((xs) => xs.flat());
const opt = (...alts: string[][]): fc.Arbitrary<string[]> => fc.constantFrom<string[]>([], ...alts);
const some = <T>(a: fc.Arbitrary<T>, max: number) => fc.array(a, { minLength: 1, maxLength: max });
const range = (n: number, f: (i: number) => string[]) => Array.from({ length: n }, (_, i) => f(i)).flat();

// Key pools per type, overlapping through "x"; the generic commands use every key.
const pool = (chars: string) => fc.constantFrom(...chars.split(''));
const [ALL, S, L, H, T, Z, SORTABLE] = ['abxlmhstzy', 'abx', 'lmx', 'hx', 'stx', 'zyx', 'lmstzy'].map(pool);
const val = fc.constantFrom('', 'v', 'w', '1', '12', '-3', 'abc');
const mem = fc.constantFrom('1', '2', '3', '10', 'a', 'b', 'c');
const field = fc.constantFrom('f', 'g', 'k', '1');
const score = fc.constantFrom('1', '2', '-1', '0.5', '+inf');
const db = pool('012');
const ms = fc.integer({ min: 1, max: 100 }).map(String);
const at = fc.integer({ min: -20, max: 100 }).map((d) => `@${d}`);
const small = fc.integer({ min: -3, max: 3 }).map(String);
const side = fc.constantFrom('LEFT', 'RIGHT');

const w = (arbitrary: fc.Arbitrary<string[]>, weight = 4) => ({ arbitrary, weight });
const commandArb: fc.Arbitrary<string[]> = fc.oneof(
  // strings (SETBIT/BITFIELD past 32768 bits make a ByteString edited in place)
  w(c('MSET', 'a', val, 'l', val, 's', val, 'z', val, 'h', val)),
  w(c('SET', S, val, opt(['NX'], ['XX'], ['GET'], ['KEEPTTL']))),
  w(c('SET', S, val, 'PX', ms)),
  w(c('APPEND', S, val)), w(c('INCR', S)), w(c('INCRBY', S, small)),
  w(c('SETRANGE', S, fc.constantFrom('0', '2', '9', '4100'), fc.constantFrom('z', 'xyz'))),
  w(c('SETBIT', S, fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 32760, max: 34000 })).map(String), fc.constantFrom('0', '1'))),
  w(c('BITFIELD', S, 'SET', 'u8', fc.constantFrom('#0', '#3', '#4200'), fc.constantFrom('0', '255'))),
  w(c('GET', ALL)), w(c('GETDEL', ALL)), w(c('GETEX', ALL, opt(['PX', '5'], ['PERSIST'], ['PXAT', '@30']))),
  // generic
  w(c('DEL', ALL, opt(['a'], ['l']))), w(c('UNLINK', ALL)), w(c('EXISTS', ALL)), w(c('PERSIST', ALL)),
  w(c('EXPIRE', ALL, fc.constantFrom('0', '100'))), w(c('PEXPIREAT', ALL, at)),
  w(c('PEXPIRE', ALL, ms, opt(['NX'], ['XX'], ['GT'], ['LT']))),
  w(c('RENAME', ALL, ALL)), w(c('RENAMENX', ALL, ALL)), w(c('MOVE', ALL, db)),
  w(c('COPY', ALL, ALL, opt(['REPLACE'], ['DB', '1'], ['DB', '2', 'REPLACE'], ['DB', '0']))),
  w(c('SELECT', db)), w(c('SWAPDB', db, db), 1), w(c('FLUSHDB'), 1), w(c('FLUSHALL'), 1),
  // lists
  w(c(fc.constantFrom('LPUSH', 'RPUSH'), L, some(val, 3))), w(c(fc.constantFrom('LPOP', 'RPOP'), L, opt(['2']))),
  w(c('LSET', L, small, val)), w(c('LREM', L, small, val)), w(c('LTRIM', L, small, small)),
  w(c('LINSERT', L, fc.constantFrom('BEFORE', 'AFTER'), val, val)),
  w(c('LMOVE', L, L, side, side)), w(c('RPOPLPUSH', L, L)),
  // hashes
  w(c('HSET', H, field, val, opt(['g', 'w']))), w(c('HDEL', H, field)),
  w(c('HINCRBY', H, field, small)), w(c('HSETNX', H, field, val)),
  // sets
  w(c('SADD', T, some(mem, 3))), w(c('SREM', T, mem)), w(c('SPOP', T, opt(['2']))), w(c('SMOVE', T, T, mem)),
  w(c(fc.constantFrom('SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE'), ALL, T, T)),
  // sorted sets, SORT
  w(c('ZADD', Z, score, mem, opt(['2', 'b']))), w(c('ZINCRBY', Z, score, mem)), w(c('ZREM', Z, mem)),
  w(c('ZPOPMIN', Z, opt(['2']))), w(c('ZUNIONSTORE', ALL, '2', Z, fc.constantFrom('z', 's'))),
  w(c('ZRANGESTORE', ALL, Z, '0', fc.constantFrom('-1', '1'))),
  w(c('SORT', SORTABLE, opt(['DESC'], ['LIMIT', '0', '2']), 'ALPHA', 'STORE', ALL)),
  // collections past their small encodings (64-item AOF records, listpack/intset limits)
  w(c('RPUSH', L, fc.constant(range(70, (i) => [`e${i}`]))), 1),
  w(c('HSET', H, fc.constant(range(130, (i) => [`f${i}`, `v${i}`]))), 1),
  w(c('SADD', T, fc.constant(range(520, (i) => [String(i)]))), 1),
  w(c('ZADD', Z, fc.constant(range(130, (i) => [String(i % 7), `m${i}`]))), 1),
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 40, arbitrary: commandArb.map((argv): Op => ({ t: 'cmd', argv })) },
  { weight: 2, arbitrary: fc.record({ cmds: some(commandArb, 4), discard: fc.boolean() }).map(({ cmds, discard }): Op => ({ t: 'multi', cmds, discard: discard && cmds.length === 1 })) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 60 }).map((ms): Op => ({ t: 'tick', ms })) },
  { weight: 1, arbitrary: fc.constant<Op>({ t: 'active' }) },
  { weight: 3, arbitrary: fc.constant<Op>({ t: 'snap' }) },
  { weight: 4, arbitrary: fc.record({ budget: fc.integer({ min: 1, max: 8 }), which: fc.nat(1) }).map((r): Op => ({ t: 'walk', ...r })) },
  { weight: 1, arbitrary: fc.nat(1).map((which): Op => ({ t: 'release', which })) },
);

/** Every run starts from nine keys of every type in each database, two of them volatile. */
const PRELUDE: string[][] = ['2', '1', '0'].flatMap((d) =>
  [`SELECT ${d}`, `MSET a a${d} b 7`, `RPUSH l x y ${d}`, 'RPUSH m 3 1 2', `HSET h f ${d} g w`, 'SADD s 1 2 3',
    `SADD t a 2 ${d}`, 'ZADD z 1 a 2 b', `ZADD y 0.5 ${d} 3 c`, 'PEXPIRE b 50', 'PEXPIRE m 100'].map((l) => l.split(' ')),
);

test('views stay exact under random writes, and the live data matches a server without views', () => {
  const realNow = Date.now;
  const realRandom = Math.random;
  const stats = { snaps: 0, preimages: 0, keys: 0 };
  const changed = new Set<string>();
  try {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 20, maxLength: 120 }), (ops) => {
        const twin = new Twin();
        Date.now = () => twin.clock;
        for (const argv of PRELUDE) twin.exec(argv);
        const ks = twin.subject.keyspace;
        const walks: Walk[] = [];
        const finish = (w: Walk) => {
          stats.preimages += w.view.preimagesTaken;
          w.finish();
          walks.splice(walks.indexOf(w), 1);
          assert.ok(!ks.observers.includes(w.view));
        };
        for (const op of ops) {
          const target = walks.length > 0 ? walks[(op.t === 'walk' || op.t === 'release' ? op.which : 0) % walks.length]! : null;
          if (op.t === 'cmd') twin.exec(op.argv, changed);
          else if (op.t === 'multi') [['MULTI'], ...op.cmds, [op.discard ? 'DISCARD' : 'EXEC']].forEach((argv) => twin.exec(argv));
          else if (op.t === 'tick') twin.clock += op.ms;
          // The expire cycle reads the (fake) clock through Date.now.
          else if (op.t === 'active') [twin.subject, twin.model].forEach((server) => server.expireCycle.run(1000));
          else if (op.t === 'walk') target?.step(op.budget);
          else if (op.t === 'release') { if (target) finish(target); }
          else if (walks.length < 2) {
            const expected = dump(twin.subject);
            const view = isolateRandom(ks.snapshot());
            assert.deepEqual([view.totalKeys, view.visited, view.preimagesTaken], [expected.length, 0, 0]);
            walks.push(new Walk(view, expected));
            stats.snaps++;
            stats.keys += expected.length;
          }
          assert.deepEqual(dump(twin.subject, true), dump(twin.model, true));
        }
        while (walks.length > 0) finish(walks[0]!);
        assert.equal(ks.observers.length, 0);
      }),
      // FC_SEED / FC_PATH replay a reported counterexample.
      { numRuns: 300, includeErrorInReport: true, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}) },
    );
  } finally {
    Date.now = realNow;
    Math.random = realRandom;
  }
  // The runs must exercise pre-images, and every write command must have written at least once.
  if (process.env.FC_SEED !== undefined) return;
  assert.ok(stats.snaps > 200 && stats.keys > 4000 && stats.preimages > 500, JSON.stringify(stats));
  const writers = new Set(fc.sample(commandArb, { numRuns: 5000, seed: 1 }).map((argv) => argv[0]!));
  for (const name of ['GET', 'EXISTS', 'SELECT']) writers.delete(name);
  assert.deepEqual([...writers].filter((name) => !changed.has(name)), []);
});

// ---- directed tests -------------------------------------------------------------------------

/** A server with an internal client; run() executes commands written as space-separated words. */
function setup(databases = 3) {
  const server = newServer(databases);
  const client = server.createInternalClient();
  const cmd = (...argv: string[]) => server.executeRequest(client, argv);
  const run = (...lines: string[]) => lines.forEach((l) => cmd(...l.split(' ')));
  const take = () => new Walk(server.keyspace.snapshot(), dump(server));
  return { server, ks: server.keyspace, cmd, run, take };
}

const NO_VISIT: SnapshotVisitor = () => assert.fail('yielded after release');

test('taking a view does no per-key work: 200k keys, nothing visited, no scan', () => {
  const { ks } = setup(16);
  for (let i = 0; i < 150_000; i++) ks.dbs[0]!.add(`k${i}`, 'v');
  for (let i = 0; i < 50_000; i++) ks.dbs[5]!.add(`j${i}`, String(i));
  const proto = Database.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const spied = ['scan', 'entries', 'getEntry', 'peekEntry'];
  const originals = spied.map((m) => proto[m]!);
  let calls = 0;
  spied.forEach((m, i) => (proto[m] = function (this: unknown, ...a: unknown[]) {
    calls++;
    return originals[i]!.apply(this, a);
  }));
  let view: KeyspaceView;
  try {
    view = ks.snapshot();
  } finally {
    spied.forEach((m, i) => (proto[m] = originals[i]!));
  }
  assert.equal(calls, 0);
  assert.deepEqual([view.totalKeys, view.visited, view.preimagesTaken], [200_000, 0, 0]);
  const seen: string[] = [];
  assert.equal(view.step(10, (d, e) => void seen.push(`${d}:${e.key}`)), true);
  assert.deepEqual(seen, range(10, (i) => [`0:k${i}`]));
  assert.equal(view.visited, 10);
  view.release();
  assert.equal(ks.observers.length, 0);
});

test('pre-images: none for keys already walked, one per unvisited key however often written', () => {
  const { ks, run, take } = setup();
  const key = (i: number) => `k${String(i).padStart(3, '0')}`;
  for (let i = 0; i < 100; i++) run(`SET ${key(i)} v${i}`);
  run('RPUSH list a b c');
  const w = take();
  w.step(50);
  assert.deepEqual(w.got.map((r) => r.split('|')[1]), range(50, (i) => [key(i)]));
  for (const k of [key(10), key(70)]) {
    for (let n = 0; n < 5; n++) run(`SET ${k} new${n}`, `APPEND ${k} x`, `PEXPIRE ${k} 100000`, `PERSIST ${k}`);
    run(`DEL ${k}`, `SET ${k} recreated`, `RPUSH ${k} wrongtype`);
    assert.equal(w.view.preimagesTaken, k === key(10) ? 0 : 1);
  }
  for (let n = 0; n < 5; n++) run(`LPUSH list x${n}`);
  run('LPOP list', 'LSET list 0 z');
  assert.equal(w.view.preimagesTaken, 2);
  w.finish();
  assert.equal(ks.observers.length, 0);
});

test('the scan order compacted under a walk (over 1024 deletions) loses nothing', () => {
  const { ks, cmd, take } = setup();
  for (let i = 0; i < 3000; i++) cmd('SET', `k${i}`, `v${i}`);
  const w = take();
  w.step(700); // k0..k699
  for (let i = 500; i < 2900; i += 2) cmd('DEL', `k${i}`); // 1100 unvisited
  for (let i = 0; i < 1100; i++) cmd('UNLINK', `k${i}`); // 200 more unvisited
  assert.ok((ks.dbs[0] as unknown as { order: unknown[] }).order.length < 3000, 'compacted');
  for (let i = 0; i < 3000; i += 3) cmd('SET', `k${i}`, 'new'); // 333 unvisited still present
  w.step(1000);
  w.finish();
  assert.equal(w.view.preimagesTaken, 1100 + 200 + 333);
});

test('FLUSHALL / FLUSHDB during a walk: the walk yields everything; release drops it', () => {
  for (const flush of ['FLUSHALL', 'FLUSHDB']) {
    const { ks, run, take } = setup();
    for (const d of ['0', '1', '2']) {
      run(`SELECT ${d}`);
      for (let i = 0; i < 30; i++) run(`SET d${d}k${i} v${i}`);
      run(`PEXPIRE d${d}k3 100000`, `HSET d${d}h f v g w`);
    }
    run('SELECT 1');
    const w = take();
    w.step(45); // all of db 0, half of db 1: the flushed db is the one being walked
    run('HSET d1h f changed', 'SET d1k2 walked-already', flush); // d1h: a pre-image, kept across the flush
    for (let i = 0; i < 40; i++) run(`SET d1k${i} after-flush`);
    run('SELECT 2', 'SET d2k29 after'); // flushed too by FLUSHALL; unvisited (a pre-image) after FLUSHDB
    w.step(7);
    w.finish();
    assert.equal(w.view.preimagesTaken, flush === 'FLUSHALL' ? 1 : 2);
    assert.equal(ks.observers.length, 0);

    const w2 = take();
    w2.step(5);
    run('FLUSHALL');
    w2.view.release();
    assert.equal(ks.observers.length, 0);
    assert.ok(w2.view.done);
    assert.equal(w2.view.step(100, NO_VISIT), false);
    w2.view.walkAll(NO_VISIT);
  }
});

test('SWAPDB during a walk: keys come with their snapshot-time database numbers', () => {
  const { ks, run, take } = setup();
  for (const [d, p, n] of [['0', 'a', 20], ['1', 'b', 20], ['2', 'c', 5]] as const) {
    run(`SELECT ${d}`);
    for (let i = 0; i < n; i++) run(`SET ${p}${i} ${p}v${i}`);
    run(`SADD ${p}set 1 2 x`);
  }
  const w = take();
  w.step(10); // half of db 0
  run('SWAPDB 0 1', 'SWAPDB 1 2'); // db 0's contents (half walked) are now in db 2
  run('SELECT 2', 'SET a15 changed', 'SADD aset 3', 'SET a2 walked', 'SET anew x'); // 2 pre-images
  run('SELECT 0', 'SET b3 changed'); // snapshot db 1, now db 0
  w.step(13);
  run('SWAPDB 0 2', 'SWAPDB 0 0', 'SELECT 2', 'DEL b10 b11', 'MOVE b12 1');
  w.finish();
  const dbOf: Record<string, string> = { a: '0', b: '1', c: '2' };
  for (const r of w.got) assert.equal(r[0], dbOf[r.split('|')[1]![0]!], r);
  assert.equal(w.view.preimagesTaken, 6);
  assert.equal(ks.observers.length, 0);
});

test('keys created after the view are never yielded', () => {
  const { ks, run, take } = setup();
  for (let i = 0; i < 10; i++) run(`SET k${i} v${i}`);
  run('RPUSH list b a', 'PEXPIRE k9 1');
  const w = take();
  run('SET new1 x', 'RPUSH new2 x', 'COPY k0 new3', 'COPY list newlist DB 1', 'SORT list ALPHA STORE new5');
  run('RENAME k1 new4', 'MOVE k2 2'); // k1 and k2 are yielded in db 0, with their old values
  run('DEL k5', 'SET k5 recreated'); // a new entry under an old name: the old k5 is yielded
  run('SELECT 1', 'SET k0 other-db');
  w.step(3);
  ks.time += 10;
  run('SELECT 0', 'GET k9', 'SET k9 after-expiry'); // k9 was present: yielded, as it was
  w.finish();
  for (const r of w.got) assert.ok(!/\|new|^1\|/.test(r), r);
});

test('a 100k-element list written during the walk is yielded with its old contents', () => {
  const { ks, cmd, run } = setup();
  run('SET first 1');
  for (let c0 = 0; c0 < 100_000; c0 += 10_000) cmd('RPUSH', 'big', ...range(10_000, (i) => [`e${c0 + i}`]));
  run('SET last 1');
  const view = ks.snapshot();
  const keys: string[] = [];
  let old: Value | null = null;
  const visit: SnapshotVisitor = (_db, e) => {
    keys.push(e.key);
    if (e.key !== 'big') return;
    assert.ok(!(e instanceof KeyEntry), 'yielded from a pre-image, not from the live entry');
    old = e.value;
  };
  view.step(1, visit);
  run('LPUSH big head', 'LSET big 5 changed', 'LTRIM big 0 999', 'RPOP big');
  assert.equal(view.preimagesTaken, 1);
  view.walkAll(visit);
  assert.deepEqual(keys, ['first', 'big', 'last']);
  const list = old as Value | null;
  assert.ok(list instanceof ListValue);
  assert.equal(list.length, 100_000);
  for (let i = 0; i < 100_000; i++) if (list.at(i) !== `e${i}`) assert.fail(`element ${i}: ${list.at(i)}`);
  run('RPUSH big after-walk'); // walked: no new pre-image
  assert.equal(view.preimagesTaken, 1);
  view.release();
  assert.equal(ks.observers.length, 0);
});

test('a bitmap edited in place as bytes keeps its old bits in the view', () => {
  const { ks, run, take } = setup();
  run('SET a x', 'SETBIT bits 40000 1', 'SETBIT bits 1 1');
  assert.ok((ks.dbs[0]!.peekEntry('bits') as KeyEntry).stored instanceof ByteString);
  const w1 = take();
  w1.step(1);
  const w2 = take();
  for (let i = 0; i < 4; i++) run(`SETBIT bits ${8 * i + 3} 1`);
  run('BITFIELD bits SET u8 #4000 255');
  assert.deepEqual([w1.view.preimagesTaken, w2.view.preimagesTaken], [1, 1]);
  w2.step(2);
  run('SETBIT bits 0 1');
  w1.finish();
  w2.finish();
  assert.equal(ks.observers.length, 0);
});

test('done as soon as the last key was yielded', () => {
  const { ks, run } = setup();
  run('SET a 1', 'SET b 2');
  const view = ks.snapshot();
  assert.equal(view.step(2, () => {}), false);
  assert.ok(view.done);
  view.release();
});

test('release() is idempotent and leaves no observer behind', () => {
  const { ks, run } = setup();
  for (let i = 0; i < 5; i++) run(`SET k${i} v`);
  const v1 = ks.snapshot();
  const v2 = ks.snapshot();
  assert.equal(ks.observers.length, 2);
  v1.release();
  v1.release();
  assert.deepEqual(ks.observers, [v2]);
  run('SET k0 w');
  assert.deepEqual([v1.preimagesTaken, v2.preimagesTaken], [0, 1]);
  assert.equal(v1.step(10, NO_VISIT), false);
  assert.ok(v1.done);
  v2.release();
  v2.release();
  v1.release();
  assert.equal(ks.observers.length, 0);
  run('SET k1 w', 'FLUSHALL');
  assert.equal(v2.preimagesTaken, 1);
  assert.equal(v2.step(10, NO_VISIT), false);
});
