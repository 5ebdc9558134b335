// Classic single-file AOF mode (`aof-multi-part no`) at start-up: a truncated tail of
// appendonly.aof (next to redis-server 7.0.15 when installed), and the refusal to start on a
// multi-part directory alone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AofFatalError } from '../../src/index.js';
import { ok } from '../helpers/calls.js';
import { resp } from '../helpers/aof-files.js';
import { assertSameDataset, readDatasetAt } from '../helpers/dataset-compare.js';
import { BASE_RECORDS, W, readLog, revert, shortRead, useDamagedAof, uxeof } from '../helpers/damaged-aof.js';
import { HAVE_REDIS_SERVER } from '../helpers/server-process.js';
import { useScratch } from '../helpers/scratch.js';
import type { TestServer } from '../helpers/server.js';
import { AOF, aofBytes, classicStarter, files } from '../helpers/classic.js';

const scratch = useScratch('nodis-aof-classic-load-');
const dmg = useDamagedAof('nodis-aof-classic-load-damaged-');
const start = classicStarter(scratch);
const dataset = (srv: TestServer) => readDatasetAt(srv.port);
const REFUSAL =
  'aof-multi-part is no, but appendonlydir holds a multi-part AOF and appendonly.aof does not exist. Start with aof-multi-part yes to load it (it is not converted back to a single file).';

const VALID = resp('SELECT', '0') + resp('SET', 'a', '1') + resp('RPUSH', 'l', 'x', 'y') + resp('SELECT', '3') + resp('SET', 'b', '2');
const TRUNCATED = [
  { name: 'a record cut in the middle', bytes: VALID + resp('SET', 'c', '3').slice(0, 17), reverted: false },
  { name: 'MULTI without EXEC', bytes: VALID + resp('MULTI') + resp('SET', 'm', '1') + resp('INCR', 'n'), reverted: true },
];
const lastLine = (log: string[]) => log[log.length - 1];
const truncationLines = (log: string[]) => log.filter((l) => /short read|Truncating|loaded anyway|Revert incomplete/.test(l));

for (const t of TRUNCATED) {
  test(`a truncated appendonly.aof at start-up (${t.name}): truncated and loaded with aof-load-truncated yes, exit 1 with no`, async () => {
    const lines = [...(t.reverted ? [revert(AOF)] : []), ...shortRead(AOF, VALID.length)];
    const ev = await start(dmg.makeDir({ [AOF]: VALID }));
    const validDigest = (await dataset(ev.srv)).digest;
    await scratch.stop(ev.srv);
    assert.notEqual(validDigest, '0'.repeat(40));

    // yes: Redis 7.0's lines, the file truncated at the last complete command, no directory.
    const dir = dmg.makeDir({ [AOF]: t.bytes });
    const e = await start(dir, { 'aof-load-truncated': 'yes' });
    assert.deepEqual(truncationLines(readLog(e.logfile)), lines.map(W));
    assert.equal(fs.statSync(path.join(dir, AOF)).size, VALID.length);
    assert.deepEqual(files(dir), [AOF]);
    assert.equal((await dataset(e.srv)).digest, validDigest);
    await ok(e.c, 'SET', 'after', 'repair');
    const before = await dataset(e.srv);
    await scratch.stop(e.srv);
    const e2 = await start(dir, { 'aof-load-truncated': 'no' });
    assert.deepEqual(truncationLines(readLog(e2.logfile)), [], 'the repaired file loads cleanly');
    assertSameDataset(await dataset(e2.srv), before, 'appended after the repair, restarted');
    await scratch.stop(e2.srv);

    // no: the fatal line, the file untouched.
    const dir2 = dmg.makeDir({ [AOF]: t.bytes });
    await assert.rejects(start(dir2, { 'aof-load-truncated': 'no' }), (err: unknown) => {
      assert.ok(err instanceof AofFatalError);
      assert.deepEqual(err.logLines, [...(t.reverted ? [revert(AOF)] : []), uxeof(AOF)]);
      return true;
    });
    assert.equal(aofBytes(dir2).toString('latin1'), t.bytes);

    // The executable: exit 1 with that line; redis-server 7.0.15 (which first moves the file
    // into its directory) logs the same lines.
    const cli = await dmg.runCli('nodis', dir2, ['--aof-multi-part', 'no', '--aof-load-truncated', 'no']);
    assert.equal(cli.exit, 1, JSON.stringify(cli.log));
    assert.equal(lastLine(cli.log), W(uxeof(AOF)));
    assert.deepEqual(files(dir2), [AOF]);
    assert.equal(aofBytes(dir2).toString('latin1'), t.bytes);
    const cliYes = await dmg.runCli('nodis', dmg.makeDir({ [AOF]: t.bytes }), ['--aof-multi-part', 'no', '--aof-load-truncated', 'yes']);
    assert.equal(cliYes.exit, 'running', JSON.stringify(cliYes.log));
    if (HAVE_REDIS_SERVER) {
      const r = await dmg.runCli('redis', dmg.makeDir({ [AOF]: t.bytes }), ['--aof-load-truncated', 'no']);
      assert.equal(r.exit, 1);
      assert.equal(lastLine(r.log), lastLine(cli.log), 'redis-server 7.0.15 exits with the same line');
      const ry = await dmg.runCli('redis', dmg.makeDir({ [AOF]: t.bytes }), ['--aof-load-truncated', 'yes']);
      assert.equal(ry.exit, 'running');
      assert.deepEqual(truncationLines(cliYes.log), truncationLines(ry.log), 'redis-server 7.0.15 logs the same truncation lines');
    }
  });
}

