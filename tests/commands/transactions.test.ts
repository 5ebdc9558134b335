import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { RespError } from '../helpers/resp-client.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv.stop();
});

test('MULTI/EXEC returns queued replies in order and propagates a wrapped unit', async () => {
  const c = await srv.client();
  srv.clearPropagated();
  assert.equal(await c.callRaw('MULTI'), '+OK\r\n');
  assert.equal(await c.callRaw('SET', 'tx:a', '1'), '+QUEUED\r\n');
  assert.equal(await c.callRaw('GET', 'tx:a'), '+QUEUED\r\n');
  assert.equal(await c.callRaw('SET', 'tx:b', '2'), '+QUEUED\r\n');
  assert.equal(await c.callRaw('EXEC'), '*3\r\n+OK\r\n$1\r\n1\r\n+OK\r\n');
  assert.deepEqual(srv.propagated, ['0:MULTI', '0:SET tx:a 1', '0:SET tx:b 2', '-1:EXEC']);
});

test('EXEC with a single write propagates it unwrapped; read-only EXEC propagates nothing', async () => {
  const c = await srv.client();
  srv.clearPropagated();
  await c.call('MULTI');
  await c.call('SET', 'tx:one', 'x');
  await c.call('GET', 'tx:one');
  assert.deepEqual(await c.call('EXEC'), ['OK', 'x']);
  assert.deepEqual(srv.propagated, ['0:SET tx:one x']);
  srv.clearPropagated();
  await c.call('MULTI');
  await c.call('GET', 'tx:one');
  await c.call('EXEC');
  assert.deepEqual(srv.propagated, []);
});

test('an error while queueing aborts EXEC with EXECABORT', async () => {
  const c = await srv.client();
  await c.call('MULTI');
  assert.equal(await c.callRaw('FOO'), "-ERR unknown command 'FOO', with args beginning with: \r\n");
  assert.equal(await c.callRaw('GET'), "-ERR wrong number of arguments for 'get' command\r\n");
  await c.call('SET', 'tx:abort', '1');
  assert.equal(await c.callRaw('EXEC'), '-EXECABORT Transaction discarded because of previous errors.\r\n');
  assert.equal(await c.call('GET', 'tx:abort'), null);
});

test('nested MULTI, EXEC/DISCARD without MULTI, WATCH inside MULTI', async () => {
  const c = await srv.client();
  assert.equal(await c.callRaw('EXEC'), '-ERR EXEC without MULTI\r\n');
  assert.equal(await c.callRaw('DISCARD'), '-ERR DISCARD without MULTI\r\n');
  await c.call('MULTI');
  assert.equal(await c.callRaw('MULTI'), '-ERR MULTI calls can not be nested\r\n');
  assert.equal(await c.callRaw('WATCH', 'x'), '-ERR WATCH inside MULTI is not allowed\r\n');
  await c.call('SET', 'tx:nested', '1');
  // Neither error dooms the transaction.
  assert.deepEqual(await c.call('EXEC'), ['OK']);
});

test('DISCARD drops the queue', async () => {
  const c = await srv.client();
  await c.call('MULTI');
  await c.call('SET', 'tx:discarded', '1');
  assert.equal(await c.call('DISCARD'), 'OK');
  assert.equal(await c.call('GET', 'tx:discarded'), null);
});

test('WATCH: a modification by another client makes EXEC reply nil (RESP2 *-1, RESP3 _)', async () => {
  const a = await srv.client();
  const b = await srv.client();
  for (const proto of [2, 3]) {
    await a.call('HELLO', proto);
    await a.call('WATCH', 'tx:w');
    await b.call('SET', 'tx:w', String(proto));
    await a.call('MULTI');
    await a.call('SET', 'tx:w', 'mine');
    assert.equal(await a.callRaw('EXEC'), proto === 2 ? '*-1\r\n' : '_\r\n');
    assert.equal(await a.call('GET', 'tx:w'), String(proto));
  }
});

test('WATCH: untouched keys let EXEC run; UNWATCH forgets', async () => {
  const a = await srv.client();
  const b = await srv.client();
  await a.call('WATCH', 'tx:u');
  await a.call('MULTI');
  await a.call('SET', 'tx:u', '1');
  assert.deepEqual(await a.call('EXEC'), ['OK']);
  await a.call('WATCH', 'tx:u');
  await a.call('UNWATCH');
  await b.call('SET', 'tx:u', '2');
  await a.call('MULTI');
  await a.call('SET', 'tx:u', '3');
  assert.deepEqual(await a.call('EXEC'), ['OK']);
});

test('WATCH: expiry of a watched key aborts EXEC', async () => {
  const a = await srv.client();
  await a.call('SET', 'tx:exp', '1', 'PX', '30');
  await a.call('WATCH', 'tx:exp');
  await new Promise((r) => setTimeout(r, 60));
  await a.call('MULTI');
  await a.call('SET', 'other', '1');
  assert.equal(await a.call('EXEC'), null);
});

test('errors at EXEC time do not stop the other commands', async () => {
  const c = await srv.client();
  await c.call('SET', 'tx:str', 'abc');
  await c.call('MULTI');
  await c.call('SET', 'tx:e1', '1');
  await c.call('SET', 'tx:str', 'x', 'EX', '-5');
  await c.call('SET', 'tx:e2', '2');
  const r = (await c.call('EXEC')) as unknown[];
  assert.equal(r[0], 'OK');
  assert.ok(r[1] instanceof RespError);
  assert.equal((r[1] as RespError).message, "ERR invalid expire time in 'set' command");
  assert.equal(r[2], 'OK');
});
