// The AOF's configuration parameters over the wire: CONFIG GET defaults and CONFIG SET
// validation of every AOF parameter with Redis 7.0.15's texts, and the INFO persistence fields
// (names in order, the AOF size block following the files on disk); each table is also run
// against the real redis-server when it is installed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from '../helpers/server.js';
import { RespClient } from '../helpers/resp-client.js';
import { aofDir } from '../helpers/aof-files.js';
import { info, infoFields } from '../helpers/calls.js';
import { useAofEnvs } from '../helpers/aof-env.js';
import { FIXTURE, layFiles } from '../helpers/load-fixture.js';
import { NO_REDIS_SERVER as NO_REDIS, startRedisServer as startRedis } from '../helpers/server-process.js';

const { freshDir, open: start, stop } = useAofEnvs('nodis-aof-config-params-');

const size = (dir: string, name: string) => fs.statSync(path.join(aofDir(dir), name)).size;
const bulkPair = (k: string, v: string) => `*2\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`;

// ---- CONFIG GET / SET -------------------------------------------------------------------------

const DEFAULTS: [string, string][] = [
  ['appendonly', 'no'],
  ['appendfilename', 'appendonly.aof'],
  ['appenddirname', 'appendonlydir'],
  ['appendfsync', 'everysec'],
  ['no-appendfsync-on-rewrite', 'no'],
  ['auto-aof-rewrite-percentage', '100'],
  ['auto-aof-rewrite-min-size', '67108864'],
  ['aof-load-truncated', 'yes'],
  ['aof-use-rdb-preamble', 'yes'],
  ['aof-rewrite-incremental-fsync', 'yes'],
  ['aof-timestamp-enabled', 'no'],
  ['aof-disable-auto-gc', 'no'],
];

/** The CONFIG GET check after a CONFIG SET: parameter and value. */
type Get = readonly [string, string];
const setErr = (name: string, text: string) => `-ERR CONFIG SET failed (possibly related to argument '${name}') - ${text}\r\n`;
const NOT_BOOL = "argument must be 'yes' or 'no'";

