// What lands in the INCR file, checked on the file's bytes (not on srv.propagated): the commands
// Redis 7.0 rewrites into deterministic forms (aof-contract.md §2.6): GETDEL, GETSET,
// INCRBYFLOAT / HINCRBYFLOAT, SPOP (SREM, MULTI/EXEC of SREMs, DEL), LMPOP / ZMPOP, and the
// blocking pops (served after blocking, at once, in another db, after a MULTI's push, feeding
// another waiter) written as the plain pops.
//
// Each scenario runs on nodis (appendfsync always) and, as a second test, on a real
// redis-server 7.0.15 with the same settings (skipped only when the binary is missing): both must
// give exactly the expected bytes (tests/helpers/aof-translations.ts).

import assert from 'node:assert/strict';
import { aofItems } from '../helpers/aof-files.js';
import { ok, waitBlocked } from '../helpers/calls.js';
import { served, useScenarios } from '../helpers/aof-translations.js';

const scenario = useScenarios('nodis-aof-translations-rewrites-');

// ---- other rewrites -------------------------------------------------------------------------------

scenario('GETDEL becomes DEL, GETSET becomes SET', async ({ c }) => {
  await ok(c, 'SET', 'a', 'v', 'PXAT', '4102444800000');
  assert.equal(await ok(c, 'GETDEL', 'a'), 'v');
  await ok(c, 'SET', 'b', 'old', 'PXAT', '4102444800000');
  assert.equal(await ok(c, 'GETSET', 'b', 'new'), 'old');
  assert.equal(await ok(c, 'PTTL', 'b'), -1);
  assert.equal(await ok(c, 'GETSET', 'c', 'fresh'), null);
  return [
    ['SET', 'a', 'v', 'PXAT', '4102444800000'],
    ['DEL', 'a'],
    ['SET', 'b', 'old', 'PXAT', '4102444800000'],
    ['SET', 'b', 'new'],
    ['SET', 'c', 'fresh'],
  ];
});

scenario('INCRBYFLOAT becomes SET k <result> KEEPTTL; HINCRBYFLOAT becomes HSET k f <result>', async ({ c }) => {
  await ok(c, 'SET', 'f', '10.5');
  assert.equal(await ok(c, 'INCRBYFLOAT', 'f', '0.1'), '10.6');
  await ok(c, 'INCRBYFLOAT', 'new', '3.0e3');
  await ok(c, 'SET', 't', '1', 'PXAT', '4102444800000');
  await ok(c, 'INCRBYFLOAT', 't', '-0.25');
  assert.equal(await ok(c, 'PEXPIRETIME', 't'), 4102444800000);
  await ok(c, 'INCRBYFLOAT', 'f', '5.0e-1');
  await ok(c, 'HSET', 'h', 'a', '1');
  await ok(c, 'HINCRBYFLOAT', 'h', 'a', '2.5');
  await ok(c, 'HINCRBYFLOAT', 'h', 'b', '1e2');
  return [
    ['SET', 'f', '10.5'],
    ['SET', 'f', '10.6', 'KEEPTTL'],
    ['SET', 'new', '3000', 'KEEPTTL'],
    ['SET', 't', '1', 'PXAT', '4102444800000'],
    ['SET', 't', '0.75', 'KEEPTTL'],
    ['SET', 'f', '11.1', 'KEEPTTL'],
    ['HSET', 'h', 'a', '1'],
    ['HSET', 'h', 'a', '3.5'],
    ['HSET', 'h', 'b', '100'],
  ];
});

scenario('SPOP becomes SREM; with a count: SREMs in MULTI/EXEC, or DEL when it takes everything', async ({ c }) => {
  await ok(c, 'SADD', 'one', 'm');
  await ok(c, 'SPOP', 'one'); // the set goes away with its last member
  await ok(c, 'SADD', 'a', 'x', 'y', 'z');
  const single = String(await ok(c, 'SPOP', 'a'));
  await ok(c, 'SADD', 'b', 'p', 'q', 'r', 's', 't');
  const two = (await ok(c, 'SPOP', 'b', 2)) as string[];
  const onlyOne = (await ok(c, 'SPOP', 'b', 1)) as string[];
  await ok(c, 'SPOP', 'b', 0); // nothing
  await ok(c, 'SADD', 'c', '1', '2', '3');
  await ok(c, 'SPOP', 'c', 3); // all: DEL
  await ok(c, 'SADD', 'd', 'a', 'b');
  await ok(c, 'SPOP', 'd', 10); // more than all: DEL
  assert.equal(two.length, 2);
  assert.equal(onlyOne.length, 1);
  return [
    ['SADD', 'one', 'm'],
    ['SREM', 'one', 'm'],
    ['SADD', 'a', 'x', 'y', 'z'],
    ['SREM', 'a', single],
    ['SADD', 'b', 'p', 'q', 'r', 's', 't'],
    ['MULTI'],
    ['SREM', 'b', two[0]!],
    ['SREM', 'b', two[1]!],
    ['EXEC'],
    ['SREM', 'b', onlyOne[0]!],
    ['SADD', 'c', '1', '2', '3'],
    ['DEL', 'c'],
    ['SADD', 'd', 'a', 'b'],
    ['DEL', 'd'],
  ];
});

