// ZUNION ZUNIONSTORE ZINTER ZINTERSTORE ZINTERCARD ZDIFF ZDIFFSTORE: sorted sets and plain
// sets (score 1) as inputs, WEIGHTS (0 * inf counts as 0), AGGREGATE SUM|MIN|MAX (inf + -inf
// is 0), WITHSCORES shapes in RESP2/RESP3, option errors in Redis's order, the stored
// result's encoding and TTL, and propagation. Expected bytes were taken from a real
// redis-server 7.0.15.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { RespClient } from '../helpers/resp-client.js';
import type { CollectionValue } from '../../src/keyspace/types.js';

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

function bulks(...items: string[]): string {
  return `*${items.length}\r\n${items.map((s) => `$${s.length}\r\n${s}\r\n`).join('')}`;
}

async function fixture(): Promise<void> {
  await c.call('FLUSHALL');
  await c.call('ZADD', 'z1', '1', 'a', '2', 'b', 'inf', 'c');
  await c.call('ZADD', 'z2', '3', 'b', '-inf', 'c', '4', 'd');
  await c.call('SADD', 's', 'a', 'd', 'e');
}

test('ZUNION: sums by default (inf + -inf = 0), sets score 1, WEIGHTS, AGGREGATE MIN/MAX', async () => {
  await fixture();
  assert.equal(await c.callRaw('ZUNION', '2', 'z1', 'z2', 'WITHSCORES'), bulks('c', '0', 'a', '1', 'd', '4', 'b', '5'));
  assert.equal(await c.callRaw('ZUNION', '3', 'z1', 'z2', 's', 'WITHSCORES'), bulks('c', '0', 'e', '1', 'a', '2', 'b', '5', 'd', '5'));
  assert.equal(await c.callRaw('ZUNION', '2', 'z1', 'z2', 'WEIGHTS', '0', '1', 'WITHSCORES'), bulks('c', '-inf', 'a', '0', 'b', '3', 'd', '4'));
  assert.equal(await c.callRaw('ZUNION', '2', 'z1', 'z2', 'AGGREGATE', 'max', 'WITHSCORES'), bulks('a', '1', 'b', '3', 'd', '4', 'c', 'inf'));
  assert.equal(await c.callRaw('ZUNION', '2', 'z1', 'z2', 'AGGREGATE', 'MIN', 'WITHSCORES'), bulks('c', '-inf', 'a', '1', 'b', '2', 'd', '4'));
  assert.equal(await c.callRaw('ZUNION', '2', 'z1', 'z2', 'WEIGHTS', '1', '2', 'WEIGHTS', '3', '4', 'WITHSCORES'), bulks('c', '0', 'a', '3', 'd', '16', 'b', '18'));
  assert.equal(await c.callRaw('ZUNION', '1', 'z1', 'WEIGHTS', '-1', 'WITHSCORES'), bulks('c', '-inf', 'b', '-2', 'a', '-1'));
  assert.equal(await c.callRaw('ZUNION', '2', 'z1', 'nokey'), bulks('a', 'b', 'c'));
  assert.equal(await c.callRaw('ZUNION', '1', 'nokey'), '*0\r\n');
  assert.equal(await c3.callRaw('ZUNION', '2', 'z1', 'z2', 'WITHSCORES'), '*4\r\n*2\r\n$1\r\nc\r\n,0\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nd\r\n,4\r\n*2\r\n$1\r\nb\r\n,5\r\n');
  assert.equal(await c3.callRaw('ZUNION', '2', 's', 's'), '*3\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n');
  assert.equal(await c.callRaw('ZUNION', '2', 's', 's', 'WITHSCORES'), bulks('a', '2', 'd', '2', 'e', '2'));
});

