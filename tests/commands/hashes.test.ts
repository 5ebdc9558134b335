// Hash commands over TCP: replies as exact bytes in RESP2 and RESP3, error texts, what each
// write propagates, HRANDFIELD's shapes and distribution, HSCAN, and a model-based run against
// a Map. Encodings are in hashes-encoding.test.ts. Expected bytes and propagated forms were
// taken from a real redis-server 7.0.15.

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
const NOT_INT = '-ERR value is not an integer or out of range\r\n';
const SYNTAX = '-ERR syntax error\r\n';

/** The same command's reply in RESP2 and in RESP3. */
async function both(args: (string | number)[], resp2: string, resp3 = resp2): Promise<void> {
  assert.equal(await c.callRaw(...args), resp2, `RESP2 ${args.join(' ')}`);
  assert.equal(await c3.callRaw(...args), resp3, `RESP3 ${args.join(' ')}`);
}

async function propagatedBy(body: () => Promise<unknown>): Promise<string[]> {
  srv.clearPropagated();
  await body();
  return [...srv.propagated];
}

function bulk(s: string): string {
  return `$${s.length}\r\n${s}\r\n`;
}

test('HSET HGET HMGET HGETALL HKEYS HVALS HLEN HSTRLEN HEXISTS: replies in both protocols', async () => {
  await c.call('DEL', 'h');
  assert.equal(await c.callRaw('HSET', 'h', 'f1', 'v1', 'f2', 'v2'), ':2\r\n');
  assert.equal(await c.callRaw('HSET', 'h', 'f1', 'v1b', 'f3', ''), ':1\r\n');
  await both(['HGET', 'h', 'f1'], '$3\r\nv1b\r\n');
  await both(['HGET', 'h', 'nope'], '$-1\r\n', '_\r\n');
  await both(['HGET', 'nokey', 'f'], '$-1\r\n', '_\r\n');
  await both(['HMGET', 'h', 'f1', 'nope', 'f3'], '*3\r\n$3\r\nv1b\r\n$-1\r\n$0\r\n\r\n', '*3\r\n$3\r\nv1b\r\n_\r\n$0\r\n\r\n');
  await both(['HMGET', 'nokey', 'a'], '*1\r\n$-1\r\n', '*1\r\n_\r\n');
  // Insertion order, updates in place: the order of Redis's listpack.
  await both(
    ['HGETALL', 'h'],
    '*6\r\n$2\r\nf1\r\n$3\r\nv1b\r\n$2\r\nf2\r\n$2\r\nv2\r\n$2\r\nf3\r\n$0\r\n\r\n',
    '%3\r\n$2\r\nf1\r\n$3\r\nv1b\r\n$2\r\nf2\r\n$2\r\nv2\r\n$2\r\nf3\r\n$0\r\n\r\n',
  );
  await both(['HGETALL', 'nokey'], '*0\r\n', '%0\r\n');
  await both(['HKEYS', 'h'], '*3\r\n$2\r\nf1\r\n$2\r\nf2\r\n$2\r\nf3\r\n');
  await both(['HVALS', 'h'], '*3\r\n$3\r\nv1b\r\n$2\r\nv2\r\n$0\r\n\r\n');
  await both(['HKEYS', 'nokey'], '*0\r\n');
  await both(['HVALS', 'nokey'], '*0\r\n');
  await both(['HLEN', 'h'], ':3\r\n');
  await both(['HLEN', 'nokey'], ':0\r\n');
  await both(['HSTRLEN', 'h', 'f1'], ':3\r\n');
  await both(['HSTRLEN', 'h', 'f3'], ':0\r\n');
  await both(['HSTRLEN', 'nokey', 'f'], ':0\r\n');
  await both(['HEXISTS', 'h', 'f2'], ':1\r\n');
  await both(['HEXISTS', 'h', 'nope'], ':0\r\n');
});

