// Set commands over TCP: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SMOVE SSCAN SPOP
// SRANDMEMBER — replies as exact bytes in RESP2 and RESP3, error texts, encodings (OBJECT
// ENCODING, DEBUG OBJECT, DEBUG DIGEST-VALUE), propagation, random shapes and distribution.
// The set algebra is in sets-algebra.test.ts. Expected bytes, digests, serialized lengths and
// propagated forms were taken from a real redis-server 7.0.15.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { RespClient } from '../helpers/resp-client.js';

let srv: TestServer;
let c: RespClient; // RESP2
let c3: RespClient; // RESP3
before(async () => {
  srv = await startTestServer();
  c = await srv.client();
  c3 = await srv.client();
  await c3.call('HELLO', '3');
});
after(async () => {
  await srv.stop();
});

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';
const NOT_INT = '-ERR value is not an integer or out of range\r\n';
const SYNTAX = '-ERR syntax error\r\n';

async function both(args: (string | number)[], resp2: string, resp3 = resp2): Promise<void> {
  assert.equal(await c.callRaw(...args), resp2, `RESP2 ${args.join(' ')}`);
  assert.equal(await c3.callRaw(...args), resp3, `RESP3 ${args.join(' ')}`);
}

async function propagatedBy(body: () => Promise<unknown>): Promise<string[]> {
  srv.clearPropagated();
  await body();
  return [...srv.propagated];
}

function bulks(items: string[]): string {
  return items.map((s) => `$${s.length}\r\n${s}\r\n`).join('');
}