test('ZINTER and ZINTERCARD: members in every input, LIMIT stops counting early', async () => {
  await fixture();
  assert.equal(await c.callRaw('ZINTER', '2', 'z1', 'z2', 'WITHSCORES'), bulks('c', '0', 'b', '5'));
  assert.equal(await c.callRaw('ZINTER', '2', 'z1', 's', 'WITHSCORES', 'WEIGHTS', '2', '0'), bulks('a', '2'));
  assert.equal(await c.callRaw('ZINTER', '3', 's', 'z1', 'z2', 'WITHSCORES'), '*0\r\n');
  assert.equal(await c.callRaw('ZINTER', '2', 's', 's', 'WITHSCORES'), bulks('a', '2', 'd', '2', 'e', '2'));
  assert.equal(await c.callRaw('ZINTER', '2', 'z1', 'z1', 'AGGREGATE', 'MAX', 'WITHSCORES'), bulks('a', '1', 'b', '2', 'c', 'inf'));
  assert.equal(await c.callRaw('ZINTER', '2', 'z1', 'nokey'), '*0\r\n');
  assert.equal(await c3.callRaw('ZINTER', '2', 'z1', 'z2', 'WITHSCORES'), '*2\r\n*2\r\n$1\r\nc\r\n,0\r\n*2\r\n$1\r\nb\r\n,5\r\n');
  assert.equal(await c.callRaw('ZINTERCARD', '2', 'z1', 'z2'), ':2\r\n');
  assert.equal(await c.callRaw('ZINTERCARD', '2', 'z1', 'z2', 'LIMIT', '1'), ':1\r\n');
  assert.equal(await c.callRaw('ZINTERCARD', '2', 'z1', 'z2', 'LIMIT', '0'), ':2\r\n');
  assert.equal(await c.callRaw('ZINTERCARD', '1', 's'), ':3\r\n');
  assert.equal(await c.callRaw('ZINTERCARD', '2', 'z1', 'z2', 'LIMIT', '-1'), "-ERR LIMIT can't be negative\r\n");
  assert.equal(await c.callRaw('ZINTERCARD', '2', 'z1', 'z2', 'LIMIT', 'x'), "-ERR LIMIT can't be negative\r\n");
  assert.equal(await c.callRaw('ZINTERCARD', '2', 'z1', 'z2', 'WITHSCORES'), SYNTAX);
  assert.equal(await c.callRaw('ZINTERCARD', '2', 'z1', 'z2', 'WEIGHTS', '1', '1'), SYNTAX);
});

test('ZDIFF: members of the first input in none of the others, with its scores', async () => {
  await fixture();
  assert.equal(await c.callRaw('ZDIFF', '2', 'z1', 'z2', 'WITHSCORES'), bulks('a', '1'));
  assert.equal(await c.callRaw('ZDIFF', '2', 'z1', 'z1', 'WITHSCORES'), '*0\r\n');
  assert.equal(await c.callRaw('ZDIFF', '2', 's', 'z1', 'WITHSCORES'), bulks('d', '1', 'e', '1'));
  assert.equal(await c.callRaw('ZDIFF', '1', 's'), bulks('a', 'd', 'e'));
  assert.equal(await c.callRaw('ZDIFF', '2', 'nokey', 'z1'), '*0\r\n');
  assert.equal(await c.callRaw('ZDIFF', '3', 'z1', 'nokey', 's', 'WITHSCORES'), bulks('b', '2', 'c', 'inf'));
  assert.equal(await c.callRaw('ZDIFF', '2', 'z1', 'z2', 'WEIGHTS', '1', '1'), SYNTAX);
  assert.equal(await c.callRaw('ZDIFF', '2', 'z1', 'z2', 'AGGREGATE', 'SUM'), SYNTAX);
});

