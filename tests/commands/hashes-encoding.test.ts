// Hash encodings over TCP: OBJECT ENCODING (listpack/hashtable by hash-max-listpack-entries
// and -value, never converting back), DEBUG OBJECT's serializedlength (the listpack rebuilt byte
// for byte, a hashtable as RDB strings) and DEBUG DIGEST-VALUE. Expected values were taken from
// a real redis-server 7.0.15 holding the same data.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { RespClient } from '../helpers/resp-client.js';

let srv: TestServer;
let c: RespClient;
before(async () => {
  srv = await startTestServer();
  c = await srv.client();
});
after(async () => {
  await srv.stop();
});

test('OBJECT ENCODING: listpack until a long field/value or too many fields, never back', async () => {
  const L64 = 'x'.repeat(64);
  const L65 = 'x'.repeat(65);
  await c.call('DEL', 'h', 'h2', 'h3', 'h4', 'h5', 'h6');
  await c.call('HSET', 'h', 'f', L64);
  assert.equal(await c.call('OBJECT', 'ENCODING', 'h'), 'listpack');
  await c.call('HSET', 'h', 'f', L65);
  assert.equal(await c.call('OBJECT', 'ENCODING', 'h'), 'hashtable');
  await c.call('HSET', 'h', 'f', 'short');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'h'), 'hashtable');
  // HSETNX on an existing field writes nothing, so it converts nothing.
  await c.call('HSET', 'h2', 'f', 'v');
  assert.equal(await c.call('HSETNX', 'h2', 'f', L65), 0);
  assert.equal(await c.call('OBJECT', 'ENCODING', 'h2'), 'listpack');
  await c.call('HINCRBY', 'h2', L65, '1');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'h2'), 'hashtable');
  await c.call('HSET', 'h3', 'f', 'v');
  await c.call('HINCRBYFLOAT', 'h3', 'g', '1e70');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'h3'), 'hashtable');
  try {
    await c.call('CONFIG', 'SET', 'hash-max-listpack-entries', '2');
    await c.call('HSET', 'h4', 'a', '1', 'b', '2');
    assert.equal(await c.call('OBJECT', 'ENCODING', 'h4'), 'listpack');
    await c.call('HSET', 'h4', 'c', '3');
    assert.equal(await c.call('OBJECT', 'ENCODING', 'h4'), 'hashtable');
    await c.call('HDEL', 'h4', 'c', 'b');
    assert.equal(await c.call('OBJECT', 'ENCODING', 'h4'), 'hashtable');
    await c.call('CONFIG', 'SET', 'hash-max-ziplist-entries', '0');
    await c.call('HSET', 'h5', 'a', '1');
    assert.equal(await c.call('OBJECT', 'ENCODING', 'h5'), 'hashtable');
    await c.call('CONFIG', 'SET', 'hash-max-listpack-entries', '128', 'hash-max-listpack-value', '0');
    await c.call('HSET', 'h6', '', '');
    assert.equal(await c.call('OBJECT', 'ENCODING', 'h6'), 'listpack');
    await c.call('HSET', 'h6', 'a', '');
    assert.equal(await c.call('OBJECT', 'ENCODING', 'h6'), 'hashtable');
  } finally {
    await c.call('CONFIG', 'SET', 'hash-max-listpack-entries', '512', 'hash-max-listpack-value', '64');
  }
});

