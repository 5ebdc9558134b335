// Sorted-set pops and random members: ZPOPMIN ZPOPMAX ZMPOP ZRANDMEMBER, and the blocking
// BZPOPMIN BZPOPMAX BZMPOP — the four reply shapes (flat/nested, with/without the key) in
// RESP2 and RESP3, count and numkeys errors, what each pop propagates (ZMPOP and the
// blocking forms as ZPOPMIN/ZPOPMAX), waiting clients served in order, timeouts, MULTI.
// Expected bytes were taken from a real redis-server 7.0.15.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import type { RespClient } from '../helpers/resp-client.js';

let srv: TestServer;
let c: RespClient;
let c3: RespClient;
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

async function abcd(key = 'z'): Promise<void> {
  await c.call('DEL', key);
  await c.call('ZADD', key, '1', 'a', '2', 'b', '3', 'c', '4', 'd');
}

async function blockedClients(): Promise<number> {
  const info = (await c.call('INFO', 'clients')) as string;
  return Number(/blocked_clients:(\d+)/.exec(info)![1]);
}

test('ZPOPMIN / ZPOPMAX: flat in RESP2, nested in RESP3 when a count is given', async () => {
  await abcd();
  assert.equal(await c.callRaw('ZPOPMIN', 'z'), '*2\r\n$1\r\na\r\n$1\r\n1\r\n');
  assert.equal(await c3.callRaw('ZPOPMIN', 'z'), '*2\r\n$1\r\nb\r\n,2\r\n');
  assert.equal(await c.callRaw('ZPOPMAX', 'z', '1'), '*2\r\n$1\r\nd\r\n$1\r\n4\r\n');
  await abcd();
  assert.equal(await c3.callRaw('ZPOPMAX', 'z', '1'), '*1\r\n*2\r\n$1\r\nd\r\n,4\r\n');
  assert.equal(await c3.callRaw('ZPOPMIN', 'z', '2'), '*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n');
  assert.equal(await c.callRaw('ZPOPMIN', 'z', '0'), '*0\r\n');
  assert.equal(await c.callRaw('ZPOPMIN', 'z', '9223372036854775807'), '*2\r\n$1\r\nc\r\n$1\r\n3\r\n');
  assert.equal(await c.callRaw('EXISTS', 'z'), ':0\r\n');
  assert.equal(await c.callRaw('ZPOPMIN', 'nokey'), '*0\r\n');
  assert.equal(await c3.callRaw('ZPOPMIN', 'nokey', '3'), '*0\r\n');
  assert.equal(await c.callRaw('ZPOPMIN', 'z', '-1'), '-ERR value is out of range, must be positive\r\n');
  assert.equal(await c.callRaw('ZPOPMIN', 'z', 'x'), '-ERR value is out of range, must be positive\r\n');
  assert.equal(await c.callRaw('ZPOPMIN', 'z', '1', '2'), SYNTAX);
  await c.call('SET', 'str', 'x');
  assert.equal(await c.callRaw('ZPOPMIN', 'str', '0'), WRONGTYPE);
  assert.equal(await c.callRaw('ZPOPMAX', 'str'), WRONGTYPE);
});

