// The blocking list commands (BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP) with several clients:
// immediate service, waiting and being served by a push (FIFO per key), fractional timeouts
// with the nil of each command's shape, pushes inside MULTI/EXEC served after the
// transaction, a served BLMOVE feeding another waiter, the non-blocking behaviour inside
// MULTI, a key deleted and re-created, wrong types, and what each service propagates.
// Reply bytes and propagated forms as a real redis-server 7.0.15 gives them.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import type { RespClient } from '../helpers/resp-client.js';
import { listCommands } from '../../src/commands/lists.js';

let srv: TestServer;
let w: RespClient; // the writer
before(async () => {
  srv = await startTestServer();
  w = await srv.client();
});
after(async () => {
  await srv.stop();
});

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';

/** Resolves once `n` clients are blocked. */
async function blocked(n: number): Promise<void> {
  await waitFor(() => srv.server.blocking.blockedClients === n, 5000, `${n} blocked clients`);
}

/** A fresh client, in RESP3 when asked. */
async function client(protocol: 2 | 3 = 2): Promise<RespClient> {
  const c = await srv.client();
  if (protocol === 3) await c.call('HELLO', '3');
  return c;
}

/** Sends a blocking command and waits until its client is parked (one more blocked client). */
async function sendBlocked(c: RespClient, ...args: string[]): Promise<void> {
  const n = srv.server.blocking.blockedClients;
  c.send(...args);
  await blocked(n + 1);
}

test('command table entries match Redis 7.0.15', () => {
  const expected: Record<string, [number, string, string, string]> = {
    blpop: [-3, 'write noscript blocking', '1 -2 1', '2.0.0'],
    brpop: [-3, 'write noscript blocking', '1 -2 1', '2.0.0'],
    blmove: [6, 'write denyoom noscript blocking', '1 2 1', '6.2.0'],
    brpoplpush: [4, 'write denyoom noscript blocking', '1 2 1', '2.2.0'],
    blmpop: [-5, 'write blocking', '', '7.0.0'],
  };
  const specs = new Map<string, (typeof listCommands)[number]>(listCommands.map((s) => [s.name, s]));
  for (const [name, [arity, flags, keys, since]] of Object.entries(expected)) {
    const s = specs.get(name)!;
    assert.ok(s, name);
    assert.equal(s.arity, arity, name);
    assert.equal(s.flags.join(' '), flags, name);
    assert.equal('keys' in s ? `${s.keys.first} ${s.keys.last} ${s.keys.step}` : '', keys, name);
    assert.equal(s.since, since, name);
  }
});

test('served at once when a list has elements: shapes and the non-blocking propagated forms', async () => {
  const c = await client();
  await w.call('DEL', 'i1', 'i2', 'idst');
  await w.call('RPUSH', 'i2', 'a', 'b', 'c', 'd', 'e', 'f');
  srv.clearPropagated();
  assert.equal(await c.callRaw('BLPOP', 'i1', 'i2', '0'), '*2\r\n$2\r\ni2\r\n$1\r\na\r\n');
  assert.equal(await c.callRaw('BRPOP', 'i1', 'i2', '0'), '*2\r\n$2\r\ni2\r\n$1\r\nf\r\n');
  assert.equal(await c.callRaw('BLMOVE', 'i2', 'idst', 'left', 'RIGHT', '0'), '$1\r\nb\r\n');
  assert.equal(await c.callRaw('BRPOPLPUSH', 'i2', 'idst', '0'), '$1\r\ne\r\n');
  assert.equal(await c.callRaw('BLMPOP', '0', '2', 'i1', 'i2', 'right', 'COUNT', '9'), '*2\r\n$2\r\ni2\r\n*2\r\n$1\r\nd\r\n$1\r\nc\r\n');
  assert.equal(await c.call('EXISTS', 'i2'), 0);
  assert.deepEqual(srv.propagated, [
    '0:LPOP i2',
    '0:RPOP i2',
    '0:LMOVE i2 idst left RIGHT',
    '0:RPOPLPUSH i2 idst',
    '0:RPOP i2 2',
  ]);
});

