// Sorted sets, the basic commands: ZADD (NX XX GT LT CH INCR) ZINCRBY ZREM ZCARD ZSCORE
// ZMSCORE ZRANK ZREVRANK ZSCAN — exact bytes in RESP2 and RESP3, error texts, score parsing
// and formatting (strtod's syntax, %.17g), OBJECT ENCODING / DEBUG OBJECT / DIGEST-VALUE,
// and what each write propagates. Expected bytes were taken from a real redis-server 7.0.15.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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
const NOT_FLOAT = '-ERR value is not a valid float\r\n';

async function propagatedBy(body: () => Promise<unknown>): Promise<string[]> {
  srv.clearPropagated();
  await body();
  return [...srv.propagated];
}

async function reset(...keys: string[]): Promise<void> {
  await c.call('DEL', ...keys);
}

test('ZADD adds and updates, replying the number added (CH: added + updated)', async () => {
  await reset('z');
  assert.equal(await c.callRaw('ZADD', 'z', '1', 'a', '2', 'b'), ':2\r\n');
  assert.equal(await c.callRaw('ZADD', 'z', '1', 'a', '3', 'b', '4', 'c'), ':1\r\n');
  assert.equal(await c.callRaw('ZADD', 'z', 'CH', '1', 'a', '5', 'b', '6', 'd'), ':2\r\n');
  assert.equal(await c.callRaw('ZADD', 'z', 'ch', '1', 'a'), ':0\r\n');
  assert.equal(await c.callRaw('ZRANGE', 'z', '0', '-1', 'WITHSCORES'), '*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nc\r\n$1\r\n4\r\n$1\r\nb\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n6\r\n');
  // The same member twice in one call: the last score wins, counted once.
  assert.equal(await c.callRaw('ZADD', 'z2', '1', 'x', '2', 'x'), ':1\r\n');
  assert.equal(await c.callRaw('ZSCORE', 'z2', 'x'), '$1\r\n2\r\n');
  await reset('z2');
});

test('ZADD NX XX GT LT: conditions on existing and new members', async () => {
  await reset('z');
  await c.call('ZADD', 'z', '5', 'a');
  assert.equal(await c.callRaw('ZADD', 'z', 'NX', '1', 'a', '1', 'b'), ':1\r\n');
  assert.equal(await c.callRaw('ZSCORE', 'z', 'a'), '$1\r\n5\r\n');
  assert.equal(await c.callRaw('ZADD', 'z', 'XX', 'CH', '7', 'a', '1', 'new'), ':1\r\n');
  assert.equal(await c.callRaw('ZSCORE', 'z', 'new'), '$-1\r\n');
  assert.equal(await c.callRaw('ZADD', 'z', 'GT', 'CH', '6', 'a', '2', 'b', '9', 'c'), ':2\r\n');
  assert.deepEqual(await c.call('ZMSCORE', 'z', 'a', 'b', 'c'), ['7', '2', '9']);
  assert.equal(await c.callRaw('ZADD', 'z', 'LT', 'CH', '8', 'a', '1', 'b'), ':1\r\n');
  assert.deepEqual(await c.call('ZMSCORE', 'z', 'a', 'b'), ['7', '1']);
  assert.equal(await c.callRaw('ZADD', 'z', 'XX', 'GT', 'CH', '10', 'a', '10', 'zz'), ':1\r\n');
  assert.equal(await c.callRaw('ZCARD', 'z'), ':3\r\n');
  // XX on a missing key creates nothing.
  assert.equal(await c.callRaw('ZADD', 'nokey', 'XX', '1', 'a'), ':0\r\n');
  assert.equal(await c.callRaw('EXISTS', 'nokey'), ':0\r\n');
});

