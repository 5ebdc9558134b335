// Set algebra over TCP: SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE —
// replies in RESP2 and RESP3, errors (SINTERCARD's own texts, WRONGTYPE before a missing key
// short-cuts anything), STORE semantics and propagation, the encoding and order of computed
// sets, and a model-based run against JS Sets. Expected bytes and propagated forms were taken
// from a real redis-server 7.0.15.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { RespClient } from '../helpers/resp-client.js';

let srv: TestServer;
let c: RespClient; // RESP2
let c3: RespClient; // RESP3
before(async () => {
  srv = await startTestServer();
  c = await srv.client();
  c3 = await srv.client();
  await c3.call('HELLO', '3');
});
after(async () => {
  await srv.stop();
});

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';
const SYNTAX = '-ERR syntax error\r\n';

async function both(args: (string | number)[], resp2: string, resp3 = resp2): Promise<void> {
  assert.equal(await c.callRaw(...args), resp2, `RESP2 ${args.join(' ')}`);
  assert.equal(await c3.callRaw(...args), resp3, `RESP3 ${args.join(' ')}`);
}

/** A set reply of these members, in order: `*n` in RESP2 and `~n` in RESP3. */
async function setReply(args: string[], members: string[]): Promise<void> {
  const body = members.map((m) => `$${m.length}\r\n${m}\r\n`).join('');
  await both(args, `*${members.length}\r\n${body}`, `~${members.length}\r\n${body}`);
}

async function propagatedBy(body: () => Promise<unknown>): Promise<string[]> {
  srv.clearPropagated();
  await body();
  return [...srv.propagated];
}

async function reset(): Promise<void> {
  await c.call('FLUSHDB');
  await c.call('SADD', 'a', '1', '2', '3', '4');
  await c.call('SADD', 'b', '2', '3', '4', '5');
  await c.call('SADD', 'c', 'x', 'y', '3', '4');
}

test('SINTER SUNION SDIFF: results in both protocols; integer results in intset order', async () => {
  await reset();
  await setReply(['SINTER', 'a', 'b'], ['2', '3', '4']);
  await setReply(['SINTER', 'a', 'b', 'c'], ['3', '4']);
  await setReply(['SINTER', 'a'], ['1', '2', '3', '4']);
  await setReply(['SINTER', 'a', 'nokey'], []);
  await setReply(['SINTER', 'nokey'], []);
  await setReply(['SUNION', 'a', 'b'], ['1', '2', '3', '4', '5']);
  await setReply(['SUNION', 'nokey'], []);
  // A hashtable's order is Redis's dict order: compared as sets.
  assert.deepEqual(new Set((await c3.call('SUNION', 'c', 'nokey')) as string[]), new Set(['x', 'y', '3', '4']));
  await setReply(['SDIFF', 'a', 'b'], ['1']);
  await setReply(['SDIFF', 'a', 'nokey', 'b'], ['1']);
  await setReply(['SDIFF', 'nokey', 'a'], []);
  await setReply(['SDIFF', 'a', 'a'], []);
  assert.deepEqual(new Set((await c3.call('SDIFF', 'c', 'a')) as string[]), new Set(['x', 'y']));
  // A hashtable set of integers unions into an intset: ascending order.
  await c.call('SADD', 'r', 'z', '100', '5', '37', '2');
  await c.call('SREM', 'r', 'z');
  await setReply(['SUNION', 'r'], ['2', '5', '37', '100']);
  await setReply(['SDIFF', 'r', 'nokey'], ['2', '5', '37', '100']);
});

test('SINTERCARD: counts, LIMIT, its own error texts', async () => {
  await reset();
  await both(['SINTERCARD', '2', 'a', 'b'], ':3\r\n');
  await both(['SINTERCARD', '2', 'a', 'b', 'LIMIT', '2'], ':2\r\n');
  await both(['SINTERCARD', '2', 'a', 'b', 'limit', '0'], ':3\r\n');
  await both(['SINTERCARD', '1', 'a', 'LIMIT', '1', 'LIMIT', '2'], ':2\r\n');
  await both(['SINTERCARD', '3', 'a', 'b', 'c'], ':2\r\n');
  await both(['SINTERCARD', '2', 'a', 'nokey'], ':0\r\n');
  await both(['SINTERCARD', '2', 'a', 'b', 'LIMIT', '-1'], "-ERR LIMIT can't be negative\r\n");
  await both(['SINTERCARD', '2', 'a', 'b', 'LIMIT', 'x'], "-ERR LIMIT can't be negative\r\n");
  for (const n of ['0', '-1', 'x', '9223372036854775808']) {
    await both(['SINTERCARD', n, 'a'], '-ERR numkeys should be greater than 0\r\n');
  }
  await both(['SINTERCARD', '3', 'a', 'b'], "-ERR Number of keys can't be greater than number of args\r\n");
  await both(['SINTERCARD', '2147483648', 'a'], "-ERR Number of keys can't be greater than number of args\r\n");
  await both(['SINTERCARD', '1', 'a', 'b'], SYNTAX);
  await both(['SINTERCARD', '1', 'a', 'LIMIT'], SYNTAX);
  await both(['SINTERCARD', '1', 'a', 'foo', '1'], SYNTAX);
});