test('a blocked BLPOP is served by a push (RESP2 and RESP3); propagation: the push, then LPOP', async () => {
  const c2 = await client(2);
  const c3 = await client(3);
  await w.call('DEL', 'b2', 'b3');
  await sendBlocked(c2, 'BLPOP', 'b2', '0');
  await sendBlocked(c3, 'BRPOP', 'bx', 'b3', '0');
  srv.clearPropagated();
  assert.equal(await w.call('RPUSH', 'b2', 'x', 'y'), 2);
  assert.equal(await c2.readRaw(), '*2\r\n$2\r\nb2\r\n$1\r\nx\r\n');
  await w.call('RPUSH', 'b3', 'p', 'q');
  assert.equal(await c3.readRaw(), '*2\r\n$2\r\nb3\r\n$1\r\nq\r\n');
  assert.deepEqual(srv.propagated, ['0:RPUSH b2 x y', '0:LPOP b2', '0:RPUSH b3 p q', '0:RPOP b3']);
  assert.deepEqual(await w.call('LRANGE', 'b2', '0', '-1'), ['y']);
  assert.equal(srv.server.blocking.blockedClients, 0);
});

test('waiters on one key are served first come, first served', async () => {
  const cs = [await client(), await client(), await client()];
  await w.call('DEL', 'fifo');
  for (const c of cs) await sendBlocked(c, 'BLPOP', 'fifo', '0');
  await w.call('RPUSH', 'fifo', 'first', 'second');
  assert.equal(await cs[0]!.readRaw(), '*2\r\n$4\r\nfifo\r\n$5\r\nfirst\r\n');
  assert.equal(await cs[1]!.readRaw(), '*2\r\n$4\r\nfifo\r\n$6\r\nsecond\r\n');
  await blocked(1);
  await w.call('LPUSH', 'fifo', 'third');
  assert.equal(await cs[2]!.readRaw(), '*2\r\n$4\r\nfifo\r\n$5\r\nthird\r\n');
  assert.equal(await w.call('EXISTS', 'fifo'), 0);
});

test('timeouts: fractional seconds, the nil array of every form in RESP2 and RESP3', async () => {
  for (const protocol of [2, 3] as const) {
    const c = await client(protocol);
    const nil = protocol === 2 ? '*-1\r\n' : '_\r\n';
    for (const cmd of [
      ['BLPOP', 'tnone', '0.05'],
      ['BRPOP', 'tnone', 'tnone2', '0.05'],
      // BLMOVE and BRPOPLPUSH time out with a nil *array*, as Redis 7.0 does.
      ['BLMOVE', 'tnone', 'tdst', 'LEFT', 'LEFT', '0.05'],
      ['BRPOPLPUSH', 'tnone', 'tdst', '0.05'],
      ['BLMPOP', '0.05', '1', 'tnone', 'LEFT'],
    ]) {
      const t0 = Date.now();
      assert.equal(await c.callRaw(...cmd), nil, cmd.join(' '));
      const waited = Date.now() - t0;
      assert.ok(waited >= 45 && waited < 3000, `${cmd.join(' ')} waited ${waited} ms`);
    }
  }
  assert.equal(srv.server.blocking.blockedClients, 0);
  assert.equal(await w.call('EXISTS', 'tdst'), 0);
});

test('timeout argument errors are checked first (BLMPOP: after its pop arguments)', async () => {
  const c = await client();
  const notFloat = '-ERR timeout is not a float or out of range\r\n';
  assert.equal(await c.callRaw('BLPOP', 'k', 'abc'), notFloat);
  assert.equal(await c.callRaw('BLPOP', 'k', '-1'), '-ERR timeout is negative\r\n');
  await w.call('SET', 'tstr', 'v');
  assert.equal(await c.callRaw('BLPOP', 'tstr', 'abc'), notFloat);
  assert.equal(await c.callRaw('BLMOVE', 'a', 'b', 'UP', 'LEFT', 'abc'), '-ERR syntax error\r\n');
  assert.equal(await c.callRaw('BLMOVE', 'a', 'b', 'LEFT', 'DOWN', 'abc'), '-ERR syntax error\r\n');
  assert.equal(await c.callRaw('BLMOVE', 'a', 'b', 'LEFT', 'LEFT', 'abc'), notFloat);
  assert.equal(await c.callRaw('BRPOPLPUSH', 'a', 'b', 'abc'), notFloat);
  assert.equal(await c.callRaw('BLMPOP', 'abc', '0', 'k', 'LEFT'), '-ERR numkeys should be greater than 0\r\n');
  assert.equal(await c.callRaw('BLMPOP', '-1', '1', 'k', 'UP'), '-ERR syntax error\r\n');
  assert.equal(await c.callRaw('BLMPOP', 'abc', '1', 'k', 'LEFT'), notFloat);
  assert.equal(await c.callRaw('BLMPOP', '0', '1', 'k', 'LEFT', 'COUNT', '0'), '-ERR count should be greater than 0\r\n');
  // Wrong types, when nothing was served before reaching them.
  assert.equal(await c.callRaw('BLPOP', 'tnone', 'tstr', '0'), WRONGTYPE);
  assert.equal(await c.callRaw('BLMOVE', 'tstr', 'k', 'LEFT', 'LEFT', '0'), WRONGTYPE);
  assert.equal(await c.callRaw('BLMPOP', '0', '2', 'tnone', 'tstr', 'LEFT'), WRONGTYPE);
  await w.call('RPUSH', 'tl', 'a');
  assert.equal(await c.callRaw('BLMOVE', 'tl', 'tstr', 'LEFT', 'LEFT', '0'), WRONGTYPE);
  assert.deepEqual(await w.call('LRANGE', 'tl', '0', '-1'), ['a']);
});