test('SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD: replies in both protocols', async () => {
  await c.call('DEL', 's');
  assert.equal(await c.callRaw('SADD', 's', '3', '1', '2', '1'), ':3\r\n');
  assert.equal(await c.callRaw('SADD', 's', '2'), ':0\r\n');
  // An intset replies in ascending order.
  await both(['SMEMBERS', 's'], '*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n', '~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
  await both(['SMEMBERS', 'nokey'], '*0\r\n', '~0\r\n');
  await both(['SISMEMBER', 's', '1'], ':1\r\n');
  await both(['SISMEMBER', 's', 'nope'], ':0\r\n');
  await both(['SISMEMBER', 'nokey', 'a'], ':0\r\n');
  await both(['SMISMEMBER', 's', '1', '9', '3'], '*3\r\n:1\r\n:0\r\n:1\r\n');
  await both(['SMISMEMBER', 'nokey', 'a', 'b'], '*2\r\n:0\r\n:0\r\n');
  await both(['SCARD', 's'], ':3\r\n');
  await both(['SCARD', 'nokey'], ':0\r\n');
  assert.equal(await c.callRaw('SREM', 's', '1', 'nope', '1'), ':1\r\n');
  assert.equal(await c.callRaw('SREM', 'nokey', 'a'), ':0\r\n');
  assert.equal(await c.callRaw('SREM', 's', '2', '3', '4'), ':2\r\n');
  assert.equal(await c.call('EXISTS', 's'), 0);
});

test('binary members; a hashtable set replies in insertion order (Redis: in its dict order)', async () => {
  await c.call('DEL', 'b');
  const members = ['\x00\xff', '\r\n', '', 'zeta', '12'];
  assert.equal(await c.call('SADD', 'b', ...members), 5);
  assert.equal(await c.callRaw('SMEMBERS', 'b'), `*5\r\n${bulks(members)}`);
  assert.equal(await c3.callRaw('SMEMBERS', 'b'), `~5\r\n${bulks(members)}`);
  assert.equal(await c.call('SISMEMBER', 'b', '\x00\xff'), 1);
  assert.equal(await c.call('SISMEMBER', 'b', '\x00'), 0);
});

test('arity and WRONGTYPE errors', async () => {
  for (const [cmd, n] of [
    ['sadd', 2],
    ['srem', 2],
    ['smove', 3],
    ['sismember', 2],
    ['smismember', 2],
    ['spop', 1],
    ['srandmember', 1],
    ['sinter', 1],
    ['sinterstore', 2],
    ['sintercard', 2],
    ['sscan', 2],
    ['scard', 3],
  ] as const) {
    const args = ['s', 'a', 'b'].slice(0, n - 1);
    assert.equal(await c.callRaw(cmd, ...args), `-ERR wrong number of arguments for '${cmd}' command\r\n`, `${cmd} ${n}`);
  }
  await c.call('SET', 'str', 'x');
  await c.call('SADD', 'x', '1');
  for (const args of [
    ['SADD', 'str', 'a'],
    ['SREM', 'str', 'a'],
    ['SMEMBERS', 'str'],
    ['SISMEMBER', 'str', 'a'],
    ['SMISMEMBER', 'str', 'a'],
    ['SCARD', 'str'],
    ['SMOVE', 'str', 'x', 'a'],
    ['SMOVE', 'x', 'str', '1'],
    ['SPOP', 'str'],
    ['SPOP', 'str', '1'],
    ['SPOP', 'str', '0'],
    ['SRANDMEMBER', 'str'],
    ['SRANDMEMBER', 'str', '1'],
    ['SRANDMEMBER', 'str', '0'],
    ['SSCAN', 'str', '0'],
  ]) {
    assert.equal(await c.callRaw(...args), WRONGTYPE, args.join(' '));
  }
  // The source must exist for the destination's type to matter.
  assert.equal(await c.callRaw('SMOVE', 'nokey', 'str', '1'), ':0\r\n');
  assert.equal(await c.call('SISMEMBER', 'x', '1'), 1);
});

test('SMOVE: moves, creates, deletes an emptied source, same key', async () => {
  await c.call('DEL', 'a', 'b', 'c');
  await c.call('SADD', 'a', '1', 'x');
  assert.equal(await c.callRaw('SMOVE', 'a', 'a', '1'), ':1\r\n');
  assert.equal(await c.callRaw('SMOVE', 'a', 'a', '9'), ':0\r\n');
  assert.equal(await c.callRaw('SMOVE', 'a', 'b', '9'), ':0\r\n');
  assert.equal(await c.call('EXISTS', 'b'), 0);
  assert.equal(await c.callRaw('SMOVE', 'a', 'b', '1'), ':1\r\n');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'b'), 'intset');
  await c.call('SADD', 'c', 'x');
  assert.equal(await c.callRaw('SMOVE', 'a', 'c', 'x'), ':1\r\n');
  assert.equal(await c.call('EXISTS', 'a'), 0);
  assert.deepEqual(await c.call('SMEMBERS', 'c'), ['x']);
  assert.equal(await c.callRaw('SMOVE', 'nokey', 'c', 'x'), ':0\r\n');
});

test('SPOP: shapes, counts, errors; the key goes with its last member', async () => {
  await c.call('DEL', 's');
  await both(['SPOP', 'nokey'], '$-1\r\n', '_\r\n');
  await both(['SPOP', 'nokey', '2'], '*0\r\n', '~0\r\n');
  await c.call('SADD', 's', '3', '1', '2');
  await both(['SPOP', 's', '0'], '*0\r\n', '~0\r\n');
  const NOT_POSITIVE = '-ERR value is out of range, must be positive\r\n';
  await both(['SPOP', 's', '-1'], NOT_POSITIVE);
  await both(['SPOP', 's', 'x'], NOT_POSITIVE);
  await both(['SPOP', 'nokey', 'x'], NOT_POSITIVE);
  await both(['SPOP', 's', '1', '2'], SYNTAX);
  const one = (await c3.call('SPOP', 's', '1')) as string[];
  assert.equal(one.length, 1);
  const left = ['1', '2', '3'].filter((m) => m !== one[0]);
  // The whole set, in intset (ascending) order.
  assert.equal(await c3.callRaw('SPOP', 's', '9223372036854775807'), `~2\r\n${bulks(left)}`);
  assert.equal(await c.call('EXISTS', 's'), 0);
  await c.call('SADD', 's', 'only');
  assert.equal(await c.callRaw('SPOP', 's'), '$4\r\nonly\r\n');
  assert.equal(await c.call('EXISTS', 's'), 0);
});

