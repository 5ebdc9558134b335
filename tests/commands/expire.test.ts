// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (NX XX GT LT), TTL, PTTL, EXPIRETIME, PEXPIRETIME,
// PERSIST: replies, errors, propagation as PEXPIREAT / DEL, behaviour while loading, and the
// active expiry cycle removing keys nobody reads.

import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import type { RespClient } from '../helpers/resp-client.js';
import { expireCommands } from '../../src/commands/expire.js';
import { Command } from '../../src/commands/types.js';
import { call, resolveCommand } from '../../src/commands/dispatch.js';

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
  srv.server.expireCycle.enabled = true;
  await c2.call('FLUSHALL');
  srv.clearPropagated();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('EXPIRE family: set, reply 1 / 0, and TTL/PTTL reflect it', async () => {
  await c2.call('SET', 'k', 'v');
  assert.equal(await c2.callRaw('EXPIRE', 'k', '100'), ':1\r\n');
  assert.equal(await c2.callRaw('TTL', 'k'), ':100\r\n');
  const pttl = (await c2.call('PTTL', 'k')) as number;
  assert.ok(pttl > 99000 && pttl <= 100000, `pttl ${pttl}`);
  assert.equal(await c3.callRaw('PEXPIRE', 'k', '5000'), ':1\r\n');
  assert.equal(await c3.callRaw('TTL', 'k'), ':5\r\n');
  const at = Math.floor(Date.now() / 1000) + 1000;
  assert.equal(await c2.callRaw('EXPIREAT', 'k', String(at)), ':1\r\n');
  assert.equal(await c2.callRaw('EXPIRETIME', 'k'), `:${at}\r\n`);
  assert.equal(await c2.callRaw('PEXPIRETIME', 'k'), `:${at * 1000}\r\n`);
  assert.equal(await c2.callRaw('PEXPIREAT', 'k', '4102444800123'), ':1\r\n');
  assert.equal(await c2.callRaw('PEXPIRETIME', 'k'), ':4102444800123\r\n');
  for (const cmd of ['EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PEXPIREAT']) {
    assert.equal(await c2.callRaw(cmd, 'nokey', '100'), ':0\r\n');
  }
});

test('TTL family on missing and persistent keys; seconds round to nearest', async () => {
  for (const cmd of ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']) {
    assert.equal(await c2.callRaw(cmd, 'nokey'), ':-2\r\n');
    assert.equal(await c3.callRaw(cmd, 'nokey'), ':-2\r\n');
  }
  await c2.call('SET', 'p', 'v');
  for (const cmd of ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']) {
    assert.equal(await c2.callRaw(cmd, 'p'), ':-1\r\n');
  }
  // EXPIRETIME is (ms + 500) / 1000, as Redis computes it.
  await c2.call('PEXPIREAT', 'p', '4102444800499');
  assert.equal(await c2.callRaw('EXPIRETIME', 'p'), ':4102444800\r\n');
  await c2.call('PEXPIREAT', 'p', '4102444800500');
  assert.equal(await c2.callRaw('EXPIRETIME', 'p'), ':4102444801\r\n');
  await c2.call('PEXPIRE', 'p', '1600');
  assert.equal(await c2.callRaw('TTL', 'p'), ':2\r\n');
  assert.equal(await c2.callRaw('TTL'), "-ERR wrong number of arguments for 'ttl' command\r\n");
  assert.equal(await c2.callRaw('PEXPIRETIME', 'a', 'b'), "-ERR wrong number of arguments for 'pexpiretime' command\r\n");
});

test('PERSIST removes a TTL: 1 if there was one, else 0', async () => {
  await c2.call('SET', 'k', 'v', 'EX', '100');
  srv.clearPropagated();
  assert.equal(await c2.callRaw('PERSIST', 'k'), ':1\r\n');
  assert.equal(await c2.callRaw('TTL', 'k'), ':-1\r\n');
  assert.equal(await c3.callRaw('PERSIST', 'k'), ':0\r\n');
  assert.equal(await c2.callRaw('PERSIST', 'nokey'), ':0\r\n');
  assert.deepEqual(srv.propagated, ['0:PERSIST k']);
  assert.equal(await c2.callRaw('PERSIST'), "-ERR wrong number of arguments for 'persist' command\r\n");
});

