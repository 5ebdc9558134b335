// The writers of the AOF crash tests (tests/persistence/aof-crash-*.test.ts): each writer owns
// its keys and a connection, sends a random mix of SET / INCR / RPUSH / HSET / SADD / ZADD and
// MULTI blocks (pipelined or not), checks every reply as it comes and records which ops were
// acknowledged; after a kill and a restart, verifyWriter() checks that the ops that survived
// are a prefix of what was sent (no holes, MULTI all-or-nothing) and that the writer's keys
// hold exactly the state after that prefix (no phantoms).
//
// The randomness is reproducible from NODIS_CRASH_SEED (timing is not); NODIS_CRASH_WRITERS
// sets the number of writers.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { RespClient, RespError, encodeCommand, type RespValue } from './resp-client.js';
import { sleep } from './calls.js';
import { mulberry32 } from './data-gen.js';

/** The integer in environment variable `name`, or `dflt`. */
export const envInt = (name: string, dflt: number): number => {
  const v = process.env[name];
  return v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : dflt;
};
export const WRITERS = envInt('NODIS_CRASH_WRITERS', 6);
export const SEED = envInt('NODIS_CRASH_SEED', crypto.randomInt(1, 2 ** 31));

const rng = mulberry32(SEED);
/** A random integer in [lo, hi]. */
export const between = (lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

// ---- the writers' model ---------------------------------------------------------------------

export type OpKind = 'set' | 'incr' | 'rpush' | 'hset' | 'sadd' | 'zadd' | 'multi';
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

export interface Op {
  readonly kind: OpKind;
  readonly id: number;
  sentAt: number;
  /** When its (last) reply arrived; 0 while unacknowledged. */
  ackAt: number;
}

/** A writer's keys: one database view, compared exactly after each restart. */
export interface State {
  strings: Map<string, string>;
  ctr: number;
  list: string[];
  hash: Map<string, string>;
  set: Set<string>;
  zset: Map<string, string>;
  mset: Set<string>;
}

export const emptyState = (): State => ({ strings: new Map(), ctr: 0, list: [], hash: new Map(), set: new Set(), zset: new Map(), mset: new Set() });
export const cloneState = (s: State): State => ({
  strings: new Map(s.strings),
  ctr: s.ctr,
  list: [...s.list],
  hash: new Map(s.hash),
  set: new Set(s.set),
  zset: new Map(s.zset),
  mset: new Set(s.mset),
});

/** Deterministic, binary-ish values of varied length (CRLF and NUL inside some). */
export function value(id: number): string {
  const tail = id % 5 === 0 ? 'a\r\nb\x00c\xff' : '';
  return `v${id}:${'x'.repeat(id % 41)}${tail}`;
}

export class Writer {
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
export async function runWriter(wr: Writer, port: number, pipeline: boolean, pauseMs: [number, number], killed: { v: boolean }): Promise<void> {
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
export async function readState(c: RespClient, wr: Writer): Promise<State> {
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
export function diffStates(exp: State, act: State): string | null {
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

export interface CycleVerdict {
  readonly cut: number;
  readonly required: number;
}

/**
 * After a restart: the ops of this cycle that survived must be a prefix of the ops sent on the
 * connection, the state must be exactly `base` + that prefix, and the prefix must cover every
 * op whose acknowledgement arrived at or before `ackedBy`.
 */
export function verifyWriter(wr: Writer, actual: State, ackedBy: number): CycleVerdict {
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

/** What became of one op of the cycle after a kill and a restart. */
export interface OpOutcome {
  readonly wr: Writer;
  readonly op: Op;
  /** Its effect is in the dataset. */
  readonly survived: boolean;
  /** It had to survive (acknowledged at or before `ackedBy`). */
  readonly required: boolean;
}

export interface RestartCheck {
  /** When the server was killed (for the age of a lost acknowledgement). */
  readonly killAt: number;
  /** Every op acknowledged at or before this must have survived (Infinity: every acknowledged op). */
  readonly ackedBy: number;
  /** Starts the failure messages, e.g. `cycle 3 (appendfsync always)`. */
  readonly context: string;
}

/**
 * After a kill and a restart, on the restarted server at `port`: each writer's keys are its
 * base state plus a prefix of its ops of the cycle (verifyWriter) that covers every op
 * acknowledged at or before `ackedBy`; across connections the log is one ordered stream (an op
 * acknowledged before a surviving op of any connection was sent survived too); and no key
 * exists that no writer wrote (DBSIZE). `onOp` sees every op of the cycle (the caller's
 * counters) before a lost op that had to survive fails the check. Then each writer's base is
 * what was read and its ops are cleared for the next cycle.
 */
export async function verifyAfterRestart(port: number, writers: readonly Writer[], check: RestartCheck, onOp?: (o: OpOutcome) => void): Promise<void> {
  const { killAt, ackedBy, context } = check;
  const c = await RespClient.connect(port);
  try {
    const verdicts = new Map<Writer, CycleVerdict>();
    let ownKeys = 0;
    for (const wr of writers) {
      const actual = await readState(c, wr);
      const v = verifyWriter(wr, actual, ackedBy);
      verdicts.set(wr, v);
      if (onOp) wr.ops.forEach((op, i) => onOp({ wr, op, survived: i < v.cut, required: i < v.required }));
      if (v.cut < v.required) {
        const lost = wr.ops[v.cut]!;
        assert.fail(
          `${context}, writer ${wr.w}: acknowledged write lost: op #${lost.id} (${lost.kind}) acked ${killAt - lost.ackAt} ms before the kill; ` +
            `${v.required - v.cut} op(s) that had to survive are missing`,
        );
      }
      wr.base = actual;
      ownKeys += actual.strings.size + (actual.ctr > 0 ? 1 : 0) + [actual.list.length, actual.hash.size, actual.set.size, actual.zset.size, actual.mset.size].filter((n) => n > 0).length;
    }
    let newestSurvivorSent = 0;
    for (const [wr, v] of verdicts) if (v.cut > 0) newestSurvivorSent = Math.max(newestSurvivorSent, wr.ops[v.cut - 1]!.sentAt);
    for (const [wr, v] of verdicts) {
      for (let i = v.cut; i < wr.ops.length; i++) {
        const op = wr.ops[i]!;
        assert.ok(
          !(op.ackAt > 0 && op.ackAt < newestSurvivorSent),
          `${context}: writer ${wr.w} op #${op.id} was acknowledged before a surviving op was sent on another connection, yet it is lost`,
        );
      }
    }
    assert.equal(await c.call('DBSIZE'), ownKeys, `${context}: DBSIZE (keys nobody wrote?)`);
  } finally {
    c.close();
  }
  for (const wr of writers) wr.ops = [];
}