test('SPOP with a count: distinct members, both strategies, the rest stays', async () => {
  const members = Array.from({ length: 60 }, (_, i) => `m${i}`);
  for (const count of [1, 5, 49, 50, 59]) {
    await c.call('DEL', 's');
    await c.call('SADD', 's', ...members);
    const popped = (await c.call('SPOP', 's', count)) as string[];
    assert.equal(popped.length, count);
    assert.equal(new Set(popped).size, count);
    const rest = (await c.call('SMEMBERS', 's')) as string[];
    assert.equal(rest.length, 60 - count);
    assert.deepEqual([...popped, ...rest].sort(), [...members].sort());
  }
  // Rebuilding from the kept members decides their encoding afresh: integers make an intset.
  let sawIntset = false;
  for (let i = 0; i < 40 && !sawIntset; i++) {
    await c.call('DEL', 'n');
    await c.call('SADD', 'n', '10', '11', '12', '13', '14', '15', 'a', 'b');
    await c.call('SPOP', 'n', '7');
    const [last] = (await c.call('SMEMBERS', 'n')) as string[];
    const enc = await c.call('OBJECT', 'ENCODING', 'n');
    assert.equal(enc, last === 'a' || last === 'b' ? 'hashtable' : 'intset');
    sawIntset = enc === 'intset';
  }
  assert.ok(sawIntset);
});

test('SPOP drains uniformly (loosely)', async () => {
  const counts = new Map<string, number>();
  for (let round = 0; round < 400; round++) {
    await c.call('SADD', 'u', 'a', 'b', 'c', 'd');
    const first = (await c.call('SPOP', 'u')) as string;
    counts.set(first, (counts.get(first) ?? 0) + 1);
    await c.call('DEL', 'u');
  }
  assert.equal(counts.size, 4);
  for (const n of counts.values()) assert.ok(n > 50 && n < 160, `count ${n}`);
});

