import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import type { CollectionValue } from '../../src/keyspace/types.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv.stop();
});

const ZEROS = '0'.repeat(40);

/** A server for a test that needs a dataset of its own; stopped by the test. */
async function withServer<T>(f: (s: TestServer) => Promise<T>): Promise<T> {
  const s = await startTestServer();
  try {
    return await f(s);
  } finally {
    await s.stop();
  }
}

// Minimal collections implementing the digest hooks (the real list/set/hash/zset classes
// come with their families and expose the same methods).
class TestList implements CollectionValue {
  readonly type = 'list';
  constructor(private readonly xs: string[]) {}
  items(): Iterable<string> {
    return this.xs;
  }
  clone(): TestList {
    return new TestList([...this.xs]);
  }
}
class TestSet implements CollectionValue {
  readonly type = 'set';
  constructor(private readonly xs: string[]) {}
  members(): Iterable<string> {
    return this.xs;
  }
  clone(): TestSet {
    return new TestSet([...this.xs]);
  }
}
class TestHash implements CollectionValue {
  readonly type = 'hash';
  constructor(private readonly m: Map<string, string>) {}
  entries(): Iterable<[string, string]> {
    return this.m.entries();
  }
  clone(): TestHash {
    return new TestHash(new Map(this.m));
  }
}
class TestZset implements CollectionValue {
  readonly type = 'zset';
  constructor(private readonly m: Map<string, number>) {}
  entries(): Iterable<[string, number]> {
    return this.m.entries();
  }
  clone(): TestZset {
    return new TestZset(new Map(this.m));
  }
}
class Opaque implements CollectionValue {
  readonly type = 'list';
  clone(): Opaque {
    return new Opaque();
  }
}

test('DEBUG DIGEST: 40 zeros for an empty dataset; the digest a real Redis 7.0 prints for the same strings', async () => {
  await withServer(async (s) => {
    const c = await s.client();
    assert.equal(await c.callRaw('DEBUG', 'DIGEST'), `+${ZEROS}\r\n`);
    await c.call('SET', 'k1', '100');
    await c.call('SET', 'k2', 'hello');
    await c.call('SET', 'k3', '100000');
    await c.call('SET', 'k4', 'a'.repeat(50));
    // Redis 7.0.15 with exactly these four keys: DEBUG DIGEST.
    assert.equal(await c.callRaw('DEBUG', 'DIGEST'), '+f3b15458e695dc0e4fb0afde5283bc37c37e3978\r\n');
    assert.equal(
      await c.callRaw('DEBUG', 'DIGEST-VALUE', 'k1', 'k2', 'nokey'),
      `*3\r\n+3d41d4c94e50ef4c4d595fea543c6a374ebed1e9\r\n+36b23a1456b2dce2c3ed252c456761301dba8060\r\n+${ZEROS}\r\n`,
    );
    assert.equal(await c.callRaw('DEBUG', 'DIGEST-VALUE'), '*0\r\n');
  });
});