test('ZMPOP: the first non-empty key, [key, [[member, score] ...]], nil when none', async () => {
  await abcd();
  assert.equal(await c.callRaw('ZMPOP', '2', 'nokey', 'z', 'max', 'COUNT', '2'), '*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n');
  assert.equal(await c3.callRaw('ZMPOP', '1', 'z', 'MIN'), '*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n,1\r\n');
  assert.equal(await c.callRaw('ZMPOP', '1', 'z', 'MIN', 'COUNT', '10'), '*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n');
  assert.equal(await c.callRaw('ZMPOP', '1', 'z', 'MIN'), '*-1\r\n');
  assert.equal(await c3.callRaw('ZMPOP', '1', 'z', 'MIN'), '_\r\n');
  const numkeys = '-ERR numkeys should be greater than 0\r\n';
  assert.equal(await c.callRaw('ZMPOP', '0', 'z', 'MIN'), numkeys);
  assert.equal(await c.callRaw('ZMPOP', 'x', 'z', 'MIN'), numkeys);
  assert.equal(await c.callRaw('ZMPOP', '99999999999999999999', 'z', 'MIN'), numkeys);
  assert.equal(await c.callRaw('ZMPOP', '2', 'z', 'MIN'), SYNTAX);
  assert.equal(await c.callRaw('ZMPOP', '1', 'z', 'FOO'), SYNTAX);
  assert.equal(await c.callRaw('ZMPOP', '1', 'z', 'MIN', 'COUNT', '0'), '-ERR count should be greater than 0\r\n');
  assert.equal(await c.callRaw('ZMPOP', '1', 'z', 'MIN', 'COUNT', 'x'), '-ERR count should be greater than 0\r\n');
  assert.equal(await c.callRaw('ZMPOP', '1', 'z', 'MIN', 'COUNT', '1', 'COUNT', '2'), SYNTAX);
  assert.equal(await c.callRaw('ZMPOP', '1', 'z', 'MIN', 'COUNT'), SYNTAX);
  await c.call('SET', 'str', 'x');
  assert.equal(await c.callRaw('ZMPOP', '2', 'nokey', 'str', 'MIN'), WRONGTYPE);
  // Keys after the first sorted set are not looked at.
  await c.call('ZADD', 'z', '1', 'a');
  assert.equal(await c.callRaw('ZMPOP', '2', 'z', 'str', 'MIN'), '*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n');
});

test('ZRANDMEMBER: single, distinct (positive count), repeats (negative), WITHSCORES shapes, errors', async () => {
  await c.call('DEL', 'z');
  await c.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
  assert.ok(['a', 'b', 'c'].includes((await c.call('ZRANDMEMBER', 'z')) as string));
  // At least the whole set: everything, highest first, as Redis iterates it.
  assert.equal(await c.callRaw('ZRANDMEMBER', 'z', '10'), '*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n');
  assert.equal(await c.callRaw('ZRANDMEMBER', 'z', '3', 'WITHSCORES'), '*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n');
  assert.equal(await c3.callRaw('ZRANDMEMBER', 'z', '10', 'WITHSCORES'), '*3\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\na\r\n,1\r\n');
  assert.equal(await c.callRaw('ZRANDMEMBER', 'z', '0'), '*0\r\n');
  const two = (await c.call('ZRANDMEMBER', 'z', '2')) as string[];
  assert.equal(new Set(two).size, 2);
  const many = (await c.call('ZRANDMEMBER', 'z', '-20', 'WITHSCORES')) as string[];
  assert.equal(many.length, 40);
  for (let i = 0; i < many.length; i += 2) assert.equal(many[i + 1], String(' abc'.indexOf(many[i]!)));
  const nested = (await c3.call('ZRANDMEMBER', 'z', '-5', 'WITHSCORES')) as [string, number][];
  assert.equal(nested.length, 5);
  for (const [m, s] of nested) assert.equal(s, ' abc'.indexOf(m));
  // Distinct picks from a large set, both strategies (more or less than a third of it).
  const args: string[] = [];
  for (let i = 0; i < 300; i++) args.push(String(i), `m${i}`);
  await c.call('ZADD', 'big', ...args);
  for (const n of [10, 150]) {
    const got = (await c.call('ZRANDMEMBER', 'big', String(n))) as string[];
    assert.equal(got.length, n);
    assert.equal(new Set(got).size, n);
  }
  assert.equal(await c.callRaw('ZRANDMEMBER', 'nokey'), '$-1\r\n');
  assert.equal(await c3.callRaw('ZRANDMEMBER', 'nokey'), '_\r\n');
  assert.equal(await c.callRaw('ZRANDMEMBER', 'nokey', '5'), '*0\r\n');
  assert.equal(await c.callRaw('ZRANDMEMBER', 'nokey', 'x'), '-ERR value is not an integer or out of range\r\n');
  assert.equal(await c.callRaw('ZRANDMEMBER', 'nokey', '1', 'foo'), SYNTAX);
  assert.equal(await c.callRaw('ZRANDMEMBER', 'nokey', '1', 'withscores', 'x'), SYNTAX);
  assert.equal(await c.callRaw('ZRANDMEMBER', 'z', '-9223372036854775808'), '-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n');
  assert.equal(await c.callRaw('ZRANDMEMBER', 'z', '-9223372036854775807', 'WITHSCORES'), '-ERR value is out of range\r\n');
  assert.equal(await c.callRaw('ZRANDMEMBER', 'z', '4611686018427387904', 'WITHSCORES'), '-ERR value is out of range\r\n');
  assert.equal(await c.callRaw('ZRANDMEMBER', 'z', '4611686018427387903', 'WITHSCORES'), '*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n');
  await c.call('SET', 'str', 'x');
  assert.equal(await c.callRaw('ZRANDMEMBER', 'str'), WRONGTYPE);
  assert.equal(await c.callRaw('ZRANDMEMBER', 'str', '0'), WRONGTYPE);
});

