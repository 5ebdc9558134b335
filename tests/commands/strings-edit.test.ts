// String commands that compute or edit values: INCR DECR INCRBY DECRBY INCRBYFLOAT APPEND
// STRLEN GETRANGE SUBSTR SETRANGE LCS — exact bytes in RESP2 and RESP3, error texts, limits,
// propagation. Expected values were taken from a real redis-server 7.0.15 (x86-64), including
// INCRBYFLOAT's long double results.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { RespClient } from '../helpers/resp-client.js';
import type { CollectionValue } from '../../src/keyspace/types.js';

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
const NOT_FLOAT = '-ERR value is not a valid float\r\n';
const OVERFLOW = '-ERR increment or decrement would overflow\r\n';
const NAN_INF = '-ERR increment would produce NaN or Infinity\r\n';
const TOO_LONG = '-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n';
const I64_MAX = '9223372036854775807';
const I64_MIN = '-9223372036854775808';

/** Puts a non-string value at `key` (no list commands are needed for WRONGTYPE checks). */
function putList(key: string): void {
  const db = srv.server.keyspace.dbs[0]!;
  db.delete(key);
  const value: CollectionValue = { type: 'list', clone: () => value };
  db.add(key, value);
}

function expireOf(key: string): number {
  const db = srv.server.keyspace.dbs[0]!;
  return db.has(key) ? db.getExpire(key) : -2;
}

async function propagatedBy(body: () => Promise<unknown>): Promise<string[]> {
  srv.clearPropagated();
  await body();
  return [...srv.propagated];
}

const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;

// ---- INCR family -----------------------------------------------------------------------------

test('INCR/DECR/INCRBY/DECRBY: missing key starts at 0, integer replies in both protocols', async () => {
  assert.equal(await c.callRaw('INCR', 'i:a'), ':1\r\n');
  assert.equal(await c3.callRaw('INCR', 'i:a'), ':2\r\n');
  assert.equal(await c.callRaw('DECR', 'i:b'), ':-1\r\n');
  assert.equal(await c.callRaw('INCRBY', 'i:c', '-10'), ':-10\r\n');
  assert.equal(await c.callRaw('DECRBY', 'i:c', '-15'), ':5\r\n');
  assert.equal(await c.callRaw('DECRBY', 'i:c', '0'), ':5\r\n');
  assert.equal(await c.call('GET', 'i:c'), '5');
  assert.equal(await c.callRaw('INCRBY', 'i:a', '0'), ':2\r\n');
});

test('INCR family across the whole int64 range, through the 2^53 boundary', async () => {
  await c.call('SET', 'i:s', '9007199254740990');
  assert.equal(await c.callRaw('INCR', 'i:s'), ':9007199254740991\r\n');
  assert.equal(await c.callRaw('INCR', 'i:s'), ':9007199254740992\r\n');
  assert.equal(await c.callRaw('INCR', 'i:s'), ':9007199254740993\r\n');
  assert.equal(await c.callRaw('INCRBY', 'i:s', '9007199254740991'), ':18014398509481984\r\n');
  assert.equal(await c.callRaw('DECRBY', 'i:s', '18014398509481983'), ':1\r\n');
  assert.equal(await c.call('GET', 'i:s'), '1');
  // Two safe operands whose sum is not safe: no double rounding.
  await c.call('SET', 'i:s', '9007199254740991');
  assert.equal(await c.callRaw('INCRBY', 'i:s', '2'), ':9007199254740993\r\n');
  await c.call('SET', 'i:s', '-9007199254740991');
  assert.equal(await c.callRaw('DECRBY', 'i:s', '2'), ':-9007199254740993\r\n');
  await c.call('SET', 'i:max', I64_MAX);
  assert.equal(await c.callRaw('INCR', 'i:max'), OVERFLOW);
  assert.equal(await c.callRaw('INCRBY', 'i:max', '1'), OVERFLOW);
  assert.equal(await c.callRaw('DECR', 'i:max'), ':9223372036854775806\r\n');
  await c.call('SET', 'i:min', I64_MIN);
  assert.equal(await c.callRaw('DECR', 'i:min'), OVERFLOW);
  assert.equal(await c.callRaw('DECRBY', 'i:min', '1'), OVERFLOW);
  assert.equal(await c.callRaw('INCRBY', 'i:min', I64_MAX), ':-1\r\n');
  await c.call('SET', 'i:one', '1');
  assert.equal(await c.callRaw('INCRBY', 'i:one', I64_MAX), OVERFLOW);
  assert.equal(await c.callRaw('INCRBY', 'i:one', I64_MIN), ':-9223372036854775807\r\n');
  assert.equal(await c.callRaw('DECRBY', 'i:one', I64_MAX), OVERFLOW);
  assert.equal(await c.callRaw('DECR', 'i:one'), `:${I64_MIN}\r\n`);
  assert.equal(await c.call('GET', 'i:one'), I64_MIN);
  // -INT64_MIN is not an int64: refused before the key is even looked at.
  putList('i:list0');
  assert.equal(await c.callRaw('DECRBY', 'i:list0', I64_MIN), '-ERR decrement would overflow\r\n');
  assert.equal(await c.callRaw('INCRBY', 'i:new', I64_MIN), `:${I64_MIN}\r\n`);
});

