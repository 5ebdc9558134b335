// The blocking core (src/server/blocking.ts) seen through BLPOP: CLIENT UNBLOCK, disconnects,
// SWAPDB and renames giving a key a value, INFO blocked_clients, commandstats counted once.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { RespError } from '../helpers/resp-client.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv.stop();
});

const blocked = () => srv.server.blocking.blockedClients;

test('CLIENT UNBLOCK: TIMEOUT replies the timeout nil, ERROR replies -UNBLOCKED, others get 0', async () => {
  const waiter = await srv.client();
  const admin = await srv.client();
  const id = (await waiter.call('CLIENT', 'ID')) as number;
  waiter.send('BLPOP', 'cu:none', '0');
  await waitFor(() => blocked() === 1);
  assert.equal(await admin.callRaw('CLIENT', 'UNBLOCK', id), ':1\r\n');
  assert.equal(await waiter.readRaw(), '*-1\r\n');
  waiter.send('BLPOP', 'cu:none', '0');
  await waitFor(() => blocked() === 1);
  assert.equal(await admin.callRaw('CLIENT', 'UNBLOCK', id, 'ERROR'), ':1\r\n');
  assert.equal(await waiter.readRaw(), '-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
  // Not blocked, unknown, bad arguments.
  assert.equal(await admin.callRaw('CLIENT', 'UNBLOCK', id), ':0\r\n');
  assert.equal(await admin.callRaw('CLIENT', 'UNBLOCK', '999999'), ':0\r\n');
  assert.equal(await admin.callRaw('CLIENT', 'UNBLOCK', 'abc'), '-ERR value is not an integer or out of range\r\n');
  assert.equal(await admin.callRaw('CLIENT', 'UNBLOCK', id, 'foo'), '-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n');
  // A client held by CLIENT PAUSE is not in a blocking command.
  await admin.call('CLIENT', 'PAUSE', '300', 'WRITE');
  waiter.send('SET', 'cu:paused', '1');
  await waitFor(() => srv.server.pause.heldClients === 1);
  assert.equal(await admin.callRaw('CLIENT', 'UNBLOCK', id), ':0\r\n');
  assert.equal(await waiter.read(), 'OK'); // once the pause ends by itself
});

test('a waiter that disconnects is forgotten; the value goes to the next one', async () => {
  const first = await srv.client();
  const second = await srv.client();
  const pusher = await srv.client();
  first.send('BLPOP', 'dc:list', '0');
  await waitFor(() => blocked() === 1);
  second.send('BLPOP', 'dc:list', '0');
  await waitFor(() => blocked() === 2);
  first.close();
  await waitFor(() => blocked() === 1);
  await pusher.call('RPUSH', 'dc:list', 'v');
  assert.deepEqual(await second.read(), ['dc:list', 'v']);
  assert.equal(blocked(), 0);
});

test('SWAPDB, RENAME and MOVE giving the key a value serve the waiter', async () => {
  const waiter = await srv.client();
  const other = await srv.client();
  await other.call('SELECT', '1');
  await other.call('RPUSH', 'sw:list', 'from-db1');
  waiter.send('BLPOP', 'sw:list', '0');
  await waitFor(() => blocked() === 1);
  await other.call('SWAPDB', '0', '1');
  assert.deepEqual(await waiter.read(), ['sw:list', 'from-db1']);

  await other.call('SELECT', '0');
  await other.call('RPUSH', 'rn:src', 'renamed');
  waiter.send('BLPOP', 'rn:dst', '0');
  await waitFor(() => blocked() === 1);
  await other.call('RENAME', 'rn:src', 'rn:dst');
  assert.deepEqual(await waiter.read(), ['rn:dst', 'renamed']);

  await other.call('SELECT', '2');
  await other.call('RPUSH', 'mv:list', 'moved');
  waiter.send('BLPOP', 'mv:list', '0');
  await waitFor(() => blocked() === 1);
  await other.call('MOVE', 'mv:list', '0');
  assert.deepEqual(await waiter.read(), ['mv:list', 'moved']);
});

test('INFO blocked_clients, CLIENT LIST flag b, and one commandstats call per blocked command', async () => {
  const waiter = await srv.client();
  const admin = await srv.client();
  await admin.call('CONFIG', 'RESETSTAT');
  waiter.send('BLPOP', 'st:list', '0');
  await waitFor(() => blocked() === 1);
  assert.match((await admin.call('INFO', 'clients')) as string, /blocked_clients:1\r\n/);
  assert.match((await admin.call('CLIENT', 'LIST')) as string, / flags=b .*cmd=blpop /);
  await admin.call('RPUSH', 'st:list', 'x');
  assert.deepEqual(await waiter.read(), ['st:list', 'x']);
  assert.equal(await waiter.call('BLPOP', 'st:list', '0.01'), null);
  const stats = (await admin.call('INFO', 'commandstats')) as string;
  assert.match(stats, /cmdstat_blpop:calls=2,/);
  assert.ok(!(await admin.call('INFO', 'clients') as string).includes('blocked_clients:1'));
  void RespError;
});