test('WRONGTYPE wins over a missing key, for every key', async () => {
  await reset();
  await c.call('SET', 'str', 'x');
  for (const args of [
    ['SINTER', 'nokey', 'str'],
    ['SINTER', 'str'],
    ['SINTERCARD', '2', 'nokey', 'str'],
    ['SINTERSTORE', 'd', 'nokey', 'str'],
    ['SUNION', 'nokey', 'str'],
    ['SUNIONSTORE', 'd', 'a', 'str'],
    ['SDIFF', 'nokey', 'str'],
    ['SDIFF', 'str', 'nokey'],
    ['SDIFFSTORE', 'd', 'a', 'str'],
  ]) {
    assert.equal(await c.callRaw(...args), WRONGTYPE, args.join(' '));
  }
  assert.equal(await c.call('EXISTS', 'd'), 0);
});

test('STORE forms: replace the destination (and its TTL), delete it when the result is empty', async () => {
  await reset();
  assert.equal(await c.callRaw('SINTERSTORE', 'd', 'a', 'b'), ':3\r\n');
  assert.deepEqual(await c.call('SMEMBERS', 'd'), ['2', '3', '4']);
  assert.equal(await c.call('OBJECT', 'ENCODING', 'd'), 'intset');
  await c.call('EXPIRE', 'd', '100');
  assert.equal(await c.callRaw('SUNIONSTORE', 'd', 'c'), ':4\r\n');
  assert.equal(await c.call('TTL', 'd'), -1);
  assert.equal(await c.call('OBJECT', 'ENCODING', 'd'), 'hashtable');
  assert.equal(await c.callRaw('SDIFFSTORE', 'd', 'a', 'b'), ':1\r\n');
  assert.deepEqual(await c.call('SMEMBERS', 'd'), ['1']);
  assert.equal(await c.callRaw('SDIFFSTORE', 'd', 'a', 'a'), ':0\r\n');
  assert.equal(await c.call('EXISTS', 'd'), 0);
  await c.call('SET', 'd', 'string');
  assert.equal(await c.callRaw('SINTERSTORE', 'd', 'a', 'nokey'), ':0\r\n');
  assert.equal(await c.call('EXISTS', 'd'), 0);
  await c.call('HSET', 'h', 'f', 'v');
  assert.equal(await c3.callRaw('SINTERSTORE', 'h', 'b'), ':4\r\n');
  assert.equal(await c.call('TYPE', 'h'), 'set');
  // A source may be the destination.
  assert.equal(await c.callRaw('SUNIONSTORE', 'a', 'a', 'b'), ':5\r\n');
  assert.equal(await c.callRaw('SDIFFSTORE', 'a', 'a', 'b', 'c'), ':1\r\n');
  assert.deepEqual(await c.call('SMEMBERS', 'a'), ['1']);
  try {
    await c.call('CONFIG', 'SET', 'set-max-intset-entries', '2');
    assert.equal(await c.call('SUNIONSTORE', 'e', 'b'), 4);
    assert.equal(await c.call('OBJECT', 'ENCODING', 'e'), 'hashtable');
  } finally {
    await c.call('CONFIG', 'SET', 'set-max-intset-entries', '512');
  }
});