test('DEBUG DIGEST of every type, a TTL and a second database matches Redis 7.0', async () => {
  await withServer(async (s) => {
    const c = await s.client();
    const [db0, db1] = s.server.keyspace.dbs;
    // In Redis: SET s1 hello; RPUSH l x 1 y; SADD s 1 2 3; HSET h f v g 10;
    // ZADD z 0.1 a 1.5 b 3 c -inf m; SET e v PX 100000; SELECT 1; SET k1 x.
    await c.call('SET', 's1', 'hello');
    db0!.add('l', new TestList(['x', '1', 'y']));
    db0!.add('s', new TestSet(['3', '1', '2']));
    db0!.add('h', new TestHash(new Map([['g', '10'], ['f', 'v']])));
    db0!.add('z', new TestZset(new Map([['c', 3], ['m', -Infinity], ['a', 0.1], ['b', 1.5]])));
    await c.call('SET', 'e', 'v', 'PX', '100000');
    db1!.add('k1', 'x');
    assert.equal(await c.callRaw('DEBUG', 'DIGEST'), '+b7c9ed7ef2665ed9a71e6a7bd08a1a90fd34fe64\r\n');
    // Per value, as Redis 7.0.15 printed them (no key name mixed in, the TTL is).
    assert.deepEqual(await c.call('DEBUG', 'DIGEST-VALUE', 'l', 's', 'h', 'z', 'e'), [
      '0a8537b15c96cc03210709fbc823af180b7bff96',
      '2a462a3f51a1db89738ebbeef0c47ce1bbc85246',
      'b78da3e453d3406f300e52821aa4b19724cfdb53',
      '35f32c0734c659067feef42c06a72eb0ee7db381',
      '311b17018163335616e089f6b951c82c477335ac',
    ]);
    // A value class without the digest hook is refused rather than digested wrongly.
    db1!.add('opaque', new Opaque());
    assert.equal(await c.callRaw('DEBUG', 'DIGEST'), "-ERR DEBUG DIGEST does not support values of type 'list' yet\r\n");
  });
});

test('DEBUG DIGEST is stable, order-independent, and changes with the data', async () => {
  await withServer(async (a) =>
    withServer(async (b) => {
      const ca = await a.client();
      const cb = await b.client();
      const keys = Array.from({ length: 50 }, (_, i) => `key:${i}`);
      for (const k of keys) await ca.call('SET', k, `v-${k}`);
      for (const k of [...keys].reverse()) await cb.call('SET', k, `v-${k}`);
      const da = await ca.call('DEBUG', 'DIGEST');
      assert.match(da as string, /^[0-9a-f]{40}$/);
      assert.notEqual(da, ZEROS);
      assert.equal(await ca.call('DEBUG', 'DIGEST'), da);
      assert.equal(await cb.call('DEBUG', 'DIGEST'), da);

      await cb.call('SET', 'key:7', 'changed');
      const changed = await cb.call('DEBUG', 'DIGEST');
      assert.notEqual(changed, da);
      await cb.call('SET', 'key:7', 'v-key:7');
      assert.equal(await cb.call('DEBUG', 'DIGEST'), da);

      await cb.call('EXPIRE', 'key:7', '1000');
      assert.notEqual(await cb.call('DEBUG', 'DIGEST'), da);
      await cb.call('PERSIST', 'key:7');
      assert.equal(await cb.call('DEBUG', 'DIGEST'), da);

      // The same key in another database is a different dataset.
      await cb.call('MOVE', 'key:7', '3');
      const moved = await cb.call('DEBUG', 'DIGEST');
      assert.notEqual(moved, da);
      assert.notEqual(moved, changed);
    }),
  );
});

