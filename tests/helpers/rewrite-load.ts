// Harness of tests/persistence/aof-rewrite-load.test.ts: background AOF rewrites under
// concurrent write load, checked against models built from the server's own history.
//
// - OpLog: every operation the server propagated since its start, in order (the exact stream
//   the AOF appends), so that any prefix of it can be replayed into a fresh server.
// - RewriteTracker: notes, for each rewrite, how many operations had been propagated when its
//   view was taken, and copies the BASE as soon as the rewrite is installed.
//   The BASE must then equal the replay of that prefix: the dataset at the snapshot.
// - The writers: seeded random commands over typed key namespaces (so no WRONGTYPE), all five
//   types, TTLs, MULTI/EXEC, RENAME/COPY/MOVE, SPOP, INCRBYFLOAT; pipelined or one at a time;
//   short-lived keys that expire lazily and actively; blocking pops served by pushes.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { LogSink } from '../../src/server/logger.js';
import type { PropagatedOp } from '../../src/commands/propagation.js';
import type { KeyspaceView } from '../../src/keyspace/snapshot.js';
import { RespError, encodeCommand, type RespClient, type RespValue } from './resp-client.js';
import type { TestServer } from './server.js';
import { AOF_DIRNAME, MANIFEST_NAME, manifestEntries, readAofFile, resp } from './aof-files.js';
import { type Arg, ok, sleep, waitBlocked } from './calls.js';
import { ALL_BYTES, mulberry32 } from './data-gen.js';

export const HOUR = 3_600_000;

// ---- the server's history -------------------------------------------------------------------

export class OpLog {
  readonly ops: { readonly db: number; readonly argv: readonly string[] }[] = [];

  constructor(srv: TestServer) {
    srv.server.propagation.addListener((ops: readonly PropagatedOp[]) => {
      for (const op of ops) this.ops.push({ db: op.db, argv: [...op.argv] });
    });
  }

  /** The first `n` operations as AOF records (a SELECT whenever the db changes). */
  aof(n = this.ops.length): Buffer {
    const parts: string[] = [];
    let db = -1;
    for (let i = 0; i < n; i++) {
      const op = this.ops[i]!;
      if (op.db >= 0 && op.db !== db) {
        parts.push(resp('SELECT', String(op.db)));
        db = op.db;
      }
      parts.push(resp(...op.argv));
    }
    return Buffer.from(parts.join(''), 'latin1');
  }
}

export interface TrackedRewrite {
  /** Operations propagated before the view was taken. */
  readonly opsAtStart: number;
  /** The view the rewrite walks (its pre-image count tells whether writes raced the walk). */
  readonly view: KeyspaceView;
  /** The BASE it installed (null while running). */
  base: Buffer | null;
  baseName: string | null;
}

/**
 * Follows the rewrites of `srv`: wraps keyspace.snapshot() to note the operations propagated
 * before each view (a view is taken between execution units: the prefix is exact), and, as a
 * log sink, copies the BASE when "Background AOF rewrite finished successfully" is logged
 * (synchronously, after the manifest switch).
 */
export class RewriteTracker implements LogSink {
  readonly rewrites: TrackedRewrite[] = [];
  readonly errors: string[] = [];
  autoStarts = 0;

  constructor(
    srv: TestServer,
    private readonly dir: string,
    private readonly log: OpLog,
  ) {
    const ks = srv.server.keyspace;
    const snapshot = ks.snapshot.bind(ks);
    ks.snapshot = () => {
      const view = snapshot();
      this.rewrites.push({ opsAtStart: this.log.ops.length, view, base: null, baseName: null });
      return view;
    };
    srv.server.logger.sinks.push(this);
  }

  write(line: string): void {
    // Runs inside the server's logger: never throw.
    try {
      if (line.includes(' Starting automatic rewriting of AOF on ')) {
        this.autoStarts++;
      } else if (line.endsWith(' Background AOF rewrite finished successfully')) {
        const r = this.rewrites.at(-1);
        if (r === undefined || r.base !== null) throw new Error('a rewrite finished whose view was not seen');
        const base = manifestEntries(this.dir).find((e) => e.type === 'b')!;
        r.baseName = base.name;
        r.base = readAofFile(this.dir, base.name);
      } else if (/ Background AOF rewrite terminated with error| Killing running AOF rewrite/.test(line)) {
        this.errors.push(line);
      }
    } catch (err) {
      this.errors.push(String(err));
    }
  }

