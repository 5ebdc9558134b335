// Model-based test of the list commands: random command sequences (fast-check) run against
// nodis over TCP and against a naive model built on JS arrays; every reply and the final
// contents of every key must agree. The model is written from Redis's documentation of each
// command, independently of the server code.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { RespError, type RespClient, type RespValue } from '../helpers/resp-client.js';

let srv: TestServer;
let c: RespClient;
before(async () => {
  srv = await startTestServer();
  c = await srv.client();
});
after(async () => {
  await srv.stop();
});

const KEYS = ['k1', 'k2', 'k3'];
type Model = Map<string, string[]>;
type Reply = RespValue;

const err = (text: string) => new RespError(text);

/** Redis's start/stop normalisation for LRANGE and LTRIM: [from, to) or null when empty. */
function span(len: number, start: number, stop: number): [number, number] | null {
  const s = Math.max(start < 0 ? len + start : start, 0);
  const e = Math.min(stop < 0 ? len + stop : stop, len - 1);
  return s > e || s >= len ? null : [s, e + 1];
}

function setList(m: Model, key: string, l: string[]): void {
  if (l.length === 0) m.delete(key);
  else m.set(key, l);
}

/** The model's reply to one command (argv as sent), updating the model. */
function model(m: Model, argv: string[]): Reply {
  const [name, key, ...rest] = argv as [string, string, ...string[]];
  const l = m.get(key) ?? [];
  const exists = m.has(key);
  switch (name) {
    case 'LPUSH':
      setList(m, key, [...[...rest].reverse(), ...l]);
      return l.length + rest.length;
    case 'RPUSH':
      setList(m, key, [...l, ...rest]);
      return l.length + rest.length;
    case 'LPUSHX':
    case 'RPUSHX':
      if (!exists) return 0;
      return model(m, [name.slice(0, 5), key, ...rest]);
    case 'LPOP':
    case 'RPOP': {
      const left = name === 'LPOP';
      if (rest.length === 0) {
        if (!exists) return null;
        const v = left ? l[0]! : l[l.length - 1]!;
        setList(m, key, left ? l.slice(1) : l.slice(0, -1));
        return v;
      }
      const n = Number(rest[0]);
      if (!exists) return null;
      const k = Math.min(n, l.length);
      const popped = left ? l.slice(0, k) : l.slice(l.length - k).reverse();
      setList(m, key, left ? l.slice(k) : l.slice(0, l.length - k));
      return popped;
    }
    case 'LLEN':
      return l.length;
    case 'LRANGE': {
      const r = span(l.length, Number(rest[0]), Number(rest[1]));
      return r === null ? [] : l.slice(r[0], r[1]);
    }
    case 'LTRIM': {
      const r = span(l.length, Number(rest[0]), Number(rest[1]));
      if (exists) setList(m, key, r === null ? [] : l.slice(r[0], r[1]));
      return 'OK';
    }
    case 'LINDEX': {
      let i = Number(rest[0]);
      if (i < 0) i += l.length;
      return i >= 0 && i < l.length ? l[i]! : null;
    }
    case 'LSET': {
      if (!exists) return err('ERR no such key');
      let i = Number(rest[0]);
      if (i < 0) i += l.length;
      if (i < 0 || i >= l.length) return err('ERR index out of range');
      l[i] = rest[1]!;
      return 'OK';
    }
    case 'LINSERT': {
      if (!exists) return 0;
      const p = l.indexOf(rest[1]!);
      if (p < 0) return -1;
      l.splice(rest[0] === 'BEFORE' ? p : p + 1, 0, rest[2]!);
      return l.length;
    }
    case 'LREM': {
      const n = Number(rest[0]);
      const v = rest[1]!;
      const order = n < 0 ? [...l.keys()].reverse() : [...l.keys()];
      const drop = new Set<number>();
      for (const i of order) if (l[i] === v && (n === 0 || drop.size < Math.abs(n))) drop.add(i);
      if (exists) setList(m, key, l.filter((_, i) => !drop.has(i)));
      return drop.size;
    }
    case 'LPOS': {
      const v = rest[0]!;
      let rank = 1;
      let count: number | null = null;
      let maxlen = 0;
      for (let j = 1; j < rest.length; j += 2) {
        const n = Number(rest[j + 1]);
        if (rest[j] === 'RANK') rank = n;
        else if (rest[j] === 'COUNT') count = n;
        else maxlen = n;
      }
      const positions = [...l.keys()];
      if (rank < 0) positions.reverse();
      const scanned = maxlen > 0 ? positions.slice(0, maxlen) : positions;
      const matches = scanned.filter((i) => l[i] === v).slice(Math.abs(rank) - 1);
      if (count === null) return matches.length > 0 ? matches[0]! : null;
      return count === 0 ? matches : matches.slice(0, count);
    }
    case 'LMOVE': {
      const [dst, from, to] = rest as [string, string, string];
      if (!exists) return null;
      const v = from === 'LEFT' ? l.shift()! : l.pop()!;
      setList(m, key, l);
      const d = m.get(dst) ?? [];
      if (to === 'LEFT') d.unshift(v);
      else d.push(v);
      m.set(dst, d);
      return v;
    }
    case 'LMPOP': {
      // LMPOP numkeys k... where COUNT n, with `key` being numkeys here.
      const n = Number(key);
      const keys = rest.slice(0, n);
      const where = rest[n]!;
      const count = rest.length > n + 1 ? Number(rest[n + 2]) : 1;
      for (const k of keys) {
        if (!m.has(k)) continue;
        const popped = model(m, [where === 'LEFT' ? 'LPOP' : 'RPOP', k, String(count)]);
        return [k, popped];
      }
      return null;
    }
  }
  throw new Error(`no model for ${name}`);
}