test('ZADD option errors and argument checks, before anything changes', async () => {
  await reset('z');
  assert.equal(await c.callRaw('ZADD', 'z', 'NX', 'XX', '1', 'a'), '-ERR XX and NX options at the same time are not compatible\r\n');
  const gtlt = '-ERR GT, LT, and/or NX options at the same time are not compatible\r\n';
  assert.equal(await c.callRaw('ZADD', 'z', 'GT', 'LT', '1', 'a'), gtlt);
  assert.equal(await c.callRaw('ZADD', 'z', 'GT', 'NX', '1', 'a'), gtlt);
  assert.equal(await c.callRaw('ZADD', 'z', 'CH', 'XX', 'GT', 'LT', '1', 'a'), gtlt);
  assert.equal(await c.callRaw('ZADD', 'z', 'INCR', '1', 'a', '2', 'b'), '-ERR INCR option supports a single increment-element pair\r\n');
  assert.equal(await c.callRaw('ZADD', 'z', '1'), "-ERR wrong number of arguments for 'zadd' command\r\n");
  assert.equal(await c.callRaw('ZADD', 'z', '1', 'a', '2'), SYNTAX);
  assert.equal(await c.callRaw('ZADD', 'z', 'nx', 'xx'), SYNTAX);
  assert.equal(await c.callRaw('ZADD', 'z', '1', 'a', 'nan', 'b'), NOT_FLOAT);
  assert.equal(await c.callRaw('ZADD', 'z', '1', 'a', 'abc', 'b'), NOT_FLOAT);
  assert.equal(await c.callRaw('EXISTS', 'z'), ':0\r\n');
  assert.equal(await c.callRaw('ZINCRBY', 'z', 'nx', '1'), SYNTAX);
  await c.call('SET', 'str', 'x');
  assert.equal(await c.callRaw('ZADD', 'str', '1', 'a'), WRONGTYPE);
  assert.equal(await c.callRaw('ZINCRBY', 'str', '1', 'a'), WRONGTYPE);
  // Score errors come before the type check.
  assert.equal(await c.callRaw('ZADD', 'str', 'x', 'a'), NOT_FLOAT);
});

