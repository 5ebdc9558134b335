// AOF restart round trips per command family: a server with appendonly yes runs a realistic
// workload of one family (tests/helpers/family-workloads.ts) through real TCP clients, stops
// (flush + fsync), and a new server started on the same directory must hold exactly the same
// dataset: DEBUG DIGEST, and every key of every db compared by TYPE, value (read with the type's
// read command), PEXPIRETIME (exact: the AOF stores absolute times) and PTTL (within the time
// between the two reads). Also every family in one server, and every byte value in keys,
// values, members, fields and scores.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ok } from '../helpers/calls.js';
import { useRoundTrips } from '../helpers/aof-roundtrip.js';
import { families } from '../helpers/family-workloads.js';
import { ALL_BYTES } from '../helpers/data-gen.js';

const { start, stop, roundTrip } = useRoundTrips('nodis-aof-roundtrip-');

for (const [name, workload] of families) {
  test(`restart round trip: ${name}`, async () => {
    await roundTrip(workload);
  });
}

test('restart round trip: every family in one server', async () => {
  const { before } = await roundTrip(async (c, srv) => {
    // MULTI/EXEC first: it runs a FLUSHALL.
    for (const [, w] of [...families].sort(([a], [b]) => Number(b === 'MULTI/EXEC') - Number(a === 'MULTI/EXEC'))) {
      await w(c, srv);
      await ok(c, 'SELECT', 0);
    }
  });
  const types = new Set([...before.keys.values()].map((s) => s.type));
  assert.deepEqual([...types].sort(), ['hash', 'list', 'set', 'string', 'zset']);
  assert.ok([...before.keys.values()].some((s) => s.pexpiretime > 0), 'some keys have a TTL');
});

test('binary keys and values: every byte value survives in keys, values, members, fields and scores order', async () => {
  const rev = [...ALL_BYTES].reverse().join('');
  const { before, dir } = await roundTrip(async (c) => {
    await ok(c, 'SET', ALL_BYTES, rev);
    for (let i = 0; i < 256; i++) {
      const ch = String.fromCharCode(i);
      await ok(c, 'SET', `k${ch}`, `${ch}v${ch}\r\n${ch}`);
    }
    await ok(c, 'SET', '', 'empty key');
    await ok(c, 'SET', 'empty value', '');
    await ok(c, 'RPUSH', `list\r\n\x00`, ALL_BYTES, '', '\r\n', '*1\r\n$4\r\nPING\r\n', '\xff\xfe');
    await ok(c, 'HSET', `hash\xff`, ALL_BYTES, rev, '\x00', '\r\n', '$-1\r\n', '');
    await ok(c, 'SADD', `set\x00`, ALL_BYTES, rev, '\x00', '\r\n', '\xff');
    await ok(c, 'ZADD', `zset\n`, 1, ALL_BYTES, 2, rev, 3, '\x00\r\n', '-1.5', '');
    await ok(c, 'SETRANGE', 'bin-range', 3, '\x00\xff\r\n');
    await ok(c, 'APPEND', 'bin-range', ALL_BYTES);
    await ok(c, 'SET', `ttl\x00${ALL_BYTES}`, ALL_BYTES, 'PX', 50_000_000);
    await ok(c, 'SELECT', 9);
    await ok(c, 'SET', ALL_BYTES, 'db9');
    await ok(c, 'SELECT', 0);
  });
  assert.equal(before.keys.size, 1 + 256 + 2 + 6 + 1);
  // And the bytes themselves, read back from a restarted server.
  const srv = await start(dir);
  const c = await srv.client();
  assert.equal(await c.callRaw('GET', ALL_BYTES), `$256\r\n${rev}\r\n`);
  assert.equal(await c.callRaw('GET', `k\r`), `$6\r\n\rv\r\r\n\r\r\n`);
  assert.equal(await c.call('HGET', `hash\xff`, ALL_BYTES), rev);
  assert.equal(await c.call('SISMEMBER', `set\x00`, ALL_BYTES), 1);
  assert.equal(await c.call('ZSCORE', `zset\n`, ALL_BYTES), '1');
  assert.deepEqual(await c.call('LRANGE', `list\r\n\x00`, 0, -1), [ALL_BYTES, '', '\r\n', '*1\r\n$4\r\nPING\r\n', '\xff\xfe']);
  await stop(srv);
});