/** [CONFIG SET arguments, exact reply, then a CONFIG GET to check (or null)]. */
const SETS: [string[], string, Get | null][] = [
  [['appendfsync', 'bogus'], setErr('appendfsync', 'argument(s) must be one of the following: everysec, always, no'), ['appendfsync', 'everysec']],
  [['appendfsync', ''], setErr('appendfsync', 'argument(s) must be one of the following: everysec, always, no'), null],
  [['appendfsync', 'ALWAYS'], '+OK\r\n', ['appendfsync', 'always']],
  [['appendfsync', 'no'], '+OK\r\n', ['appendfsync', 'no']],
  [['appendfsync', 'everysec'], '+OK\r\n', ['appendfsync', 'everysec']],
  [['appendfilename', 'x.aof'], setErr('appendfilename', "can't set immutable config"), ['appendfilename', 'appendonly.aof']],
  [['appendfilename', 'appendonly.aof'], setErr('appendfilename', "can't set immutable config"), null],
  [['appenddirname', 'elsewhere'], setErr('appenddirname', "can't set immutable config"), ['appenddirname', 'appendonlydir']],
  [['appenddirname', 'appendonlydir'], setErr('appenddirname', "can't set immutable config"), null],
  [['auto-aof-rewrite-percentage', '-1'], setErr('auto-aof-rewrite-percentage', 'argument must be between 0 and 2147483647 inclusive'), ['auto-aof-rewrite-percentage', '100']],
  [['auto-aof-rewrite-percentage', '2147483648'], setErr('auto-aof-rewrite-percentage', 'argument must be between 0 and 2147483647 inclusive'), null],
  [['auto-aof-rewrite-percentage', 'abc'], setErr('auto-aof-rewrite-percentage', "argument couldn't be parsed into an integer"), null],
  [['auto-aof-rewrite-percentage', '0'], '+OK\r\n', ['auto-aof-rewrite-percentage', '0']],
  [['auto-aof-rewrite-percentage', '2147483647'], '+OK\r\n', ['auto-aof-rewrite-percentage', '2147483647']],
  [['auto-aof-rewrite-percentage', '100'], '+OK\r\n', null],
  [['auto-aof-rewrite-min-size', '10xb'], setErr('auto-aof-rewrite-min-size', 'argument must be a memory value'), ['auto-aof-rewrite-min-size', '67108864']],
  [['auto-aof-rewrite-min-size', '-1'], setErr('auto-aof-rewrite-min-size', 'argument must be a memory value'), null],
  [['auto-aof-rewrite-min-size', '1.5mb'], setErr('auto-aof-rewrite-min-size', 'argument must be a memory value'), null],
  [['auto-aof-rewrite-min-size', '5k'], '+OK\r\n', ['auto-aof-rewrite-min-size', '5000']],
  [['auto-aof-rewrite-min-size', '1gb'], '+OK\r\n', ['auto-aof-rewrite-min-size', '1073741824']],
  [['auto-aof-rewrite-min-size', '64mb'], '+OK\r\n', ['auto-aof-rewrite-min-size', '67108864']],
  [['appendonly', 'maybe'], setErr('appendonly', NOT_BOOL), ['appendonly', 'no']],
  [['appendonly', ''], setErr('appendonly', NOT_BOOL), null],
  [['aof-load-truncated', 'maybe'], setErr('aof-load-truncated', NOT_BOOL), ['aof-load-truncated', 'yes']],
  [['aof-load-truncated', 'NO'], '+OK\r\n', ['aof-load-truncated', 'no']],
  [['aof-load-truncated', 'yes'], '+OK\r\n', null],
  [['aof-use-rdb-preamble', 'maybe'], setErr('aof-use-rdb-preamble', NOT_BOOL), null],
  [['no-appendfsync-on-rewrite', 'maybe'], setErr('no-appendfsync-on-rewrite', NOT_BOOL), null],
  [['no-appendfsync-on-rewrite', 'yes'], '+OK\r\n', ['no-appendfsync-on-rewrite', 'yes']],
  [['no-appendfsync-on-rewrite', 'no'], '+OK\r\n', null],
  [['aof-rewrite-incremental-fsync', 'maybe'], setErr('aof-rewrite-incremental-fsync', NOT_BOOL), null],
  [['aof-timestamp-enabled', 'maybe'], setErr('aof-timestamp-enabled', NOT_BOOL), null],
  [['aof-disable-auto-gc', 'maybe'], setErr('aof-disable-auto-gc', NOT_BOOL), null],
  // Several parameters: the first bad one is reported and nothing is applied.
  [['appendfsync', 'always', 'appendonly', 'maybe'], setErr('appendonly', NOT_BOOL), ['appendfsync', 'everysec']],
  [['appendfsync', 'bogus', 'appendonly', 'yes'], setErr('appendfsync', 'argument(s) must be one of the following: everysec, always, no'), ['appendonly', 'no']],
  [['appendfsync', 'always', 'appendfsync', 'no'], setErr('appendfsync', 'duplicate parameter'), ['appendfsync', 'everysec']],
];

async function runConfigTables(c: RespClient): Promise<void> {
  for (const [name, value] of DEFAULTS) assert.equal(await c.callRaw('CONFIG', 'GET', name), bulkPair(name, value), `default of ${name}`);
  for (const [args, reply, get] of SETS) {
    assert.equal(await c.callRaw('CONFIG', 'SET', ...args), reply, `CONFIG SET ${args.join(' ')}`);
    if (get !== null) assert.equal(await c.callRaw('CONFIG', 'GET', get[0]), bulkPair(get[0], get[1]), `CONFIG GET ${get[0]} after CONFIG SET ${args.join(' ')}`);
  }
}

test('CONFIG GET defaults and CONFIG SET validation of every AOF parameter (nodis)', async () => {
  const env = await start(freshDir(), { 'aof-use-rdb-preamble': 'yes' });
  await runConfigTables(env.c);
  await stop(env);
});

test('CONFIG GET defaults and CONFIG SET validation of every AOF parameter (redis-server 7.0.15 agrees)', { skip: NO_REDIS }, async () => {
  const r = await startRedis(freshDir(), ['--aof-use-rdb-preamble', 'yes']);
  try {
    await runConfigTables(r.c);
  } finally {
    await r.stop();
  }
});