test('aof-multi-part no refuses to start on a multi-part directory without appendonly.aof (exit 1); with both, the single file is loaded', async () => {
  const multi = {
    'appendonlydir/appendonly.aof.manifest': 'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n',
    'appendonlydir/appendonly.aof.1.base.aof': BASE_RECORDS,
    'appendonlydir/appendonly.aof.1.incr.aof': resp('SELECT', '0') + resp('SET', 'from-incr', '1'),
  };
  const dir = dmg.makeDir(multi);
  const snapshot = () => files(path.join(dir, 'appendonlydir')).map((f) => [f, fs.readFileSync(path.join(dir, 'appendonlydir', f), 'latin1')]);
  const orig = snapshot();
  await assert.rejects(start(dir), (err: unknown) => {
    assert.ok(err instanceof AofFatalError);
    assert.deepEqual(err.logLines, [REFUSAL]);
    return true;
  });
  const cli = await dmg.runCli('nodis', dir, ['--aof-multi-part', 'no']);
  assert.equal(cli.exit, 1, JSON.stringify(cli.log));
  assert.equal(lastLine(cli.log), W(REFUSAL));
  assert.deepEqual(files(dir), ['appendonlydir'], 'no appendonly.aof was created');
  assert.deepEqual(snapshot(), orig, 'the directory is untouched');

  // With appendonly no there is nothing to load: it starts.
  const off = await start(dir, { appendonly: 'no' });
  assert.equal(await off.c.call('DBSIZE'), 0);
  await scratch.stop(off.srv);

  // Both present: the single file is the AOF; the directory is left alone.
  const both = dmg.makeDir({ ...multi, [AOF]: resp('SELECT', '0') + resp('SET', 'single', 'yes') });
  const e = await start(both);
  assert.deepEqual(await e.c.call('KEYS', '*'), ['single']);
  await ok(e.c, 'SET', 'more', '1');
  await scratch.stop(e.srv);
  assert.deepEqual(files(path.join(both, 'appendonlydir')), ['appendonly.aof.1.base.aof', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
  assert.ok(aofBytes(both).toString('latin1').endsWith(resp('SET', 'more', '1')));
});