test('NX, XX, GT, LT', async () => {
  await c2.call('SET', 'k', 'v');
  // No TTL yet: XX and GT fail, LT and NX succeed (no TTL counts as infinite).
  assert.equal(await c2.callRaw('EXPIRE', 'k', '100', 'XX'), ':0\r\n');
  assert.equal(await c2.callRaw('EXPIRE', 'k', '100', 'GT'), ':0\r\n');
  assert.equal(await c2.callRaw('EXPIRE', 'k', '100', 'xx', 'gt'), ':0\r\n');
  assert.equal(await c2.callRaw('EXPIRE', 'k', '100', 'LT'), ':1\r\n');
  assert.equal(await c2.callRaw('TTL', 'k'), ':100\r\n');
  assert.equal(await c2.callRaw('EXPIRE', 'k', '50', 'NX'), ':0\r\n');
  assert.equal(await c2.callRaw('EXPIRE', 'k', '50', 'GT'), ':0\r\n');
  assert.equal(await c2.callRaw('EXPIRE', 'k', '99', 'GT'), ':0\r\n');
  assert.equal(await c2.callRaw('EXPIRE', 'k', '200', 'GT'), ':1\r\n');
  assert.equal(await c2.callRaw('EXPIRE', 'k', '300', 'LT'), ':0\r\n');
  assert.equal(await c2.callRaw('EXPIRE', 'k', '20', 'LT'), ':1\r\n');
  assert.equal(await c2.callRaw('EXPIRE', 'k', '30', 'XX', 'GT'), ':1\r\n');
  assert.equal(await c2.callRaw('TTL', 'k'), ':30\r\n');
  await c2.call('PERSIST', 'k');
  assert.equal(await c2.callRaw('EXPIRE', 'k', '30', 'NX', 'nx'), ':1\r\n');
});

test('option and number errors, in Redis order', async () => {
  await c2.call('SET', 'k', 'v');
  const nxErr = '-ERR NX and XX, GT or LT options at the same time are not compatible\r\n';
  assert.equal(await c2.callRaw('EXPIRE', 'k', '100', 'NX', 'XX'), nxErr);
  assert.equal(await c2.callRaw('EXPIRE', 'k', '100', 'NX', 'GT'), nxErr);
  assert.equal(await c2.callRaw('PEXPIRE', 'k', '100', 'lt', 'nx'), nxErr);
  assert.equal(await c2.callRaw('EXPIREAT', 'k', '100', 'GT', 'LT'), '-ERR GT and LT options at the same time are not compatible\r\n');
  assert.equal(await c2.callRaw('EXPIRE', 'k', '100', 'foo'), '-ERR Unsupported option foo\r\n');
  assert.equal(await c2.callRaw('EXPIRE', 'k', '100', 'nx', 'Bar'), '-ERR Unsupported option Bar\r\n');
  // Options are checked before the number.
  assert.equal(await c2.callRaw('EXPIRE', 'k', 'abc', 'foo'), '-ERR Unsupported option foo\r\n');
  for (const bad of ['abc', '1.5', '', ' 1', '+1', '01']) {
    assert.equal(await c2.callRaw('EXPIRE', 'k', bad), '-ERR value is not an integer or out of range\r\n', bad);
  }
  // Even for a missing key, the number is checked first.
  assert.equal(await c2.callRaw('EXPIRE', 'nokey', 'abc'), '-ERR value is not an integer or out of range\r\n');
  assert.equal(await c2.callRaw('EXPIRE', 'k', '9223372036854775807'), "-ERR invalid expire time in 'expire' command\r\n");
  assert.equal(await c2.callRaw('EXPIRE', 'k', '9223372036854775'), "-ERR invalid expire time in 'expire' command\r\n");
  assert.equal(await c2.callRaw('EXPIRE', 'k', '-9223372036854776'), "-ERR invalid expire time in 'expire' command\r\n");
  assert.equal(await c2.callRaw('PEXPIRE', 'k', '9223372036854775807'), "-ERR invalid expire time in 'pexpire' command\r\n");
  assert.equal(await c2.callRaw('EXPIREAT', 'k', '9223372036854776'), "-ERR invalid expire time in 'expireat' command\r\n");
  assert.equal(await c2.callRaw('EXPIRE', 'k'), "-ERR wrong number of arguments for 'expire' command\r\n");
  assert.equal(await c2.call('TTL', 'k'), -1);
  assert.deepEqual(srv.propagated, ['0:SET k v']);
});