test('HSETNX HMSET HDEL; the last field deleted deletes the key', async () => {
  await c.call('DEL', 'h');
  assert.equal(await c.callRaw('HSETNX', 'h', 'f', 'x'), ':1\r\n');
  assert.equal(await c.callRaw('HSETNX', 'h', 'f', 'y'), ':0\r\n');
  assert.equal(await c.call('HGET', 'h', 'f'), 'x');
  assert.equal(await c.callRaw('HMSET', 'h', 'a', '1', 'b', '2'), '+OK\r\n');
  assert.equal(await c3.callRaw('HMSET', 'h', 'a', '1'), '+OK\r\n');
  assert.equal(await c.callRaw('HDEL', 'h', 'a', 'b', 'nope'), ':2\r\n');
  assert.equal(await c.callRaw('HDEL', 'h', 'nope'), ':0\r\n');
  assert.equal(await c.callRaw('HDEL', 'nokey', 'f'), ':0\r\n');
  assert.equal(await c.callRaw('HDEL', 'h', 'f', 'f'), ':1\r\n');
  assert.equal(await c.call('EXISTS', 'h'), 0);
});

test('binary-safe fields and values', async () => {
  await c.call('DEL', 'b');
  const f = '\x00\xff\r\n';
  const v = 'a\x00b\r\n\xfe';
  assert.equal(await c.call('HSET', 'b', f, v, '', ''), 2);
  assert.equal(await c.callRaw('HGET', 'b', f), bulk(v));
  assert.equal(await c3.callRaw('HGETALL', 'b'), `%2\r\n${bulk(f)}${bulk(v)}$0\r\n\r\n$0\r\n\r\n`);
  assert.equal(await c.call('HSTRLEN', 'b', f), 6);
});

test('arity and WRONGTYPE errors', async () => {
  for (const [cmd, n] of [
    ['hset', 2],
    ['hset', 3],
    ['hset', 5],
    ['hmset', 3],
    ['hmset', 5],
    ['hsetnx', 3],
    ['hget', 2],
    ['hmget', 2],
    ['hdel', 2],
    ['hlen', 1],
    ['hscan', 2],
    ['hincrby', 3],
    ['hrandfield', 1],
  ] as const) {
    const args = ['h', 'a', 'b', 'c'].slice(0, n - 1);
    assert.equal(await c.callRaw(cmd, ...args), `-ERR wrong number of arguments for '${cmd}' command\r\n`, `${cmd} ${n}`);
  }
  await c.call('SET', 'str', 'x');
  for (const args of [
    ['HSET', 'str', 'a', 'b'],
    ['HSETNX', 'str', 'a', 'b'],
    ['HMSET', 'str', 'a', 'b'],
    ['HGET', 'str', 'a'],
    ['HMGET', 'str', 'a'],
    ['HGETALL', 'str'],
    ['HDEL', 'str', 'a'],
    ['HLEN', 'str'],
    ['HSTRLEN', 'str', 'a'],
    ['HEXISTS', 'str', 'a'],
    ['HKEYS', 'str'],
    ['HVALS', 'str'],
    ['HINCRBY', 'str', 'a', '1'],
    ['HINCRBYFLOAT', 'str', 'a', '1'],
    ['HRANDFIELD', 'str'],
    ['HRANDFIELD', 'str', '1'],
    ['HRANDFIELD', 'str', '0'],
    ['HSCAN', 'str', '0'],
  ]) {
    assert.equal(await c.callRaw(...args), WRONGTYPE, args.join(' '));
  }
  assert.equal(await c.call('GET', 'str'), 'x');
});

test('HINCRBY: int64 range, errors checked before the key', async () => {
  await c.call('DEL', 'h', 'str');
  await c.call('HSET', 'h', 's', 'abc', 'i', '10', 'f', '1.5', 'big', '9223372036854775807', 'sp', ' 1');
  assert.equal(await c.callRaw('HINCRBY', 'h', 's', '1'), '-ERR hash value is not an integer\r\n');
  assert.equal(await c.callRaw('HINCRBY', 'h', 'f', '1'), '-ERR hash value is not an integer\r\n');
  assert.equal(await c.callRaw('HINCRBY', 'h', 'sp', '1'), '-ERR hash value is not an integer\r\n');
  assert.equal(await c.callRaw('HINCRBY', 'h', 'i', 'x'), NOT_INT);
  assert.equal(await c.callRaw('HINCRBY', 'h', 'i', '1.5'), NOT_INT);
  assert.equal(await c.callRaw('HINCRBY', 'h', 'big', '1'), '-ERR increment or decrement would overflow\r\n');
  assert.equal(await c.callRaw('HINCRBY', 'h', 'i', '-9223372036854775808'), ':-9223372036854775798\r\n');
  assert.equal(await c.callRaw('HINCRBY', 'h', 'i', '9223372036854775807'), ':9\r\n');
  assert.equal(await c.callRaw('HINCRBY', 'h', 'new', '-5'), ':-5\r\n');
  assert.equal(await c.callRaw('HINCRBY', 'h', 'new', '9000000000000000000'), ':8999999999999999995\r\n');
  assert.equal(await c.call('HGET', 'h', 'new'), '8999999999999999995');
  assert.equal(await c.callRaw('HINCRBY', 'nokey2', 'f', '7'), ':7\r\n');
  await c.call('SET', 'str', 'x');
  assert.equal(await c.callRaw('HINCRBY', 'str', 'f', 'x'), NOT_INT);
  await c.call('DEL', 'nokey2');
});