const keyArb = fc.constantFrom(...KEYS);
const elemArb = fc.constantFrom('a', 'b', 'c', '', '1');
const idxArb = fc.integer({ min: -8, max: 8 });
const sideArb = fc.constantFrom('LEFT', 'RIGHT');

const commandArb: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom('LPUSH', 'RPUSH', 'LPUSHX', 'RPUSHX'), keyArb, fc.array(elemArb, { minLength: 1, maxLength: 4 })).map(([n, k, e]) => [n, k, ...e]) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('LPOP', 'RPOP'), keyArb, fc.option(fc.nat(4), { nil: undefined })).map(([n, k, cnt]) => (cnt === undefined ? [n, k] : [n, k, String(cnt)])) },
  { weight: 1, arbitrary: keyArb.map((k) => ['LLEN', k]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('LRANGE', 'LTRIM'), keyArb, idxArb, idxArb).map(([n, k, s, e]) => [n, k, String(s), String(e)]) },
  { weight: 1, arbitrary: fc.tuple(keyArb, idxArb).map(([k, i]) => ['LINDEX', k, String(i)]) },
  { weight: 1, arbitrary: fc.tuple(keyArb, idxArb, elemArb).map(([k, i, e]) => ['LSET', k, String(i), e]) },
  { weight: 1, arbitrary: fc.tuple(keyArb, fc.constantFrom('BEFORE', 'AFTER'), elemArb, elemArb).map(([k, w, p, e]) => ['LINSERT', k, w, p, e]) },
  { weight: 1, arbitrary: fc.tuple(keyArb, fc.integer({ min: -3, max: 3 }), elemArb).map(([k, n, e]) => ['LREM', k, String(n), e]) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(keyArb, elemArb, fc.option(fc.integer({ min: -3, max: 3 }).filter((r) => r !== 0), { nil: undefined }), fc.option(fc.nat(3), { nil: undefined }), fc.option(fc.nat(6), { nil: undefined }))
      .map(([k, e, rank, count, maxlen]) => [
        'LPOS',
        k,
        e,
        ...(rank === undefined ? [] : ['RANK', String(rank)]),
        ...(count === undefined ? [] : ['COUNT', String(count)]),
        ...(maxlen === undefined ? [] : ['MAXLEN', String(maxlen)]),
      ]),
  },
  { weight: 2, arbitrary: fc.tuple(keyArb, keyArb, sideArb, sideArb).map(([s, d, f, t]) => ['LMOVE', s, d, f, t]) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.uniqueArray(keyArb, { minLength: 1, maxLength: 3 }), sideArb, fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }))
      .map(([keys, where, count]) => ['LMPOP', String(keys.length), ...keys, where, ...(count === undefined ? [] : ['COUNT', String(count)])]),
  },
);

test('random list command sequences give the same replies and contents as an array model', async () => {
  const deadline = Date.now() + 4000;
  await fc.assert(
    fc.asyncProperty(fc.array(commandArb, { minLength: 1, maxLength: 40 }), async (commands) => {
      if (Date.now() > deadline) return;
      await c.call('DEL', ...KEYS);
      const m: Model = new Map();
      for (const argv of commands) {
        const expected = model(m, argv);
        const actual = await c.call(...argv);
        assert.deepEqual(actual, expected, `${argv.join(' ')} in ${commands.map((a) => a.join(' ')).join(' ; ')}`);
      }
      for (const k of KEYS) {
        assert.deepEqual(await c.call('LRANGE', k, '0', '-1'), m.get(k) ?? [], k);
        assert.equal(await c.call('EXISTS', k), m.has(k) ? 1 : 0, k);
      }
    }),
    { numRuns: 150 },
  );
});
