// AOF directories at start-up that are not damaged but unusual: an empty base and an empty
// incr (an empty dataset, started), an RDB base nodis cannot read (the load aborted with Redis's
// line last), and the legacy single-file appendonly.aof moved into appendonlydir as base seq 1
// with a new incr, also when the upgrade was interrupted before or after the manifest.
//
// The servers run in-process (tests/helpers/damaged-aof.ts); a refused load rejects with an
// AofFatalError whose logLines are the lines Redis logs before exit(1). The RDB base also runs
// bin/nodis-server as a child for the exit code.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer } from '../helpers/server.js';
import { aofDir, resp } from '../helpers/aof-files.js';
import { BASE_NAME, EMPTY_DIGEST, INCR_NAME, MANIFEST, N, VALID, W, useDamagedAof } from '../helpers/damaged-aof.js';

const { makeDir, readAof, start, stop, keep, started, failed, call, digest, runCli } = useDamagedAof('nodis-aof-damaged-base-');

// ---- (g) empty files, (h) RDB, (i) legacy upgrade --------------------------------------------------

test('(g) an empty base and an empty incr: an empty dataset, started', async () => {
  const dir = makeDir({ [`appendonlydir/${BASE_NAME}`]: '', [`appendonlydir/${INCR_NAME}`]: '', 'appendonlydir/appendonly.aof.manifest': MANIFEST });
  const r = await start(dir);
  const srv = started(r);
  assert.deepEqual(r.log, [N('DB loaded from append only file: <t> seconds'), N(`Opening AOF incr file ${INCR_NAME} on server start`)]);
  assert.equal(await call(srv, 'DBSIZE'), ':0\r\n');
  assert.equal(await digest(srv), EMPTY_DIGEST);
  assert.equal(await call(srv, 'SET', 'a', '1'), '+OK\r\n');
  await stop(srv);
  assert.equal(readAof(dir, INCR_NAME), resp('SELECT', '0') + resp('SET', 'a', '1'));
  assert.equal(readAof(dir, BASE_NAME), '');
  assert.equal(readAof(dir, 'appendonly.aof.manifest'), MANIFEST);
});

// A minimal RDB v10 image (an empty dataset: header, EOF, 8 zero checksum bytes).
const RDB = 'REDIS0010\xff' + '\x00'.repeat(8);

test('(h) an RDB base: nodis cannot read RDB, the load is aborted with Redis\'s line last', async () => {
  const dir = makeDir({
    'appendonlydir/appendonly.aof.1.base.rdb': RDB,
    [`appendonlydir/${INCR_NAME}`]: VALID,
    'appendonlydir/appendonly.aof.manifest': `file appendonly.aof.1.base.rdb seq 1 type b\nfile ${INCR_NAME} seq 1 type i\n`,
  });
  const r = await start(dir);
  const lines = failed(r).logLines;
  assert.equal(lines[lines.length - 1], 'Error reading the RDB base file appendonly.aof.1.base.rdb, AOF loading aborted');
  assert.equal(r.log[0], N('Reading RDB base file on AOF loading...'));
  assert.equal(r.log[r.log.length - 1], W('Error reading the RDB base file appendonly.aof.1.base.rdb, AOF loading aborted'));
  assert.equal(readAof(dir, 'appendonly.aof.1.base.rdb'), RDB);
  // A legacy appendonly.aof with an RDB preamble: Redis's preamble wording.
  const dir2 = makeDir({ 'appendonly.aof': RDB + VALID });
  const r2 = await start(dir2);
  const lines2 = failed(r2).logLines;
  assert.equal(lines2[lines2.length - 1], 'Error reading the RDB preamble of the AOF file appendonly.aof, AOF loading aborted');
  assert.ok(r2.log.includes(N('Reading RDB preamble from AOF file...')), JSON.stringify(r2.log));
  const cli = await runCli('nodis', makeDir({
    'appendonlydir/appendonly.aof.1.base.rdb': RDB,
    [`appendonlydir/${INCR_NAME}`]: VALID,
    'appendonlydir/appendonly.aof.manifest': `file appendonly.aof.1.base.rdb seq 1 type b\nfile ${INCR_NAME} seq 1 type i\n`,
  }));
  assert.equal(cli.exit, 1);
  assert.equal(cli.log[cli.log.length - 1], W('Error reading the RDB base file appendonly.aof.1.base.rdb, AOF loading aborted'));
});