test('HINCRBYFLOAT: long double results as INCRBYFLOAT, errors in Redis order', async () => {
  await c.call('DEL', 'h', 'str');
  await c.call('HSET', 'h', 's', 'abc', 'i', '10', 'f', '1.5', 'big', '9223372036854775807', 'sp', ' 1', 'inf', 'inf');
  const cases: [string, string, string][] = [
    ['s', '1', '-ERR hash value is not a float\r\n'],
    ['i', 'x', '-ERR value is not a valid float\r\n'],
    ['i', 'inf', '-ERR value is NaN or Infinity\r\n'],
    ['i', '-inf', '-ERR value is NaN or Infinity\r\n'],
    ['i', 'nan', '-ERR value is not a valid float\r\n'],
    ['i', '1e5000', '-ERR value is not a valid float\r\n'],
    ['i', ' 1', '-ERR value is not a valid float\r\n'],
    ['sp', '1', '-ERR hash value is not a float\r\n'],
    ['inf', '1', '-ERR increment would produce NaN or Infinity\r\n'],
    ['i', '0x10', '$2\r\n26\r\n'],
    ['big', '1', '$19\r\n9223372036854775808\r\n'],
    ['nf', '0.1', '$3\r\n0.1\r\n'],
    ['nf', '0.2', '$3\r\n0.3\r\n'],
    ['i', '-1e-3', '$6\r\n25.999\r\n'],
    ['f', '5.0e3', '$6\r\n5001.5\r\n'],
    ['z', '-0', '$1\r\n0\r\n'],
    ['x', '1.10', '$3\r\n1.1\r\n'],
    ['x', '.5', '$3\r\n1.6\r\n'],
    ['x', '5.', '$3\r\n6.6\r\n'],
    ['x', '+1', '$3\r\n7.6\r\n'],
    ['w', '123456789012345678901234567890', '$30\r\n123456789012345678899921813504\r\n'],
    ['w', '3.0000000000000000001', '$30\r\n123456789012345678899921813504\r\n'],
    ['q', '1.5', '$3\r\n1.5\r\n'],
    ['q', '-1.5', '$1\r\n0\r\n'],
    ['cnt', '5', '$1\r\n5\r\n'],
    ['cnt', '-8', '$2\r\n-3\r\n'],
  ];
  for (const [field, incr, reply] of cases) {
    assert.equal(await c.callRaw('HINCRBYFLOAT', 'h', field, incr), reply, `${field} ${incr}`);
  }
  // Still a bulk string in RESP3, as INCRBYFLOAT.
  assert.equal(await c3.callRaw('HINCRBYFLOAT', 'h', 'q', '2.5'), '$3\r\n2.5\r\n');
  const big = (await c.call('HINCRBYFLOAT', 'h', 'huge', '1e308')) as string;
  assert.equal(big.length, 308);
  assert.ok(big.startsWith('99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959'));
  await c.call('SET', 'str', 'x');
  assert.equal(await c.callRaw('HINCRBYFLOAT', 'str', 'f', 'x'), '-ERR value is not a valid float\r\n');
  assert.equal(await c.callRaw('HINCRBYFLOAT', 'str', 'f', 'inf'), '-ERR value is NaN or Infinity\r\n');
});