test('propagation: relative and second forms become PEXPIREAT with the options kept', async () => {
  await c2.call('SET', 'k', 'v');
  srv.clearPropagated();
  const before = Date.now();
  await c2.call('EXPIRE', 'k', '100');
  await c2.call('PEXPIRE', 'k', '50000', 'lt');
  await c2.call('EXPIREAT', 'k', '4102444800', 'GT');
  await c2.call('pexpireat', 'k', '4102444800123', 'XX', 'GT');
  const after = Date.now();
  const ops = srv.propagated.map((op) => op.split(' '));
  assert.equal(ops.length, 4);
  assert.deepEqual([ops[0]![0], ops[0]![1], ops[0]!.length], ['0:PEXPIREAT', 'k', 3]);
  const t0 = Number(ops[0]![2]);
  assert.ok(t0 >= before + 100000 && t0 <= after + 100000, `${t0}`);
  assert.deepEqual([ops[1]![0], ops[1]![1], ops[1]![3]], ['0:PEXPIREAT', 'k', 'lt']);
  const t1 = Number(ops[1]![2]);
  assert.ok(t1 >= before + 50000 && t1 <= after + 50000, `${t1}`);
  assert.deepEqual(srv.propagated.slice(2), ['0:PEXPIREAT k 4102444800000 GT', '0:pexpireat k 4102444800123 XX GT']);
  // Conditions that fail change nothing and log nothing.
  srv.clearPropagated();
  await c2.call('EXPIRE', 'k', '10', 'GT');
  await c2.call('EXPIRE', 'k', '10', 'NX');
  await c2.call('EXPIRE', 'nokey', '10');
  assert.deepEqual(srv.propagated, []);
});

test('a time already past deletes the key, replies 1, propagates DEL', async () => {
  const cases: string[][] = [
    ['EXPIRE', 'k', '-1'],
    ['EXPIRE', 'k', '0'],
    ['PEXPIRE', 'k', '0'],
    ['EXPIREAT', 'k', '1'],
    ['PEXPIREAT', 'k', '1000'],
    ['EXPIRE', 'k', '-9223372036854775'],
    ['EXPIRE', 'k', '-5', 'LT'],
  ];
  for (const argv of cases) {
    await c2.call('SET', 'k', 'v');
    srv.clearPropagated();
    assert.equal(await c2.callRaw(...argv), ':1\r\n', argv.join(' '));
    assert.equal(await c2.call('EXISTS', 'k'), 0);
    assert.deepEqual(srv.propagated, ['0:DEL k'], argv.join(' '));
  }
});

test('while loading, a past expiry is kept (no DEL) and the key expires once loading ends', async () => {
  const server = srv.server;
  await c2.call('SET', 'k', 'v');
  srv.clearPropagated();
  const loader = server.createInternalClient();
  const run = (...argv: string[]) => {
    loader.argv = argv;
    const cmd = resolveCommand(server, loader, argv)!;
    call(server, loader, cmd);
  };
  server.keyspace.loading = true;
  try {
    run('PEXPIREAT', 'k', '1000');
    run('EXPIRE', 'k', '-10');
    assert.equal(server.keyspace.dbs[0]!.peekEntry('k')?.value, 'v');
    assert.ok(server.keyspace.dbs[0]!.peekEntry('k')!.expireAt < Date.now());
  } finally {
    server.keyspace.loading = false;
  }
  assert.deepEqual(srv.propagated, []);
  assert.equal(await c2.call('EXISTS', 'k'), 0);
  assert.deepEqual(srv.propagated, ['0:DEL k']);
});

test('EXPIRE on a lazily expired key: 0, and only the expiry DEL is logged', async () => {
  srv.server.expireCycle.enabled = false;
  await c2.call('SET', 'k', 'v', 'PX', '1');
  await sleep(5);
  srv.clearPropagated();
  assert.equal(await c2.callRaw('EXPIRE', 'k', '100'), ':0\r\n');
  assert.equal(await c2.callRaw('TTL', 'k'), ':-2\r\n');
  assert.deepEqual(srv.propagated, ['0:DEL k']);
});

test('SET without KEEPTTL clears a TTL; TTL counts down', async () => {
  await c2.call('SET', 'k', 'v', 'PX', '1200');
  assert.equal(await c2.call('TTL', 'k'), 1);
  await c2.call('SET', 'k', 'w');
  assert.equal(await c2.call('TTL', 'k'), -1);
  await c2.call('SET', 'k', 'v', 'PX', '2000');
  await sleep(120);
  const pttl = (await c2.call('PTTL', 'k')) as number;
  assert.ok(pttl > 0 && pttl <= 1880, `pttl ${pttl}`);
});

