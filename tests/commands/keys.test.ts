// Generic key commands over real TCP: exact reply bytes in RESP2 and RESP3, exact error texts,
// what each command propagates, and how they dirty WATCHed keys.

import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { RespClient } from '../helpers/resp-client.js';
import { keyCommands } from '../../src/commands/keys.js';
import { Command } from '../../src/commands/types.js';

let srv: TestServer;
let c2: RespClient;
let c3: RespClient;

before(async () => {
  srv = await startTestServer();
  c2 = await srv.client();
  c3 = await srv.client();
  await c3.call('HELLO', '3');
});
after(async () => {
  await srv.stop();
});
beforeEach(async () => {
  // Lazy expiry is what these tests observe; the background cycle must not race them.
  srv.server.expireCycle.enabled = true;
  await c2.call('SELECT', '0');
  await c3.call('SELECT', '0');
  await c2.call('FLUSHALL');
  srv.clearPropagated();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sets `key` with a 1 ms TTL and waits until it has passed, with active expiry off. */
async function expiredKey(c: RespClient, key: string): Promise<void> {
  srv.server.expireCycle.enabled = false;
  await c.call('SET', key, 'v', 'PX', '1');
  await sleep(5);
  srv.clearPropagated();
}

/** Runs a transaction for `watcher` after `touch` ran; returns EXEC's raw reply. */
async function execAfter(watcher: RespClient, keys: string[], touch: () => Promise<unknown>): Promise<string> {
  await watcher.call('WATCH', ...keys);
  await touch();
  await watcher.call('MULTI');
  await watcher.call('PING');
  return watcher.callRaw('EXEC');
}

// ---- DEL / UNLINK / EXISTS / TYPE / TOUCH / DBSIZE ---------------------------------------

test('DEL and UNLINK count removed keys and propagate only when something went', async () => {
  await c2.call('SET', 'a', '1');
  await c2.call('SET', 'b', '2');
  srv.clearPropagated();
  assert.equal(await c2.callRaw('DEL', 'a', 'nokey', 'a'), ':1\r\n');
  assert.equal(await c3.callRaw('UNLINK', 'b', 'nokey'), ':1\r\n');
  assert.equal(await c2.callRaw('DEL', 'nokey'), ':0\r\n');
  assert.equal(await c2.callRaw('UNLINK', 'nokey'), ':0\r\n');
  assert.deepEqual(srv.propagated, ['0:DEL a nokey a', '0:UNLINK b nokey']);
  assert.equal(await c2.callRaw('DEL'), "-ERR wrong number of arguments for 'del' command\r\n");
  assert.equal(await c2.callRaw('UNLINK'), "-ERR wrong number of arguments for 'unlink' command\r\n");
});

test('EXISTS counts repeated keys; TYPE names the type or none; neither propagates', async () => {
  await c2.call('SET', 'a', '1');
  srv.clearPropagated();
  assert.equal(await c2.callRaw('EXISTS', 'a', 'a', 'nokey'), ':2\r\n');
  assert.equal(await c3.callRaw('EXISTS', 'nokey'), ':0\r\n');
  assert.equal(await c2.callRaw('TYPE', 'a'), '+string\r\n');
  assert.equal(await c3.callRaw('TYPE', 'a'), '+string\r\n');
  assert.equal(await c2.callRaw('TYPE', 'nokey'), '+none\r\n');
  assert.equal(await c3.callRaw('TYPE', 'nokey'), '+none\r\n');
  assert.equal(await c2.callRaw('TYPE', 'a', 'b'), "-ERR wrong number of arguments for 'type' command\r\n");
  assert.deepEqual(srv.propagated, []);
});

test('EXISTS, TYPE and TOUCH count keyspace hits and misses', async () => {
  await c2.call('SET', 'a', '1');
  const stats = srv.server.keyspace.stats;
  const hits = stats.hits;
  const misses = stats.misses;
  await c2.call('EXISTS', 'a', 'nokey');
  await c2.call('TYPE', 'a');
  await c2.call('TOUCH', 'a', 'nokey', 'nokey2');
  assert.equal(stats.hits - hits, 3);
  assert.equal(stats.misses - misses, 3);
});

test('EXISTS on an expired key propagates exactly one DEL', async () => {
  await expiredKey(c2, 'k');
  assert.equal(await c2.callRaw('EXISTS', 'k'), ':0\r\n');
  assert.deepEqual(srv.propagated, ['0:DEL k']);
  assert.equal(await c2.callRaw('EXISTS', 'k'), ':0\r\n');
  assert.deepEqual(srv.propagated, ['0:DEL k']);
});

test('a write hitting an expired key propagates MULTI, DEL, the write, EXEC', async () => {
  await expiredKey(c2, 'k');
  assert.equal(await c2.callRaw('SET', 'k', 'new'), '+OK\r\n');
  assert.deepEqual(srv.propagated, ['0:MULTI', '0:DEL k', '0:SET k new', '-1:EXEC']);
  // DEL of an expired key: the expiry's DEL is all there is (the command itself deleted nothing).
  await expiredKey(c2, 'k2');
  assert.equal(await c2.callRaw('DEL', 'k2'), ':0\r\n');
  assert.deepEqual(srv.propagated, ['0:DEL k2']);
});

test('TOUCH counts existing keys and never propagates; DBSIZE counts the selected db', async () => {
  await c2.call('SET', 'a', '1');
  await c2.call('SET', 'b', '1');
  srv.clearPropagated();
  assert.equal(await c2.callRaw('TOUCH', 'a', 'b', 'c', 'a'), ':3\r\n');
  assert.equal(await c3.callRaw('TOUCH', 'nokey'), ':0\r\n');
  assert.deepEqual(srv.propagated, []);
  assert.equal(await c2.callRaw('DBSIZE'), ':2\r\n');
  await c3.call('SELECT', '3');
  assert.equal(await c3.callRaw('DBSIZE'), ':0\r\n');
  assert.equal(await c2.callRaw('DBSIZE', 'x'), "-ERR wrong number of arguments for 'dbsize' command\r\n");
});

// ---- RENAME / RENAMENX ------------------------------------------------------------------

test('RENAME moves the value and its TTL, overwriting the target', async () => {
  await c2.call('SET', 'src', 'v', 'PX', '100000');
  await c2.call('SET', 'dst', 'old');
  const pexpireAt = (await c2.call('PEXPIRETIME', 'src')) as number;
  srv.clearPropagated();
  assert.equal(await c2.callRaw('RENAME', 'src', 'dst'), '+OK\r\n');
  assert.equal(await c2.call('GET', 'dst'), 'v');
  assert.equal(await c2.call('EXISTS', 'src'), 0);
  assert.equal(await c2.call('PEXPIRETIME', 'dst'), pexpireAt);
  // A persistent source makes a persistent target, even if the target had a TTL.
  await c2.call('SET', 'p', 'x');
  await c2.call('SET', 'q', 'y', 'EX', '100');
  assert.deepEqual(srv.propagated.splice(1), ['0:SET p x', `0:SET q y PXAT ${srv.server.keyspace.dbs[0]!.peekEntry('q')!.expireAt}`]);
  assert.equal(await c3.callRaw('RENAME', 'p', 'q'), '+OK\r\n');
  assert.equal(await c2.call('TTL', 'q'), -1);
  assert.deepEqual(srv.propagated, ['0:RENAME src dst', '0:RENAME p q']);
});

test('RENAME errors and no-ops', async () => {
  await c2.call('SET', 'a', '1');
  srv.clearPropagated();
  assert.equal(await c2.callRaw('RENAME', 'nokey', 'x'), '-ERR no such key\r\n');
  assert.equal(await c2.callRaw('RENAME', 'nokey', 'nokey'), '-ERR no such key\r\n');
  assert.equal(await c2.callRaw('RENAMENX', 'nokey', 'nokey'), '-ERR no such key\r\n');
  assert.equal(await c2.callRaw('RENAME', 'a', 'a'), '+OK\r\n');
  assert.equal(await c2.callRaw('RENAMENX', 'a', 'a'), ':0\r\n');
  assert.equal(await c2.callRaw('RENAME', 'a'), "-ERR wrong number of arguments for 'rename' command\r\n");
  assert.equal(await c2.callRaw('RENAMENX', 'a', 'b', 'c'), "-ERR wrong number of arguments for 'renamenx' command\r\n");
  assert.deepEqual(srv.propagated, []);
});

test('RENAMENX renames only onto a missing key', async () => {
  await c2.call('SET', 'a', '1');
  await c2.call('SET', 'b', '2');
  srv.clearPropagated();
  assert.equal(await c2.callRaw('RENAMENX', 'a', 'b'), ':0\r\n');
  assert.equal(await c2.call('GET', 'b'), '2');
  assert.equal(await c3.callRaw('RENAMENX', 'a', 'c'), ':1\r\n');
  assert.equal(await c2.call('GET', 'c'), '1');
  assert.deepEqual(srv.propagated, ['0:RENAMENX a c']);
});

// ---- MOVE / COPY / SWAPDB ---------------------------------------------------------------

test('MOVE moves a key with its TTL to another database', async () => {
  await c2.call('SET', 'm', 'v', 'EX', '1000');
  srv.clearPropagated();
  assert.equal(await c2.callRaw('MOVE', 'm', '1'), ':1\r\n');
  assert.equal(await c2.call('EXISTS', 'm'), 0);
  await c3.call('SELECT', '1');
  assert.equal(await c3.callRaw('GET', 'm'), '$1\r\nv\r\n');
  const ttl = (await c3.call('TTL', 'm')) as number;
  assert.ok(ttl > 990 && ttl <= 1000, `ttl ${ttl}`);
  // Target exists, source missing: 0 and nothing logged.
  await c2.call('SET', 'm', 'other');
  srv.clearPropagated();
  assert.equal(await c2.callRaw('MOVE', 'm', '1'), ':0\r\n');
  assert.equal(await c2.callRaw('MOVE', 'nokey', '1'), ':0\r\n');
  assert.deepEqual(srv.propagated, []);
  assert.equal(await c2.call('GET', 'm'), 'other');
});

test('MOVE errors', async () => {
  await c2.call('SET', 'a', '1');
  assert.equal(await c2.callRaw('MOVE', 'a', '0'), '-ERR source and destination objects are the same\r\n');
  assert.equal(await c2.callRaw('MOVE', 'nokey', '0'), '-ERR source and destination objects are the same\r\n');
  assert.equal(await c2.callRaw('MOVE', 'a', '16'), '-ERR DB index is out of range\r\n');
  assert.equal(await c2.callRaw('MOVE', 'a', '-1'), '-ERR DB index is out of range\r\n');
  assert.equal(await c2.callRaw('MOVE', 'a', 'x'), '-ERR value is not an integer or out of range\r\n');
  assert.equal(
    await c2.callRaw('MOVE', 'a', '99999999999'),
    '-ERR value is out of range, value must between -2147483648 and 2147483647\r\n',
  );
  assert.equal(await c2.callRaw('MOVE', 'a'), "-ERR wrong number of arguments for 'move' command\r\n");
});

test('MOVE onto an expired key in the target db: DEL there, then the MOVE, in one unit', async () => {
  await c2.call('SELECT', '1');
  await expiredKey(c2, 'k');
  await c2.call('SELECT', '0');
  await c2.call('SET', 'k', 'live');
  srv.clearPropagated();
  assert.equal(await c2.callRaw('MOVE', 'k', '1'), ':1\r\n');
  assert.deepEqual(srv.propagated, ['1:MULTI', '1:DEL k', '0:MOVE k 1', '-1:EXEC']);
});

test('COPY copies value and TTL, with DB and REPLACE', async () => {
  await c2.call('SET', 'src', 'v', 'PX', '500000');
  const at = (await c2.call('PEXPIRETIME', 'src')) as number;
  srv.clearPropagated();
  assert.equal(await c2.callRaw('COPY', 'src', 'dst'), ':1\r\n');
  assert.equal(await c2.call('GET', 'dst'), 'v');
  assert.equal(await c2.call('PEXPIRETIME', 'dst'), at);
  assert.equal(await c2.call('GET', 'src'), 'v');
  assert.equal(await c3.callRaw('COPY', 'src', 'dst'), ':0\r\n');
  await c2.call('SET', 'src', 'w');
  srv.clearPropagated();
  assert.equal(await c2.callRaw('COPY', 'src', 'dst', 'REPLACE'), ':1\r\n');
  assert.equal(await c2.call('GET', 'dst'), 'w');
  assert.equal(await c2.call('TTL', 'dst'), -1);
  assert.equal(await c2.callRaw('COPY', 'src', 'src', 'db', '2', 'replace'), ':1\r\n');
  assert.equal(await c2.callRaw('COPY', 'nokey', 'x'), ':0\r\n');
  assert.deepEqual(srv.propagated, ['0:COPY src dst REPLACE', '0:COPY src src db 2 replace']);
  await c3.call('SELECT', '2');
  assert.equal(await c3.call('GET', 'src'), 'w');
});

test('COPY errors', async () => {
  await c2.call('SET', 'a', '1');
  assert.equal(await c2.callRaw('COPY', 'a', 'a'), '-ERR source and destination objects are the same\r\n');
  assert.equal(await c2.callRaw('COPY', 'a', 'a', 'DB', '0'), '-ERR source and destination objects are the same\r\n');
  assert.equal(await c2.callRaw('COPY', 'a', 'b', 'DB', '16'), '-ERR DB index is out of range\r\n');
  assert.equal(await c2.callRaw('COPY', 'a', 'b', 'DB', 'x'), '-ERR value is not an integer or out of range\r\n');
  assert.equal(
    await c2.callRaw('COPY', 'a', 'b', 'DB', '99999999999'),
    '-ERR value is out of range, value must between -2147483648 and 2147483647\r\n',
  );
  assert.equal(await c2.callRaw('COPY', 'a', 'b', 'DB'), '-ERR syntax error\r\n');
  assert.equal(await c2.callRaw('COPY', 'a', 'b', 'foo'), '-ERR syntax error\r\n');
  assert.equal(await c2.callRaw('COPY', 'a'), "-ERR wrong number of arguments for 'copy' command\r\n");
});

test('SWAPDB exchanges contents; clients stay on their db number', async () => {
  await c2.call('SET', 'in0', 'zero');
  await c3.call('SELECT', '1');
  await c3.call('SET', 'in1', 'one', 'EX', '100');
  srv.clearPropagated();
  assert.equal(await c2.callRaw('SWAPDB', '0', '1'), '+OK\r\n');
  assert.equal(await c2.call('GET', 'in1'), 'one');
  assert.equal(await c2.call('TTL', 'in1'), 100);
  assert.equal(await c3.call('GET', 'in0'), 'zero');
  assert.equal(await c2.callRaw('SWAPDB', '3', '3'), '+OK\r\n');
  assert.deepEqual(srv.propagated, ['0:SWAPDB 0 1', '0:SWAPDB 3 3']);
});

test('SWAPDB errors', async () => {
  assert.equal(await c2.callRaw('SWAPDB', 'x', '0'), '-ERR invalid first DB index\r\n');
  assert.equal(await c2.callRaw('SWAPDB', '0', 'x'), '-ERR invalid second DB index\r\n');
  assert.equal(await c2.callRaw('SWAPDB', '0', '99999999999'), '-ERR invalid second DB index\r\n');
  assert.equal(await c2.callRaw('SWAPDB', '0', '16'), '-ERR DB index is out of range\r\n');
  assert.equal(await c2.callRaw('SWAPDB', '-1', '0'), '-ERR DB index is out of range\r\n');
  assert.equal(await c2.callRaw('SWAPDB', '0'), "-ERR wrong number of arguments for 'swapdb' command\r\n");
  assert.deepEqual(srv.propagated, []);
});

// ---- RANDOMKEY / FLUSHDB / FLUSHALL -----------------------------------------------------

test('RANDOMKEY: a key, or nil (RESP2 $-1, RESP3 _)', async () => {
  assert.equal(await c2.callRaw('RANDOMKEY'), '$-1\r\n');
  assert.equal(await c3.callRaw('RANDOMKEY'), '_\r\n');
  await c2.call('SET', 'only', '1');
  assert.equal(await c2.callRaw('RANDOMKEY'), '$4\r\nonly\r\n');
  assert.equal(await c3.callRaw('RANDOMKEY'), '$4\r\nonly\r\n');
  const seen = new Set<unknown>();
  for (const k of ['a', 'b', 'c']) await c2.call('SET', k, '1');
  for (let i = 0; i < 200 && seen.size < 4; i++) seen.add(await c2.call('RANDOMKEY'));
  assert.deepEqual([...seen].sort(), ['a', 'b', 'c', 'only']);
  assert.equal(await c2.callRaw('RANDOMKEY', 'x'), "-ERR wrong number of arguments for 'randomkey' command\r\n");
});

test('RANDOMKEY never returns an expired key; it deletes what it draws', async () => {
  srv.server.expireCycle.enabled = false;
  for (let i = 0; i < 20; i++) await c2.call('SET', `e${i}`, 'v', 'PX', '1');
  await c2.call('SET', 'live', 'v');
  await sleep(5);
  srv.clearPropagated();
  assert.equal(await c2.call('RANDOMKEY'), 'live');
  assert.ok(srv.propagated.every((op) => /^0:(DEL e\d+|MULTI)$|^-1:EXEC$/.test(op)), srv.propagated.join(','));
  // Only expired keys left: RANDOMKEY drains them and answers nil.
  await c2.call('DEL', 'live');
  assert.equal(await c2.callRaw('RANDOMKEY'), '$-1\r\n');
  assert.equal(await c2.call('DBSIZE'), 0);
});

test('FLUSHDB empties the selected db, FLUSHALL all; both always propagate', async () => {
  await c2.call('SET', 'a', '1');
  await c3.call('SELECT', '5');
  await c3.call('SET', 'b', '1');
  srv.clearPropagated();
  assert.equal(await c2.callRaw('FLUSHDB'), '+OK\r\n');
  assert.equal(await c2.call('DBSIZE'), 0);
  assert.equal(await c3.call('DBSIZE'), 1);
  assert.equal(await c2.callRaw('FLUSHDB', 'sync'), '+OK\r\n');
  assert.equal(await c3.callRaw('FLUSHALL', 'ASYNC'), '+OK\r\n');
  assert.equal(await c3.call('DBSIZE'), 0);
  assert.equal(await c3.callRaw('FLUSHALL'), '+OK\r\n');
  assert.deepEqual(srv.propagated, ['0:FLUSHDB', '0:FLUSHDB sync', '5:FLUSHALL ASYNC', '5:FLUSHALL']);
  assert.equal(await c2.callRaw('FLUSHDB', 'foo'), '-ERR syntax error\r\n');
  assert.equal(await c2.callRaw('FLUSHALL', 'SYNC', 'ASYNC'), '-ERR syntax error\r\n');
});

// ---- OBJECT -----------------------------------------------------------------------------

test('OBJECT ENCODING of strings: int, embstr, raw; nil for a missing key', async () => {
  const cases: [string, string][] = [
    ['0', 'int'],
    ['12345', 'int'],
    ['-9223372036854775808', 'int'],
    ['9223372036854775807', 'int'],
    ['9223372036854775808', 'embstr'],
    ['12345678901234567890', 'embstr'],
    ['012', 'embstr'],
    ['-0', 'embstr'],
    ['+1', 'embstr'],
    [' 1', 'embstr'],
    ['', 'embstr'],
    ['x'.repeat(44), 'embstr'],
    ['x'.repeat(45), 'raw'],
  ];
  for (const [value, encoding] of cases) {
    await c2.call('SET', 'enc', value);
    assert.equal(await c2.callRaw('OBJECT', 'ENCODING', 'enc'), `$${encoding.length}\r\n${encoding}\r\n`, `value ${JSON.stringify(value)}`);
  }
  assert.equal(await c2.callRaw('OBJECT', 'ENCODING', 'nokey'), '$-1\r\n');
  assert.equal(await c3.callRaw('OBJECT', 'encoding', 'nokey'), '_\r\n');
});

test('OBJECT REFCOUNT: shared integers 0..9999 report INT_MAX, others 1', async () => {
  for (const [value, rc] of [
    ['0', 2147483647],
    ['9999', 2147483647],
    ['10000', 1],
    ['-1', 1],
    ['abc', 1],
  ] as const) {
    await c2.call('SET', 'rc', value);
    assert.equal(await c2.callRaw('OBJECT', 'REFCOUNT', 'rc'), `:${rc}\r\n`, value);
  }
  assert.equal(await c2.callRaw('OBJECT', 'REFCOUNT', 'nokey'), '$-1\r\n');
  assert.equal(await c3.callRaw('OBJECT', 'REFCOUNT', 'nokey'), '_\r\n');
});

test('OBJECT IDLETIME counts seconds since the last access; reads that do not touch leave it', async () => {
  await c2.call('SET', 'idle', 'v');
  assert.equal(await c2.callRaw('OBJECT', 'IDLETIME', 'idle'), ':0\r\n');
  srv.server.keyspace.dbs[0]!.peekEntry('idle')!.access -= 5500;
  assert.equal(await c2.callRaw('OBJECT', 'IDLETIME', 'idle'), ':5\r\n');
  // EXISTS, TYPE, TTL and OBJECT do not count as an access ...
  await c2.call('EXISTS', 'idle');
  await c2.call('TYPE', 'idle');
  await c2.call('TTL', 'idle');
  assert.equal(await c2.callRaw('OBJECT', 'IDLETIME', 'idle'), ':5\r\n');
  // ... GET and TOUCH do.
  await c2.call('TOUCH', 'idle');
  assert.equal(await c2.callRaw('OBJECT', 'IDLETIME', 'idle'), ':0\r\n');
  assert.equal(await c2.callRaw('OBJECT', 'IDLETIME', 'nokey'), '$-1\r\n');
  assert.equal(await c3.callRaw('OBJECT', 'IDLETIME', 'nokey'), '_\r\n');
});

test('OBJECT FREQ needs an LFU policy; nil for a missing key first', async () => {
  await c2.call('SET', 'f', 'v');
  assert.equal(
    await c2.callRaw('OBJECT', 'FREQ', 'f'),
    '-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n',
  );
  assert.equal(await c2.callRaw('OBJECT', 'FREQ', 'nokey'), '$-1\r\n');
  assert.equal(await c3.callRaw('OBJECT', 'FREQ', 'nokey'), '_\r\n');
});

test('OBJECT FREQ and IDLETIME under an LFU policy', async () => {
  const lfu = await startTestServer({ 'maxmemory-policy': 'allkeys-lfu' });
  try {
    const c = await lfu.client();
    await c.call('SET', 'k', 'v');
    // New keys start at LFU_INIT_VAL (5); OBJECT FREQ itself does not count as an access.
    assert.equal(await c.callRaw('OBJECT', 'FREQ', 'k'), ':5\r\n');
    assert.equal(await c.callRaw('OBJECT', 'FREQ', 'k'), ':5\r\n');
    // The first increments happen with probability 1 (counter <= LFU_INIT_VAL).
    await c.call('GET', 'k');
    assert.equal(await c.callRaw('OBJECT', 'FREQ', 'k'), ':6\r\n');
    // The counter decays by one per idle minute.
    lfu.server.keyspace.dbs[0]!.peekEntry('k')!.access -= 3 * 60000 + 1000;
    assert.equal(await c.callRaw('OBJECT', 'FREQ', 'k'), ':3\r\n');
    assert.equal(
      await c.callRaw('OBJECT', 'IDLETIME', 'k'),
      '-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n',
    );
    assert.equal(await c.callRaw('OBJECT', 'IDLETIME', 'nokey'), '$-1\r\n');
    // RENAME and MOVE move the object: its counter goes with it (a new key would restart at 5).
    const entry = lfu.server.keyspace.dbs[0]!.peekEntry('k')!;
    entry.freq = 255;
    entry.access = Date.now();
    await c.call('RENAME', 'k', 'k2');
    assert.equal(await c.callRaw('OBJECT', 'FREQ', 'k2'), ':255\r\n');
    await c.call('MOVE', 'k2', '1');
    await c.call('SELECT', '1');
    assert.equal(await c.callRaw('OBJECT', 'FREQ', 'k2'), ':255\r\n');
    // COPY makes a new object.
    await c.call('COPY', 'k2', 'k3');
    assert.equal(await c.callRaw('OBJECT', 'FREQ', 'k3'), ':5\r\n');
  } finally {
    await lfu.stop();
  }
});

test('OBJECT HELP, unknown subcommands and arity', async () => {
  const help =
    '*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+ENCODING <key>\r\n' +
    '+    Return the kind of internal representation used in order to store the value\r\n+    associated with a <key>.\r\n' +
    '+FREQ <key>\r\n+    Return the access frequency index of the <key>. The returned integer is\r\n' +
    '+    proportional to the logarithm of the recent access frequency of the key.\r\n+IDLETIME <key>\r\n' +
    '+    Return the idle time of the <key>, that is the approximated number of\r\n' +
    '+    seconds elapsed since the last access to the key.\r\n+REFCOUNT <key>\r\n' +
    '+    Return the number of references of the value associated with the specified\r\n+    <key>.\r\n' +
    '+HELP\r\n+    Prints this help.\r\n';
  assert.equal(await c2.callRaw('OBJECT', 'HELP'), help);
  assert.equal(await c3.callRaw('object', 'help'), help);
  assert.equal(await c2.callRaw('OBJECT', 'foo'), "-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n");
  assert.equal(await c2.callRaw('OBJECT'), "-ERR wrong number of arguments for 'object' command\r\n");
  assert.equal(await c2.callRaw('OBJECT', 'ENCODING', 'a', 'b'), "-ERR wrong number of arguments for 'object|encoding' command\r\n");
  assert.equal(await c2.callRaw('OBJECT', 'HELP', 'x'), "-ERR wrong number of arguments for 'object|help' command\r\n");
});

// ---- WATCH interactions -----------------------------------------------------------------

test('WATCH: DEL dirties a watched key only if it existed', async () => {
  const w = await srv.client();
  await c2.call('SET', 'wd', '1');
  assert.equal(await execAfter(w, ['wd'], () => c2.call('DEL', 'wd')), '*-1\r\n');
  assert.equal(await execAfter(w, ['wd'], () => c2.call('DEL', 'wd')), '*1\r\n+PONG\r\n');
  await c2.call('SET', 'wd', '1');
  assert.equal(await execAfter(w, ['wd'], () => c2.call('UNLINK', 'wd')), '*-1\r\n');
});

test('WATCH: RENAME dirties source and target, MOVE and COPY their targets', async () => {
  const w = await srv.client();
  await c2.call('SET', 'r1', '1');
  assert.equal(await execAfter(w, ['r1'], () => c2.call('RENAME', 'r1', 'r2')), '*-1\r\n');
  assert.equal(await execAfter(w, ['r3'], () => c2.call('RENAME', 'r2', 'r3')), '*-1\r\n');
  assert.equal(await execAfter(w, ['r3'], () => c2.call('RENAMENX', 'r3', 'r3')), '*1\r\n+PONG\r\n');
  assert.equal(await execAfter(w, ['r3'], () => c2.call('MOVE', 'r3', '1')), '*-1\r\n');
  await w.call('SELECT', '1');
  await c2.call('SET', 'm', '1');
  assert.equal(await execAfter(w, ['m'], () => c2.call('MOVE', 'm', '1')), '*-1\r\n');
  assert.equal(await execAfter(w, ['m2'], () => c2.call('COPY', 'm', 'm2')), '*1\r\n+PONG\r\n');
  await c2.call('SET', 'm', '1');
  assert.equal(await execAfter(w, ['m2'], () => c2.call('COPY', 'm', 'm2', 'DB', '1')), '*-1\r\n');
});

test('WATCH: FLUSHDB and FLUSHALL dirty watched keys that existed', async () => {
  const w = await srv.client();
  await c2.call('SET', 'f', '1');
  assert.equal(await execAfter(w, ['f'], () => c2.call('FLUSHDB')), '*-1\r\n');
  assert.equal(await execAfter(w, ['f'], () => c2.call('FLUSHDB')), '*1\r\n+PONG\r\n');
  await w.call('SELECT', '7');
  await w.call('SET', 'f7', '1');
  assert.equal(await execAfter(w, ['f7'], () => c2.call('FLUSHALL')), '*-1\r\n');
  assert.equal(await execAfter(w, ['f7'], () => c2.call('FLUSHALL')), '*1\r\n+PONG\r\n');
});

test('WATCH: SWAPDB dirties watched keys present in either database', async () => {
  const w = await srv.client();
  await c3.call('SELECT', '1');
  await c3.call('SET', 'only1', '1');
  // w watches in db 0 a key that exists only in db 1: after the swap it appears.
  assert.equal(await execAfter(w, ['only1'], () => c2.call('SWAPDB', '0', '1')), '*-1\r\n');
  // Now it exists in db 0: swapping it away dirties again; a key in neither db does not.
  assert.equal(await execAfter(w, ['only1'], () => c2.call('SWAPDB', '0', '1')), '*-1\r\n');
  assert.equal(await execAfter(w, ['neither'], () => c2.call('SWAPDB', '0', '1')), '*1\r\n+PONG\r\n');
});

test('WATCH: EXPIRE and PERSIST dirty the watched key; a failed EXPIRE does not', async () => {
  const w = await srv.client();
  await c2.call('SET', 'e', '1');
  assert.equal(await execAfter(w, ['e'], () => c2.call('EXPIRE', 'e', '100')), '*-1\r\n');
  assert.equal(await execAfter(w, ['e'], () => c2.call('EXPIRE', 'e', '100', 'NX')), '*1\r\n+PONG\r\n');
  assert.equal(await execAfter(w, ['e'], () => c2.call('PERSIST', 'e')), '*-1\r\n');
  assert.equal(await execAfter(w, ['e'], () => c2.call('PERSIST', 'e')), '*1\r\n+PONG\r\n');
  assert.equal(await execAfter(w, ['e'], () => c2.call('EXPIRE', 'e', '-1')), '*-1\r\n');
  assert.equal(await c2.call('EXISTS', 'e'), 0);
});

// ---- command table ----------------------------------------------------------------------

/** From a real redis-server 7.0.15: COMMAND INFO (arity, flags, first/last/step, ACL
 *  categories) and COMMAND DOCS (since, group, summary, complexity). */
const REDIS_SPECS: Record<string, [number, string, string, string, string, string, string, string]> = {
  'del': [-2, 'write', '1 -1 1', '@keyspace @write @slow', '1.0.0', 'generic', 'Delete a key', 'O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).'],
  'unlink': [-2, 'write fast', '1 -1 1', '@keyspace @write @fast', '4.0.0', 'generic', 'Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.', 'O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.'],
  'exists': [-2, 'readonly fast', '1 -1 1', '@keyspace @read @fast', '1.0.0', 'generic', 'Determine if a key exists', 'O(N) where N is the number of keys to check.'],
  'type': [2, 'readonly fast', '1 1 1', '@keyspace @read @fast', '1.0.0', 'generic', 'Determine the type stored at key', 'O(1)'],
  'rename': [3, 'write', '1 2 1', '@keyspace @write @slow', '1.0.0', 'generic', 'Rename a key', 'O(1)'],
  'renamenx': [3, 'write fast', '1 2 1', '@keyspace @write @fast', '1.0.0', 'generic', 'Rename a key, only if the new key does not exist', 'O(1)'],
  'move': [3, 'write fast', '1 1 1', '@keyspace @write @fast', '1.0.0', 'generic', 'Move a key to another database', 'O(1)'],
  'copy': [-3, 'write denyoom', '1 2 1', '@keyspace @write @slow', '6.2.0', 'generic', 'Copy a key', 'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.'],
  'swapdb': [3, 'write fast', '0 0 0', '@keyspace @write @fast @dangerous', '4.0.0', 'server', 'Swaps two Redis databases', 'O(N) where N is the count of clients watching or blocking on keys from both databases.'],
  'randomkey': [1, 'readonly', '0 0 0', '@keyspace @read @slow', '1.0.0', 'generic', 'Return a random key from the keyspace', 'O(1)'],
  'keys': [2, 'readonly', '0 0 0', '@keyspace @read @slow @dangerous', '1.0.0', 'generic', 'Find all keys matching the given pattern', 'O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.'],
  'scan': [-2, 'readonly', '0 0 0', '@keyspace @read @slow', '2.8.0', 'generic', 'Incrementally iterate the keys space', 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.'],
  'dbsize': [1, 'readonly fast', '0 0 0', '@keyspace @read @fast', '1.0.0', 'server', 'Return the number of keys in the selected database', 'O(1)'],
  'flushdb': [-1, 'write', '0 0 0', '@keyspace @write @slow @dangerous', '1.0.0', 'server', 'Remove all keys from the current database', 'O(N) where N is the number of keys in the selected database'],
  'flushall': [-1, 'write', '0 0 0', '@keyspace @write @slow @dangerous', '1.0.0', 'server', 'Remove all keys from all databases', 'O(N) where N is the total number of keys in all databases'],
  'touch': [-2, 'readonly fast', '1 -1 1', '@keyspace @read @fast', '3.2.1', 'generic', 'Alters the last access time of a key(s). Returns the number of existing keys specified.', 'O(N) where N is the number of keys that will be touched.'],
  'object|encoding': [3, 'readonly', '2 2 1', '@keyspace @read @slow', '2.2.3', 'generic', 'Inspect the internal encoding of a Redis object', 'O(1)'],
  'object|freq': [3, 'readonly', '2 2 1', '@keyspace @read @slow', '4.0.0', 'generic', 'Get the logarithmic access frequency counter of a Redis object', 'O(1)'],
  'object|idletime': [3, 'readonly', '2 2 1', '@keyspace @read @slow', '2.2.3', 'generic', 'Get the time since a Redis object was last accessed', 'O(1)'],
  'object|refcount': [3, 'readonly', '2 2 1', '@keyspace @read @slow', '2.2.3', 'generic', 'Get the number of references to the value of the key', 'O(1)'],
  'object|help': [2, 'loading stale', '0 0 0', '@keyspace @slow', '6.2.0', 'generic', 'Show helpful text about the different subcommands', 'O(1)'],
};

test('command table entries match Redis 7.0.15', () => {
  const byName = new Map<string, Command>();
  for (const spec of keyCommands) {
    const cmd = new Command(spec);
    byName.set(cmd.fullName, cmd);
    for (const sub of cmd.subcommands?.values() ?? []) byName.set(sub.fullName, sub);
  }
  for (const [name, [arity, flags, keys, cats, since, group, summary, complexity]] of Object.entries(REDIS_SPECS)) {
    const cmd = byName.get(name);
    assert.ok(cmd, name);
    const s = cmd.spec;
    const k = s.keys ?? { first: 0, last: 0, step: 0 };
    assert.deepEqual(
      [s.arity, s.flags.join(' '), `${k.first} ${k.last} ${k.step}`, cmd.aclCategories().sort().join(' '), s.since, s.group, s.summary, s.complexity],
      [arity, flags, keys, cats.split(' ').sort().join(' '), since, group, summary, complexity],
      name,
    );
  }
  const object = byName.get('object')!;
  assert.deepEqual([object.arity, object.spec.flags.length, object.aclCategories(), object.spec.since], [-2, 0, ['@slow'], '2.2.3']);
  assert.equal(byName.size, Object.keys(REDIS_SPECS).length + 1);
});
