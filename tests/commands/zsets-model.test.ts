// Model-based: random sequences of sorted-set commands over TCP give the same replies as a
// plain model (a Map of member -> score per key, sorted on demand). Scores are small
// multiples of 0.5, which print the same in %.17g and in JS.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { RespClient, RespValue } from '../helpers/resp-client.js';

let srv: TestServer;
let c: RespClient;
before(async () => {
  srv = await startTestServer({ 'zset-max-listpack-entries': '4' });
  c = await srv.client();
});
after(async () => {
  await srv.stop();
});

type Model = Map<string, Map<string, number>>;

const KEYS = ['z1', 'z2'] as const;
const key = fc.constantFrom(...KEYS);
const member = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g');
const score = fc.integer({ min: -6, max: 6 }).map((n) => n / 2);
const index = fc.integer({ min: -8, max: 8 });

type Cmd = string[];

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  fc.tuple(key, fc.constantFrom([], ['NX'], ['XX'], ['GT'], ['LT'], ['CH'], ['XX', 'GT', 'CH']), score, member, score, member).map(([k, o, s1, m1, s2, m2]) => ['ZADD', k, ...o, String(s1), m1, String(s2), m2]),
  fc.tuple(key, score, member).map(([k, s, m]) => ['ZINCRBY', k, String(s), m]),
  fc.tuple(key, member, member).map(([k, a, b]) => ['ZREM', k, a, b]),
  fc.tuple(key, index, index, fc.boolean()).map(([k, a, b, w]) => ['ZRANGE', k, String(a), String(b), ...(w ? ['WITHSCORES'] : [])]),
  fc.tuple(key, index, index).map(([k, a, b]) => ['ZREVRANGE', k, String(a), String(b)]),
  fc.tuple(key, score, score, fc.boolean(), fc.boolean()).map(([k, a, b, ea, eb]) => ['ZRANGEBYSCORE', k, `${ea ? '(' : ''}${a}`, `${eb ? '(' : ''}${b}`, 'WITHSCORES']),
  fc.tuple(key, score, score).map(([k, a, b]) => ['ZCOUNT', k, String(a), String(b)]),
  fc.tuple(key, member, fc.boolean()).map(([k, m, rev]) => [rev ? 'ZREVRANK' : 'ZRANK', k, m]),
  fc.tuple(key, member).map(([k, m]) => ['ZSCORE', k, m]),
  key.map((k) => ['ZCARD', k]),
  fc.tuple(key, fc.integer({ min: 0, max: 3 }), fc.boolean()).map(([k, n, max]) => [max ? 'ZPOPMAX' : 'ZPOPMIN', k, String(n)]),
  fc.tuple(key, index, index).map(([k, a, b]) => ['ZREMRANGEBYRANK', k, String(a), String(b)]),
  fc.tuple(key, score, score).map(([k, a, b]) => ['ZREMRANGEBYSCORE', k, String(a), String(b)]),
  fc.tuple(fc.constantFrom('ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE'), key).map(([cmd, dst]) => [cmd, dst, '2', 'z1', 'z2']),
);