/** Fills dbs 0..2 with `n` keys each that expire in `ttlMs`, plus one persistent key per db. */
async function fillVolatile(c: RespClient, n: number, ttlMs: number): Promise<void> {
  let sent = 0;
  for (let db = 0; db < 3; db++) {
    c.send('SELECT', String(db));
    for (let i = 0; i < n; i++) c.send('SET', `v${i}`, 'x', 'PX', String(ttlMs));
    c.send('SET', 'keep', 'x');
    sent += n + 2;
  }
  for (let i = 0; i < sent; i++) await c.read();
}

test('the active cycle removes expired keys nobody reads, and logs a DEL for each', async () => {
  const fast = await startTestServer({ hz: 100 });
  try {
    const c = await fast.client();
    const ks = fast.server.keyspace;
    fast.clearPropagated();
    await fillVolatile(c, 300, 100);
    const start = Date.now();
    await waitFor(() => ks.totalKeys === 3, 3000, 'active expiry');
    // TTL 100 ms, then at most a few cron periods of 10 ms.
    assert.ok(Date.now() - start < 1000, `took ${Date.now() - start} ms`);
    assert.equal(ks.stats.expiredKeys, 900);
    const dels = fast.propagated.filter((op) => /^\d:DEL v\d+$/.test(op));
    assert.equal(dels.length, 900);
    assert.deepEqual(new Set(dels.map((op) => op.split(':')[0])), new Set(['0', '1', '2']));
    assert.equal(await c.call('DBSIZE'), 1);
  } finally {
    await fast.stop();
  }
});

test(
  'the active cycle logs each expired key as a bare DEL, never wrapped in MULTI/EXEC',
  async () => {
    const fast = await startTestServer({ hz: 100 });
    try {
      const c = await fast.client();
      await fillVolatile(c, 50, 30);
      await waitFor(() => fast.server.keyspace.totalKeys === 3, 3000, 'active expiry');
      const ops = fast.propagated.filter((op) => !/:(SELECT|SET) /.test(op));
      assert.equal(ops.length, 150);
      assert.ok(ops.every((op) => /^\d:DEL v\d+$/.test(op)), ops.slice(0, 5).join(', '));
    } finally {
      await fast.stop();
    }
  },
);

// ---- command table ----------------------------------------------------------------------

/** From a real redis-server 7.0.15: COMMAND INFO (arity, flags, first/last/step, ACL
 *  categories) and COMMAND DOCS (since, group, summary, complexity). */
const REDIS_SPECS: Record<string, [number, string, string, string, string, string, string, string]> = {
  'expire': [-3, 'write fast', '1 1 1', '@keyspace @write @fast', '1.0.0', 'generic', "Set a key's time to live in seconds", 'O(1)'],
  'pexpire': [-3, 'write fast', '1 1 1', '@keyspace @write @fast', '2.6.0', 'generic', "Set a key's time to live in milliseconds", 'O(1)'],
  'expireat': [-3, 'write fast', '1 1 1', '@keyspace @write @fast', '1.2.0', 'generic', 'Set the expiration for a key as a UNIX timestamp', 'O(1)'],
  'pexpireat': [-3, 'write fast', '1 1 1', '@keyspace @write @fast', '2.6.0', 'generic', 'Set the expiration for a key as a UNIX timestamp specified in milliseconds', 'O(1)'],
  'ttl': [2, 'readonly fast', '1 1 1', '@keyspace @read @fast', '1.0.0', 'generic', 'Get the time to live for a key in seconds', 'O(1)'],
  'pttl': [2, 'readonly fast', '1 1 1', '@keyspace @read @fast', '2.6.0', 'generic', 'Get the time to live for a key in milliseconds', 'O(1)'],
  'expiretime': [2, 'readonly fast', '1 1 1', '@keyspace @read @fast', '7.0.0', 'generic', 'Get the expiration Unix timestamp for a key', 'O(1)'],
  'pexpiretime': [2, 'readonly fast', '1 1 1', '@keyspace @read @fast', '7.0.0', 'generic', 'Get the expiration Unix timestamp for a key in milliseconds', 'O(1)'],
  'persist': [2, 'write fast', '1 1 1', '@keyspace @write @fast', '2.2.0', 'generic', 'Remove the expiration from a key', 'O(1)'],
};

test('command table entries match Redis 7.0.15', () => {
  const byName = new Map<string, Command>();
  for (const spec of expireCommands) {
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
  assert.equal(byName.size, Object.keys(REDIS_SPECS).length);
});