test('propagation: ZPOPMIN/MAX as received, ZMPOP as ZPOPMIN|ZPOPMAX key <popped>, nothing when nothing popped', async () => {
  await c.call('DEL', 'z', 'nokey');
  await c.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
  srv.clearPropagated();
  await c.call('ZMPOP', '1', 'z', 'MIN', 'COUNT', '2');
  await c.call('ZMPOP', '2', 'nokey', 'z', 'MAX', 'COUNT', '10');
  await c.call('ZMPOP', '1', 'z', 'MAX');
  await c.call('ZADD', 'z', '1', 'a', '2', 'b');
  await c.call('ZPOPMIN', 'z', '5');
  await c.call('ZPOPMIN', 'z');
  await c.call('ZPOPMIN', 'nokey');
  await c.call('ZADD', 'z', '1', 'a');
  await c.call('ZPOPMIN', 'z', '0');
  await c.call('ZPOPMAX', 'z');
  assert.deepEqual(srv.propagated, ['0:ZPOPMIN z 2', '0:ZPOPMAX z 3', '0:ZADD z 1 a 2 b', '0:ZPOPMIN z 5', '0:ZADD z 1 a', '0:ZPOPMAX z']);
});

test('BZPOPMIN / BZPOPMAX / BZMPOP serve at once when a key has members, in the right shapes', async () => {
  await abcd();
  srv.clearPropagated();
  assert.equal(await c.callRaw('BZPOPMIN', 'nokey', 'z', '0'), '*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n');
  assert.equal(await c3.callRaw('BZPOPMAX', 'z', '0.01'), '*3\r\n$1\r\nz\r\n$1\r\nd\r\n,4\r\n');
  assert.equal(await c.callRaw('BZMPOP', '0', '2', 'nokey', 'z', 'MIN', 'COUNT', '10'), '*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n');
  assert.deepEqual(srv.propagated, ['0:ZPOPMIN z', '0:ZPOPMAX z', '0:ZPOPMIN z 2']);
  const timeout = '-ERR timeout is not a float or out of range\r\n';
  assert.equal(await c.callRaw('BZPOPMIN', 'z', 'x'), timeout);
  assert.equal(await c.callRaw('BZPOPMIN', 'z', 'nan'), timeout);
  assert.equal(await c.callRaw('BZPOPMIN', 'z', '-1'), '-ERR timeout is negative\r\n');
  assert.equal(await c.callRaw('BZMPOP', 'x', '1', 'z', 'MIN'), timeout);
  // BZMPOP checks its keys and options before the timeout.
  assert.equal(await c.callRaw('BZMPOP', 'x', '0', 'z', 'MIN'), '-ERR numkeys should be greater than 0\r\n');
  assert.equal(await c.callRaw('BZMPOP', 'x', '1', 'z', 'MIN', 'COUNT', '0'), '-ERR count should be greater than 0\r\n');
  assert.equal(await c.callRaw('BZMPOP', '0', '1', 'z', 'FOO'), SYNTAX);
  await c.call('SET', 'str', 'x');
  assert.equal(await c.callRaw('BZPOPMIN', 'nokey', 'str', '0'), WRONGTYPE);
  assert.equal(await c.callRaw('BZMPOP', '0', '2', 'nokey', 'str', 'MIN'), WRONGTYPE);
});

test('blocking pops inside MULTI do not wait: a nil array', async () => {
  await c.call('DEL', 'empty');
  await c.call('MULTI');
  await c.call('BZPOPMIN', 'empty', '0');
  await c.call('BZMPOP', '0', '1', 'empty', 'MIN');
  assert.equal(await c.callRaw('EXEC'), '*2\r\n*-1\r\n*-1\r\n');
  await c3.call('MULTI');
  await c3.call('BZPOPMAX', 'empty', '0');
  assert.equal(await c3.callRaw('EXEC'), '*1\r\n_\r\n');
});

