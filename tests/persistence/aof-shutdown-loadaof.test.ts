// SHUTDOWN and DEBUG LOADAOF with the AOF on, as redis-server 7.0.15 does them
// (tests/fixtures/aof/redis-7.0.15-load-logs.json scenarios 18 and 19): SHUTDOWN's "Calling
// fsync() on the AOF file." between the shutdown lines and the files left as Redis leaves them;
// DEBUG LOADAOF reloading the manifest's files (same dataset and digest, dirty reset, Redis's log
// lines, writes going on to the same INCR), and stopping the server without an AOF on disk.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { aofDir } from '../helpers/aof-files.js';
import { info } from '../helpers/calls.js';
import { useAofEnvs } from '../helpers/aof-env.js';
import { FIXTURE, layFiles } from '../helpers/load-fixture.js';

const { freshDir, open: start, stop } = useAofEnvs('nodis-aof-shutdown-loadaof-');

// ---- SHUTDOWN, DEBUG LOADAOF ------------------------------------------------------------------

test('SHUTDOWN: "Calling fsync() on the AOF file." between the shutdown lines, files as redis-server 7.0.15 leaves them (fixture scenario 19)', async () => {
  const sc = FIXTURE.scenarios['19']!;
  const dir = freshDir();
  const env = await start(dir, { appendonly: 'yes' });
  assert.equal(await env.c.callRaw('SET', 'a', '1'), '+OK\r\n');
  env.c.send('SHUTDOWN');
  await env.c.waitClosed(3000);
  assert.equal(env.c.unread, '', 'SHUTDOWN sends no reply');
  const tail = env.log.lines.slice(-3).map((l) => `${l.level} ${l.text}`);
  const expected = sc.log.slice(-3).map((l) => `${l.level} ${l.text}`);
  assert.deepEqual(expected, ['# User requested shutdown...', '* Calling fsync() on the AOF file.', '# Redis is now ready to exit, bye bye...']);
  assert.deepEqual(tail, expected, env.log.dump());
  for (const [name, f] of Object.entries(sc.files_after)) {
    if (f.directory) continue;
    assert.equal(fs.readFileSync(path.join(dir, name), 'latin1'), f.content, name);
  }
  await stop(env);
});

test('DEBUG LOADAOF reloads the manifest\'s files: same dataset and digest, dirty reset, logged as redis-server 7.0.15 (fixture scenario 18)', async () => {
  const sc = FIXTURE.scenarios['18-debug-loadaof']!;
  const dir = freshDir();
  layFiles(dir, sc.files_before);
  const env = await start(dir, { appendonly: 'yes' });
  const { c, log } = env;
  assert.deepEqual(((await c.call('KEYS', '*')) as string[]).sort(), ['k', 'k2']);
  assert.equal(await c.callRaw('SET', 'k3', 'v3'), '+OK\r\n');
  assert.notEqual((await info(c)).get('rdb_changes_since_last_save'), '0');
  const digest = (await c.call('DEBUG', 'DIGEST')) as string;
  const from = log.lines.length;
  assert.equal(await c.callRaw('DEBUG', 'LOADAOF'), '+OK\r\n');
  assert.deepEqual(((await c.call('KEYS', '*')) as string[]).sort(), ['k', 'k2', 'k3'], 'the write made just before is in the reloaded data');
  assert.equal(await c.call('DEBUG', 'DIGEST'), digest);
  assert.equal((await info(c)).get('rdb_changes_since_last_save'), '0');
  const got = log.lines.slice(from).map((l) => `${l.level} ${l.text.replace(/\d+\.\d{3} seconds$/, 'N seconds')}`);
  const i = sc.log.findIndex((l) => l.text === 'Append Only File loaded by DEBUG LOADAOF');
  const want = sc.log
    .slice(i - 2, i + 1)
    .map((l) => `${l.level} ${l.text.replace(/\d+\.\d{3} seconds$/, 'N seconds')}`);
  assert.deepEqual(want, [
    '* DB loaded from base file appendonly.aof.1.base.aof: N seconds',
    '* DB loaded from incr file appendonly.aof.1.incr.aof: N seconds',
    '# Append Only File loaded by DEBUG LOADAOF',
  ]);
  assert.deepEqual(got, want, log.dump());
  // Writes go on to the same INCR; the files end as Redis's did.
  c.send('SHUTDOWN');
  await c.waitClosed(3000);
  for (const [name, f] of Object.entries(sc.files_after)) {
    if (f.directory) continue;
    assert.equal(fs.readFileSync(path.join(dir, name), 'latin1'), f.content, name);
  }
  await stop(env);
});

test('DEBUG LOADAOF with appendonly no and no AOF on disk stops the server (Redis 7.0 exits)', async () => {
  const dir = freshDir();
  const env = await start(dir);
  const { c, srv } = env;
  const other = await srv.client();
  assert.equal(await c.call('SET', 'a', '1'), 'OK');
  c.send('DEBUG', 'LOADAOF');
  await c.waitClosed(3000);
  assert.equal(c.unread, '', 'no reply');
  await other.waitClosed(3000);
  assert.equal(srv.server.crashed, true);
  assert.equal(fs.existsSync(aofDir(dir)), false, 'nothing was created');
  await stop(env);
});