test('argument errors: numkeys, missing keys, WEIGHTS and AGGREGATE; WRONGTYPE before option errors', async () => {
  await fixture();
  for (const [cmd, name] of [['ZUNION', 'zunion'], ['ZINTER', 'zinter'], ['ZDIFF', 'zdiff'], ['ZINTERCARD', 'zintercard']] as const) {
    assert.equal(await c.callRaw(cmd, '0', 'z1'), `-ERR at least 1 input key is needed for '${name}' command\r\n`);
    assert.equal(await c.callRaw(cmd, '-1', 'z1'), `-ERR at least 1 input key is needed for '${name}' command\r\n`);
    assert.equal(await c.callRaw(cmd, 'x', 'z1'), '-ERR value is not an integer or out of range\r\n');
    assert.equal(await c.callRaw(cmd, '3', 'z1', 'z2'), SYNTAX);
  }
  for (const [cmd, name] of [['ZUNIONSTORE', 'zunionstore'], ['ZINTERSTORE', 'zinterstore'], ['ZDIFFSTORE', 'zdiffstore']] as const) {
    assert.equal(await c.callRaw(cmd, 'd', '0', 'z1'), `-ERR at least 1 input key is needed for '${name}' command\r\n`);
  }
  assert.equal(await c.callRaw('ZUNION', '2', 'z1', 'z2', 'AGGREGATE', 'foo'), SYNTAX);
  assert.equal(await c.callRaw('ZUNION', '1', 'z1', 'AGGREGATE'), SYNTAX);
  assert.equal(await c.callRaw('ZUNION', '2', 'z1', 'z2', 'WEIGHTS', '1'), SYNTAX);
  assert.equal(await c.callRaw('ZUNION', '2', 'z1', 'z2', 'WEIGHTS', '1', 'x'), '-ERR weight value is not a float\r\n');
  assert.equal(await c.callRaw('ZUNION', '2', 'z1', 'z2', 'WEIGHTS', '1', 'nan'), '-ERR weight value is not a float\r\n');
  assert.equal(await c.callRaw('ZUNIONSTORE', 'd', '2', 'z1', 'z2', 'WITHSCORES'), SYNTAX);
  assert.equal(await c.callRaw('ZUNION', '1', 'z1', 'WITHSCORES', 'WITHSCORES'), bulks('a', '1', 'b', '2', 'c', 'inf'));
  await c.call('SET', 'str', 'x');
  // A list value, put directly (only its type matters here).
  const list: CollectionValue = { type: 'list', clone: () => list };
  srv.server.keyspace.dbs[0]!.add('list', list);
  assert.equal(await c.callRaw('ZUNION', '2', 'z1', 'str'), WRONGTYPE);
  assert.equal(await c.callRaw('ZINTER', '2', 'list', 'z1'), WRONGTYPE);
  assert.equal(await c.callRaw('ZUNION', '2', 'str', 'z1', 'WEIGHTS', 'a', 'b'), WRONGTYPE);
  assert.equal(await c.callRaw('ZDIFFSTORE', 'd', '2', 'z1', 'str'), WRONGTYPE);
});

