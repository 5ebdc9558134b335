// AOF restarts on one directory: two restarts in a row append to the same INCR under the same
// manifest; DEBUG LOADAOF reproduces the digest and the contents and the server goes on
// appending; the INCR of a round trip is clean RESP with only absolute, deterministic forms.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ok } from '../helpers/calls.js';
import { aofRecords, lastIncrPath, listAofFiles, readBase, readIncrs, readManifest, resp } from '../helpers/aof-files.js';
import { useRoundTrips } from '../helpers/aof-roundtrip.js';
import { assertSameDataset, readDatasetAt } from '../helpers/dataset-compare.js';
import { keyspace, mixed, strings, zsets } from '../helpers/family-workloads.js';

const { newDir, start, stop, roundTrip } = useRoundTrips('nodis-aof-roundtrip-');

test('two restarts in a row: the second start appends to the same INCR, the manifest is unchanged', async () => {
  const dir = newDir();
  let srv = await start(dir);
  let c = await srv.client();
  await ok(c, 'SET', 'first', '1');
  await ok(c, 'RPUSH', 'list', 'a');
  await ok(c, 'SELECT', 2);
  await ok(c, 'SADD', 'set2', 'x');
  await stop(srv);
  const manifest1 = readManifest(dir);
  const files1 = listAofFiles(dir);
  assert.equal(manifest1, 'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
  assert.deepEqual(files1, ['appendonly.aof.1.base.aof', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
  assert.equal(readBase(dir)!.length, 0, 'the BASE created on the empty start is empty');
  const incr1 = readIncrs(dir).toString('latin1');
  assert.equal(
    incr1,
    resp('SELECT', '0') + resp('SET', 'first', '1') + resp('RPUSH', 'list', 'a') + resp('SELECT', '2') + resp('SADD', 'set2', 'x'),
  );

  srv = await start(dir);
  let snap = await readDatasetAt(srv.port);
  assert.deepEqual([...snap.keys.keys()], ['0 first', '0 list', '2 set2']);
  c = await srv.client();
  await ok(c, 'SELECT', 2); // the file's db after the restart is unknown: SELECT again
  await ok(c, 'SADD', 'set2', 'y');
  await ok(c, 'SELECT', 0);
  await ok(c, 'INCR', 'first');
  const before = await readDatasetAt(srv.port);
  await stop(srv);
  assert.equal(readManifest(dir), manifest1, 'the manifest after the second run');
  assert.deepEqual(listAofFiles(dir), files1, 'no new file');
  const incr2 = readIncrs(dir).toString('latin1');
  assert.equal(incr2, incr1 + resp('SELECT', '2') + resp('SADD', 'set2', 'y') + resp('SELECT', '0') + resp('INCR', 'first'));

  srv = await start(dir);
  snap = await readDatasetAt(srv.port);
  assertSameDataset(snap, before, 'after the second restart');
  assert.deepEqual(snap.keys.get('0 first')!.value, '2');
  c = await srv.client();
  await ok(c, 'DEL', 'list');
  await stop(srv);
  assert.equal(readIncrs(dir).toString('latin1'), incr2 + resp('SELECT', '0') + resp('DEL', 'list'));
  assert.equal(readManifest(dir), manifest1);
  srv = await start(dir);
  assert.deepEqual([...(await readDatasetAt(srv.port)).keys.keys()], ['0 first', '2 set2']);
  await stop(srv);
});

test('DEBUG LOADAOF reproduces the digest and the contents; the server goes on appending', async () => {
  const dir = newDir();
  const srv = await start(dir);
  const c = await srv.client();
  await strings(c);
  await zsets(c);
  await keyspace(c);
  await ok(c, 'SELECT', 0);
  const before = await readDatasetAt(srv.port);
  assert.equal(await ok(c, 'DEBUG', 'LOADAOF'), 'OK');
  assert.equal(srv.server.crashed, false);
  const reloaded = await readDatasetAt(srv.port);
  assertSameDataset(reloaded, before, 'after DEBUG LOADAOF');
  // Still appending, to the same INCR.
  const incr = lastIncrPath(dir);
  assert.equal(path.basename(incr), 'appendonly.aof.1.incr.aof');
  await ok(c, 'SET', 'after-loadaof', 'v');
  await ok(c, 'SELECT', 0);
  const more = await readDatasetAt(srv.port);
  assert.notEqual(more.digest, before.digest);
  await stop(srv);
  const srv2 = await start(dir);
  assertSameDataset(await readDatasetAt(srv2.port), more, 'after restart');
  await stop(srv2);
});

// The INCR of a round trip: clean RESP to the end, with only absolute, deterministic forms.
test('the files of a round trip are clean RESP the scanner reads to the end', async () => {
  const { dir } = await roundTrip(async (c, srv) => {
    await mixed(c, srv);
  });
  const records = aofRecords(readIncrs(dir));
  assert.ok(records.length > 100);
  assert.deepEqual(records[0], ['SELECT', '0']);
  for (const argv of records) {
    const name = argv[0]!.toUpperCase();
    assert.ok(!['EXPIRE', 'PEXPIRE', 'EXPIREAT', 'SETEX', 'PSETEX', 'GETEX', 'GETDEL', 'GETSET', 'INCRBYFLOAT', 'SPOP', 'BLPOP', 'BRPOP', 'BLMOVE', 'BRPOPLPUSH', 'BLMPOP', 'BZPOPMIN', 'BZPOPMAX', 'BZMPOP'].includes(name), `untranslated ${argv.join(' ').slice(0, 80)}`);
    if (name === 'SET') assert.ok(!argv.slice(3).some((a) => ['EX', 'PX', 'EXAT', 'GET'].includes(a.toUpperCase())), `relative SET ${argv.join(' ').slice(0, 80)}`);
  }
});