test('propagation of the STORE forms: as received when the destination changed, else nothing', async () => {
  await reset();
  assert.deepEqual(await propagatedBy(() => c.call('SINTERSTORE', 'd', 'a', 'c')), ['0:SINTERSTORE d a c']);
  assert.deepEqual(await propagatedBy(() => c.call('SINTERSTORE', 'd', 'a', 'nokey')), ['0:SINTERSTORE d a nokey']);
  assert.deepEqual(await propagatedBy(() => c.call('SINTERSTORE', 'd', 'a', 'nokey')), []);
  assert.deepEqual(await propagatedBy(() => c.call('SUNIONSTORE', 'd', 'nokey')), []);
  await c.call('SET', 'd', 'x');
  assert.deepEqual(await propagatedBy(() => c.call('SUNIONSTORE', 'd', 'nokey')), ['0:SUNIONSTORE d nokey']);
  assert.deepEqual(await propagatedBy(() => c.call('SDIFFSTORE', 'd', 'a', 'a')), []);
  assert.deepEqual(await propagatedBy(() => c.call('SDIFFSTORE', 'd2', 'a', 'b')), ['0:SDIFFSTORE d2 a b']);
  assert.deepEqual(await propagatedBy(() => c.call('SINTER', 'a', 'b')), []);
  assert.deepEqual(await propagatedBy(() => c.call('SINTERCARD', '2', 'a', 'b')), []);
});

test('keyspace statistics: the read forms count hits and misses, the STORE forms do not', async () => {
  await reset();
  await c.call('CONFIG', 'RESETSTAT');
  await c.call('SINTER', 'a', 'nokey');
  await c.call('SUNIONSTORE', 'd', 'a', 'nokey');
  const info = (await c.call('INFO', 'stats')) as string;
  assert.match(info, /keyspace_hits:1\r\n/);
  assert.match(info, /keyspace_misses:1\r\n/);
});

test('model: random SADD/SREM/SMOVE and algebra agree with JS Sets', async () => {
  const key = fc.constantFrom('k1', 'k2', 'k3');
  const member = fc.constantFrom('1', '2', '3', 'x', 'y', '', '007');
  const op = fc.oneof(
    fc.tuple(fc.constant('SADD'), key, fc.array(member, { minLength: 1, maxLength: 3 })),
    fc.tuple(fc.constant('SREM'), key, fc.array(member, { minLength: 1, maxLength: 3 })),
    fc.tuple(fc.constant('SMOVE'), key, key, member),
    fc.tuple(fc.constantFrom('SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE'), key, fc.array(key, { minLength: 1, maxLength: 3 })),
    fc.tuple(fc.constantFrom('SINTER', 'SUNION', 'SDIFF'), fc.array(key, { minLength: 1, maxLength: 3 })),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(op, { maxLength: 30 }), async (ops) => {
      await c.call('DEL', 'k1', 'k2', 'k3');
      const model = new Map<string, Set<string>>();
      const get = (k: string) => model.get(k) ?? new Set<string>();
      const put = (k: string, s: Set<string>) => (s.size > 0 ? model.set(k, s) : model.delete(k));
      const compute = (cmd: string, keys: string[]): Set<string> => {
        const sets = keys.map(get);
        if (cmd.startsWith('SINTER')) return new Set([...sets[0]!].filter((m) => sets.every((s) => s.has(m))));
        if (cmd.startsWith('SUNION')) return new Set(sets.flatMap((s) => [...s]));
        return new Set([...sets[0]!].filter((m) => sets.slice(1).every((s) => !s.has(m))));
      };
      for (const o of ops) {
        const [cmd] = o;
        if (cmd === 'SADD' || cmd === 'SREM') {
          const [, k, ms] = o as [string, string, string[]];
          const s = new Set(get(k));
          let n = 0;
          for (const m of ms) if (cmd === 'SADD' ? !s.has(m) && s.add(m) : s.delete(m)) n++;
          assert.equal(await c.call(cmd, k, ...ms), n);
          put(k, s);
        } else if (cmd === 'SMOVE') {
          const [, src, dst, m] = o as [string, string, string, string];
          const moved = get(src).has(m);
          assert.equal(await c.call(cmd, src, dst, m), moved ? 1 : 0);
          if (moved && src !== dst) {
            const from = new Set(get(src));
            from.delete(m);
            put(src, from);
            put(dst, new Set(get(dst)).add(m));
          }
        } else if (cmd.endsWith('STORE')) {
          const [, dst, keys] = o as [string, string, string[]];
          const r = compute(cmd, keys);
          assert.equal(await c.call(cmd, dst, ...keys), r.size);
          put(dst, r);
        } else {
          const [, keys] = o as [string, string[]];
          const got = (await c.call(cmd, ...keys)) as string[];
          assert.deepEqual(new Set(got), compute(cmd, keys));
          assert.equal(got.length, new Set(got).size);
        }
      }
      for (const k of ['k1', 'k2', 'k3']) {
        assert.deepEqual(new Set((await c.call('SMEMBERS', k)) as string[]), get(k), k);
        assert.equal(await c.call('EXISTS', k), model.has(k) ? 1 : 0);
      }
    }),
    { numRuns: 60 },
  );
});