test('DEBUG SET-ACTIVE-EXPIRE 0 leaves expired keys resident; 1 lets the cycle remove them', async () => {
  await withServer(async (s) => {
    const c = await s.client();
    const db = s.server.keyspace.dbs[0]!;
    assert.equal(await c.callRaw('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), '+OK\r\n');
    assert.equal(s.server.expireCycle.enabled, false);
    await c.call('SET', 'gone', 'v', 'PX', '20');
    await c.call('SET', 'kept', 'v');
    // Several cron periods (hz 10) pass without anything reading the key.
    await new Promise((r) => setTimeout(r, 350));
    assert.equal(db.size, 2);
    assert.equal(await c.callRaw('DEBUG', 'SET-ACTIVE-EXPIRE', '1'), '+OK\r\n');
    assert.equal(s.server.expireCycle.enabled, true);
    await waitFor(() => db.size === 1, 3000, 'the active expiry cycle');
    assert.equal(db.peekEntry('gone'), undefined);
    // atoi semantics: anything that is not a non-zero number disables.
    await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', 'x');
    assert.equal(s.server.expireCycle.enabled, false);
    await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '2abc');
    assert.equal(s.server.expireCycle.enabled, true);
  });
});

test('DEBUG SLEEP blocks the server for the given seconds', async () => {
  const c = await srv.client();
  assert.equal(await c.callRaw('DEBUG', 'SLEEP', '0'), '+OK\r\n');
  assert.equal(await c.callRaw('DEBUG', 'SLEEP', 'abc'), '+OK\r\n');
  const t0 = performance.now();
  assert.equal(await c.callRaw('DEBUG', 'SLEEP', '0.1'), '+OK\r\n');
  assert.ok(performance.now() - t0 >= 95, 'slept about 100 ms');
});

test('DEBUG OBJECT prints what Redis 7.0 prints for strings', async () => {
  const c = await srv.client();
  const line = (enc: string, len: number, rc = 1) =>
    new RegExp(`^Value at:0x[0-9a-f]+ refcount:${rc} encoding:${enc} serializedlength:${len} lru:\\d+ lru_seconds_idle:\\d+$`);
  // Expected encodings and serialized lengths observed on Redis 7.0.15 for the same values.
  const cases: [string, string, number, number?][] = [
    ['100', 'int', 2, 2147483647],
    ['hello', 'embstr', 6],
    ['100000', 'int', 5],
    ['-12345678901', 'int', 13],
    ['123456789012345678901', 'embstr', 22],
    ['3.5', 'embstr', 4],
    ['a'.repeat(50), 'raw', 12],
    ['The quick brown fox jumps over the lazy dog. The quick brown fox jumps over the lazy dog again!', 'raw', 64],
  ];
  for (const [i, [value, enc, len, rc]] of cases.entries()) {
    await c.call('SET', `dbgobj:${i}`, value);
    assert.match((await c.call('DEBUG', 'OBJECT', `dbgobj:${i}`)) as string, line(enc, len, rc), value);
  }
  assert.equal(await c.callRaw('DEBUG', 'OBJECT', 'dbgobj:none'), '-ERR no such key\r\n');
  // Idle time comes from the last access.
  const e = srv.server.keyspace.dbs[0]!.peekEntry('dbgobj:1')!;
  e.access -= 5000;
  assert.match((await c.call('DEBUG', 'OBJECT', 'dbgobj:1')) as string, / lru_seconds_idle:(5|6)$/);
});

test('DEBUG PROTOCOL replies exactly as Redis 7.0 in RESP2 and RESP3', async () => {
  const c2 = await srv.client();
  const c3 = await srv.client();
  await c3.call('HELLO', '3');
  const expected: Record<string, [string, string]> = {
    string: ['$11\r\nHello World\r\n', '$11\r\nHello World\r\n'],
    integer: [':12345\r\n', ':12345\r\n'],
    double: ['$5\r\n3.141\r\n', ',3.141\r\n'],
    bignum: ['$37\r\n1234567999999999999999999999999999999\r\n', '(1234567999999999999999999999999999999\r\n'],
    null: ['$-1\r\n', '_\r\n'],
    array: ['*3\r\n:0\r\n:1\r\n:2\r\n', '*3\r\n:0\r\n:1\r\n:2\r\n'],
    set: ['*3\r\n:0\r\n:1\r\n:2\r\n', '~3\r\n:0\r\n:1\r\n:2\r\n'],
    map: ['*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n', '%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n'],
    attrib: [
      '$39\r\nSome real reply following the attribute\r\n',
      '|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$39\r\nSome real reply following the attribute\r\n',
    ],
    verbatim: ['$25\r\nThis is a verbatim\nstring\r\n', '=29\r\ntxt:This is a verbatim\nstring\r\n'],
    TRUE: [':1\r\n', '#t\r\n'],
    false: [':0\r\n', '#f\r\n'],
  };
  for (const [type, [r2, r3]] of Object.entries(expected)) {
    assert.equal(await c2.callRaw('DEBUG', 'PROTOCOL', type), r2, type);
    assert.equal(await c3.callRaw('DEBUG', 'PROTOCOL', type), r3, type);
  }
  assert.equal(await c2.callRaw('DEBUG', 'PROTOCOL', 'push'), '-ERR RESP2 is not supported by this command\r\n');
  assert.equal(await c3.callRaw('DEBUG', 'PROTOCOL', 'push'), '>2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n');
  assert.equal(await c3.readRaw(), '$40\r\nSome real reply following the push reply\r\n');
  assert.equal(
    await c2.callRaw('DEBUG', 'PROTOCOL', 'x'),
    '-ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false\r\n',
  );
});

test('DEBUG POPULATE, ERROR, LOG, HELP and the errors of DEBUG', async () => {
  await withServer(async (s) => {
    const c = await s.client();
    s.clearPropagated();
    assert.equal(await c.callRaw('DEBUG', 'POPULATE', '3'), '+OK\r\n');
    assert.deepEqual(await c.call('MGET', 'key:0', 'key:1', 'key:2', 'key:3'), ['value:0', 'value:1', 'value:2', null]);
    await c.call('SET', 'pre:1', 'keep');
    assert.equal(await c.callRaw('DEBUG', 'POPULATE', '2', 'pre', '10'), '+OK\r\n');
    assert.deepEqual(await c.call('MGET', 'pre:0', 'pre:1'), ['value:0\0\0\0', 'keep']);
    await c.call('DEBUG', 'POPULATE', '1', 'short', '3');
    assert.equal(await c.call('GET', 'short:0'), 'val');
    // As in Redis, populated keys are not propagated.
    assert.deepEqual(s.propagated, ['0:SET pre:1 keep']);
    assert.equal(await c.callRaw('DEBUG', 'POPULATE', '-1'), '-ERR value is out of range, must be positive\r\n');
    assert.equal(await c.callRaw('DEBUG', 'POPULATE', 'x'), '-ERR value is out of range, must be positive\r\n');

    // DEBUG ERROR sends the text as an error reply, verbatim.
    assert.equal(await c.callRaw('DEBUG', 'ERROR', 'foo bar'), '-foo bar\r\n');
    assert.equal(await c.callRaw('DEBUG', 'ERROR', 'MYERR line\r\nbreak'), '-MYERR line  break\r\n');
    assert.equal(await c.callRaw('DEBUG', 'LOG', 'hello'), '+OK\r\n');

    const help = (await c.call('DEBUG', 'HELP')) as string[];
    assert.equal(help[0], 'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.deepEqual(help.slice(-2), ['HELP', '    Prints this help.']);
    for (const sub of ['DIGEST', 'DIGEST-VALUE', 'OBJECT', 'SLEEP', 'SET-ACTIVE-EXPIRE', 'POPULATE', 'PROTOCOL']) {
      assert.ok(help.some((l) => l.startsWith(`${sub} `) || l === sub), sub);
    }

    const unknown = (name: string) => `-ERR unknown subcommand or wrong number of arguments for '${name}'. Try DEBUG HELP.\r\n`;
    assert.equal(await c.callRaw('DEBUG', 'foo'), unknown('foo'));
    assert.equal(await c.callRaw('DEBUG', 'object'), unknown('object'));
    assert.equal(await c.callRaw('DEBUG', 'Digest', 'x'), unknown('Digest'));
    assert.equal(await c.callRaw('DEBUG', 'help', 'x'), unknown('help'));
    assert.equal(await c.callRaw('DEBUG'), "-ERR wrong number of arguments for 'debug' command\r\n");
  });
});

test('DEBUG is refused unless enable-debug-command allows it (Redis 7.0 default: no)', async () => {
  const plain = await startTestServer({ 'enable-debug-command': 'no' });
  const local = await startTestServer({ 'enable-debug-command': 'local' });
  try {
    const c = await plain.client();
    assert.equal(
      await c.callRaw('DEBUG', 'SLEEP', '0'),
      '-ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n',
    );
    // A loopback connection counts as local.
    const l = await local.client();
    assert.equal(await l.callRaw('DEBUG', 'SLEEP', '0'), '+OK\r\n');
  } finally {
    await plain.stop();
    await local.stop();
  }
});