test('HRANDFIELD: shapes in both protocols, counts, errors', async () => {
  await c.call('DEL', 'h', 'one');
  await c.call('HSET', 'one', 'f', 'v');
  await both(['HRANDFIELD', 'one'], '$1\r\nf\r\n');
  await both(['HRANDFIELD', 'nokey'], '$-1\r\n', '_\r\n');
  await both(['HRANDFIELD', 'one', '1', 'WITHVALUES'], '*2\r\n$1\r\nf\r\n$1\r\nv\r\n', '*1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n');
  await both(['HRANDFIELD', 'one', '-3'], '*3\r\n$1\r\nf\r\n$1\r\nf\r\n$1\r\nf\r\n');
  await both(
    ['HRANDFIELD', 'one', '-2', 'withvalues'],
    '*4\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\nf\r\n$1\r\nv\r\n',
    '*2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n',
  );
  await both(['HRANDFIELD', 'one', '0'], '*0\r\n');
  await both(['HRANDFIELD', 'one', '0', 'WITHVALUES'], '*0\r\n');
  await both(['HRANDFIELD', 'nokey', '3', 'WITHVALUES'], '*0\r\n');
  await both(['HRANDFIELD', 'nokey', '-3'], '*0\r\n');
  await c.call('HSET', 'h', 'f', 'v', 'g', 'w');
  // A count covering the hash returns it whole, in order.
  await both(
    ['HRANDFIELD', 'h', '5', 'WITHVALUES'],
    '*4\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$1\r\nw\r\n',
    '*2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$1\r\ng\r\n$1\r\nw\r\n',
  );
  await both(['HRANDFIELD', 'h', '9223372036854775807'], '*2\r\n$1\r\nf\r\n$1\r\ng\r\n');
  await both(['HRANDFIELD', 'h', '4611686018427387903', 'WITHVALUES'], '*4\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$1\r\nw\r\n', '*2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$1\r\ng\r\n$1\r\nw\r\n');
  const RANGE = '-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n';
  await both(['HRANDFIELD', 'h', '-9223372036854775808'], RANGE);
  await both(['HRANDFIELD', 'h', '9223372036854775808'], NOT_INT);
  await both(['HRANDFIELD', 'h', 'x'], NOT_INT);
  await both(['HRANDFIELD', 'nokey', 'x'], NOT_INT);
  await both(['HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES'], '-ERR value is out of range\r\n');
  await both(['HRANDFIELD', 'h', '4611686018427387904', 'WITHVALUES'], '-ERR value is out of range\r\n');
  await both(['HRANDFIELD', 'nokey', '-4611686018427387903', 'WITHVALUES'], '*0\r\n');
  await both(['HRANDFIELD', 'h', '1', 'withvalue'], SYNTAX);
  await both(['HRANDFIELD', 'h', '1', 'WITHVALUES', 'x'], SYNTAX);
  await both(['HRANDFIELD', 'h', '-4611686018427387903', 'x'], SYNTAX);
});

test('HRANDFIELD: distinct fields for a positive count, every field drawn, values matching', async () => {
  await c.call('DEL', 'r');
  const fields = Array.from({ length: 30 }, (_, i) => `f${i}`);
  await c.call('HSET', 'r', ...fields.flatMap((f) => [f, `v:${f}`]));
  const drawn = new Set<string>();
  for (const count of [1, 5, 11, 29]) {
    for (let round = 0; round < 40; round++) {
      const pairs = (await c3.call('HRANDFIELD', 'r', count, 'WITHVALUES')) as string[][];
      assert.equal(pairs.length, count);
      assert.equal(new Set(pairs.map((p) => p[0])).size, count, 'distinct');
      for (const [f, v] of pairs) {
        assert.equal(v, `v:${f}`);
        drawn.add(f!);
      }
    }
  }
  assert.equal(drawn.size, 30);
  const counts = new Map<string, number>();
  const picks = (await c.call('HRANDFIELD', 'r', -6000)) as string[];
  assert.equal(picks.length, 6000);
  for (const f of picks) counts.set(f, (counts.get(f) ?? 0) + 1);
  assert.equal(counts.size, 30);
  for (const n of counts.values()) assert.ok(n > 100 && n < 320, `count ${n}`);
  const single = new Set<string>();
  for (let i = 0; i < 300; i++) single.add((await c.call('HRANDFIELD', 'r')) as string);
  assert.equal(single.size, 30);
});