test('scores parse as C strtod does: hex, inf, denormals; no NaN, spaces, overflow or underflow to 0', async () => {
  await reset('z');
  const ok: [string, string][] = [
    ['0x10', '16'],
    ['0x1p-2', '0.25'],
    ['0X1P+1', '2'],
    ['0x.8', '0.5'],
    ['0x1.8p1', '3'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['+.5e+1', '5'],
    ['1e-310', '9.9999999999999694e-311'],
    ['4e-324', '4.9406564584124654e-324'],
    ['INF', 'inf'],
    ['+Infinity', 'inf'],
    ['-inf', '-inf'],
    ['1.1', '1.1000000000000001'],
    ['0.1', '0.10000000000000001'],
    ['1e17', '1e+17'],
    ['123456789012345678', '1.2345678901234568e+17'],
    ['-1.5e-7', '-1.4999999999999999e-07'],
  ];
  for (const [input, shown] of ok) {
    await c.call('DEL', 'z');
    assert.equal(await c.callRaw('ZADD', 'z', input, 'm'), ':1\r\n', input);
    assert.equal(await c.callRaw('ZSCORE', 'z', 'm'), `$${shown.length}\r\n${shown}\r\n`, input);
    assert.equal(await c3.callRaw('ZSCORE', 'z', 'm'), `,${shown}\r\n`, input);
  }
  for (const bad of ['nan', '-nan', 'nan(12)', '', ' 1', '1 ', '1e', '0x', '1_0', 'infinit', '1e400', '-1e400', '1e-400', '1e-330', '1,5']) {
    assert.equal(await c.callRaw('ZADD', 'z', bad, 'm'), NOT_FLOAT, JSON.stringify(bad));
  }
});

test('ZADD INCR and ZINCRBY reply the new score; NaN results are refused', async () => {
  await reset('z');
  assert.equal(await c.callRaw('ZINCRBY', 'z', '1.5', 'a'), '$3\r\n1.5\r\n');
  assert.equal(await c3.callRaw('ZADD', 'z', 'INCR', '1', 'a'), ',2.5\r\n');
  assert.equal(await c.callRaw('ZADD', 'z', 'INCR', 'inf', 'a'), '$3\r\ninf\r\n');
  assert.equal(await c.callRaw('ZADD', 'z', 'INCR', '-inf', 'a'), '-ERR resulting score is not a number (NaN)\r\n');
  assert.equal(await c.callRaw('ZINCRBY', 'z', '-inf', 'a'), '-ERR resulting score is not a number (NaN)\r\n');
  assert.equal(await c.callRaw('ZINCRBY', 'z', 'abc', 'a'), NOT_FLOAT);
  assert.equal(await c.callRaw('ZSCORE', 'z', 'a'), '$3\r\ninf\r\n');
  // A condition that is not met: nil.
  assert.equal(await c.callRaw('ZADD', 'z', 'XX', 'INCR', '1', 'nosuch'), '$-1\r\n');
  assert.equal(await c3.callRaw('ZADD', 'z', 'NX', 'INCR', '1', 'a'), '_\r\n');
  await c.call('ZADD', 'z', '0', 'b');
  assert.equal(await c.callRaw('ZADD', 'z', 'GT', 'INCR', '-1', 'b'), '$-1\r\n');
  assert.equal(await c.callRaw('ZADD', 'z', 'GT', 'INCR', '1', 'b'), '$1\r\n1\r\n');
  assert.equal(await c.callRaw('ZADD', 'z', 'LT', 'INCR', '0', 'b'), '$-1\r\n');
});

test('ZREM removes members and the key with the last one', async () => {
  await reset('z');
  await c.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
  assert.equal(await c.callRaw('ZREM', 'z', 'a', 'nosuch', 'a'), ':1\r\n');
  assert.equal(await c.callRaw('ZREM', 'nokey', 'a'), ':0\r\n');
  assert.equal(await c.callRaw('ZREM', 'z', 'b', 'c', 'x'), ':2\r\n');
  assert.equal(await c.callRaw('EXISTS', 'z'), ':0\r\n');
  await c.call('SET', 'str', 'x');
  assert.equal(await c.callRaw('ZREM', 'str', 'a'), WRONGTYPE);
});

test('ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK in both protocols', async () => {
  await reset('z');
  await c.call('ZADD', 'z', '1', 'a', '2', 'b', '2.5', 'c');
  assert.equal(await c.callRaw('ZCARD', 'z'), ':3\r\n');
  assert.equal(await c.callRaw('ZCARD', 'nokey'), ':0\r\n');
  assert.equal(await c.callRaw('ZSCORE', 'z', 'c'), '$3\r\n2.5\r\n');
  assert.equal(await c3.callRaw('ZSCORE', 'z', 'c'), ',2.5\r\n');
  assert.equal(await c.callRaw('ZSCORE', 'z', 'x'), '$-1\r\n');
  assert.equal(await c3.callRaw('ZSCORE', 'nokey', 'x'), '_\r\n');
  assert.equal(await c.callRaw('ZMSCORE', 'z', 'a', 'x', 'c'), '*3\r\n$1\r\n1\r\n$-1\r\n$3\r\n2.5\r\n');
  assert.equal(await c3.callRaw('ZMSCORE', 'z', 'a', 'x', 'c'), '*3\r\n,1\r\n_\r\n,2.5\r\n');
  assert.equal(await c.callRaw('ZMSCORE', 'nokey', 'a'), '*1\r\n$-1\r\n');
  assert.equal(await c.callRaw('ZRANK', 'z', 'a'), ':0\r\n');
  assert.equal(await c.callRaw('ZRANK', 'z', 'c'), ':2\r\n');
  assert.equal(await c.callRaw('ZREVRANK', 'z', 'c'), ':0\r\n');
  assert.equal(await c.callRaw('ZREVRANK', 'z', 'a'), ':2\r\n');
  assert.equal(await c.callRaw('ZRANK', 'z', 'x'), '$-1\r\n');
  assert.equal(await c3.callRaw('ZRANK', 'nokey', 'x'), '_\r\n');
  await c.call('SET', 'str', 'x');
  for (const cmd of [['ZCARD', 'str'], ['ZSCORE', 'str', 'a'], ['ZMSCORE', 'str', 'a'], ['ZRANK', 'str', 'a'], ['ZREVRANK', 'str', 'a']]) {
    assert.equal(await c.callRaw(...cmd), WRONGTYPE, cmd.join(' '));
  }
});

test('equal scores order members byte-wise; binary members round-trip', async () => {
  await reset('z');
  await c.call('ZADD', 'z', '0', 'b', '0', 'a\x00', '0', 'a', '0', '\xff', '0', '', '0', 'B');
  assert.equal(await c.callRaw('ZRANGE', 'z', '0', '-1'), '*6\r\n$0\r\n\r\n$1\r\nB\r\n$1\r\na\r\n$2\r\na\x00\r\n$1\r\nb\r\n$1\r\n\xff\r\n');
  assert.equal(await c.callRaw('ZRANK', 'z', '\xff'), ':5\r\n');
  assert.equal(await c.callRaw('ZSCORE', 'z', ''), '$1\r\n0\r\n');
});

test('OBJECT ENCODING: listpack until zset-max-listpack-entries/-value are exceeded, then skiplist for good', async () => {
  await reset('a', 'b', 'c', 'u', 'inc', 'e', 'e2', 'acopy');
  await c.call('CONFIG', 'SET', 'zset-max-listpack-entries', '4');
  await c.call('CONFIG', 'SET', 'zset-max-listpack-value', '10');
  try {
    await c.call('ZADD', 'a', '1', 'x', '2', 'y', '3', 'z', '4', 'w');
    assert.equal(await c.call('OBJECT', 'ENCODING', 'a'), 'listpack');
    await c.call('ZADD', 'a', '5', 'v');
    assert.equal(await c.call('OBJECT', 'ENCODING', 'a'), 'skiplist');
    await c.call('ZREM', 'a', 'v', 'w', 'z');
    assert.equal(await c.call('OBJECT', 'ENCODING', 'a'), 'skiplist');
    await c.call('ZADD', 'b', '1', '0123456789');
    assert.equal(await c.call('OBJECT', 'ENCODING', 'b'), 'listpack');
    await c.call('ZADD', 'b', '1', '01234567890');
    assert.equal(await c.call('OBJECT', 'ENCODING', 'b'), 'skiplist');
    await c.call('ZINCRBY', 'inc', '1', 'abcdefghijklmn');
    assert.equal(await c.call('OBJECT', 'ENCODING', 'inc'), 'skiplist');
    // A stored result is sized once: 2 short members fit a listpack again.
    await c.call('ZUNIONSTORE', 'u', '1', 'a');
    assert.equal(await c.call('OBJECT', 'ENCODING', 'u'), 'listpack');
    // COPY keeps the encoding.
    await c.call('COPY', 'a', 'acopy');
    assert.equal(await c.call('OBJECT', 'ENCODING', 'acopy'), 'skiplist');
    await c.call('CONFIG', 'SET', 'zset-max-listpack-entries', '0');
    await c.call('ZADD', 'e', '1', 'x');
    assert.equal(await c.call('OBJECT', 'ENCODING', 'e'), 'skiplist');
    await c.call('ZRANGESTORE', 'e2', 'u', '0', '-1');
    assert.equal(await c.call('OBJECT', 'ENCODING', 'e2'), 'skiplist');
  } finally {
    await c.call('CONFIG', 'SET', 'zset-max-listpack-entries', '128');
    await c.call('CONFIG', 'SET', 'zset-max-listpack-value', '64');
  }
});

test('a listpack stores integral scores as integers: -0 reads back as 0 there, not in a skiplist', async () => {
  await reset('z', 'big');
  await c.call('ZADD', 'z', '-0', 'a');
  assert.equal(await c.callRaw('ZSCORE', 'z', 'a'), '$1\r\n0\r\n');
  const args: string[] = [];
  for (let i = 0; i < 130; i++) args.push(String(i), `m${i}`);
  await c.call('ZADD', 'big', ...args);
  await c.call('ZADD', 'big', '-0', 'neg');
  assert.equal(await c.callRaw('ZSCORE', 'big', 'neg'), '$2\r\n-0\r\n');
});

test('DEBUG OBJECT serializedlength and DIGEST-VALUE equal Redis 7.0.15 for both encodings', async () => {
  await reset('ints', 'long', 'sk');
  await c.call('ZADD', 'ints', '1', '1', '2', '100', '3', '-5', '4', '1000', '5', '100000', '6', '-100000000', '7', '9223372036854775807', '8', '01', '1.5', '-0', '2.5', 'abc');
  const serialized = async (key: string) => /serializedlength:(\d+)/.exec((await c.call('DEBUG', 'OBJECT', key)) as string)![1];
  assert.equal(await serialized('ints'), '79');
  await c.call('ZADD', 'ints', '1e17', 'big', '4611686018427387904', 'big2', '4611686018427387903', 'big3', '-inf', 'm', 'inf', 'n');
  assert.equal(await serialized('ints'), '132');
  assert.deepEqual(await c.call('DEBUG', 'DIGEST-VALUE', 'ints'), ['67395066ed9d775535b70fe7f5e6a654ac4c7633']);
  const longArgs: string[] = [];
  for (let i = 1; i <= 30; i++) longArgs.push(String(i), `member-number-${i}-xxxxxxxxxxxxxxxxxxxxxxxxxx`);
  await c.call('ZADD', 'long', ...longArgs);
  assert.equal(await serialized('long'), '303');
  const skArgs: string[] = [];
  for (let i = 1; i <= 140; i++) skArgs.push(`${i}.5`, `m${i}`);
  await c.call('ZADD', 'sk', ...skArgs);
  assert.equal(await c.call('OBJECT', 'ENCODING', 'sk'), 'skiplist');
  assert.equal(await serialized('sk'), '1714');
  assert.deepEqual(await c.call('DEBUG', 'DIGEST-VALUE', 'sk'), ['f081dfd0914fa9247e7f654cd3e8e30837c90c65']);
  await c.call('ZADD', 'sk', '-0', 'negzero', '1', '12345678901234567890123456789012345678901234567890');
  assert.equal(await serialized('sk'), '1759');
});

test('ZSCAN: a listpack-sized set in one call with scores as stored; a large one by cursor, missing nothing', async () => {
  await reset('z', 'big');
  await c.call('ZADD', 'z', '1.1', 'a', '-0', 'b', '1e17', 'c', '1e20', 'd');
  assert.equal(
    await c.callRaw('ZSCAN', 'z', '0'),
    '*2\r\n$1\r\n0\r\n*8\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\na\r\n$18\r\n1.1000000000000001\r\n$1\r\nc\r\n$18\r\n100000000000000000\r\n$1\r\nd\r\n$5\r\n1e+20\r\n',
  );
  assert.equal(await c.callRaw('ZSCAN', 'z', '0', 'MATCH', '[ab]', 'COUNT', '1'), '*2\r\n$1\r\n0\r\n*4\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\na\r\n$18\r\n1.1000000000000001\r\n');
  assert.equal(await c.callRaw('ZSCAN', 'nokey', '0'), '*2\r\n$1\r\n0\r\n*0\r\n');
  assert.equal(await c.callRaw('ZSCAN', 'z', 'x'), '-ERR invalid cursor\r\n');
  assert.equal(await c.callRaw('ZSCAN', 'z', '0', 'COUNT', '0'), SYNTAX);
  assert.equal(await c.callRaw('ZSCAN', 'z', '0', 'COUNT', 'x'), '-ERR value is not an integer or out of range\r\n');
  assert.equal(await c.callRaw('ZSCAN', 'z', '0', 'TYPE', 'zset'), SYNTAX);
  assert.equal(await c.callRaw('ZSCAN', 'z', '0', 'MATCH'), SYNTAX);
  await c.call('SET', 'str', 'x');
  assert.equal(await c.callRaw('ZSCAN', 'str', '0', 'COUNT', '0'), WRONGTYPE);

  const args: string[] = [];
  for (let i = 0; i < 300; i++) args.push(String(i), `m${i}`);
  await c.call('ZADD', 'big', ...args);
  const seen = new Map<string, string>();
  let cursor = '0';
  let calls = 0;
  do {
    const [next, items] = (await c.call('ZSCAN', 'big', cursor, 'COUNT', '20')) as [string, string[]];
    for (let i = 0; i < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
    // Churn during the scan: removals and additions never hide the untouched members.
    await c.call('ZREM', 'big', `m${calls * 3}`);
    await c.call('ZADD', 'big', '-1', `new${calls}`, String(1000 + calls), `m${calls * 3 + 1}`);
    cursor = next;
    calls++;
  } while (cursor !== '0' && calls < 100);
  assert.equal(cursor, '0');
  assert.ok(calls > 5, 'several calls');
  for (let i = 0; i < 300; i++) {
    const touched = i % 3 === 0 && i / 3 < calls;
    if (!touched) assert.ok(seen.has(`m${i}`), `m${i} missed`);
  }
  assert.equal(seen.get('m299'), '299');
});

test('propagation: writes as received, only when something changed', async () => {
  await reset('z');
  assert.deepEqual(
    await propagatedBy(async () => {
      await c.call('ZADD', 'z', '1', 'a', '2', 'b');
      await c.call('ZADD', 'z', '1', 'a');
      await c.call('ZADD', 'z', 'XX', '9', 'nosuch');
      await c.call('ZADD', 'z', 'NX', '9', 'a');
      await c.call('ZINCRBY', 'z', '1.5', 'a');
      await c.call('ZADD', 'z', 'INCR', '1', 'b');
      await c.call('ZADD', 'z', 'INCR', '0', 'b');
      await c.call('ZREM', 'z', 'nosuch');
      await c.call('ZREM', 'z', 'nosuch', 'a');
      await c.call('ZADD', 'z', 'INCR', 'nan', 'b');
      await c.call('ZREM', 'z', 'b');
    }),
    ['0:ZADD z 1 a 2 b', '0:ZINCRBY z 1.5 a', '0:ZADD z INCR 1 b', '0:ZREM z nosuch a', '0:ZREM z b'],
  );
});

test('command table entries match Redis 7.0.15 (arity, flags, keys)', async () => {
  const info = (await c.call('COMMAND', 'INFO', 'zadd', 'zincrby', 'zrem', 'zscan')) as unknown[][];
  assert.deepEqual(
    info.map((e) => [e[0], e[1], (e[2] as string[]).join(' '), e[3], e[4], e[5]]),
    [
      ['zadd', -4, 'write denyoom fast', 1, 1, 1],
      ['zincrby', 4, 'write denyoom fast', 1, 1, 1],
      ['zrem', -3, 'write fast', 1, 1, 1],
      ['zscan', -3, 'readonly', 1, 1, 1],
    ],
  );
});