test('SRANDMEMBER: shapes (arrays even in RESP3), counts, errors, distribution', async () => {
  await c.call('DEL', 's');
  await both(['SRANDMEMBER', 'nokey'], '$-1\r\n', '_\r\n');
  await both(['SRANDMEMBER', 'nokey', '5'], '*0\r\n');
  await c.call('SADD', 's', '3', '1', '2');
  await both(['SRANDMEMBER', 's', '5'], '*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
  await both(['SRANDMEMBER', 's', '0'], '*0\r\n');
  await both(['SRANDMEMBER', 's', '9223372036854775807'], '*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
  await both(
    ['SRANDMEMBER', 'nokey', '-9223372036854775808'],
    '-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n',
  );
  await both(['SRANDMEMBER', 'nokey', 'x'], NOT_INT);
  await both(['SRANDMEMBER', 's', '9223372036854775808'], NOT_INT);
  await both(['SRANDMEMBER', 's', '1', '2'], SYNTAX);
  const dup = (await c3.call('SRANDMEMBER', 's', '-20')) as string[];
  assert.equal(dup.length, 20);
  assert.ok(dup.every((m) => ['1', '2', '3'].includes(m)));

  const members = Array.from({ length: 40 }, (_, i) => `m${i}`);
  await c.call('DEL', 'r');
  await c.call('SADD', 'r', ...members);
  const drawn = new Set<string>();
  for (const count of [2, 13, 14, 39]) {
    for (let i = 0; i < 30; i++) {
      const got = (await c.call('SRANDMEMBER', 'r', count)) as string[];
      assert.equal(got.length, count);
      assert.equal(new Set(got).size, count);
      for (const m of got) drawn.add(m);
    }
  }
  assert.equal(drawn.size, 40);
  const counts = new Map<string, number>();
  for (const m of (await c.call('SRANDMEMBER', 'r', -8000)) as string[]) counts.set(m, (counts.get(m) ?? 0) + 1);
  assert.equal(counts.size, 40);
  for (const n of counts.values()) assert.ok(n > 100 && n < 320, `count ${n}`);
  assert.equal(await c.call('SCARD', 'r'), 40);
});

test('SSCAN: an intset whole with cursor 0, MATCH, COUNT, errors in Redis order', async () => {
  await c.call('DEL', 's', 't');
  await c.call('SADD', 's', '30', '10', '20');
  const all = '*2\r\n$1\r\n0\r\n*3\r\n$2\r\n10\r\n$2\r\n20\r\n$2\r\n30\r\n';
  await both(['SSCAN', 's', '0'], all);
  await both(['SSCAN', 's', '99', 'COUNT', '1'], all);
  await both(['SSCAN', 's', '0', 'MATCH', '2*'], '*2\r\n$1\r\n0\r\n*1\r\n$2\r\n20\r\n');
  await both(['SSCAN', 'nokey', '0'], '*2\r\n$1\r\n0\r\n*0\r\n');
  await both(['SSCAN', 'nokey', '0', 'COUNT', '0'], '*2\r\n$1\r\n0\r\n*0\r\n');
  await both(['SSCAN', 's', 'x'], '-ERR invalid cursor\r\n');
  await both(['SSCAN', 's', '0', 'COUNT', '0'], SYNTAX);
  await both(['SSCAN', 's', '0', 'COUNT', '-1'], SYNTAX);
  await both(['SSCAN', 's', '0', 'COUNT', 'x'], NOT_INT);
  await both(['SSCAN', 's', '0', 'TYPE', 'set'], SYNTAX);
  await c.call('SADD', 't', 'a', 'b', 'c');
  await both(['SSCAN', 't', '0', 'MATCH', 'a'], '*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n');
});

test('SSCAN of a hashtable: every member present throughout is returned', async () => {
  await c.call('DEL', 'big');
  const n = 2000;
  for (let i = 0; i < n; i += 500) await c.call('SADD', 'big', ...Array.from({ length: 500 }, (_, j) => `m${i + j}`));
  const seen = new Set<string>();
  const removed = new Set<string>();
  let cursor = '0';
  let calls = 0;
  do {
    const [next, items] = (await c.call('SSCAN', 'big', cursor, 'COUNT', 100)) as [string, string[]];
    for (const m of items) seen.add(m);
    for (let k = 0; k < 5; k++) {
      const victim = `m${(calls * 53 + k * 7) % n}`;
      if ((await c.call('SREM', 'big', victim)) === 1) removed.add(victim);
      await c.call('SADD', 'big', `new${calls}-${k}`);
    }
    cursor = next;
    calls++;
  } while (cursor !== '0' && calls < 1000);
  assert.equal(cursor, '0');
  assert.ok(calls >= 20);
  for (let i = 0; i < n; i++) if (!removed.has(`m${i}`)) assert.ok(seen.has(`m${i}`), `m${i}`);
});

test('OBJECT ENCODING: intset by string2ll and set-max-intset-entries, never back', async () => {
  await c.call('DEL', 's', 't', 'u', 'v', 'w', 'm');
  await c.call('SADD', 's', '1', '2', '-3', '9223372036854775807', '-9223372036854775808');
  assert.equal(await c.call('OBJECT', 'ENCODING', 's'), 'intset');
  await c.call('SADD', 's', '9223372036854775808');
  assert.equal(await c.call('OBJECT', 'ENCODING', 's'), 'hashtable');
  for (const [key, member] of [
    ['t', '01'],
    ['u', '+1'],
    ['v', '-0'],
  ]) {
    await c.call('SADD', key!, member!);
    assert.equal(await c.call('OBJECT', 'ENCODING', key!), 'hashtable', member);
  }
  await c.call('SADD', 'w', 'a', '1');
  await c.call('SREM', 'w', 'a');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'w'), 'hashtable');
  try {
    await c.call('CONFIG', 'SET', 'set-max-intset-entries', '2');
    await c.call('SADD', 'm', '1', '2');
    assert.equal(await c.call('OBJECT', 'ENCODING', 'm'), 'intset');
    await c.call('SADD', 'm', '3');
    assert.equal(await c.call('OBJECT', 'ENCODING', 'm'), 'hashtable');
  } finally {
    await c.call('CONFIG', 'SET', 'set-max-intset-entries', '512');
  }
});

