// Sorted-set ranges: ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES), ZREVRANGE, Z[REV]RANGEBYSCORE,
// Z[REV]RANGEBYLEX, ZRANGESTORE, ZCOUNT, ZLEXCOUNT, ZREMRANGEBYRANK/SCORE/LEX — exact bytes
// in RESP2 and RESP3 (WITHSCORES: flat vs [member, double] pairs), range syntax and its
// errors, out-of-range indexes, huge offsets, and propagation. Expected bytes were taken
// from a real redis-server 7.0.15.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
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
const NOT_INT = '-ERR value is not an integer or out of range\r\n';
const NOT_FLOAT = '-ERR min or max is not a float\r\n';
const NOT_LEX = '-ERR min or max not valid string range item\r\n';

/** A RESP2 array of bulk strings. */
function bulks(...items: string[]): string {
  return `*${items.length}\r\n${items.map((s) => `$${s.length}\r\n${s}\r\n`).join('')}`;
}

/** RESP3 WITHSCORES: [member, double] pairs. */
function pairs3(...items: [string, string][]): string {
  return `*${items.length}\r\n${items.map(([m, s]) => `*2\r\n$${m.length}\r\n${m}\r\n,${s}\r\n`).join('')}`;
}

async function abcd(): Promise<void> {
  await c.call('DEL', 'z');
  await c.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
}

test('ZRANGE by rank: negative indexes, clamping, empty ranges, WITHSCORES in both protocols', async () => {
  await abcd();
  assert.equal(await c.callRaw('ZRANGE', 'z', '0', '-1'), bulks('a', 'b', 'c', 'd'));
  assert.equal(await c.callRaw('ZRANGE', 'z', '-100', '100'), bulks('a', 'b', 'c', 'd'));
  assert.equal(await c.callRaw('ZRANGE', 'z', '1', '2', 'WITHSCORES'), bulks('b', '2', 'c', '3'));
  assert.equal(await c3.callRaw('ZRANGE', 'z', '1', '2', 'WITHSCORES'), pairs3(['b', '2'], ['c', '3']));
  assert.equal(await c.callRaw('ZRANGE', 'z', '-1', '-1', 'WITHSCORES', 'WITHSCORES'), bulks('d', '4'));
  assert.equal(await c.callRaw('ZRANGE', 'z', '2', '1'), '*0\r\n');
  assert.equal(await c.callRaw('ZRANGE', 'z', '4', '10'), '*0\r\n');
  assert.equal(await c.callRaw('ZRANGE', 'z', '9223372036854775807', '-9223372036854775808'), '*0\r\n');
  assert.equal(await c.callRaw('ZRANGE', 'z', '0', '1', 'REV'), bulks('d', 'c'));
  assert.equal(await c.callRaw('ZRANGE', 'z', '3', '100', 'REV'), bulks('a'));
  assert.equal(await c.callRaw('ZREVRANGE', 'z', '0', '1', 'WITHSCORES'), bulks('d', '4', 'c', '3'));
  assert.equal(await c3.callRaw('ZREVRANGE', 'z', '0', '1', 'WITHSCORES'), pairs3(['d', '4'], ['c', '3']));
  assert.equal(await c.callRaw('ZRANGE', 'nokey', '0', '-1'), '*0\r\n');
  assert.equal(await c3.callRaw('ZRANGE', 'nokey', '0', '-1', 'WITHSCORES'), '*0\r\n');
  // A large (skiplist) set answers the same way.
  const args: string[] = [];
  for (let i = 0; i < 200; i++) args.push(String(i), `m${String(i).padStart(3, '0')}`);
  await c.call('DEL', 'big');
  await c.call('ZADD', 'big', ...args);
  assert.equal(await c.callRaw('ZRANGE', 'big', '150', '152'), bulks('m150', 'm151', 'm152'));
  assert.equal(await c.callRaw('ZRANGE', 'big', '-3', '-1', 'REV'), bulks('m002', 'm001', 'm000'));
  assert.equal(await c.callRaw('ZREVRANGE', 'big', '0', '0', 'WITHSCORES'), bulks('m199', '199'));
});