test('HSCAN: a listpack hash whole with cursor 0, MATCH, COUNT, errors in Redis order', async () => {
  await c.call('DEL', 'h');
  await c.call('HSET', 'h', 'f1', 'v1', 'f2', 'v2', 'g', 'v3');
  const all = '*2\r\n$1\r\n0\r\n*6\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\nv2\r\n$1\r\ng\r\n$2\r\nv3\r\n';
  await both(['HSCAN', 'h', '0'], all);
  await both(['HSCAN', 'h', '5'], all);
  await both(['HSCAN', 'h', '-1'], all);
  await both(['HSCAN', 'h', '0', 'MATCH', 'f*', 'COUNT', '1'], '*2\r\n$1\r\n0\r\n*4\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\nv2\r\n');
  await both(['HSCAN', 'nokey', '0', 'COUNT', '0'], '*2\r\n$1\r\n0\r\n*0\r\n');
  await both(['HSCAN', 'nokey', 'x'], '-ERR invalid cursor\r\n');
  await both(['HSCAN', 'h', '18446744073709551616'], '-ERR invalid cursor\r\n');
  await both(['HSCAN', 'h', '0', 'COUNT', '0'], SYNTAX);
  await both(['HSCAN', 'h', '0', 'COUNT', 'x'], NOT_INT);
  await both(['HSCAN', 'h', '0', 'TYPE', 'string'], SYNTAX);
  await both(['HSCAN', 'h', '0', 'MATCH', 'f*', 'COUNT'], SYNTAX);
  await both(['HSCAN', 'h', '0', 'NOVALUES'], SYNTAX);
});

