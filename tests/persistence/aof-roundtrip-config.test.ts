// AOF restart round trips under each AOF configuration: the three appendfsync policies, each
// with a copy of the directory taken with no shutdown (always / no: right after the last reply,
// the records being written before the replies; everysec: once aof_buffer_length is 0); CONFIG
// SET appendonly no / yes (a BASE written from the dataset); aof-timestamp-enabled yes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from '../helpers/server.js';
import { ok } from '../helpers/calls.js';
import { aofItems, listAofFiles, readBase, readIncrs, readManifest } from '../helpers/aof-files.js';
import { useRoundTrips } from '../helpers/aof-roundtrip.js';
import { assertSameDataset, readDatasetAt } from '../helpers/dataset-compare.js';
import { blocking, hashes, keyspace, lists, mixed, sets, strings, transactions, zsets } from '../helpers/family-workloads.js';

const { newDir, start, stop, roundTrip } = useRoundTrips('nodis-aof-roundtrip-');

for (const policy of ['always', 'everysec', 'no'] as const) {
  test(`appendfsync ${policy}: restart round trip, and the files as they were ${policy === 'everysec' ? 'once aof_buffer_length is 0' : 'right after the last reply'} (no shutdown)`, async () => {
    const dir = newDir();
    const srv = await start(dir, { appendfsync: policy });
    const c = await srv.client();
    assert.deepEqual(await c.call('CONFIG', 'GET', 'appendfsync'), ['appendfsync', policy]);
    await mixed(c, srv);
    const before = await readDatasetAt(srv.port);
    if (policy === 'everysec') {
      // A write postponed behind a running background fsync is retried from cron: within
      // about 2 s the buffer is empty and the file holds everything, with no shutdown.
      await waitFor(async () => /\r\naof_buffer_length:0\r\n/.test(String(await c.call('INFO', 'persistence'))), 4000, 'aof_buffer_length:0');
    } else {
      assert.match(String(await c.call('INFO', 'persistence')), /\r\naof_buffer_length:0\r\n/);
    }
    {
      // always and no write before replying (never postponed, unlike everysec): a copy of
      // the files taken now, with no shutdown, holds everything.
      const copy = newDir();
      fs.cpSync(path.join(dir, 'appendonlydir'), path.join(copy, 'appendonlydir'), { recursive: true });
      const crashCopy = await start(copy, { appendfsync: policy });
      try {
        assertSameDataset(await readDatasetAt(crashCopy.port), before, 'copy taken after the last reply');
      } finally {
        await stop(crashCopy);
      }
    }
    await stop(srv);
    const srv2 = await start(dir, { appendfsync: policy });
    try {
      assertSameDataset(await readDatasetAt(srv2.port), before, 'after restart');
    } finally {
      await stop(srv2);
    }
  });
}

test('CONFIG SET appendonly no, unlogged writes, then yes: the BASE written from the dataset and the new INCR round-trip', async () => {
  const options = { 'aof-use-rdb-preamble': 'no' };
  const dir = newDir();
  const srv = await start(dir, options);
  const c = await srv.client();
  await transactions(c);
  await ok(c, 'SELECT', 0);
  await hashes(c);
  assert.equal(await ok(c, 'CONFIG', 'SET', 'appendonly', 'no'), 'OK');
  await strings(c);
  await lists(c);
  await keyspace(c);
  await ok(c, 'SELECT', 0);
  assert.equal(await ok(c, 'CONFIG', 'SET', 'appendonly', 'yes'), 'OK');
  await sets(c);
  await zsets(c);
  await blocking(c, srv);
  await ok(c, 'SELECT', 0);
  const before = await readDatasetAt(srv.port);
  await stop(srv);
  // As Redis 7.0 after its rewrite: a new BASE and a new INCR; the former files are gone.
  assert.equal(readManifest(dir), 'file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n');
  assert.deepEqual(listAofFiles(dir), ['appendonly.aof.2.base.aof', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
  const srv2 = await start(dir, options);
  try {
    assertSameDataset(await readDatasetAt(srv2.port), before, 'after restart');
  } finally {
    await stop(srv2);
  }
});

test('aof-timestamp-enabled yes: a round trip over several seconds, with #TS: annotations in the BASE and the INCR', async () => {
  const options = { 'aof-timestamp-enabled': 'yes', 'aof-use-rdb-preamble': 'no' };
  const { dir } = await roundTrip(async (c, srv) => {
    await strings(c);
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
    await lists(c);
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
    await blocking(c, srv);
  }, options);
  assert.match(readBase(dir)!.toString('latin1'), /^#TS:\d+\r\n$/);
  const items = aofItems(readIncrs(dir));
  const ts = items.flatMap((i) => ('ts' in i ? [i.ts] : []));
  assert.ok(ts.length >= 2, `the INCR holds ${ts.length} #TS: annotations over 3 seconds of writes`);
});
