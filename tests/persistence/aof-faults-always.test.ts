// AOF write and fsync failures under appendfsync always, injected through the file layer
// (tests/helpers/fault-fs.ts) of an in-process server: as in Redis 7.0 (aof.c
// flushAppendOnlyFile), a write error or an fsync error exits (the server crashes, logging
// Redis's line); the reply is never sent, nor the replies of reads waiting for that fsync.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { waitFor } from '../helpers/server.js';
import { resp as rec } from '../helpers/aof-files.js';
import { sleep } from '../helpers/calls.js';
import { SELECT0, incrText, useAofEnvs } from '../helpers/aof-env.js';

const { freshDir, startFaulty: start, stop } = useAofEnvs('nodis-aof-faults-always-', { appendonly: 'yes' });

// ---- appendfsync always: the server exits ------------------------------------------------------

async function connectRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

test("always: a write error crashes the server before the reply is sent (\"Can't recover from AOF write error ...\")", async () => {
  const dir = freshDir();
  const env = await start(dir, { appendfsync: 'always' });
  const { srv, ffs, log } = env;
  const c = await srv.client();
  const other = await srv.client();
  assert.equal(await c.call('SET', 'a', '1'), 'OK');
  ffs.failWrites('ENOSPC');
  c.send('SET', 'b', '2');
  await c.waitClosed(3000);
  assert.equal(c.unread, '', 'the reply of the failed write must never arrive');
  assert.equal(srv.server.crashed, true);
  assert.equal(log.count('#', "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting..."), 1, log.dump());
  await other.waitClosed(3000);
  assert.ok(await connectRefused(srv.port), 'a crashed server does not listen');
  await stop(env);
  assert.equal(incrText(dir), SELECT0 + rec('SET', 'a', '1'));
  const restarted = await start(dir);
  const c3 = await restarted.srv.client();
  assert.equal(await c3.call('GET', 'a'), '1');
  assert.equal(await c3.call('EXISTS', 'b'), 0);
  await stop(restarted);
});

test("always: an fsync error crashes the server (\"Can't persist AOF for fsync error ...: Input/output error. Exiting...\")", async () => {
  const dir = freshDir();
  const env = await start(dir, { appendfsync: 'always' });
  const { srv, ffs, log } = env;
  const c = await srv.client();
  assert.equal(await c.call('SET', 'a', '1'), 'OK');
  ffs.failFsyncs('EIO');
  c.send('SET', 'b', '2');
  await c.waitClosed(3000);
  assert.equal(c.unread, '');
  assert.equal(srv.server.crashed, true);
  assert.equal(log.count('#', "Can't persist AOF for fsync error when the AOF fsync policy is 'always': Input/output error. Exiting..."), 1, log.dump());
  assert.equal(log.countPrefix('Fail to fsync the AOF file'), 0, 'under always the fsync error is fatal, not the everysec warning');
  await stop(env);
});

test('always: a failed fsync whose reply is held also drops the replies of reads that were waiting for it', async () => {
  const dir = freshDir();
  const env = await start(dir, { appendfsync: 'always' });
  const { srv, ffs } = env;
  const writer = await srv.client();
  const reader = await srv.client();
  assert.equal(await writer.call('SET', 'a', '1'), 'OK');
  ffs.holdFsyncs();
  writer.send('SET', 'a', '2');
  await waitFor(() => ffs.heldFsyncs === 1, 2000, 'the held fsync');
  reader.send('GET', 'a');
  await sleep(100);
  assert.equal(reader.unread, '', 'the read shows an undurable write: held');
  ffs.failHeldFsyncs('EIO');
  await reader.waitClosed(3000);
  await writer.waitClosed(3000);
  assert.equal(reader.unread, '');
  assert.equal(writer.unread, '');
  assert.equal(srv.server.crashed, true);
  await stop(env);
});