// ---- INFO persistence -------------------------------------------------------------------------

const INFO_NAMES = [
  'loading', 'async_loading', 'current_cow_peak', 'current_cow_size', 'current_cow_size_age', 'current_fork_perc',
  'current_save_keys_processed', 'current_save_keys_total', 'rdb_changes_since_last_save', 'rdb_bgsave_in_progress',
  'rdb_last_save_time', 'rdb_last_bgsave_status', 'rdb_last_bgsave_time_sec', 'rdb_current_bgsave_time_sec', 'rdb_saves',
  'rdb_last_cow_size', 'rdb_last_load_keys_expired', 'rdb_last_load_keys_loaded', 'aof_enabled', 'aof_rewrite_in_progress',
  'aof_rewrite_scheduled', 'aof_last_rewrite_time_sec', 'aof_current_rewrite_time_sec', 'aof_last_bgrewrite_status',
  'aof_rewrites', 'aof_rewrites_consecutive_failures', 'aof_last_write_status', 'aof_last_cow_size',
  'module_fork_in_progress', 'module_fork_last_cow_size',
];
const AOF_SIZE_NAMES = ['aof_current_size', 'aof_base_size', 'aof_pending_rewrite', 'aof_buffer_length', 'aof_pending_bio_fsync', 'aof_delayed_fsync'];

test('INFO persistence with appendonly yes: the AOF fields follow the files on disk', async () => {
  const sc = FIXTURE.scenarios['2']!;
  const dir = freshDir();
  layFiles(dir, sc.files_before);
  const env = await start(dir, { appendonly: 'yes', appendfsync: 'everysec' });
  const { c } = env;
  let fields = await infoFields(c);
  assert.deepEqual(fields.map(([k]) => k), [...INFO_NAMES, ...AOF_SIZE_NAMES]);
  let m = new Map(fields);
  assert.equal(m.get('aof_enabled'), '1');
  assert.equal(m.get('aof_current_size'), '102', 'base 50 + incr 52');
  assert.equal(m.get('aof_base_size'), '50');
  for (const [k, v] of [
    ['aof_rewrite_in_progress', '0'], ['aof_rewrite_scheduled', '0'], ['aof_last_write_status', 'ok'], ['aof_pending_rewrite', '0'],
    ['aof_buffer_length', '0'], ['aof_delayed_fsync', '0'], ['aof_last_bgrewrite_status', 'ok'], ['loading', '0'],
  ] as const) assert.equal(m.get(k), v, k);

  for (let i = 0; i < 20; i++) assert.equal(await c.call('SET', `x${i}`, 'y'.repeat(i)), 'OK');
  await waitFor(async () => {
    const f = await info(c);
    return f.get('aof_buffer_length') === '0' && f.get('aof_pending_bio_fsync') === '0';
  }, 3000, 'a written and synced buffer');
  m = await info(c);
  const onDisk = size(dir, 'appendonly.aof.1.base.aof') + size(dir, 'appendonly.aof.1.incr.aof');
  assert.ok(onDisk > 102);
  assert.equal(m.get('aof_current_size'), String(onDisk));
  assert.equal(m.get('aof_base_size'), '50');
  // As redis-server 7.0.15: the two loaded commands count too.
  assert.equal(m.get('rdb_changes_since_last_save'), '22');

  assert.equal(await c.call('CONFIG', 'SET', 'appendonly', 'no'), 'OK');
  fields = await infoFields(c);
  assert.deepEqual(fields.map(([k]) => k), INFO_NAMES, 'no size block with appendonly no');
  assert.equal(new Map(fields).get('aof_enabled'), '0');
  await stop(env);
});

test('INFO persistence field names match redis-server 7.0.15 with appendonly no and yes', { skip: NO_REDIS }, async () => {
  for (const [flag, names] of [['no', INFO_NAMES], ['yes', [...INFO_NAMES, ...AOF_SIZE_NAMES]]] as const) {
    const r = await startRedis(freshDir(), ['--appendonly', flag]);
    try {
      assert.deepEqual((await infoFields(r.c)).map(([k]) => k), names, `appendonly ${flag}`);
    } finally {
      await r.stop();
    }
  }
});