scenario('SPOP with a count of most of a large set: one SREM per member, in MULTI/EXEC', async ({ c }) => {
  const members: string[] = [];
  for (let i = 0; i < 40; i++) members.push(`m${i}`);
  await ok(c, 'SADD', 's', ...members);
  const popped = (await ok(c, 'SPOP', 's', 35)) as string[];
  assert.equal(popped.length, 35);
  return (actual, who) => {
    const items = aofItems(actual);
    assert.deepEqual(items[0], { argv: ['SADD', 's', ...members] }, who);
    assert.deepEqual(items[1], { argv: ['MULTI'] }, who);
    assert.deepEqual(items[items.length - 1], { argv: ['EXEC'] }, who);
    const srems = items.slice(2, -1);
    for (const it of srems) assert.ok('argv' in it && it.argv.length === 3 && it.argv[0] === 'SREM' && it.argv[1] === 's', `${who}: ${JSON.stringify(it)}`);
    assert.deepEqual(srems.map((it) => ('argv' in it ? it.argv[2] : '')).sort(), [...popped].sort(), `${who}: the SREMs name the popped members`);
  };
});

scenario('LMPOP / ZMPOP become LPOP / RPOP / ZPOPMIN / ZPOPMAX with the count popped', async ({ c }) => {
  await ok(c, 'RPUSH', 'l', 'a', 'b', 'c', 'd');
  await ok(c, 'LMPOP', 1, 'l', 'LEFT', 'COUNT', 2);
  await ok(c, 'LMPOP', 2, 'nosuch', 'l', 'RIGHT');
  await ok(c, 'ZADD', 'z', 1, 'a', 2, 'b', 3, 'c');
  await ok(c, 'ZMPOP', 1, 'z', 'MIN', 'COUNT', 2);
  await ok(c, 'ZMPOP', 1, 'z', 'MAX', 'COUNT', 10);
  return [
    ['RPUSH', 'l', 'a', 'b', 'c', 'd'],
    ['LPOP', 'l', '2'],
    ['RPOP', 'l', '1'],
    ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
    ['ZPOPMIN', 'z', '2'],
    ['ZPOPMAX', 'z', '1'],
  ];
});

// ---- blocking pops ---------------------------------------------------------------------------------

scenario('blocking pops served after blocking are written as LPOP / RPOP / LMOVE / RPOPLPUSH / ZPOPMIN / ZPOPMAX, after the push', async (s) => {
  assert.deepEqual(await served(s, ['BLPOP', 'nosuch', 'l1', 0], ['RPUSH', 'l1', 'a', 'b']), ['l1', 'a']);
  assert.deepEqual(await served(s, ['BRPOP', 'l2', 0], ['RPUSH', 'l2', 'a', 'b']), ['l2', 'b']);
  assert.equal(await served(s, ['BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', 0], ['RPUSH', 'src', 'x', 'y']), 'x');
  assert.equal(await served(s, ['BLMOVE', 'src2', 'dst', 'right', 'left', 0], ['RPUSH', 'src2', 'x', 'y']), 'y');
  assert.equal(await served(s, ['BRPOPLPUSH', 'src3', 'dst', 0], ['LPUSH', 'src3', 'z']), 'z');
  assert.deepEqual(await served(s, ['BZPOPMIN', 'z1', 0], ['ZADD', 'z1', 2, 'b', 1, 'a']), ['z1', 'a', '1']);
  assert.deepEqual(await served(s, ['BZPOPMAX', 'z2', 0], ['ZADD', 'z2', 2, 'b', 1, 'a']), ['z2', 'b', '2']);
  assert.deepEqual(await served(s, ['BLMPOP', 0, 1, 'l3', 'RIGHT', 'COUNT', 5], ['RPUSH', 'l3', 'p', 'q']), ['l3', ['q', 'p']]);
  assert.deepEqual(await served(s, ['BLMPOP', 0, 1, 'l4', 'LEFT'], ['RPUSH', 'l4', 'p', 'q']), ['l4', ['p']]);
  assert.deepEqual(await served(s, ['BZMPOP', 0, 1, 'z3', 'MAX', 'COUNT', 3], ['ZADD', 'z3', 1, 'a', 2, 'b']), ['z3', [['b', '2'], ['a', '1']]]);
  return [
    ['RPUSH', 'l1', 'a', 'b'],
    ['LPOP', 'l1'],
    ['RPUSH', 'l2', 'a', 'b'],
    ['RPOP', 'l2'],
    ['RPUSH', 'src', 'x', 'y'],
    ['LMOVE', 'src', 'dst', 'left', 'right'],
    ['RPUSH', 'src2', 'x', 'y'],
    ['LMOVE', 'src2', 'dst', 'right', 'left'],
    ['LPUSH', 'src3', 'z'],
    ['RPOPLPUSH', 'src3', 'dst'],
    ['ZADD', 'z1', '2', 'b', '1', 'a'],
    ['ZPOPMIN', 'z1'],
    ['ZADD', 'z2', '2', 'b', '1', 'a'],
    ['ZPOPMAX', 'z2'],
    ['RPUSH', 'l3', 'p', 'q'],
    ['RPOP', 'l3', '2'],
    ['RPUSH', 'l4', 'p', 'q'],
    ['LPOP', 'l4', '1'],
    ['ZADD', 'z3', '1', 'a', '2', 'b'],
    ['ZPOPMAX', 'z3', '2'],
  ];
});