test('inside MULTI the blocking forms do not block: nil at once (BLMOVE/BRPOPLPUSH a nil bulk)', async () => {
  for (const protocol of [2, 3] as const) {
    const c = await client(protocol);
    await w.call('DEL', 'mnone', 'mlist');
    await w.call('RPUSH', 'mlist', 'v');
    await c.call('MULTI');
    for (const cmd of [
      ['BLPOP', 'mnone', '0'],
      ['BLMOVE', 'mnone', 'x', 'LEFT', 'LEFT', '0'],
      ['BRPOPLPUSH', 'mnone', 'x', '0'],
      ['BLMPOP', '0', '1', 'mnone', 'LEFT'],
      ['BRPOP', 'mnone', 'mlist', '0'],
    ]) {
      assert.equal(await c.callRaw(...cmd), '+QUEUED\r\n');
    }
    const nilArray = protocol === 2 ? '*-1\r\n' : '_\r\n';
    const nilBulk = protocol === 2 ? '$-1\r\n' : '_\r\n';
    assert.equal(await c.callRaw('EXEC'), `*5\r\n${nilArray}${nilBulk}${nilBulk}${nilArray}*2\r\n$5\r\nmlist\r\n$1\r\nv\r\n`);
    assert.equal(srv.server.blocking.blockedClients, 0);
  }
});

test('pushes inside MULTI/EXEC are served after the transaction; a key pushed and emptied there wakes nobody', async () => {
  const c = await client();
  await w.call('DEL', 'tx');
  await sendBlocked(c, 'BLPOP', 'tx', '0');
  srv.clearPropagated();
  await w.call('MULTI');
  await w.call('RPUSH', 'tx', 'a');
  await w.call('LPOP', 'tx');
  assert.equal(await w.callRaw('EXEC'), '*2\r\n:1\r\n$1\r\na\r\n');
  assert.equal(srv.server.blocking.blockedClients, 1);
  await w.call('MULTI');
  await w.call('RPUSH', 'tx', 'b', 'c');
  await w.call('LPUSH', 'tx', 'z');
  // The waiter is served only after EXEC, so it sees the transaction's final state.
  assert.equal(await w.callRaw('EXEC'), '*2\r\n:2\r\n:3\r\n');
  assert.equal(await c.readRaw(), '*2\r\n$2\r\ntx\r\n$1\r\nz\r\n');
  assert.deepEqual(srv.propagated, [
    '0:MULTI', '0:RPUSH tx a', '0:LPOP tx', '-1:EXEC',
    '0:MULTI', '0:RPUSH tx b c', '0:LPUSH tx z', '-1:EXEC',
    '0:LPOP tx',
  ]);
});

test('a served BLMOVE feeds the next waiter (chain); BRPOPLPUSH and BLMOVE served as RPOPLPUSH / LMOVE', async () => {
  const a = await client();
  const b = await client(3);
  const d = await client();
  await w.call('DEL', 'ch1', 'ch2', 'ch3');
  await sendBlocked(a, 'BLMOVE', 'ch1', 'ch2', 'RIGHT', 'left', '0');
  await sendBlocked(b, 'BRPOPLPUSH', 'ch2', 'ch3', '0');
  await sendBlocked(d, 'BLPOP', 'ch3', '0');
  srv.clearPropagated();
  await w.call('RPUSH', 'ch1', 'v1', 'v2');
  assert.equal(await a.readRaw(), '$2\r\nv2\r\n');
  assert.equal(await b.readRaw(), '$2\r\nv2\r\n');
  assert.equal(await d.readRaw(), '*2\r\n$3\r\nch3\r\n$2\r\nv2\r\n');
  assert.deepEqual(srv.propagated, ['0:RPUSH ch1 v1 v2', '0:LMOVE ch1 ch2 right left', '0:RPOPLPUSH ch2 ch3', '0:LPOP ch3']);
  assert.deepEqual(await w.call('LRANGE', 'ch1', '0', '-1'), ['v1']);
  assert.equal(await w.call('EXISTS', 'ch2'), 0);
  assert.equal(await w.call('EXISTS', 'ch3'), 0);
});