test('HSCAN of a hashtable: COUNT-sized steps, every field present throughout is returned', async () => {
  await c.call('DEL', 'big');
  const n = 1000;
  for (let i = 0; i < n; i += 100) {
    await c.call('HSET', 'big', ...Array.from({ length: 100 }, (_, j) => [`f${i + j}`, String(i + j)]).flat());
  }
  assert.equal(await c.call('OBJECT', 'ENCODING', 'big'), 'hashtable');
  const seen = new Map<string, string>();
  let cursor = '0';
  let calls = 0;
  do {
    const [next, items] = (await c.call('HSCAN', 'big', cursor, 'COUNT', 50)) as [string, string[]];
    assert.ok(items.length <= 100);
    for (let i = 0; i < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
    // Meanwhile: fields come and go.
    await c.call('HDEL', 'big', `f${(calls * 37) % n}`, `new${calls - 1}`);
    await c.call('HSET', 'big', `new${calls}`, 'x');
    cursor = next;
    calls++;
  } while (cursor !== '0' && calls < 1000);
  assert.equal(cursor, '0');
  assert.ok(calls >= 20, `${calls} calls`);
  const removed = new Set(Array.from({ length: calls }, (_, k) => `f${(k * 37) % n}`));
  for (let i = 0; i < n; i++) {
    const f = `f${i}`;
    if (!removed.has(f)) assert.equal(seen.get(f), String(i), f);
  }
  const matched = (await c.call('HSCAN', 'big', '0', 'MATCH', 'f99*', 'COUNT', 100000)) as [string, string[]];
  assert.equal(matched[0], '0');
  assert.deepEqual(
    matched[1].filter((_, i) => i % 2 === 0).sort(),
    ['f99', 'f990', 'f991', 'f992', 'f993', 'f994', 'f995', 'f996', 'f997', 'f998', 'f999'].filter((f) => !removed.has(f)),
  );
});

test('propagation: writes as Redis logs them, no-ops not at all', async () => {
  await c.call('DEL', 'h');
  assert.deepEqual(await propagatedBy(() => c.call('HSET', 'h', 'f', 'v')), ['0:HSET h f v']);
  // An update to the same value still counts as a write.
  assert.deepEqual(await propagatedBy(() => c.call('HSET', 'h', 'f', 'v')), ['0:HSET h f v']);
  assert.deepEqual(await propagatedBy(() => c.call('HMSET', 'h', 'g', 'w')), ['0:HMSET h g w']);
  assert.deepEqual(await propagatedBy(() => c.call('HSETNX', 'h', 'f', 'x')), []);
  assert.deepEqual(await propagatedBy(() => c.call('HSETNX', 'h', 'z', 'x')), ['0:HSETNX h z x']);
  assert.deepEqual(await propagatedBy(() => c.call('HDEL', 'h', 'nope')), []);
  assert.deepEqual(await propagatedBy(() => c.call('HDEL', 'h', 'z', 'nope')), ['0:HDEL h z nope']);
  assert.deepEqual(await propagatedBy(() => c.call('HINCRBY', 'h', 'n', '5')), ['0:HINCRBY h n 5']);
  assert.deepEqual(await propagatedBy(() => c.call('HINCRBYFLOAT', 'h', 'fl', '1.5')), ['0:HSET h fl 1.5']);
  assert.deepEqual(await propagatedBy(() => c.call('HINCRBYFLOAT', 'h', 'fl', '1e2')), ['0:HSET h fl 101.5']);
  assert.deepEqual(await propagatedBy(() => c.call('HINCRBYFLOAT', 'h', 'fl', 'x')), []);
  assert.deepEqual(await propagatedBy(() => c.call('HINCRBY', 'h', 'fl', '1')), []);
  assert.deepEqual(await propagatedBy(() => c.call('HGETALL', 'h')), []);
  assert.deepEqual(await propagatedBy(() => c.call('HRANDFIELD', 'h', '-5')), []);
  assert.deepEqual(await propagatedBy(() => c.call('HDEL', 'h', 'f', 'g', 'n', 'fl')), ['0:HDEL h f g n fl']);
  assert.equal(await c.call('EXISTS', 'h'), 0);
  // Inside MULTI the writes are wrapped.
  c.send('MULTI');
  c.send('HINCRBYFLOAT', 'h', 'x', '0.5');
  c.send('HSET', 'h', 'y', '1');
  srv.clearPropagated();
  c.send('EXEC');
  for (let i = 0; i < 4; i++) await c.read();
  assert.deepEqual(srv.propagated, ['0:MULTI', '0:HSET h x 0.5', '0:HSET h y 1', '-1:EXEC']);
});

test('keyspace statistics: reads count hits and misses, writes do not', async () => {
  await c.call('DEL', 'h');
  await c.call('HSET', 'h', 'f', 'v');
  await c.call('CONFIG', 'RESETSTAT');
  await c.call('HGET', 'h', 'f');
  await c.call('HGET', 'nokey', 'f');
  await c.call('HSET', 'h', 'g', 'w');
  await c.call('HINCRBY', 'nokey2', 'g', '1');
  const info = (await c.call('INFO', 'stats')) as string;
  assert.match(info, /keyspace_hits:1\r\n/);
  assert.match(info, /keyspace_misses:1\r\n/);
  await c.call('DEL', 'nokey2');
});

test('model: random HSET/HDEL/HINCRBY/HGET sequences agree with a Map', async () => {
  const field = fc.constantFrom('a', 'b', 'c', 'd', '\x00', '');
  const op = fc.oneof(
    fc.tuple(fc.constant('HSET'), field, fc.constantFrom('1', 'x', '', '-7')),
    fc.tuple(fc.constant('HDEL'), field),
    fc.tuple(fc.constant('HINCRBY'), field, fc.integer({ min: -5, max: 5 }).map(String)),
    fc.tuple(fc.constant('HGET'), field),
    fc.tuple(fc.constant('HEXISTS'), field),
    fc.tuple(fc.constant('HLEN')),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
      await c.call('DEL', 'm');
      const model = new Map<string, string>();
      for (const [cmd, f, v] of ops as [string, string?, string?][]) {
        const reply = await c.call(cmd, 'm', ...(f === undefined ? [] : [f]), ...(v === undefined ? [] : [v]));
        switch (cmd) {
          case 'HSET':
            assert.equal(reply, model.has(f!) ? 0 : 1);
            model.set(f!, v!);
            break;
          case 'HDEL':
            assert.equal(reply, model.delete(f!) ? 1 : 0);
            break;
          case 'HINCRBY': {
            const cur = model.get(f!) ?? '0';
            if (!/^(0|-?[1-9][0-9]*)$/.test(cur)) {
              assert.equal((reply as Error).message, 'ERR hash value is not an integer');
            } else {
              const next = String(Number(cur) + Number(v));
              assert.equal(reply, Number(next));
              model.set(f!, next);
            }
            break;
          }
          case 'HGET':
            assert.equal(reply, model.get(f!) ?? null);
            break;
          case 'HEXISTS':
            assert.equal(reply, model.has(f!) ? 1 : 0);
            break;
          default:
            assert.equal(reply, model.size);
        }
      }
      const all = (await c.call('HGETALL', 'm')) as string[];
      assert.deepEqual(all, [...model.entries()].flat());
      assert.equal(await c.call('EXISTS', 'm'), model.size > 0 ? 1 : 0);
    }),
    { numRuns: 60 },
  );
});