test('ZRANGE BYSCORE / ZRANGEBYSCORE: exclusive bounds, infinities, LIMIT offset count, REV swaps min and max', async () => {
  await abcd();
  assert.equal(await c.callRaw('ZRANGE', 'z', '(1', '+inf', 'BYSCORE', 'LIMIT', '1', '-1'), bulks('c', 'd'));
  assert.equal(await c.callRaw('ZRANGE', 'z', '(1', '+inf', 'BYSCORE', 'LIMIT', '-1', '2'), '*0\r\n');
  assert.equal(await c.callRaw('ZRANGE', 'z', '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', '1', '2', 'WITHSCORES'), bulks('c', '3', 'b', '2'));
  assert.equal(await c3.callRaw('ZRANGE', 'z', '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', '1', '2', 'WITHSCORES'), pairs3(['c', '3'], ['b', '2']));
  assert.equal(await c.callRaw('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '1', '1', 'WITHSCORES'), bulks('b', '2'));
  assert.equal(await c.callRaw('ZREVRANGEBYSCORE', 'z', '+inf', '-inf', 'WITHSCORES', 'LIMIT', '0', '2'), bulks('d', '4', 'c', '3'));
  assert.equal(await c.callRaw('ZRANGEBYSCORE', 'z', '(2', '(4'), bulks('c'));
  assert.equal(await c.callRaw('ZRANGEBYSCORE', 'z', '2', '3', 'LIMIT', '9223372036854775807', '1'), '*0\r\n');
  assert.equal(await c.callRaw('ZRANGEBYSCORE', 'z', '2', '3', 'LIMIT', '0', '0'), '*0\r\n');
  assert.equal(await c.callRaw('ZRANGEBYSCORE', 'z', '3', '2'), '*0\r\n');
  assert.equal(await c.callRaw('ZRANGEBYSCORE', 'z', '(2', '2'), '*0\r\n');
  // Range bounds are read with a bare strtod: overflow is inf, spaces lead, "(" alone is 0.
  assert.equal(await c.callRaw('ZRANGEBYSCORE', 'z', ' 2', '1e400'), bulks('b', 'c', 'd'));
  assert.equal(await c.callRaw('ZRANGEBYSCORE', 'z', '(', '0x1p1'), bulks('a', 'b'));
  assert.equal(await c.callRaw('ZRANGEBYSCORE', 'z', '', '1e-400'), '*0\r\n');
  for (const [min, max] of [['a', '1'], ['1', 'b'], ['nan', '1'], ['1 ', '2'], ['( 1x', '2'], ['((1', '2']]) {
    assert.equal(await c.callRaw('ZRANGEBYSCORE', 'z', min!, max!), NOT_FLOAT, `${min} ${max}`);
  }
  assert.equal(await c.callRaw('ZRANGEBYSCORE', 'nokey', 'a', 'b'), NOT_FLOAT);
});

test('ZRANGE BYLEX / ZRANGEBYLEX: [ ( - +, LIMIT, REV; WITHSCORES refused', async () => {
  await c.call('DEL', 'l');
  await c.call('ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'e');
  assert.equal(await c.callRaw('ZRANGE', 'l', '[b', '(d', 'BYLEX'), bulks('b', 'c'));
  assert.equal(await c.callRaw('ZRANGE', 'l', '+', '-', 'BYLEX', 'REV'), bulks('e', 'd', 'c', 'b', 'a'));
  assert.equal(await c.callRaw('ZRANGE', 'l', '-', '+', 'BYLEX', 'LIMIT', '1', '0'), '*0\r\n');
  assert.equal(await c.callRaw('ZRANGEBYLEX', 'l', '(a', '+', 'LIMIT', '1', '2'), bulks('c', 'd'));
  assert.equal(await c.callRaw('ZREVRANGEBYLEX', 'l', '+', '-', 'LIMIT', '1', '2'), bulks('d', 'c'));
  assert.equal(await c.callRaw('ZRANGEBYLEX', 'l', '(', '+'), bulks('a', 'b', 'c', 'd', 'e'));
  assert.equal(await c.callRaw('ZRANGEBYLEX', 'l', '[', '(c'), bulks('a', 'b'));
  assert.equal(await c.callRaw('ZRANGEBYLEX', 'l', '[e', '[a'), '*0\r\n');
  assert.equal(await c.callRaw('ZRANGEBYLEX', 'l', '[b', '[b', 'LIMIT', '0', '9223372036854775807'), bulks('b'));
  for (const [min, max] of [['a', '+'], ['-', 'b'], ['+a', '+'], ['--', '+'], ['', '+']]) {
    assert.equal(await c.callRaw('ZRANGEBYLEX', 'l', min!, max!), NOT_LEX, `${min} ${max}`);
  }
  assert.equal(await c.callRaw('ZRANGE', 'l', '[a', '[c', 'BYLEX', 'WITHSCORES'), '-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n');
  assert.equal(await c.callRaw('ZRANGEBYLEX', 'l', '-', '+', 'WITHSCORES'), '-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n');
  assert.equal(await c.callRaw('ZLEXCOUNT', 'l', '-', '+'), ':5\r\n');
  assert.equal(await c.callRaw('ZLEXCOUNT', 'l', '(a', '[c'), ':2\r\n');
  assert.equal(await c.callRaw('ZLEXCOUNT', 'l', 'a', 'c'), NOT_LEX);
  assert.equal(await c.callRaw('ZLEXCOUNT', 'nokey', '-', '+'), ':0\r\n');
});

test('lex ranges over unequal scores: a listpack-sized set is walked linearly, as Redis does', async () => {
  await c.call('DEL', 'm');
  // Members in score order: a nx b c d newm — not lexicographically sorted.
  await c.call('ZADD', 'm', '1', 'a', '1', 'nx', '2', 'b', '3', 'c', '4', 'd', '16', 'newm');
  for (let i = 0; i < 20; i++) {
    assert.equal(await c.callRaw('ZRANGEBYLEX', 'm', '(b', '(d'), '*0\r\n');
    assert.equal(await c.callRaw('ZLEXCOUNT', 'm', '(b', '+'), ':5\r\n');
  }
});

test('ZRANGE option errors: LIMIT without BYSCORE/BYLEX, repeated or unknown options, bad integers', async () => {
  await abcd();
  assert.equal(await c.callRaw('ZRANGE', 'z', '0', '-1', 'LIMIT', '0', '1'), '-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n');
  // LIMIT with a count of -1 is the same as no LIMIT at all.
  assert.equal(await c.callRaw('ZRANGE', 'z', '0', '-1', 'LIMIT', '5', '-1'), bulks('a', 'b', 'c', 'd'));
  assert.equal(await c.callRaw('ZREVRANGE', 'z', '0', '-1', 'LIMIT', '0', '1'), '-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n');
  assert.equal(await c.callRaw('ZRANGE', 'z', '0', '-1', 'BYSCORE', 'BYLEX'), SYNTAX);
  assert.equal(await c.callRaw('ZRANGE', 'z', '0', '-1', 'REV', 'REV'), SYNTAX);
  assert.equal(await c.callRaw('ZRANGE', 'z', '0', '-1', 'LIMIT', '0'), SYNTAX);
  assert.equal(await c.callRaw('ZRANGE', 'z', '0', '-1', 'foo'), SYNTAX);
  assert.equal(await c.callRaw('ZREVRANGE', 'z', '0', '-1', 'REV'), SYNTAX);
  assert.equal(await c.callRaw('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'BYSCORE'), SYNTAX);
  assert.equal(await c.callRaw('ZRANGE', 'z', '0', '-1', 'BYSCORE', 'LIMIT', '0', 'x'), NOT_INT);
  assert.equal(await c.callRaw('ZRANGE', 'z', 'a', 'b'), NOT_INT);
  assert.equal(await c.callRaw('ZRANGE', 'nokey', 'a', 'b'), NOT_INT);
  assert.equal(await c.callRaw('ZRANGE', 'z', '0', '99999999999999999999'), NOT_INT);
  assert.equal(await c.callRaw('ZRANGE', 'z', 'a', 'b', 'BYLEX'), NOT_LEX);
  assert.equal(await c.callRaw('ZRANGE', 'z', 'a', 'b', 'BYSCORE'), NOT_FLOAT);
  assert.equal(await c.callRaw('ZRANGESTORE', 'd', 'z', '0', '-1', 'WITHSCORES'), SYNTAX);
  await c.call('SET', 'str', 'x');
  assert.equal(await c.callRaw('ZRANGE', 'str', '0', '-1'), WRONGTYPE);
  assert.equal(await c.callRaw('ZRANGE', 'str', 'a', 'b'), NOT_INT);
});

test('ZRANGESTORE stores the range (TTL dropped), deletes the destination when empty', async () => {
  await abcd();
  await c.call('SET', 'd', 'old', 'EX', '100');
  assert.equal(await c.callRaw('ZRANGESTORE', 'd', 'z', '0', '1'), ':2\r\n');
  assert.equal(await c.callRaw('ZRANGE', 'd', '0', '-1', 'WITHSCORES'), bulks('a', '1', 'b', '2'));
  assert.equal(await c.callRaw('TTL', 'd'), ':-1\r\n');
  assert.equal(await c.callRaw('ZRANGESTORE', 'd', 'z', '(2', '+inf', 'BYSCORE', 'REV', 'LIMIT', '0', '1'), ':0\r\n');
  assert.equal(await c.callRaw('ZRANGESTORE', 'd', 'z', '+inf', '(2', 'BYSCORE', 'REV', 'LIMIT', '0', '1'), ':1\r\n');
  assert.equal(await c.callRaw('ZRANGE', 'd', '0', '-1'), bulks('d'));
  assert.equal(await c.callRaw('ZRANGESTORE', 'd', 'z', '[b', '[c', 'BYLEX'), ':2\r\n');
  assert.equal(await c.callRaw('ZRANGESTORE', 'd', 'z', '5', '6'), ':0\r\n');
  assert.equal(await c.callRaw('EXISTS', 'd'), ':0\r\n');
  assert.equal(await c.callRaw('ZRANGESTORE', 'd', 'nokey', '0', '-1'), ':0\r\n');
  // The source may be the destination.
  assert.equal(await c.callRaw('ZRANGESTORE', 'z', 'z', '1', '2'), ':2\r\n');
  assert.equal(await c.callRaw('ZRANGE', 'z', '0', '-1'), bulks('b', 'c'));
  await c.call('SET', 'str', 'x');
  assert.equal(await c.callRaw('ZRANGESTORE', 'd', 'str', '0', '-1'), WRONGTYPE);
  assert.equal(await c.callRaw('ZRANGESTORE', 'str', 'nokey', '0', '-1'), ':0\r\n');
  assert.equal(await c.callRaw('EXISTS', 'str'), ':0\r\n');
});

test('ZCOUNT counts scores in range (exclusive bounds, reversed and empty ranges)', async () => {
  await abcd();
  assert.equal(await c.callRaw('ZCOUNT', 'z', '-inf', '+inf'), ':4\r\n');
  assert.equal(await c.callRaw('ZCOUNT', 'z', '(1', '(4'), ':2\r\n');
  assert.equal(await c.callRaw('ZCOUNT', 'z', '3', '1'), ':0\r\n');
  assert.equal(await c.callRaw('ZCOUNT', 'z', '(2', '2'), ':0\r\n');
  assert.equal(await c.callRaw('ZCOUNT', 'nokey', '0', '1'), ':0\r\n');
  assert.equal(await c.callRaw('ZCOUNT', 'z', 'x', '1'), NOT_FLOAT);
  const args: string[] = [];
  for (let i = 0; i < 500; i++) args.push(String(i % 50), `m${i}`);
  await c.call('DEL', 'big');
  await c.call('ZADD', 'big', ...args);
  assert.equal(await c.callRaw('ZCOUNT', 'big', '10', '(20'), ':100\r\n');
  assert.equal(await c.callRaw('ZCOUNT', 'big', '(48', '+inf'), ':10\r\n');
  await c.call('SET', 'str', 'x');
  assert.equal(await c.callRaw('ZCOUNT', 'str', '0', '1'), WRONGTYPE);
  assert.equal(await c.callRaw('ZLEXCOUNT', 'str', '-', '+'), WRONGTYPE);
});

test('ZREMRANGEBYRANK / BYSCORE / BYLEX remove ranges, deleting the key when emptied', async () => {
  await abcd();
  assert.equal(await c.callRaw('ZREMRANGEBYRANK', 'z', 'a', '1'), NOT_INT);
  assert.equal(await c.callRaw('ZREMRANGEBYRANK', 'z', '5', '10'), ':0\r\n');
  assert.equal(await c.callRaw('ZREMRANGEBYRANK', 'z', '-2', '-1'), ':2\r\n');
  assert.equal(await c.callRaw('ZRANGE', 'z', '0', '-1'), bulks('a', 'b'));
  assert.equal(await c.callRaw('ZREMRANGEBYSCORE', 'z', 'x', '1'), NOT_FLOAT);
  assert.equal(await c.callRaw('ZREMRANGEBYSCORE', 'z', '(1', '1'), ':0\r\n');
  assert.equal(await c.callRaw('ZREMRANGEBYSCORE', 'z', '-inf', '(2'), ':1\r\n');
  assert.equal(await c.callRaw('ZREMRANGEBYLEX', 'z', 'a', 'b'), NOT_LEX);
  assert.equal(await c.callRaw('ZREMRANGEBYLEX', 'z', '-', '+'), ':1\r\n');
  assert.equal(await c.callRaw('EXISTS', 'z'), ':0\r\n');
  assert.equal(await c.callRaw('ZREMRANGEBYLEX', 'nokey', '-', '+'), ':0\r\n');
  assert.equal(await c.callRaw('ZREMRANGEBYRANK', 'nokey', '0', '-1'), ':0\r\n');
  const args: string[] = [];
  for (let i = 0; i < 300; i++) args.push('0', `m${String(i).padStart(3, '0')}`);
  await c.call('DEL', 'big');
  await c.call('ZADD', 'big', ...args);
  assert.equal(await c.callRaw('ZREMRANGEBYLEX', 'big', '[m100', '(m200'), ':100\r\n');
  assert.equal(await c.callRaw('ZREMRANGEBYRANK', 'big', '0', '9'), ':10\r\n');
  assert.equal(await c.callRaw('ZRANGE', 'big', '0', '0'), bulks('m010'));
  assert.equal(await c.callRaw('ZREMRANGEBYSCORE', 'big', '0', '0'), ':190\r\n');
  assert.equal(await c.callRaw('EXISTS', 'big'), ':0\r\n');
  await c.call('SET', 'str', 'x');
  assert.equal(await c.callRaw('ZREMRANGEBYRANK', 'str', '0', '1'), WRONGTYPE);
  assert.equal(await c.callRaw('ZREMRANGEBYRANK', 'str', 'x', '1'), NOT_INT);
});

test('propagation: removals and stores as received, only when something changed', async () => {
  await abcd();
  srv.clearPropagated();
  await c.call('ZREMRANGEBYSCORE', 'z', '10', '20');
  await c.call('ZREMRANGEBYSCORE', 'z', '1', '1');
  await c.call('ZREMRANGEBYRANK', 'z', '5', '6');
  await c.call('ZREMRANGEBYLEX', 'z', '[b', '[b');
  await c.call('ZRANGESTORE', 'd', 'z', '0', '-1');
  await c.call('ZRANGESTORE', 'd', 'nokey', '0', '-1');
  await c.call('ZRANGESTORE', 'd', 'nokey', '0', '-1');
  await c.call('ZRANGE', 'z', '0', '-1');
  assert.deepEqual(srv.propagated, ['0:ZREMRANGEBYSCORE z 1 1', '0:ZREMRANGEBYLEX z [b [b', '0:ZRANGESTORE d z 0 -1', '0:ZRANGESTORE d nokey 0 -1']);
});