test('INCR family errors: non-integer values and increments, WRONGTYPE, arity', async () => {
  for (const v of ['abc', ' 1', '1 ', '+1', '01', '-0', '00', '1.0', '', '9223372036854775808', '12345678901234567890123', '1\x00']) {
    await c.call('SET', 'i:bad', v);
    assert.equal(await c.callRaw('INCR', 'i:bad'), NOT_INT, JSON.stringify(v));
    assert.equal(await c.call('GET', 'i:bad'), v);
  }
  for (const v of ['abc', ' 1', '+1', '01', '1.5', '', '9223372036854775808', '-9223372036854775809']) {
    assert.equal(await c.callRaw('INCRBY', 'i:x', v), NOT_INT, JSON.stringify(v));
    assert.equal(await c.callRaw('DECRBY', 'i:x', v), NOT_INT, JSON.stringify(v));
  }
  putList('i:list');
  assert.equal(await c.callRaw('INCR', 'i:list'), WRONGTYPE);
  assert.equal(await c.callRaw('DECRBY', 'i:list', '1'), WRONGTYPE);
  // The increment is parsed before the key's type is checked.
  assert.equal(await c.callRaw('INCRBY', 'i:list', 'x'), NOT_INT);
  assert.equal(await c.callRaw('INCR', 'i:a', '1'), "-ERR wrong number of arguments for 'incr' command\r\n");
  assert.equal(await c.callRaw('INCRBY', 'i:a'), "-ERR wrong number of arguments for 'incrby' command\r\n");
});

test('INCR keeps the TTL; INCR family propagates as received, nothing on error', async () => {
  await c.call('SET', 'i:ttl', '10', 'PXAT', '4000000000000');
  let ops = await propagatedBy(async () => {
    assert.equal(await c.callRaw('INCR', 'i:ttl'), ':11\r\n');
    assert.equal(await c.callRaw('decrby', 'i:ttl', '5'), ':6\r\n');
  });
  assert.deepEqual(ops, ['0:INCR i:ttl', '0:decrby i:ttl 5']);
  assert.equal(expireOf('i:ttl'), 4_000_000_000_000);
  await c.call('SET', 'i:top', I64_MAX);
  ops = await propagatedBy(() => c.call('INCR', 'i:top'));
  assert.deepEqual(ops, []);
});

// ---- INCRBYFLOAT ------------------------------------------------------------------------------

test('INCRBYFLOAT: the documented examples; the reply is a bulk string in RESP3 too', async () => {
  await c.call('SET', 'f:doc', '10.50');
  assert.equal(await c.callRaw('INCRBYFLOAT', 'f:doc', '0.1'), '$4\r\n10.6\r\n');
  assert.equal(await c.callRaw('INCRBYFLOAT', 'f:doc', '-5'), '$3\r\n5.6\r\n');
  await c.call('SET', 'f:doc', '5.0e3');
  assert.equal(await c3.callRaw('INCRBYFLOAT', 'f:doc', '2.0e2'), '$4\r\n5200\r\n');
  assert.equal(await c3.callRaw('INCRBYFLOAT', 'f:new', '1.5'), '$3\r\n1.5\r\n');
});