const LEGACY = resp('SELECT', '0') + resp('SET', 'k', 'v') + resp('SELECT', '2') + resp('SADD', 's', 'a', 'b');
const MIGRATED = 'Successfully migrated an old-style AOF file (appendonly.aof) into the AOF directory (appendonlydir).';
const UPGRADED_MANIFEST = `file appendonly.aof seq 1 type b\nfile ${INCR_NAME} seq 1 type i\n`;

async function legacyDigest(): Promise<string> {
  const ref = await startTestServer();
  keep(ref);
  try {
    const c = await ref.client();
    c.writeRaw(LEGACY);
    for (let i = 0; i < 4; i++) await c.readRaw();
    return (await c.callRaw('DEBUG', 'DIGEST')).slice(1, 41);
  } finally {
    await stop(ref);
  }
}


/** What an upgrade of the legacy appendonly.aof logs (Redis 7.0's lines). */
const upgradeLines = (): string[] => [
  N(MIGRATED),
  N('DB loaded from base file appendonly.aof: <t> seconds'),
  N('DB loaded from append only file: <t> seconds'),
  N(`Creating AOF incr file ${INCR_NAME} on server start`),
];
test('(i) a legacy appendonly.aof is moved into appendonlydir as base seq 1, with a new incr', async () => {
  const want = await legacyDigest();
  const dir = makeDir({ 'appendonly.aof': LEGACY });
  const r = await start(dir);
  const srv = started(r);
  assert.deepEqual(r.log, upgradeLines());
  assert.equal(await digest(srv), want);
  assert.equal(await call(srv, 'SET', 'new', '1'), '+OK\r\n');
  await stop(srv);
  assert.equal(fs.existsSync(path.join(dir, 'appendonly.aof')), false);
  assert.deepEqual(fs.readdirSync(aofDir(dir)).sort(), ['appendonly.aof', INCR_NAME, 'appendonly.aof.manifest']);
  assert.equal(readAof(dir, 'appendonly.aof'), LEGACY, 'moved as is');
  assert.equal(readAof(dir, 'appendonly.aof.manifest'), UPGRADED_MANIFEST);
  assert.equal(readAof(dir, INCR_NAME), resp('SELECT', '0') + resp('SET', 'new', '1'));
  // The next start is a plain multi-part load.
  const r2 = await start(dir);
  const srv2 = started(r2);
  assert.ok(!r2.log.includes(N(MIGRATED)));
  assert.equal(await call(srv2, 'GET', 'new'), '$1\r\n1\r\n');
  await stop(srv2);
});

test('(i) an upgrade interrupted after the manifest was written, before the rename, completes on the next start', async () => {
  const want = await legacyDigest();
  // What aofUpgradePrepare had done when the process died: the directory, then the manifest
  // naming appendonly.aof as base seq 1; the file itself still in dir.
  const dir = makeDir({ 'appendonly.aof': LEGACY, 'appendonlydir/appendonly.aof.manifest': 'file appendonly.aof seq 1 type b\n' });
  const r = await start(dir);
  const srv = started(r);
  assert.deepEqual(r.log, upgradeLines());
  assert.equal(await digest(srv), want);
  await stop(srv);
  assert.equal(fs.existsSync(path.join(dir, 'appendonly.aof')), false);
  assert.equal(readAof(dir, 'appendonly.aof'), LEGACY);
  assert.equal(readAof(dir, 'appendonly.aof.manifest'), UPGRADED_MANIFEST);
  // Interrupted even earlier: only the directory exists (no manifest).
  const dir2 = makeDir({ 'appendonly.aof': LEGACY });
  fs.mkdirSync(aofDir(dir2));
  const srv2 = started(await start(dir2));
  assert.equal(await digest(srv2), want);
  await stop(srv2);
  assert.equal(readAof(dir2, 'appendonly.aof.manifest'), UPGRADED_MANIFEST);
  // Done already (the file is in both places and the manifest names it): no upgrade, the copy
  // in appendonlydir is loaded, the one in dir is left alone.
  const other = resp('SET', 'other', 'x');
  const dir3 = makeDir({
    'appendonly.aof': other,
    'appendonlydir/appendonly.aof': LEGACY,
    'appendonlydir/appendonly.aof.manifest': 'file appendonly.aof seq 1 type b\n',
  });
  const r3 = await start(dir3);
  const srv3 = started(r3);
  assert.ok(!r3.log.includes(N(MIGRATED)), JSON.stringify(r3.log));
  assert.equal(await digest(srv3), want);
  await stop(srv3);
  assert.equal(fs.readFileSync(path.join(dir3, 'appendonly.aof'), 'latin1'), other);
});
