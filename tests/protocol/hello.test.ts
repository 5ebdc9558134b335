// HELLO and the switch to RESP3, byte-exact against redis-server 7.0.15.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { RespClient } from '../helpers/resp-client.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv.stop();
});

/** The exact HELLO reply: a 7-entry map in RESP3, the same as a flat 14-element array in RESP2. */
function helloReply(proto: 2 | 3, id: number): string {
  const head = proto === 3 ? '%7\r\n' : '*14\r\n';
  return (
    head +
    '$6\r\nserver\r\n$5\r\nredis\r\n' +
    '$7\r\nversion\r\n$6\r\n7.0.15\r\n' +
    `$5\r\nproto\r\n:${proto}\r\n` +
    `$2\r\nid\r\n:${id}\r\n` +
    '$4\r\nmode\r\n$10\r\nstandalone\r\n' +
    '$4\r\nrole\r\n$6\r\nmaster\r\n' +
    '$7\r\nmodules\r\n*0\r\n'
  );
}

/** The connection's id as HELLO reports it. */
function idOf(reply: string): number {
  const m = /\$2\r\nid\r\n:(\d+)\r\n/.exec(reply);
  assert.ok(m, `no id in ${JSON.stringify(reply)}`);
  return Number(m[1]);
}

async function hello(c: RespClient, ...args: string[]): Promise<string> {
  return c.callRaw('HELLO', ...args);
}

test('HELLO 3 switches to RESP3 and replies with the exact map', async () => {
  const c = await srv.client();
  const r = await hello(c, '3');
  const id = idOf(r);
  assert.equal(r, helloReply(3, id));
  // The id is the connection's: the same on this connection, different on another one.
  assert.equal(await hello(c, '3'), helloReply(3, id));
  const other = await srv.client();
  assert.notEqual(idOf(await hello(other)), id);
  // RESP3 forms from now on.
  assert.equal(await c.callRaw('GET', 'hello:missing'), '_\r\n');
  assert.equal(await c.callRaw('SET', 'hello:k', 'v'), '+OK\r\n');
  assert.equal(await c.callRaw('GET', 'hello:k'), '$1\r\nv\r\n');
});

test('HELLO without arguments replies in the current protocol and does not switch', async () => {
  const c = await srv.client();
  const r2 = await hello(c);
  assert.equal(r2, helloReply(2, idOf(r2)));
  assert.equal(await c.callRaw('GET', 'hello:missing'), '$-1\r\n');
  await hello(c, '3');
  const r3 = await hello(c);
  assert.equal(r3, helloReply(3, idOf(r3)));
  assert.equal(await c.callRaw('GET', 'hello:missing'), '_\r\n');
  // HELLO 2 goes back.
  const back = await hello(c, '2');
  assert.equal(back, helloReply(2, idOf(back)));
  assert.equal(await c.callRaw('GET', 'hello:missing'), '$-1\r\n');
});

test('unsupported or malformed protocol versions', async () => {
  const c = await srv.client();
  await hello(c, '3');
  for (const v of ['4', '1', '0', '-1']) assert.equal(await hello(c, v), '-NOPROTO unsupported protocol version\r\n');
  assert.equal(await hello(c, '4', 'SETNAME', 'x'), '-NOPROTO unsupported protocol version\r\n');
  assert.equal(await hello(c, 'abc'), '-ERR Protocol version is not an integer or out of range\r\n');
  // A refused HELLO changes nothing: still RESP3.
  assert.equal(await c.callRaw('GET', 'hello:missing'), '_\r\n');
});

test('HELLO options: AUTH, SETNAME and syntax errors', async () => {
  const c = await srv.client();
  // Without a configured password, AUTH default <anything> succeeds (nopass user).
  const r = await hello(c, '3', 'AUTH', 'default', 'x');
  assert.equal(r, helloReply(3, idOf(r)));
  assert.equal(await hello(c, '3', 'AUTH', 'bob', 'x'), '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
  assert.equal(await hello(c, '3', 'AUTH', 'default'), "-ERR Syntax error in HELLO option 'AUTH'\r\n");
  assert.equal(await hello(c, '3', 'FOO'), "-ERR Syntax error in HELLO option 'FOO'\r\n");
  assert.equal(await hello(c, '3', 'SETNAME', 'a b'), '-ERR Client names cannot contain spaces, newlines or special characters.\r\n');

  const named = await srv.client();
  const rn = await hello(named, '3', 'SETNAME', 'hello-conn');
  const id = idOf(rn);
  assert.equal(rn, helloReply(3, id));
  const entry = [...srv.server.clients].find((cl) => cl.id === id);
  assert.ok(entry);
  assert.equal(entry.name, 'hello-conn');
  assert.equal(entry.protocol, 3);
  // SETNAME twice: the last one wins.
  await hello(named, '2', 'SETNAME', 'first', 'SETNAME', 'second');
  assert.equal(entry.name, 'second');
  assert.equal(entry.protocol, 2);
});

test('HELLO with requirepass: NOAUTH until authenticated, AUTH inside HELLO', async () => {
  const auth = await startTestServer({ requirepass: 'pw' });
  try {
    const c = await auth.client();
    const noauth =
      '-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n';
    assert.equal(await hello(c, '3'), noauth);
    assert.equal(await hello(c), noauth);
    assert.equal(await hello(c, '3', 'AUTH', 'default', 'bad'), '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    assert.equal(await c.callRaw('GET', 'x'), '-NOAUTH Authentication required.\r\n');
    // AUTH is applied before SETNAME is validated: a bad name still leaves the client authenticated, in RESP2.
    assert.equal(await hello(c, '3', 'AUTH', 'default', 'pw', 'SETNAME', 'a b'), '-ERR Client names cannot contain spaces, newlines or special characters.\r\n');
    assert.equal(await c.callRaw('GET', 'x'), '$-1\r\n');
    const d = await auth.client();
    const r = await hello(d, '3', 'AUTH', 'default', 'pw');
    assert.equal(r, helloReply(3, idOf(r)));
    assert.equal(await d.callRaw('GET', 'x'), '_\r\n');
  } finally {
    await auth.stop();
  }
});