test('DEBUG OBJECT serializedlength and DEBUG DIGEST-VALUE as Redis computes them', async () => {
  await c.call('DEL', 'h', 'b', 'n', 'c');
  await c.call('HSET', 'h', 'f1', 'v1b', 'f2', 'v2', 'f3', '', 'f4', 'x');
  await c.call('HSET', 'b', '\x00\xff', '\r\n');
  const ints = ['0', '127', '128', '-1', '-4096', '4095', '4096', '-4097', '32767', '32768', '-32768', '-32769', '8388607', '8388608'];
  const more = ['-8388608', '-8388609', '2147483647', '2147483648', '-2147483648', '-2147483649', '9223372036854775807', '-9223372036854775808'];
  await c.call('HSET', 'n', ...ints, ...more, '01', '+1', '-0', '1.5');
  await c.call('HSET', 'c', 'a'.repeat(51), 'b'.repeat(41));
  const serialized = async (key: string): Promise<number> => {
    const text = (await c.call('DEBUG', 'OBJECT', key)) as string;
    assert.match(text, /encoding:(listpack|hashtable) /);
    return Number(/serializedlength:(\d+)/.exec(text)![1]);
  };
  assert.equal(await serialized('h'), 38);
  assert.equal(await serialized('b'), 16);
  assert.equal(await serialized('c'), 26);
  assert.equal(await serialized('n'), 138);
  const digests = (await c.call('DEBUG', 'DIGEST-VALUE', 'h', 'b')) as string[];
  assert.deepEqual(digests, ['8f28330b22479af425f1775598581b2ad0c58aeb', 'db19315941c671373a75aa8970630439e88b8d0e']);
  assert.deepEqual(await c.call('DEBUG', 'DIGEST-VALUE', 'n'), ['4f3648bd3ae27a2ed86fcbd04427f2ae4ac02ef0']);
  // The digest ignores order: the same fields written in another order digest the same.
  await c.call('DEL', 'h2');
  await c.call('HSET', 'h2', 'f4', 'x', 'f3', '', 'f2', 'v2', 'f1', 'v1b');
  assert.deepEqual(await c.call('DEBUG', 'DIGEST-VALUE', 'h2'), [digests[0]]);
  const usage = (await c.call('MEMORY', 'USAGE', 'h')) as number;
  assert.ok(usage > 100);
});

/** Deterministic incompressible-ish text (the same generator made the Redis reference values). */
function noise(n: number, seed: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(33 + ((i * 7919 + ((i * i + seed) % 251)) % 90));
  return s;
}

test('DEBUG OBJECT of large hashes: every listpack entry encoding, a hashtable of long strings', async () => {
  await c.call('DEL', 'lp', 'ht');
  try {
    await c.call('CONFIG', 'SET', 'hash-max-listpack-value', '100000');
    // 12-bit and 32-bit string lengths, 3-byte backlens, 64- and 32-bit integers.
    await c.call('HSET', 'lp', 'f1', 'ab'.repeat(40), 'f2', noise(4500, 1), 'f3', noise(20000, 2), 'n', '-9223372036854775808', 'm', '12345678901', 'k', 'x'.repeat(64));
  } finally {
    await c.call('CONFIG', 'SET', 'hash-max-listpack-value', '64');
  }
  await c.call('HSET', 'ht', 'f', noise(70, 3), 'g', noise(20000, 4), 'n', '12345678901', 'm', '-2147483648', 'o', '-32769', 'p', '200', 'q', 'x'.repeat(30));
  const serialized = async (key: string): Promise<string> => /encoding:\S+ serializedlength:\d+/.exec((await c.call('DEBUG', 'OBJECT', key)) as string)![0];
  try {
    await c.call('CONFIG', 'SET', 'rdbcompression', 'no');
    assert.equal(await serialized('lp'), 'encoding:listpack serializedlength:24718');
    assert.equal(await serialized('ht'), 'encoding:hashtable serializedlength:20148');
  } finally {
    await c.call('CONFIG', 'SET', 'rdbcompression', 'yes');
  }
  assert.deepEqual(await c.call('DEBUG', 'DIGEST-VALUE', 'lp', 'ht'), ['88fa0a0d3064f233ef8a33ebb9aa4c0f01e36891', '33a87f0f7067f915d532d08c6051ec53aa8503b3']);
  await c.call('DEL', 'many');
  for (let i = 1; i <= 30; i++) await c.call('HSET', 'many', `field:${i}`, `value:${i}:${i * i * 7919}`, `n${i}`, String(i * 1000003));
  assert.equal(await serialized('many'), 'encoding:listpack serializedlength:778');
  await c.call('HSET', 'many', 'z'.repeat(70), '1');
  assert.equal(await serialized('many'), 'encoding:hashtable serializedlength:1024');
});