test('INCRBYFLOAT computes in long double like Redis on x86-64', async () => {
  const cases: [string | null, string, string][] = [
    [null, '0.1', '0.1'],
    ['0.1', '0.2', '0.3'], // 0.30000000000000004 in doubles
    ['3', '-3', '0'],
    ['0', '-0.0', '0'],
    [null, '1.5e-7', '0.00000015'],
    [null, '123456789012345678901234567890', '123456789012345678899921813504'],
    [null, '3.0000000000000000000001', '3'],
    [null, '1e18', '1000000000000000000'],
    ['1.1', '1e20', '100000000000000000000'],
    ['100000000000000000000', '1e-20', '100000000000000000000'],
    [null, '0x10', '16'],
    [null, '+1.5', '1.5'],
    [null, '.5', '0.5'],
    [null, '5.', '5'],
    [null, '1E2', '100'],
    [null, '0x1.8p1', '3'],
    ['-474019020795822139', '-0.00000000000000593', '-474019020795822139'],
    ['9007199254740993', '1', '9007199254740994'],
    ['9007199254740991', '2', '9007199254740993'],
    // "%.17Lf" rounds an exact tie to even.
    [null, '0.000003814697265625', '0.00000381469726562'],
    [null, '0.000011444091796875', '0.00001144409179688'],
    [null, '1e-20', '0'],
    ['-1', '0.99999999999999999999', '0'],
    [
      null,
      '1.7976931348623157e308',
      '179769313486231569995921046774104434048386446944329178485314420765176628523124396354701868608387085564428793419425520689308708363451136055357897278026477617073498977686288394835618163294045594434929537447290627480669417384648879122776218333598953852832103282504751611691208117720159985926376802466863339536384',
    ],
  ];
  for (const [start, incr, want] of cases) {
    await c.call('DEL', 'f:ld');
    if (start !== null) await c.call('SET', 'f:ld', start);
    assert.equal(await c.callRaw('INCRBYFLOAT', 'f:ld', incr), bulk(want), `${start} + ${incr}`);
    assert.equal(await c.call('GET', 'f:ld'), want);
  }
  // 1e400 is finite in a long double: a 401-digit value.
  await c.call('SET', 'f:big', '5216');
  const big = (await c.call('INCRBYFLOAT', 'f:big', '1e400')) as string;
  assert.equal(big.length, 401);
  assert.ok(big.startsWith('10000000000000000000281880683947586514586453433629052038625910'));
  assert.ok(big.endsWith('806343732497430221946880'));
  assert.equal(await c.call('INCRBYFLOAT', 'f:big', '1e308'), big);
});

test('INCRBYFLOAT errors: invalid floats, NaN or infinity, WRONGTYPE; nothing written', async () => {
  for (const v of ['abc', 'nan', '-nan', ' 1', '1 ', '\t1', '', '1e', 'e1', '.', '0x', '1.5.5', '--1', '1\x002', '\x00', '1e5000', '1e-5000', 'infinit', 'x'.repeat(10)]) {
    assert.equal(await c.callRaw('INCRBYFLOAT', 'f:e', v), NOT_FLOAT, JSON.stringify(v));
  }
  assert.equal(await c.callRaw('INCRBYFLOAT', 'f:e', 'inf'), NAN_INF);
  assert.equal(await c.callRaw('INCRBYFLOAT', 'f:e', '-Infinity'), NAN_INF);
  assert.equal(await c.call('GET', 'f:e'), null);
  for (const v of ['abc', '1e5000', ' 1', '']) {
    await c.call('SET', 'f:e', v);
    assert.equal(await c.callRaw('INCRBYFLOAT', 'f:e', '1'), NOT_FLOAT, JSON.stringify(v));
  }
  await c.call('SET', 'f:e', 'inf');
  assert.equal(await c.callRaw('INCRBYFLOAT', 'f:e', '1'), NAN_INF);
  await c.call('SET', 'f:e', '1.18e4932');
  assert.equal(await c.callRaw('INCRBYFLOAT', 'f:e', '1e4932'), NAN_INF);
  assert.equal(await c.call('GET', 'f:e'), '1.18e4932');
  // Arguments of 5120 bytes or more are not numbers.
  assert.equal(await c.callRaw('INCRBYFLOAT', 'f:len', '0'.repeat(5116) + '1.5'), bulk('1.5'));
  assert.equal(await c.callRaw('INCRBYFLOAT', 'f:len', '0'.repeat(5117) + '1.5'), NOT_FLOAT);
  // Underflow to zero is an error too, unlike a subnormal result.
  assert.equal(await c.callRaw('INCRBYFLOAT', 'f:len', '1e-4952'), NOT_FLOAT);
  putList('f:list');
  assert.equal(await c.callRaw('INCRBYFLOAT', 'f:list', '1'), WRONGTYPE);
  assert.equal(await c.callRaw('INCRBYFLOAT', 'f:list', 'abc'), WRONGTYPE);
});