function sortedOf(z: Map<string, number> | undefined): [string, number][] {
  if (z === undefined) return [];
  return [...z].sort((x, y) => (x[1] !== y[1] ? x[1] - y[1] : x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}

function fmt(n: number): string {
  return Object.is(n, -0) ? '0' : String(n);
}

function flat(pairs: [string, number][], withScores: boolean): string[] {
  return withScores ? pairs.flatMap(([m, s]) => [m, fmt(s)]) : pairs.map(([m]) => m);
}

function rankRange(len: number, a: number, b: number): [number, number] | null {
  if (a < 0) a += len;
  if (b < 0) b += len;
  if (a < 0) a = 0;
  if (a > b || a >= len) return null;
  return [a, Math.min(b, len - 1)];
}

function bound(s: string): [number, boolean] {
  return s.startsWith('(') ? [Number(s.slice(1)), true] : [Number(s), false];
}

function inRange(v: number, min: string, max: string): boolean {
  const [lo, lox] = bound(min);
  const [hi, hix] = bound(max);
  return (lox ? v > lo : v >= lo) && (hix ? v < hi : v <= hi);
}

/** Applies a command to the model and returns the reply the server must give (RESP2, decoded). */
function apply(model: Model, cmd: Cmd): RespValue {
  const [name, k] = cmd as [string, string];
  const z = model.get(k);
  const store = (m: Map<string, number>) => {
    if (m.size === 0) model.delete(k);
    else model.set(k, m);
  };
  switch (name) {
    case 'ZADD': {
      const opts = cmd.slice(2, -4);
      const nx = opts.includes('NX');
      const xx = opts.includes('XX');
      const gt = opts.includes('GT');
      const lt = opts.includes('LT');
      const ch = opts.includes('CH');
      const m = new Map(z ?? []);
      let added = 0;
      let updated = 0;
      const pairs = cmd.slice(-4);
      for (let i = 0; i < 4; i += 2) {
        const s = Number(pairs[i]);
        const mem = pairs[i + 1]!;
        const cur = m.get(mem);
        if (cur === undefined) {
          if (xx) continue;
          m.set(mem, s);
          added++;
        } else {
          if (nx || (gt && s <= cur) || (lt && s >= cur)) continue;
          if (s !== cur) {
            m.set(mem, s);
            updated++;
          }
        }
      }
      if (m.size > 0) model.set(k, m);
      return ch ? added + updated : added;
    }
    case 'ZINCRBY': {
      const m = new Map(z ?? []);
      const v = (m.get(cmd[3]!) ?? 0) + Number(cmd[2]);
      m.set(cmd[3]!, v);
      model.set(k, m);
      return fmt(v);
    }
    case 'ZREM': {
      if (z === undefined) return 0;
      const m = new Map(z);
      let n = 0;
      for (const mem of new Set(cmd.slice(2))) if (m.delete(mem)) n++;
      store(m);
      return n;
    }
    case 'ZRANGE':
    case 'ZREVRANGE': {
      let list = sortedOf(z);
      if (name === 'ZREVRANGE') list = list.reverse();
      const r = rankRange(list.length, Number(cmd[2]), Number(cmd[3]));
      return r === null ? [] : flat(list.slice(r[0], r[1] + 1), cmd[4] === 'WITHSCORES');
    }
    case 'ZRANGEBYSCORE':
      return flat(
        sortedOf(z).filter(([, s]) => inRange(s, cmd[2]!, cmd[3]!)),
        true,
      );
    case 'ZCOUNT':
      return sortedOf(z).filter(([, s]) => inRange(s, cmd[2]!, cmd[3]!)).length;
    case 'ZRANK':
    case 'ZREVRANK': {
      let list = sortedOf(z);
      if (name === 'ZREVRANK') list = list.reverse();
      const i = list.findIndex(([m]) => m === cmd[2]);
      return i < 0 ? null : i;
    }
    case 'ZSCORE': {
      const s = z?.get(cmd[2]!);
      return s === undefined ? null : fmt(s);
    }
    case 'ZCARD':
      return z?.size ?? 0;
    case 'ZPOPMIN':
    case 'ZPOPMAX': {
      let list = sortedOf(z);
      if (name === 'ZPOPMAX') list = list.reverse();
      const taken = list.slice(0, Number(cmd[2]));
      if (z !== undefined) {
        const m = new Map(z);
        for (const [mem] of taken) m.delete(mem);
        store(m);
      }
      return flat(taken, true);
    }
    case 'ZREMRANGEBYRANK': {
      const list = sortedOf(z);
      const r = rankRange(list.length, Number(cmd[2]), Number(cmd[3]));
      if (r === null || z === undefined) return 0;
      const m = new Map(z);
      for (const [mem] of list.slice(r[0], r[1] + 1)) m.delete(mem);
      store(m);
      return r[1] - r[0] + 1;
    }
    case 'ZREMRANGEBYSCORE': {
      if (z === undefined) return 0;
      const m = new Map(z);
      let n = 0;
      for (const [mem, s] of z) {
        if (s >= Number(cmd[2]) && s <= Number(cmd[3])) {
          m.delete(mem);
          n++;
        }
      }
      store(m);
      return n;
    }
    default: {
      // Z{UNION,INTER,DIFF}STORE dst 2 z1 z2
      const a = model.get('z1') ?? new Map<string, number>();
      const b = model.get('z2') ?? new Map<string, number>();
      const m = new Map<string, number>();
      if (name === 'ZUNIONSTORE') {
        for (const [mem, s] of a) m.set(mem, s);
        for (const [mem, s] of b) m.set(mem, (m.get(mem) ?? 0) + s);
      } else if (name === 'ZINTERSTORE') {
        for (const [mem, s] of a) if (b.has(mem)) m.set(mem, s + b.get(mem)!);
      } else {
        for (const [mem, s] of a) if (!b.has(mem)) m.set(mem, s);
      }
      store(m);
      return m.size;
    }
  }
}

test('model: random sorted-set command sequences reply as a simple model predicts', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(cmdArb, { minLength: 1, maxLength: 40 }), async (cmds) => {
      await c.call('DEL', ...KEYS);
      const model: Model = new Map();
      for (const cmd of cmds) {
        const expected = apply(model, cmd);
        const got = await c.call(...cmd);
        assert.deepEqual(got, expected, cmd.join(' '));
      }
      for (const k of KEYS) {
        const expect = flat(sortedOf(model.get(k)), true);
        assert.deepEqual(await c.call('ZRANGE', k, '0', '-1', 'WITHSCORES'), expect, `final ${k}`);
      }
    }),
    { numRuns: 150 },
  );
});