scenario('blocking pops served at once (the key exists) are written as the plain pops', async ({ c }) => {
  await ok(c, 'RPUSH', 'l', 'a', 'b', 'c', 'd', 'e');
  await ok(c, 'BLPOP', 'l', 0);
  await ok(c, 'BRPOP', 'l', 0);
  await ok(c, 'BLMOVE', 'l', 'dst', 'RIGHT', 'LEFT', 0);
  await ok(c, 'BRPOPLPUSH', 'l', 'dst', 0);
  await ok(c, 'BLMPOP', 0, 1, 'dst', 'LEFT', 'COUNT', 5);
  await ok(c, 'ZADD', 'z', 1, 'a', 2, 'b', 3, 'c');
  await ok(c, 'BZPOPMIN', 'z', 0);
  await ok(c, 'BZMPOP', 0, 1, 'z', 'MAX');
  return [
    ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'],
    ['LPOP', 'l'],
    ['RPOP', 'l'],
    ['LMOVE', 'l', 'dst', 'RIGHT', 'LEFT'],
    ['RPOPLPUSH', 'l', 'dst'],
    ['LPOP', 'dst', '2'],
    ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
    ['ZPOPMIN', 'z'],
    ['ZPOPMAX', 'z', '1'],
  ];
});

scenario('a waiter in another db: the pop follows the push in that db; a push in MULTI serves after EXEC', async (s) => {
  const { c, c2 } = s;
  await ok(c2, 'SELECT', 3);
  c2.send('BLPOP', 'q', 0);
  await waitBlocked(c, 1);
  await ok(c, 'SELECT', 3);
  await ok(c, 'RPUSH', 'q', 'a', 'b');
  assert.deepEqual(await c2.read(), ['q', 'a']);
  await ok(c, 'SELECT', 0);
  await ok(c2, 'SELECT', 0);
  c2.send('BRPOP', 'tx', 0);
  await waitBlocked(c, 1);
  await ok(c, 'MULTI');
  await ok(c, 'RPUSH', 'tx', '1', '2', '3');
  await ok(c, 'LPOP', 'tx');
  await ok(c, 'EXEC');
  assert.deepEqual(await c2.read(), ['tx', '3']);
  return [
    ['SELECT', '3'],
    ['RPUSH', 'q', 'a', 'b'],
    ['LPOP', 'q'],
    ['SELECT', '0'],
    ['MULTI'],
    ['RPUSH', 'tx', '1', '2', '3'],
    ['LPOP', 'tx'],
    ['EXEC'],
    ['RPOP', 'tx'],
  ];
});

scenario('a served BLMOVE feeds another waiter; a block that times out writes nothing', async (s) => {
  const { c, c2 } = s;
  const c3 = await s.client();
  c2.send('BLMOVE', 'a', 'b', 'RIGHT', 'LEFT', 0);
  await waitBlocked(c, 1);
  c3.send('BLPOP', 'b', 0);
  await waitBlocked(c, 2);
  await ok(c, 'RPUSH', 'a', 'x');
  assert.equal(await c2.read(), 'x');
  assert.deepEqual(await c3.read(), ['b', 'x']);
  assert.equal(await ok(c, 'BLPOP', 'nosuch', '0.05'), null);
  assert.equal(await ok(c, 'BZPOPMIN', 'nosuch', '0.05'), null);
  c3.close();
  return [['RPUSH', 'a', 'x'], ['LMOVE', 'a', 'b', 'right', 'left'], ['LPOP', 'b']];
});