test('INCRBYFLOAT keeps the TTL and propagates SET key <result> KEEPTTL', async () => {
  await c.call('SET', 'f:p', '1', 'PXAT', '4000000000000');
  let ops = await propagatedBy(async () => assert.equal(await c.callRaw('INCRBYFLOAT', 'f:p', '1.5'), '$3\r\n2.5\r\n'));
  assert.deepEqual(ops, ['0:SET f:p 2.5 KEEPTTL']);
  assert.equal(expireOf('f:p'), 4_000_000_000_000);
  ops = await propagatedBy(() => c.call('incrbyfloat', 'f:p2', '0.1'));
  assert.deepEqual(ops, ['0:SET f:p2 0.1 KEEPTTL']);
  ops = await propagatedBy(() => c.call('INCRBYFLOAT', 'f:p', 'inf'));
  assert.deepEqual(ops, []);
});

// ---- APPEND / STRLEN -------------------------------------------------------------------------

test('APPEND: creates, appends binary data, returns the length; empty append still creates', async () => {
  await c.call('DEL', 'a:k');
  assert.equal(await c.callRaw('APPEND', 'a:k', 'ab'), ':2\r\n');
  assert.equal(await c3.callRaw('APPEND', 'a:k', '\x00\xff\r\n'), ':6\r\n');
  assert.equal(await c.callRaw('GET', 'a:k'), '$6\r\nab\x00\xff\r\n\r\n');
  assert.equal(await c.callRaw('APPEND', 'a:k', ''), ':6\r\n');
  assert.equal(await c.callRaw('APPEND', 'a:empty', ''), ':0\r\n');
  assert.equal(await c.callRaw('GET', 'a:empty'), '$0\r\n\r\n');
  assert.equal(await c.callRaw('EXISTS', 'a:empty'), ':1\r\n');
  putList('a:list');
  assert.equal(await c.callRaw('APPEND', 'a:list', 'x'), WRONGTYPE);
});

test('APPEND keeps the TTL and propagates as received, an empty append included', async () => {
  await c.call('SET', 'a:t', 'x', 'PXAT', '4000000000000');
  const ops = await propagatedBy(async () => {
    await c.call('APPEND', 'a:t', 'y');
    await c.call('APPEND', 'a:t', '');
  });
  assert.deepEqual(ops, ['0:APPEND a:t y', '0:APPEND a:t ']);
  assert.equal(expireOf('a:t'), 4_000_000_000_000);
  assert.equal(await c.call('GET', 'a:t'), 'xy');
});

test('STRLEN: byte length, 0 for a missing key, WRONGTYPE', async () => {
  await c.call('SET', 'l:k', '\x00\xff\xfe');
  assert.equal(await c.callRaw('STRLEN', 'l:k'), ':3\r\n');
  assert.equal(await c3.callRaw('STRLEN', 'l:none'), ':0\r\n');
  await c.call('SET', 'l:e', '');
  assert.equal(await c.callRaw('STRLEN', 'l:e'), ':0\r\n');
  putList('l:list');
  assert.equal(await c.callRaw('STRLEN', 'l:list'), WRONGTYPE);
});