  get finished(): number {
    return this.rewrites.filter((r) => r.base !== null).length;
  }
}

/** A directory whose AOF is `base` then `incr` (Redis 7.0 layout), for a server to load. */
export function writeAofDir(dir: string, base: Buffer, incr: Buffer): void {
  const d = path.join(dir, AOF_DIRNAME);
  fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(d, 'appendonly.aof.1.base.aof'), base);
  fs.writeFileSync(path.join(d, 'appendonly.aof.1.incr.aof'), incr);
  fs.writeFileSync(path.join(d, MANIFEST_NAME), 'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
}

/** SCANs every database to its end: keys whose time has passed are deleted on the way. */
export async function purgeExpired(c: RespClient, dbs = 16): Promise<void> {
  for (let db = 0; db < dbs; db++) {
    await ok(c, 'SELECT', db);
    let cursor = '0';
    do cursor = String(((await ok(c, 'SCAN', cursor, 'COUNT', 1000)) as RespValue[])[0]);
    while (cursor !== '0');
  }
  await ok(c, 'SELECT', 0);
}

/** INFO persistence's rewrite fields. */
export async function rewriteInfo(c: RespClient): Promise<{ inProgress: boolean; processed: number; total: number; rewrites: number; status: string; scheduled: boolean }> {
  const text = String(await ok(c, 'INFO', 'persistence'));
  const f = (name: string): string => new RegExp(`\\r\\n${name}:([^\\r]*)\\r\\n`).exec(text)?.[1] ?? assert.fail(`no ${name} in INFO`);
  return {
    inProgress: f('aof_rewrite_in_progress') === '1',
    scheduled: f('aof_rewrite_scheduled') === '1',
    processed: Number(f('current_save_keys_processed')),
    total: Number(f('current_save_keys_total')),
    rewrites: Number(f('aof_rewrites')),
    status: f('aof_last_bgrewrite_status'),
  };
}

// ---- the random workload ------------------------------------------------------------------

/** Typed namespaces: s strings, c counters, f floats, l lists, h hashes, t sets, z zsets. */
export const TYPES = ['s', 'c', 'f', 'l', 'h', 't', 'z'] as const;
export const KEYS_PER_TYPE = 5;
export const DBS = 4;

/** Errors a random command may get by design (missing key, same source and destination). */
const EXPECTED_ERRORS = /^ERR (no such key|index out of range|source and destination objects are the same)$/;

export function checkReply(r: RespValue, what: Arg[]): void {
  if (r instanceof RespError && !EXPECTED_ERRORS.test(r.message)) throw new Error(`${what.slice(0, 4).map(String).join(' ')} -> ${r.message}`);
  if (Array.isArray(r)) for (const x of r) if (x instanceof RespError) checkReply(x, what);
}

/** Commands building key `<p>:<t>:<i>` (big ones for i < 2: more than 64 items, batched records). */
export function preloadCommands(p: string, now: number): Arg[][] {
  const out: Arg[][] = [];
  for (let db = 0; db < DBS; db++) {
    out.push(['SELECT', db]);
    for (const t of TYPES) {
      for (let i = 0; i < KEYS_PER_TYPE; i++) {
        const k = `${p}:${t}:${i}`;
        const n = i < 2 ? 70 + 40 * i : 1 + i;
        const items = Array.from({ length: n }, (_, j) => `${k}/${j}`);
        if (t === 's') out.push(['SET', k, i === 0 ? ALL_BYTES : `${k}=${db}`]);
        else if (t === 'c') out.push(['INCRBY', k, db * 100 + i]);
        else if (t === 'f') out.push(['INCRBYFLOAT', k, `${i}.25`]);
        else if (t === 'l') out.push(['RPUSH', k, ...items]);
        else if (t === 'h') out.push(['HSET', k, ...items.flatMap((x, j) => [`f${j}`, x])]);
        else if (t === 't') out.push(['SADD', k, ...(i % 2 === 0 ? items.map((_, j) => j * 3 - 50) : items)]);
        else out.push(['ZADD', k, ...items.flatMap((x, j) => [((j * 37) % 101) / 4 - 3, x])]);
        if (i % 3 === 1) out.push(['PEXPIREAT', k, now + 5 * HOUR + db * 1000 + i]);
      }
    }
  }
  out.push(['SELECT', 0]);
  return out;
}