test('BZPOPMIN with a fractional timeout times out with a nil array', async () => {
  const w = await srv.client();
  const t0 = Date.now();
  assert.equal(await w.callRaw('BZPOPMIN', 'empty', '0.15'), '*-1\r\n');
  assert.ok(Date.now() - t0 >= 140, 'waited');
  const w3 = await srv.client();
  await w3.call('HELLO', '3');
  assert.equal(await w3.callRaw('BZMPOP', '0.05', '1', 'empty', 'MAX'), '_\r\n');
});

test('waiting clients are served in arrival order as members arrive; the pop propagates as ZPOPMIN/ZPOPMAX', async () => {
  await c.call('DEL', 'q1', 'q2');
  const w1 = await srv.client();
  const w2 = await srv.client();
  const w3 = await srv.client();
  w1.send('BZPOPMIN', 'q1', 'q2', '0');
  await waitFor(async () => (await blockedClients()) === 1);
  w2.send('BZPOPMAX', 'q2', '0');
  await waitFor(async () => (await blockedClients()) === 2);
  w3.send('BZMPOP', '0', '1', 'q2', 'MAX', 'COUNT', '5');
  await waitFor(async () => (await blockedClients()) === 3);
  srv.clearPropagated();
  // One ZADD of two members into q2: w1 (first in line) takes the lowest, w2 the highest;
  // w3 finds q2 gone and keeps waiting.
  await c.call('ZADD', 'q2', '1', 'low', '9', 'high');
  assert.equal(await w1.readRaw(), '*3\r\n$2\r\nq2\r\n$3\r\nlow\r\n$1\r\n1\r\n');
  assert.equal(await w2.readRaw(), '*3\r\n$2\r\nq2\r\n$4\r\nhigh\r\n$1\r\n9\r\n');
  assert.equal(await blockedClients(), 1);
  assert.deepEqual(srv.propagated, ['0:ZADD q2 1 low 9 high', '0:ZPOPMIN q2', '0:ZPOPMAX q2']);
  // A MULTI that creates and empties the key serves nobody; one that leaves members does.
  await c.call('MULTI');
  await c.call('ZADD', 'q2', '1', 'x');
  await c.call('ZREM', 'q2', 'x');
  await c.call('EXEC');
  await c.call('MULTI');
  await c.call('ZADD', 'q2', '1', 'x', '2', 'y');
  await c.call('ZADD', 'q2', '3', 'z');
  await c.call('EXEC');
  assert.equal(await w3.readRaw(), '*2\r\n$2\r\nq2\r\n*3\r\n*2\r\n$1\r\nz\r\n$1\r\n3\r\n*2\r\n$1\r\ny\r\n$1\r\n2\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n');
  assert.equal(srv.propagated.at(-1), '0:ZPOPMAX q2 3');
  assert.equal(await blockedClients(), 0);
});

test('a waiter whose key becomes another type gets WRONGTYPE; a key created by ZUNIONSTORE or RENAME serves it', async () => {
  await c.call('DEL', 'k', 'src');
  const w = await srv.client();
  w.send('BZPOPMIN', 'k', '0');
  await waitFor(async () => (await blockedClients()) === 1);
  await c.call('SET', 'k', 'str');
  assert.equal(await w.readRaw(), WRONGTYPE);
  await c.call('DEL', 'k');
  w.send('BZPOPMAX', 'k', '0');
  await waitFor(async () => (await blockedClients()) === 1);
  await c.call('ZADD', 'src', '5', 'm');
  await c.call('ZUNIONSTORE', 'k', '1', 'src');
  assert.equal(await w.readRaw(), '*3\r\n$1\r\nk\r\n$1\r\nm\r\n$1\r\n5\r\n');
  w.send('BZMPOP', '0', '1', 'k', 'MIN');
  await waitFor(async () => (await blockedClients()) === 1);
  await c.call('RENAME', 'src', 'k');
  assert.equal(await w.readRaw(), '*2\r\n$1\r\nk\r\n*1\r\n*2\r\n$1\r\nm\r\n$1\r\n5\r\n');
});
