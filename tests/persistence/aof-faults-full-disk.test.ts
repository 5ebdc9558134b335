// A real full disk: /dev/full behind the INCR's name (skipped where there is none). Under
// everysec the replies of nodis to a script of writes, reads, PING and transactions are
// byte-for-byte those of redis-server 7.0.15 (MISCONF, EXECABORT, the write status and buffer
// in INFO); under always both bin/nodis-server and redis-server exit with status 1 on the first
// write and never reply.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer } from '../helpers/server.js';
import { RespClient } from '../helpers/resp-client.js';
import { sleep } from '../helpers/calls.js';
import { INCR } from '../helpers/aof-env.js';
import { useScratch } from '../helpers/scratch.js';
import { NO_REDIS_SERVER, freePort, spawnServer, startRedisServer, READY } from '../helpers/server-process.js';

const MISCONF_ENOSPC = '-MISCONF Errors writing to the AOF file: No space left on device\r\n';
const HAVE_DEV_FULL = (() => {
  try {
    return fs.statSync('/dev/full').isCharacterDevice();
  } catch {
    return false;
  }
})();

const scratch = useScratch('nodis-aof-faults-full-disk-');

// ---- a real full disk: /dev/full behind the INCR's name ---------------------------------------

/** appendonlydir with a manifest, an empty BASE and the INCR as a symlink to /dev/full. */
function fullDiskDir(): string {
  const dir = scratch.dir();
  fs.mkdirSync(path.join(dir, 'appendonlydir'));
  fs.writeFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
  fs.writeFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.1.base.aof'), '');
  fs.symlinkSync('/dev/full', path.join(dir, INCR));
  return dir;
}

/** The MISCONF script on a full disk; returns every reply's exact bytes. */
async function fullDiskScript(port: number): Promise<string[]> {
  const a = await RespClient.connect(port);
  const b = await RespClient.connect(port);
  try {
    const out: string[] = [];
    out.push(await b.callRaw('MULTI'));
    out.push(await b.callRaw('SET', 'q', '1'));
    out.push(await a.callRaw('SET', 'k', 'v'));
    out.push(await a.callRaw('SET', 'k2', 'v'));
    out.push(await a.callRaw('PING'));
    out.push(await a.callRaw('PING', 'hello'));
    out.push(await a.callRaw('GET', 'k'));
    out.push(await a.callRaw('INCR', 'n'));
    out.push(await a.callRaw('FLUSHALL'));
    out.push(await a.callRaw('DBSIZE'));
    out.push(await b.callRaw('EXEC'));
    out.push(await b.callRaw('MULTI'));
    out.push(await b.callRaw('PING'));
    out.push(await b.callRaw('GET', 'k'));
    out.push(await b.callRaw('EXEC'));
    out.push(await b.callRaw('MULTI'));
    out.push(await b.callRaw('GET', 'k'));
    out.push(await b.callRaw('EXEC'));
    const inf = (await a.call('INFO', 'persistence')) as string;
    out.push(/aof_last_write_status:\w+/.exec(inf)![0]);
    out.push(/aof_buffer_length:\d+/.exec(inf)![0]);
    return out;
  } finally {
    a.close();
    b.close();
  }
}

const FULL_DISK_EXPECTED = [
  '+OK\r\n',
  '+QUEUED\r\n',
  '+OK\r\n',
  MISCONF_ENOSPC,
  MISCONF_ENOSPC,
  MISCONF_ENOSPC,
  '$1\r\nv\r\n',
  MISCONF_ENOSPC,
  MISCONF_ENOSPC,
  ':1\r\n',
  '-EXECABORT Transaction discarded because of: MISCONF Errors writing to the AOF file: No space left on device\r\n',
  '+OK\r\n',
  MISCONF_ENOSPC,
  '+QUEUED\r\n',
  '-EXECABORT Transaction discarded because of previous errors.\r\n',
  '+OK\r\n',
  '+QUEUED\r\n',
  '*1\r\n$1\r\nv\r\n',
  'aof_last_write_status:err',
  // SELECT 0 + SET k v, never written.
  'aof_buffer_length:50',
];

test('a real full disk (/dev/full), everysec: the replies of nodis', { skip: HAVE_DEV_FULL ? false : 'no /dev/full on this system' }, async () => {
  const dir = fullDiskDir();
  const srv = scratch.keep(await startTestServer({ appendonly: 'yes', appendfsync: 'everysec', 'aof-use-rdb-preamble': 'no', logfile: 'nodis.log', dir }));
  try {
    assert.deepEqual(await fullDiskScript(srv.port), FULL_DISK_EXPECTED);
  } finally {
    await scratch.stop(srv);
  }
});

test('a real full disk (/dev/full), everysec: redis-server 7.0.15 replies the same bytes', { skip: !HAVE_DEV_FULL ? 'no /dev/full on this system' : NO_REDIS_SERVER }, async () => {
  const dir = fullDiskDir();
  const r = await startRedisServer(dir, ['--appendonly', 'yes']);
  try {
    assert.deepEqual(await fullDiskScript(r.proc.port), FULL_DISK_EXPECTED);
  } finally {
    await r.stop();
  }
});

for (const [name, kind] of [
  ['bin/nodis-server', 'nodis'],
  ['redis-server 7.0.15', 'redis'],
] as const) {
  const skip = !HAVE_DEV_FULL ? 'no /dev/full on this system' : kind === 'redis' ? NO_REDIS_SERVER : false;
  test(`${name}, appendfsync always on a full disk: a write exits with status 1 and never replies`, { skip }, async () => {
    const dir = fullDiskDir();
    const port = await freePort();
    const ch = spawnServer(kind, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--aof-use-rdb-preamble', 'no', '--daemonize', 'no', '--logfile', ''], port);
    try {
      await ch.waitLine(READY, 10000);
      const c = await RespClient.connect(port);
      assert.equal(await c.callRaw('GET', 'k'), '$-1\r\n', 'reads need no write');
      c.send('SET', 'k', 'v');
      await c.waitClosed(5000);
      assert.equal(c.unread, '');
      const code = await Promise.race([ch.closed.then((e) => e.code), sleep(5000).then(() => 'timeout' as const)]);
      assert.equal(code, 1, ch.output());
      assert.match(ch.output(), /^\d+:M \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} # Can't recover from AOF write error when the AOF fsync policy is 'always'\. Exiting\.\.\.$/m);
    } finally {
      if (ch.child.exitCode === null) ch.child.kill('SIGKILL');
      await ch.closed;
    }
  });
}
