// The embedding API: startServer() returns { port, close() }, and several servers in one
// process are fully independent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../src/index.js';
import { RespClient } from '../helpers/resp-client.js';
import { startTestServer } from '../helpers/server.js';

test('two servers in one process share nothing', async () => {
  const a = await startServer({ port: 0 });
  const b = await startServer({ port: 0, databases: 4 });
  try {
    assert.notEqual(a.port, b.port);
    const ca = await RespClient.connect(a.port);
    const cb = await RespClient.connect(b.port);
    assert.equal(await ca.call('SET', 'k', 'from-a'), 'OK');
    assert.equal(await cb.call('GET', 'k'), null);
    assert.equal(await cb.call('SET', 'k', 'from-b'), 'OK');
    assert.equal(await ca.call('GET', 'k'), 'from-a');
    // Per-server configuration: b has 4 databases, a has 16.
    assert.equal(await ca.call('SELECT', '10'), 'OK');
    assert.equal(await cb.callRaw('SELECT', '10'), '-ERR DB index is out of range\r\n');
    // Client ids are per server.
    assert.equal(a.server.clients.size, 1);
    assert.equal(b.server.clients.size, 1);
    ca.close();
    cb.close();
  } finally {
    await a.close();
    await b.close();
  }
});

test('close() stops listening and disconnects clients', async () => {
  const s = await startServer({ port: 0 });
  const c = await RespClient.connect(s.port);
  assert.equal(await c.call('PING'), 'PONG');
  await s.close();
  await c.waitClosed();
  await assert.rejects(RespClient.connect(s.port));
  await s.close(); // idempotent
});

test('invalid options are rejected with the option named', async () => {
  await assert.rejects(startServer({ port: 0, 'no-such-directive': 'x' }), /no-such-directive/);
  await assert.rejects(startServer({ port: 0, databases: 'many' }), /databases/);
});

test('while loading, keys never expire (past TTLs stay until first access after loading)', async () => {
  const srv = await startTestServer();
  try {
    const c = await srv.client();
    await c.call('SET', 'ttl-key', 'v', 'PX', '20');
    const ks = srv.server.keyspace;
    ks.loading = true;
    await new Promise((r) => setTimeout(r, 60));
    ks.time = Date.now();
    // The active cycle must not remove it and a lookup must not expire it while loading.
    srv.server.expireCycle.run(10);
    assert.equal(ks.dbs[0]!.has('ttl-key'), true);
    ks.loading = false;
    ks.time = Date.now(); // lookups use the time of the command being executed
    assert.equal(ks.dbs[0]!.has('ttl-key'), false);
  } finally {
    await srv.stop();
  }
});