// ---- GETRANGE / SUBSTR -----------------------------------------------------------------------

test('GETRANGE / SUBSTR: inclusive ranges, negative offsets, clamping, empty results', async () => {
  await c.call('SET', 'r:k', 'hello');
  const cases: [string, string, string][] = [
    ['0', '-1', 'hello'],
    ['0', '100', 'hello'],
    ['1', '3', 'ell'],
    ['-3', '-1', 'llo'],
    ['-100', '1', 'he'],
    ['3', '2', ''],
    ['5', '10', ''],
    ['-1', '-5', ''],
    ['-100', '-200', ''], // both from the end and reversed: empty, not "h"
    ['-200', '-100', 'h'],
    ['4', '4', 'o'],
    [I64_MIN, I64_MAX, 'hello'],
    [I64_MAX, I64_MIN, ''],
    ['-9223372036854775807', I64_MIN, ''],
    [I64_MIN, '-9223372036854775807', 'h'],
  ];
  for (const [s, e, want] of cases) {
    assert.equal(await c.callRaw('GETRANGE', 'r:k', s, e), bulk(want), `${s} ${e}`);
    assert.equal(await c3.callRaw('SUBSTR', 'r:k', s, e), bulk(want), `SUBSTR ${s} ${e}`);
  }
  assert.equal(await c.callRaw('GETRANGE', 'r:none', '0', '-1'), '$0\r\n\r\n');
  assert.equal(await c3.callRaw('GETRANGE', 'r:none', '0', '-1'), '$0\r\n\r\n');
  await c.call('SET', 'r:empty', '');
  assert.equal(await c.callRaw('GETRANGE', 'r:empty', '0', '-1'), '$0\r\n\r\n');
  assert.equal(await c.callRaw('GETRANGE', 'r:empty', '-1', '0'), '$0\r\n\r\n');
  await c.call('SET', 'r:bin', '\x00\xff\x80abc');
  assert.equal(await c.callRaw('GETRANGE', 'r:bin', '0', '2'), '$3\r\n\x00\xff\x80\r\n');
  assert.equal(await c.callRaw('GETRANGE', 'r:bin', '-4', '-3'), '$2\r\n\x80a\r\n');
});

test('GETRANGE / SUBSTR errors: offsets are parsed before the key is read', async () => {
  assert.equal(await c.callRaw('GETRANGE', 'r:k', 'a', '1'), NOT_INT);
  assert.equal(await c.callRaw('GETRANGE', 'r:k', '1', '9223372036854775808'), NOT_INT);
  assert.equal(await c.callRaw('SUBSTR', 'r:k', 'x', '0'), NOT_INT);
  putList('r:list');
  assert.equal(await c.callRaw('GETRANGE', 'r:list', '0', '1'), WRONGTYPE);
  assert.equal(await c.callRaw('GETRANGE', 'r:list', 'x', '1'), NOT_INT);
  assert.equal(await c.callRaw('GETRANGE', 'r:k', '0'), "-ERR wrong number of arguments for 'getrange' command\r\n");
  assert.equal(await c.callRaw('SUBSTR', 'r:k', '0'), "-ERR wrong number of arguments for 'substr' command\r\n");
});

// ---- SETRANGE ---------------------------------------------------------------------------------