test('*STORE: the result replaces the destination (any type, TTL dropped), an empty one deletes it', async () => {
  await fixture();
  await c.call('SET', 'd', 'old', 'EX', '100');
  assert.equal(await c.callRaw('ZUNIONSTORE', 'd', '2', 'z1', 'z2'), ':4\r\n');
  assert.equal(await c.callRaw('ZRANGE', 'd', '0', '-1', 'WITHSCORES'), bulks('c', '0', 'a', '1', 'd', '4', 'b', '5'));
  assert.equal(await c.callRaw('TTL', 'd'), ':-1\r\n');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'd'), 'listpack');
  assert.equal(await c.callRaw('ZINTERSTORE', 'd', '2', 'z1', 's', 'WEIGHTS', '3', '1'), ':1\r\n');
  assert.equal(await c.callRaw('ZRANGE', 'd', '0', '-1', 'WITHSCORES'), bulks('a', '4'));
  assert.equal(await c.callRaw('ZDIFFSTORE', 'd', '2', 's', 'z2'), ':2\r\n');
  assert.equal(await c.callRaw('ZRANGE', 'd', '0', '-1', 'WITHSCORES'), bulks('a', '1', 'e', '1'));
  assert.equal(await c.callRaw('ZINTERSTORE', 'd', '2', 'z1', 'nokey'), ':0\r\n');
  assert.equal(await c.callRaw('EXISTS', 'd'), ':0\r\n');
  // A destination among the sources is read before it is replaced.
  assert.equal(await c.callRaw('ZUNIONSTORE', 'z1', '2', 'z1', 'z1'), ':3\r\n');
  assert.equal(await c.callRaw('ZRANGE', 'z1', '0', '-1', 'WITHSCORES'), bulks('a', '2', 'b', '4', 'c', 'inf'));
  // Sized once: a long member makes it a skiplist, -0 in a listpack becomes 0.
  await c.call('ZADD', 't', '0', 'x');
  assert.equal(await c.callRaw('ZUNIONSTORE', 'd', '1', 't', 'WEIGHTS', '-1'), ':1\r\n');
  assert.equal(await c.callRaw('ZSCAN', 'd', '0'), '*2\r\n$1\r\n0\r\n*2\r\n$1\r\nx\r\n$1\r\n0\r\n');
  assert.equal(await c.callRaw('ZUNION', '1', 't', 'WEIGHTS', '-1', 'WITHSCORES'), bulks('x', '-0'));
  await c.call('ZADD', 'big', '0', 'a'.repeat(70));
  await c.call('ZUNIONSTORE', 'd3', '1', 'big');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'd3'), 'skiplist');
});

test('a set input is read through members() alone when it offers nothing else', async () => {
  await fixture();
  const members = ['a', 'q'];
  const bare = { type: 'set' as const, members: () => members.values(), clone: () => bare };
  srv.server.keyspace.dbs[0]!.add('bare', bare);
  assert.equal(await c.callRaw('ZINTER', '2', 'z1', 'bare', 'WITHSCORES'), bulks('a', '2'));
  assert.equal(await c.callRaw('ZUNION', '2', 'bare', 'z2', 'WITHSCORES'), bulks('c', '-inf', 'a', '1', 'q', '1', 'b', '3', 'd', '4'));
  assert.equal(await c.callRaw('ZDIFF', '2', 'bare', 'z1'), bulks('q'));
});

test('floating-point sums add the inputs smallest first, as Redis orders them', async () => {
  await c.call('FLUSHALL');
  // Three inputs of different sizes whose sum depends on the order of addition.
  await c.call('ZADD', 'big', '1e16', 'm', '0', 'x1', '0', 'x2');
  await c.call('ZADD', 'mid', '1', 'm', '0', 'y1');
  await c.call('ZADD', 'small', '1', 'm');
  // (1 + 1) + 1e16 = 10000000000000002, whereas (1e16 + 1) + 1 = 1e16.
  assert.equal(await c.callRaw('ZUNION', '3', 'big', 'mid', 'small', 'WITHSCORES'), bulks('x1', '0', 'x2', '0', 'y1', '0', 'm', '10000000000000002'));
  assert.equal(await c.callRaw('ZINTER', '3', 'big', 'mid', 'small', 'WITHSCORES'), bulks('m', '10000000000000002'));
});

test('propagation: *STORE as received when the destination changed', async () => {
  await fixture();
  srv.clearPropagated();
  await c.call('ZUNIONSTORE', 'd', '1', 'z1');
  await c.call('ZINTERSTORE', 'd', '1', 'nokey');
  await c.call('ZINTERSTORE', 'd', '1', 'nokey');
  await c.call('ZDIFFSTORE', 'd', '2', 'z1', 'z2');
  await c.call('ZUNION', '1', 'z1');
  assert.deepEqual(srv.propagated, ['0:ZUNIONSTORE d 1 z1', '0:ZINTERSTORE d 1 nokey', '0:ZDIFFSTORE d 2 z1 z2']);
});