test('DEBUG OBJECT serializedlength and DEBUG DIGEST-VALUE as Redis computes them', async () => {
  await c.call('DEL', 's', 'w16', 'w32', 'many', 'ht');
  await c.call('SADD', 's', '1', '2', '-3', '9223372036854775807', '-9223372036854775808');
  // An intset keeps the width its largest value ever needed.
  await c.call('SADD', 'w16', '1', '2', '3', '100000');
  await c.call('SREM', 'w16', '100000');
  await c.call('SADD', 'w32', '5', '70000', '4294967296');
  await c.call('SREM', 'w32', '4294967296', '70000');
  await c.call('SADD', 'many', ...Array.from({ length: 30 }, (_, i) => String(i + 1)));
  await c.call('SADD', 'ht', 'a'.repeat(32), '12', '-70000', '123456789012', 'b');
  const expected: [string, string, number][] = [
    ['s', 'intset', 32],
    ['w16', 'intset', 21],
    ['w32', 'intset', 17],
    ['many', 'intset', 70],
    ['ht', 'hashtable', 35],
  ];
  for (const [key, enc, len] of expected) {
    const text = (await c.call('DEBUG', 'OBJECT', key)) as string;
    assert.match(text, new RegExp(` encoding:${enc} serializedlength:${len} `), key);
  }
  assert.deepEqual(await c.call('DEBUG', 'DIGEST-VALUE', 's', 'w16', 'w32', 'many', 'ht'), [
    'a739c4222e37446e06c49e8b92866bfb8c704c7e',
    '2a462a3f51a1db89738ebbeef0c47ce1bbc85246',
    '1e8db12fe49a0474628d17bbaffffc22e93c8322',
    'acffdff620cee69b3a732aa8c6cfb407f927f217',
    'd032246e91bb0144b43fdddfeb2cf56c1f89edc8',
  ]);
  assert.ok(((await c.call('MEMORY', 'USAGE', 'ht')) as number) > 100);
});

test('DEBUG OBJECT of a 64-bit intset and of a hashtable with long members', async () => {
  let noise = '';
  for (let i = 0; i < 17000; i++) noise += String.fromCharCode(33 + ((i * 7919 + ((i * i + 6) % 251)) % 90));
  let short = '';
  for (let i = 0; i < 30; i++) short += String.fromCharCode(33 + ((i * 7919 + ((i * i + 5) % 251)) % 90));
  await c.call('DEL', 's8', 'sh');
  await c.call('SADD', 's8', '1', '9223372036854775807', '-5');
  await c.call('SADD', 'sh', short, noise, '12345678901', '99999');
  const serialized = async (key: string): Promise<string> => /encoding:\S+ serializedlength:\d+/.exec((await c.call('DEBUG', 'OBJECT', key)) as string)![0];
  assert.equal(await serialized('s8'), 'encoding:intset serializedlength:27');
  try {
    await c.call('CONFIG', 'SET', 'rdbcompression', 'no');
    assert.equal(await serialized('s8'), 'encoding:intset serializedlength:33');
    assert.equal(await serialized('sh'), 'encoding:hashtable serializedlength:17054');
  } finally {
    await c.call('CONFIG', 'SET', 'rdbcompression', 'yes');
  }
  assert.deepEqual(await c.call('DEBUG', 'DIGEST-VALUE', 's8', 'sh'), ['b657ecb0b101520a605f56d5d78c4c44d35f511e', 'd85e52ccc0249faa2552ce4f8bff56ce6e6694bc']);
});