test('SETRANGE: overwrite, extend, zero padding, binary, new keys', async () => {
  await c.call('SET', 'sr:k', 'Hello World');
  assert.equal(await c.callRaw('SETRANGE', 'sr:k', '6', 'Redis'), ':11\r\n');
  assert.equal(await c.call('GET', 'sr:k'), 'Hello Redis');
  assert.equal(await c.callRaw('SETRANGE', 'sr:k', '9', 'xyz'), ':12\r\n');
  assert.equal(await c.call('GET', 'sr:k'), 'Hello Redxyz');
  assert.equal(await c3.callRaw('SETRANGE', 'sr:k', '14', '\xff\x00'), ':16\r\n');
  assert.equal(await c.callRaw('GET', 'sr:k'), '$16\r\nHello Redxyz\x00\x00\xff\x00\r\n');
  assert.equal(await c.callRaw('SETRANGE', 'sr:new', '3', 'ab'), ':5\r\n');
  assert.equal(await c.callRaw('GET', 'sr:new'), '$5\r\n\x00\x00\x00ab\r\n');
  assert.equal(await c.callRaw('SETRANGE', 'sr:new2', '0', 'ab'), ':2\r\n');
  // An empty value changes nothing: the length, and no key is created.
  assert.equal(await c.callRaw('SETRANGE', 'sr:k', '100', ''), ':16\r\n');
  assert.equal(await c.callRaw('SETRANGE', 'sr:none', '5', ''), ':0\r\n');
  assert.equal(await c.callRaw('SETRANGE', 'sr:none', I64_MAX, ''), ':0\r\n');
  assert.equal(await c.callRaw('EXISTS', 'sr:none'), ':0\r\n');
});

test('SETRANGE errors, TTL kept, propagation only when something was written', async () => {
  assert.equal(await c.callRaw('SETRANGE', 'sr:k', '-1', 'x'), '-ERR offset is out of range\r\n');
  assert.equal(await c.callRaw('SETRANGE', 'sr:k', 'a', 'x'), NOT_INT);
  assert.equal(await c.callRaw('SETRANGE', 'sr:k', I64_MAX, 'x'), TOO_LONG);
  assert.equal(await c.callRaw('SETRANGE', 'sr:k', '536870912', 'x'), TOO_LONG);
  putList('sr:list');
  assert.equal(await c.callRaw('SETRANGE', 'sr:list', '0', 'x'), WRONGTYPE);
  assert.equal(await c.callRaw('SETRANGE', 'sr:list', '0', ''), WRONGTYPE);
  assert.equal(await c.callRaw('SETRANGE', 'sr:list', '-1', 'x'), '-ERR offset is out of range\r\n');
  await c.call('SET', 'sr:t', 'abc', 'PXAT', '4000000000000');
  const ops = await propagatedBy(async () => {
    await c.call('SETRANGE', 'sr:t', '1', 'X');
    await c.call('SETRANGE', 'sr:t', '1', '');
    await c.call('SETRANGE', 'sr:nothing', '1', '');
    await c.call('SETRANGE', 'sr:t', '-1', 'X');
  });
  assert.deepEqual(ops, ['0:SETRANGE sr:t 1 X']);
  assert.equal(await c.call('GET', 'sr:t'), 'aXc');
  assert.equal(expireOf('sr:t'), 4_000_000_000_000);
});

// ---- LCS --------------------------------------------------------------------------------------

test('LCS: subsequence, LEN, IDX ranges with MINMATCHLEN and WITHMATCHLEN in both protocols', async () => {
  await c.call('MSET', 'lcs:1', 'ohmytext', 'lcs:2', 'mynewtext');
  assert.equal(await c.callRaw('LCS', 'lcs:1', 'lcs:2'), '$6\r\nmytext\r\n');
  assert.equal(await c3.callRaw('LCS', 'lcs:1', 'lcs:2', 'len'), ':6\r\n');
  assert.equal(
    await c.callRaw('LCS', 'lcs:1', 'lcs:2', 'IDX'),
    '*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n',
  );
  assert.equal(
    await c3.callRaw('LCS', 'lcs:1', 'lcs:2', 'IDX', 'WITHMATCHLEN'),
    '%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n',
  );
  assert.equal(
    await c.callRaw('LCS', 'lcs:1', 'lcs:2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'),
    '*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n',
  );
  assert.equal(await c3.callRaw('LCS', 'lcs:1', 'lcs:2', 'IDX', 'MINMATCHLEN', '100'), '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:6\r\n');
  // A negative minimum means none; WITHMATCHLEN and MINMATCHLEN without IDX change nothing.
  assert.equal(await c.callRaw('LCS', 'lcs:1', 'lcs:2', 'MINMATCHLEN', '-5', 'IDX'), await c.callRaw('LCS', 'lcs:1', 'lcs:2', 'IDX'));
  assert.equal(await c.callRaw('LCS', 'lcs:1', 'lcs:2', 'WITHMATCHLEN', 'MINMATCHLEN', '2'), '$6\r\nmytext\r\n');
  // Binary values; missing keys read as empty strings.
  await c.call('MSET', 'lcs:b1', '\x00\xffabc\x00', 'lcs:b2', 'x\x00abc\x00\xff');
  assert.equal(await c.callRaw('LCS', 'lcs:b1', 'lcs:b2'), '$5\r\n\x00abc\x00\r\n');
  assert.equal(
    await c.callRaw('LCS', 'lcs:b1', 'lcs:b2', 'IDX', 'WITHMATCHLEN'),
    '*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:2\r\n:5\r\n*2\r\n:2\r\n:5\r\n:4\r\n*3\r\n*2\r\n:0\r\n:0\r\n*2\r\n:1\r\n:1\r\n:1\r\n$3\r\nlen\r\n:5\r\n',
  );
  assert.equal(await c.callRaw('LCS', 'lcs:1', 'lcs:none'), '$0\r\n\r\n');
  assert.equal(await c.callRaw('LCS', 'lcs:none', 'lcs:none2', 'IDX'), '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n');
});

