// BGREWRITEAOF answers once the new INCR is durably listed, which nodis does off the event loop
// while the client waits. Commands pipelined behind it on the same connection run only after
// the reply, hence after the point-in-time view was taken: each must be in the new INCR and
// not in the BASE, or a restart would apply it twice (INCR, RPUSH are not idempotent).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from '../helpers/calls.js';
import { type TestServer, startTestServer, waitFor } from '../helpers/server.js';
import type { RespClient } from '../helpers/resp-client.js';

const inProgress = async (c: RespClient): Promise<boolean> => String(await c.call('INFO', 'persistence')).includes('aof_rewrite_in_progress:1');

test('commands pipelined behind BGREWRITEAOF are applied once after a restart', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nodis-rewrite-pipeline-'));
  let srv: TestServer | null = null;
  try {
    srv = await startTestServer({ dir, appendonly: 'yes', appendfsync: 'always' });
    let c = await srv.client();
    for (let i = 0; i < 200; i++) await c.call('SET', `k${i}`, 'v');
    for (let round = 0; round < 5; round++) {
      const replies = await pipeline(c, [['BGREWRITEAOF'], ['INCR', 'counter'], ['RPUSH', 'list', String(round)], ['INCRBY', 'counter', '10']]);
      assert.equal(replies[0], 'Background append only file rewriting started');
      assert.deepEqual(replies.slice(1), [11 * round + 1, round + 1, 11 * round + 11]);
      await waitFor(async () => !(await inProgress(c)), 10_000, 'the rewrite to end');
    }
    const digest = await c.call('DEBUG', 'DIGEST');
    await srv.stop();
    srv = await startTestServer({ dir, appendonly: 'yes' });
    c = await srv.client();
    assert.equal(await c.call('GET', 'counter'), '55');
    assert.deepEqual(await c.call('LRANGE', 'list', '0', '-1'), ['0', '1', '2', '3', '4']);
    assert.equal(await c.call('DEBUG', 'DIGEST'), digest);
  } finally {
    await srv?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