test('propagation: SPOP as SREM (or DEL for the whole set), no-ops not at all', async () => {
  await c.call('DEL', 's', 'd', 'e');
  assert.deepEqual(await propagatedBy(() => c.call('SADD', 's', 'a', 'b', 'c', 'd')), ['0:SADD s a b c d']);
  assert.deepEqual(await propagatedBy(() => c.call('SADD', 's', 'a')), []);
  assert.deepEqual(await propagatedBy(() => c.call('SREM', 's', 'x')), []);
  assert.deepEqual(await propagatedBy(() => c.call('SREM', 'nokey', 'x')), []);
  let popped = '';
  assert.deepEqual(
    await propagatedBy(async () => {
      popped = (await c.call('SPOP', 's')) as string;
    }),
    [`0:SREM s ${popped}`],
  );
  let two: string[] = [];
  const ops = await propagatedBy(async () => {
    two = (await c.call('SPOP', 's', '2')) as string[];
  });
  assert.deepEqual(ops, ['0:MULTI', `0:SREM s ${two[0]}`, `0:SREM s ${two[1]}`, '-1:EXEC']);
  // A count covering the set pops it whole: DEL.
  assert.deepEqual(await propagatedBy(() => c.call('SPOP', 's', '1')), ['0:DEL s']);
  assert.equal(await c.call('EXISTS', 's'), 0);
  await c.call('SADD', 's', 'a', 'b');
  assert.deepEqual(await propagatedBy(() => c.call('SPOP', 's', '5')), ['0:DEL s']);
  assert.deepEqual(await propagatedBy(() => c.call('SPOP', 's', '5')), []);
  assert.deepEqual(await propagatedBy(() => c.call('SPOP', 's')), []);
  await c.call('SADD', 's', 'x');
  // Popping the last member one at a time is still an SREM.
  assert.deepEqual(await propagatedBy(() => c.call('SPOP', 's')), ['0:SREM s x']);
  await c.call('SADD', 's', 'a', 'b');
  assert.deepEqual(await propagatedBy(() => c.call('SMOVE', 's', 's', 'a')), []);
  assert.deepEqual(await propagatedBy(() => c.call('SMOVE', 's', 'd', 'zz')), []);
  assert.deepEqual(await propagatedBy(() => c.call('SMOVE', 's', 'd', 'a')), ['0:SMOVE s d a']);
  await c.call('SADD', 'e', 'b');
  // Already in the destination: still a write (the source changed).
  assert.deepEqual(await propagatedBy(() => c.call('SMOVE', 's', 'e', 'b')), ['0:SMOVE s e b']);
  assert.equal(await c.call('EXISTS', 's'), 0);
  assert.deepEqual(await propagatedBy(() => c.call('SRANDMEMBER', 'e', '-3')), []);
});

test('SPOP with a large count propagates one SREM per member, in a MULTI/EXEC', async () => {
  await c.call('DEL', 'big');
  await c.call('SADD', 'big', ...Array.from({ length: 3000 }, (_, i) => String(i)));
  let popped: string[] = [];
  const ops = await propagatedBy(async () => {
    popped = (await c.call('SPOP', 'big', '2900')) as string[];
  });
  assert.equal(popped.length, 2900);
  assert.equal(ops.length, 2902);
  assert.equal(ops[0], '0:MULTI');
  assert.equal(ops[2901], '-1:EXEC');
  assert.deepEqual(
    ops.slice(1, 2901).map((o) => o.slice('0:SREM big '.length)),
    popped,
  );
  assert.equal(await c.call('SCARD', 'big'), 100);
});