test('LCS errors: options, non-string keys (checked first), arity', async () => {
  assert.equal(await c.callRaw('LCS', 'lcs:1', 'lcs:2', 'IDX', 'LEN'), '-ERR If you want both the length and indexes, please just use IDX.\r\n');
  assert.equal(await c.callRaw('LCS', 'lcs:1', 'lcs:2', 'MINMATCHLEN'), '-ERR syntax error\r\n');
  assert.equal(await c.callRaw('LCS', 'lcs:1', 'lcs:2', 'MINMATCHLEN', 'x'), NOT_INT);
  assert.equal(await c.callRaw('LCS', 'lcs:1', 'lcs:2', 'FOO'), '-ERR syntax error\r\n');
  putList('lcs:list');
  assert.equal(await c.callRaw('LCS', 'lcs:1', 'lcs:list'), '-ERR The specified keys must contain string values\r\n');
  assert.equal(await c.callRaw('LCS', 'lcs:list', 'lcs:1', 'FOO'), '-ERR The specified keys must contain string values\r\n');
  assert.equal(await c.callRaw('LCS', 'lcs:1'), "-ERR wrong number of arguments for 'lcs' command\r\n");
});

test('SETRANGE, APPEND and LCS respect proto-max-bulk-len', async () => {
  const small = await startTestServer({ 'proto-max-bulk-len': '1mb' });
  try {
    const s = await small.client();
    const limit = 1024 * 1024;
    assert.equal(await s.callRaw('SETRANGE', 'k', String(limit - 1), 'x'), `:${limit}\r\n`);
    assert.equal(await s.callRaw('SETRANGE', 'k', String(limit - 1), 'xy'), TOO_LONG);
    assert.equal(await s.callRaw('SETRANGE', 'k2', String(limit), 'x'), TOO_LONG);
    assert.equal(await s.callRaw('EXISTS', 'k2'), ':0\r\n');
    assert.equal(await s.callRaw('APPEND', 'k', 'x'), TOO_LONG);
    assert.equal(await s.callRaw('STRLEN', 'k'), `:${limit}\r\n`);
    await s.call('SET', 'a', 'x'.repeat(limit - 2));
    assert.equal(await s.callRaw('APPEND', 'a', 'yy'), `:${limit}\r\n`);
    assert.equal(await s.callRaw('APPEND', 'a', 'z'), TOO_LONG);
    assert.equal(await s.callRaw('GETRANGE', 'a', '-3', '-1'), '$3\r\nxyy\r\n');
    // LCS's table ((n+1) * (m+1) uint32 cells) is bounded by the same limit.
    await s.call('MSET', 'l1', 'a'.repeat(600), 'l2', 'a'.repeat(600), 'l3', 'a'.repeat(400));
    assert.equal(await s.callRaw('LCS', 'l1', 'l2', 'LEN'), '-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n');
    assert.equal(await s.callRaw('LCS', 'l1', 'l3', 'LEN'), ':400\r\n');
  } finally {
    await small.stop();
  }
});