test('BLMPOP waits on several keys and pops up to COUNT from the first that gets elements', async () => {
  const c = await client(3);
  await w.call('DEL', 'mp1', 'mp2');
  await sendBlocked(c, 'BLMPOP', '0', '2', 'mp1', 'mp2', 'LEFT', 'COUNT', '3');
  srv.clearPropagated();
  await w.call('RPUSH', 'mp2', 'a', 'b', 'c', 'd', 'e');
  assert.equal(await c.readRaw(), '*2\r\n$3\r\nmp2\r\n*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n');
  assert.deepEqual(srv.propagated, ['0:RPUSH mp2 a b c d e', '0:LPOP mp2 3']);
});

test('a key deleted and re-created: served from the new list', async () => {
  const c = await client();
  await w.call('DEL', 'rc');
  await sendBlocked(c, 'BRPOP', 'rc', '0');
  await w.call('MULTI');
  await w.call('RPUSH', 'rc', 'old');
  await w.call('DEL', 'rc');
  await w.call('EXEC');
  assert.equal(srv.server.blocking.blockedClients, 1);
  await w.call('RPUSH', 'rc', 'new1', 'new2');
  assert.equal(await c.readRaw(), '*2\r\n$2\r\nrc\r\n$4\r\nnew2\r\n');
  assert.deepEqual(await w.call('LRANGE', 'rc', '0', '-1'), ['new1']);
});

test('a list renamed or moved onto the waited key serves the waiter', async () => {
  const c = await client();
  await w.call('DEL', 'rn', 'rnsrc');
  await sendBlocked(c, 'BLPOP', 'rn', '0');
  await w.call('RPUSH', 'rnsrc', 'a', 'b');
  await w.call('RENAME', 'rnsrc', 'rn');
  assert.equal(await c.readRaw(), '*2\r\n$2\r\nrn\r\n$1\r\na\r\n');
  await w.call('DEL', 'rn');
  await sendBlocked(c, 'BRPOP', 'rn', '0');
  await w.call('SELECT', '1');
  await w.call('RPUSH', 'rn', 'x', 'y');
  await w.call('MOVE', 'rn', '0');
  await w.call('SELECT', '0');
  assert.equal(await c.readRaw(), '*2\r\n$2\r\nrn\r\n$1\r\ny\r\n');
});

test('a key re-created with another type errors the waiter with WRONGTYPE', async () => {
  const c = await client();
  const d = await client();
  await w.call('DEL', 'wt', 'wsrc', 'wdst');
  await sendBlocked(c, 'BLPOP', 'wt', '0');
  await w.call('SET', 'wt', 'string');
  assert.equal(await c.readRaw(), WRONGTYPE);
  // BLMOVE whose destination holds another type: the waiter gets the error, the element stays.
  await w.call('SET', 'wdst', 'string');
  await sendBlocked(d, 'BLMOVE', 'wsrc', 'wdst', 'LEFT', 'LEFT', '0');
  await w.call('RPUSH', 'wsrc', 'e');
  assert.equal(await d.readRaw(), WRONGTYPE);
  assert.deepEqual(await w.call('LRANGE', 'wsrc', '0', '-1'), ['e']);
  assert.equal(srv.server.blocking.blockedClients, 0);
});

test('a waiter that disconnects is forgotten; the next waiter gets the element', async () => {
  const gone = await client();
  const stays = await client();
  await w.call('DEL', 'dc');
  await sendBlocked(gone, 'BLPOP', 'dc', '0');
  await sendBlocked(stays, 'BLPOP', 'dc', '0');
  gone.close();
  await blocked(1);
  await w.call('RPUSH', 'dc', 'x');
  assert.equal(await stays.readRaw(), '*2\r\n$2\r\ndc\r\n$1\r\nx\r\n');
  assert.equal(await w.call('EXISTS', 'dc'), 0);
});

test('a blocked client runs its pipelined commands after it is served', async () => {
  const c = await client();
  await w.call('DEL', 'pl');
  c.writeRaw('*3\r\n$5\r\nBLPOP\r\n$2\r\npl\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n');
  await blocked(1);
  await w.call('RPUSH', 'pl', 'v');
  assert.equal(await c.readRaw(), '*2\r\n$2\r\npl\r\n$1\r\nv\r\n');
  assert.equal(await c.readRaw(), '+PONG\r\n');
});