/** A seeded source of commands over the namespace of prefix `p`: one command or a MULTI block. */
export function commandSource(seed: number, p: string): () => Arg[][] {
  const rnd = mulberry32(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const pick = <T>(a: readonly T[]): T => a[int(a.length)]!;
  let seq = 0;
  const key = (t: string): string => `${p}:${t}:${int(KEYS_PER_TYPE)}`;
  const items = (n: number): string[] => Array.from({ length: n }, () => `e${int(200)}`);
  const size = (): number => (rnd() < 0.08 ? 65 + int(60) : 1 + int(4));
  const one = (): Arg[] => {
    seq++;
    const t = pick(TYPES);
    const k = key(t);
    const r = rnd();
    if (r < 0.05) return ['SELECT', int(DBS)];
    if (r < 0.09) return ['EXPIRE', k, 100_000 + int(1000)];
    if (r < 0.12) return ['PEXPIREAT', k, Date.now() + 3 * HOUR + int(100_000)];
    if (r < 0.14) return ['PERSIST', k];
    if (r < 0.16) return [pick(['DEL', 'UNLINK']), k];
    if (r < 0.19) return ['RENAME', k, key(t)];
    if (r < 0.22) return rnd() < 0.5 ? ['COPY', k, key(t), 'REPLACE'] : ['COPY', k, key(t), 'DB', int(DBS), 'REPLACE'];
    if (r < 0.25) return ['MOVE', k, int(DBS)];
    const v = rnd() < 0.1 ? ALL_BYTES.slice(int(256)) : `v${seq}`;
    switch (t) {
      case 's':
        return pick<Arg[]>([
          ['SET', k, v],
          ['SET', k, v, 'PX', HOUR + int(HOUR)],
          ['SET', k, v, 'PXAT', Date.now() + 2 * HOUR + int(1000)],
          ['SET', k, v, 'KEEPTTL'],
          ['APPEND', k, `+${seq}`],
          ['SETRANGE', k, int(20), 'r'],
          ['GETDEL', k],
        ]);
      case 'c':
        return rnd() < 0.5 ? ['INCR', k] : ['INCRBY', k, int(100) - 50];
      case 'f':
        return ['INCRBYFLOAT', k, `${int(2000) - 1000}.${int(1000)}`];
      case 'l':
        return pick<Arg[]>([
          ['RPUSH', k, ...items(size())],
          ['LPUSH', k, ...items(size())],
          ['LPOP', k],
          ['RPOP', k, 1 + int(3)],
          ['LSET', k, 0, v],
          ['LTRIM', k, 0, int(100)],
          ['LMOVE', k, key('l'), 'LEFT', 'RIGHT'],
        ]);
      case 'h':
        return pick<Arg[]>([
          ['HSET', k, ...items(size()).flatMap((x) => [`f${int(150)}`, x])],
          ['HDEL', k, `f${int(150)}`, `f${int(150)}`],
          ['HINCRBY', k, 'cnt', 3],
          ['HINCRBYFLOAT', k, 'fl', '0.5'],
        ]);
      case 't':
        return pick<Arg[]>([
          ['SADD', k, ...(rnd() < 0.5 ? Array.from({ length: size() }, () => int(1000)) : items(size()))],
          ['SREM', k, `e${int(200)}`, int(1000)],
          ['SPOP', k],
          ['SPOP', k, 1 + int(3)],
          ['SMOVE', k, key('t'), `e${int(200)}`],
        ]);
      default:
        return pick<Arg[]>([
          ['ZADD', k, ...items(size()).flatMap((x) => [(int(4000) - 2000) / 8, x])],
          ['ZINCRBY', k, '1.5', `e${int(200)}`],
          ['ZREM', k, `e${int(200)}`],
          ['ZPOPMIN', k],
          ['ZPOPMAX', k, 2],
        ]);
    }
  };
  return () => {
    if (rnd() < 0.12) {
      const n = 2 + int(4);
      return [['MULTI'], ...Array.from({ length: n }, one), ['EXEC']];
    }
    return [one()];
  };
}

export interface WriterLimits {
  /** Set to stop every loop at its next turn. */
  stop: boolean;
  readonly deadline: number;
}

const active = (l: WriterLimits, i: number, max: number): boolean => !l.stop && i < max && Date.now() < l.deadline;

/** Pipelined: batches of commands (MULTI blocks included) sent at once, replies read after. */
export async function pipelinedWriter(c: RespClient, next: () => Arg[][], l: WriterLimits): Promise<number> {
  let n = 0;
  for (let i = 0; active(l, i, 5000); i++) {
    const cmds: Arg[][] = [];
    while (cmds.length < 40) cmds.push(...next());
    c.writeRaw(Buffer.concat(cmds.map((a) => encodeCommand(a))));
    for (const cmd of cmds) checkReply(await c.read(20_000), cmd);
    n += cmds.length;
    // A breath between batches: concurrency matters here, not volume (every check replays it).
    await sleep(2);
  }
  return n;
}

/** One command at a time (a MULTI block command by command). */
export async function singleWriter(c: RespClient, next: () => Arg[][], l: WriterLimits): Promise<number> {
  let n = 0;
  for (let i = 0; active(l, i, 50_000); i++) {
    for (const cmd of next()) {
      const r = await c.call(...cmd);
      checkReply(r, cmd);
      n++;
    }
  }
  return n;
}

/**
 * Short-lived keys (20-220 ms) of every type in dbs 0..3, read back later (lazy expiry) or left
 * to the active expiry cycle.
 */
export async function expiringWriter(c: RespClient, seed: number, l: WriterLimits): Promise<number> {
  const rnd = mulberry32(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  let n = 0;
  for (let i = 0; active(l, i, 20_000); i++) {
    const k = `x:${int(40)}`;
    const ttl = 20 + int(200);
    const cmds: Arg[][] = [['SELECT', int(DBS)]];
    const which = int(4);
    if (which === 0) cmds.push(['SET', `${k}:s`, 'short', 'PX', ttl]);
    else if (which === 1) cmds.push(['RPUSH', `${k}:l`, 'a', 'b'], ['PEXPIRE', `${k}:l`, ttl]);
    else if (which === 2) cmds.push(['HSET', `${k}:h`, 'f', 'v'], ['PEXPIREAT', `${k}:h`, Date.now() + ttl]);
    else cmds.push(['MULTI'], ['ZADD', `${k}:z`, 1, 'm'], ['PEXPIRE', `${k}:z`, ttl], ['EXEC']);
    cmds.push(['GET', `x:${int(40)}:s`], ['EXISTS', `x:${int(40)}:l`, `x:${int(40)}:h`, `x:${int(40)}:z`]);
    c.writeRaw(Buffer.concat(cmds.map((a) => encodeCommand(a))));
    for (const cmd of cmds) checkReply(await c.read(20_000), cmd);
    n += cmds.length;
  }
  return n;
}

/**
 * Blocking pops on fresh keys of db 0 (BLPOP, BZPOPMIN, BLMOVE), each served by a push from
 * `pusher` once INFO shows the client blocked.
 */
export async function blockingPops(c: RespClient, pusher: RespClient, l: WriterLimits): Promise<number> {
  await ok(c, 'SELECT', 0);
  await ok(pusher, 'SELECT', 0);
  let n = 0;
  for (let i = 0; active(l, i, 2000); i++) {
    const kind = i % 3;
    const k = `bl:${i}`;
    if (kind === 0) c.send('BLPOP', k, 10);
    else if (kind === 1) c.send('BZPOPMIN', k, 10);
    else c.send('BLMOVE', k, `bl:dst`, 'LEFT', 'RIGHT', 10);
    await waitBlocked(pusher, 1);
    if (kind === 1) await ok(pusher, 'ZADD', k, 2, 'b', 1, 'a');
    else await ok(pusher, 'RPUSH', k, 'a', 'b');
    const expected: RespValue = kind === 0 ? [k, 'a'] : kind === 1 ? [k, 'a', '1'] : 'a';
    assert.deepEqual(await c.read(15_000), expected, `blocking pop ${i}`);
    n++;
  }
  return n;
}
