// The manifest both ways against a live redis-server 7.0.15 (skipped when /usr/bin/redis-server is
// absent): what Redis writes through rewrites parses and re-serializes to the same bytes and
// equals our own bookkeeping; a directory upgraded by our legacy-upgrade code loads in Redis.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { nodeAofFs } from '../../src/aof/fs.js';
import { AofManifest, loadManifestFromDisk, parseManifest, upgradeLegacyAofIfNeeded } from '../../src/aof/manifest.js';
import { RespClient } from '../helpers/resp-client.js';
import { waitFor } from '../helpers/server.js';
import { useScratch } from '../helpers/scratch.js';
import { NO_REDIS_SERVER, connectWhenReady, freePort, spawnServer } from '../helpers/server-process.js';

const skip = NO_REDIS_SERVER;
const scratch = useScratch('nodis-manifest-redis-');

async function startRedis(dir: string, extra: string[] = []): Promise<{ client: RespClient; stop(): Promise<void> }> {
  const port = await freePort();
  const p = spawnServer(
    'redis',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--aof-use-rdb-preamble', 'no', '--logfile', 'redis.log', ...extra],
    port,
  );
  const c = await connectWhenReady(p, 5000);
  return {
    client: c,
    async stop() {
      c.close();
      if (!p.running()) return;
      p.child.kill('SIGTERM');
      await p.exit;
    },
  };
}

const manifestOf = (dir: string): Buffer => fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'));

async function rewrite(client: RespClient, dir: string, baseSeq: number): Promise<void> {
  await client.call('BGREWRITEAOF');
  await waitFor(async () => {
    const info = String(await client.call('INFO', 'persistence'));
    return info.includes('aof_rewrite_in_progress:0') && manifestOf(dir).includes(`seq ${baseSeq} type b`);
  }, 5000, 'the rewrite to finish');
}

test('manifests redis-server writes through rewrites match our parser, serializer and bookkeeping', { skip }, async () => {
  const dir = scratch.dir('rewrites');
  const redis = await startRedis(dir, ['--aof-disable-auto-gc', 'yes']);
  try {
    const ours = new AofManifest();
    ours.newBase('appendonly.aof', false);
    ours.lastIncrOrNew('appendonly.aof');
    assert.deepEqual(manifestOf(dir), ours.serialize(), 'empty start');
    for (let i = 2; i <= 3; i++) {
      await redis.client.call('SET', `k${i}`, 'v');
      await rewrite(redis.client, dir, i);
      ours.newIncr('appendonly.aof');
      ours.newBase('appendonly.aof', false);
      ours.markRewrittenIncrsAsHistory(true);
      const theirs = manifestOf(dir);
      assert.deepEqual(parseManifest(theirs).serialize(), theirs);
      assert.deepEqual(theirs, ours.serialize(), `after rewrite ${i - 1}`);
    }
    await redis.client.call('CONFIG', 'SET', 'aof-disable-auto-gc', 'no');
    ours.removeHistory();
    await waitFor(() => manifestOf(dir).equals(ours.serialize()), 5000, 'history removal');
  } finally {
    await redis.stop();
  }
});

test('a legacy AOF upgraded by nodis loads in redis-server, which keeps our manifest', { skip }, async () => {
  const dir = scratch.dir('legacy');
  fs.writeFileSync(path.join(dir, 'appendonly.aof'), '*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$3\r\nbar\r\n');
  const layout = { dir, appenddirname: 'appendonlydir', appendfilename: 'appendonly.aof' };
  const m = loadManifestFromDisk(nodeAofFs, layout).manifest;
  assert.notEqual(upgradeLegacyAofIfNeeded(nodeAofFs, layout, m), null);
  const redis = await startRedis(dir);
  try {
    assert.equal(await redis.client.call('GET', 'foo'), 'bar');
    m.lastIncrOrNew('appendonly.aof');
    assert.deepEqual(manifestOf(dir), m.serialize());
    const log = fs.readFileSync(path.join(dir, 'redis.log'), 'latin1');
    assert.ok(!log.includes('Successfully migrated'), 'Redis saw nothing left to upgrade');
    assert.ok(log.includes('DB loaded from base file appendonly.aof'));
  } finally {
    await redis.stop();
  }
});
