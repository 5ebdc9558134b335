// SORT and SORT_RO over TCP: numeric and ALPHA order, DESC, LIMIT clamping, BY (string keys,
// hash fields, constant patterns), GET, STORE (count, replacement, deletion, propagation),
// errors, exact bytes in RESP2 and RESP3, key extraction, and a model-based comparison with a
// naive implementation over random lists. Expected replies (including the order Redis's
// partial quicksort leaves equal elements in, and strtod's corner cases) were taken from a
// real redis-server 7.0.15.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { RespError, type RespClient } from '../helpers/resp-client.js';

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
const SCORES = "-ERR One or more scores can't be converted into double\r\n";

function bulks(items: readonly string[]): string {
  return items.map((s) => `$${s.length}\r\n${s}\r\n`).join('');
}

function arr(items: readonly string[]): string {
  return `*${items.length}\r\n${bulks(items)}`;
}

async function both(args: string[], resp2: string, resp3 = resp2): Promise<void> {
  assert.equal(await c.callRaw(...args), resp2, `RESP2 ${args.join(' ')}`);
  assert.equal(await c3.callRaw(...args), resp3, `RESP3 ${args.join(' ')}`);
}

/** The reply as a list of strings (nil as null). */
async function sorted(...args: string[]): Promise<(string | null)[]> {
  const r = await c.call(...args);
  assert.ok(Array.isArray(r), `${args.join(' ')} -> ${String(r)}`);
  return r as (string | null)[];
}

async function propagatedBy(body: () => Promise<unknown>): Promise<string[]> {
  srv.clearPropagated();
  await body();
  return [...srv.propagated];
}

async function reset(): Promise<void> {
  await c.call('FLUSHALL');
}

test('numeric sort: ASC, DESC, ties by bytes, RESP2 and RESP3 bytes', async () => {
  await reset();
  await c.call('RPUSH', 'l', '3', '1', '2', '10', '-5', '1.5', '0x10', ' 7', '01', '1');
  await both(['SORT', 'l'], arr(['-5', '01', '1', '1', '1.5', '2', '3', ' 7', '10', '0x10']));
  await both(['SORT', 'l', 'DESC'], arr(['0x10', '10', ' 7', '3', '2', '1.5', '1', '1', '01', '-5']));
  await both(['SORT_RO', 'l', 'desc', 'asc'], arr(['-5', '01', '1', '1', '1.5', '2', '3', ' 7', '10', '0x10']));
  // Missing key: an empty array (not a null), in both protocols.
  await both(['SORT', 'nokey'], '*0\r\n');
  await both(['SORT_RO', 'nokey', 'BY', 'x', 'LIMIT', '0', '5'], '*0\r\n');
  // Elements after a NUL are ignored by strtod; "" is 0.
  await c.call('RPUSH', 'n', '3\0abc', '2', '1\0', '', '-0');
  await both(['SORT', 'n'], arr(['', '-0', '1\0', '2', '3\0abc']));
});

test('numeric weights: C strtod, range errors and leftovers refused', async () => {
  await reset();
  await c.call('RPUSH', 's', 'a', 'b');
  await c.call('SET', 'w_b', '5');
  const cases: [string, boolean][] = [
    // [weight of a, accepted]
    [' 12', true],
    ['\t\n\v\f\r12', true],
    ['12 ', false],
    ['', true],
    [' ', false],
    ['inf', true],
    ['-inf', true],
    ['infinity', true],
    ['infinit', false],
    ['nan', false],
    ['-nan', false],
    ['0x10', true],
    ['0X1P-2', true],
    ['0x', false],
    ['1e', false],
    ['.', false],
    ['+.5', true],
    ['1_0', false],
    ['1e400', false],
    ['0x1p1024', false],
    ['1e-400', false],
    ['1e-310', false],
    ['-1e-310', false],
    ['4.9406564584124654e-324', false],
    ['0x1p-1074', true], // exact subnormal
    ['0x1.8p-1074', false], // inexact subnormal
    ['0x1p-1075', false],
    ['2.2250738585072011e-308', false],
    ['2.2250738585072012e-308', false], // rounds to DBL_MIN but tiny before rounding
    ['0x1.fffffffffffffcp-1023', true], // hex: tininess after rounding
    ['2.2250738585072014e-308', true],
    ['5\0zz', true],
    ['\0', true],
  ];
  for (const [w, ok] of cases) {
    await c.call('SET', 'w_a', w);
    const reply = await c.callRaw('SORT', 's', 'BY', 'w_*');
    if (ok) assert.match(reply, /^\*2\r\n/, JSON.stringify(w));
    else assert.equal(reply, SCORES, JSON.stringify(w));
  }
  // An exactly representable subnormal written in decimal is accepted.
  // 3 * 2^-1074 = 3 * 5^1074 / 10^1074, written out in full.
  const exact = '0.' + (3n * 5n ** 1074n).toString().padStart(1074, '0');
  await c.call('SET', 'w_a', exact);
  assert.deepEqual(await sorted('SORT', 's', 'BY', 'w_*'), ['a', 'b']);
  await c.call('SET', 'w_a', exact + '1');
  assert.equal(await c.callRaw('SORT', 's', 'BY', 'w_*'), SCORES);
  // The elements themselves, without BY.
  await c.call('RPUSH', 'bad', '1', 'x');
  await both(['SORT', 'bad'], SCORES);
  assert.equal(await c.callRaw('SORT', 'bad', 'STORE', 'dst'), SCORES);
  assert.equal(await c.callRaw('EXISTS', 'dst'), ':0\r\n');
  // ALPHA and BY-constant need no numbers.
  assert.deepEqual(await sorted('SORT', 'bad', 'ALPHA'), ['1', 'x']);
  assert.deepEqual(await sorted('SORT', 'bad', 'BY', 'nosort'), ['1', 'x']);
});

test('ALPHA: bytes; strcoll (C locale) stops at NUL, STORE compares all bytes', async () => {
  await reset();
  await c.call('RPUSH', 'x', 'a\0b', 'a\0a', 'a', '\xff', '\xc3\xa9', 'b', 'a\0c');
  // Equal under strcoll: the original order is kept (a stable sort), DESC too.
  await both(['SORT', 'x', 'ALPHA'], arr(['a\0b', 'a\0a', 'a', 'a\0c', 'b', '\xc3\xa9', '\xff']));
  await both(['SORT', 'x', 'ALPHA', 'DESC'], arr(['\xff', '\xc3\xa9', 'b', 'a\0b', 'a\0a', 'a', 'a\0c']));
  assert.equal(await c.callRaw('SORT', 'x', 'ALPHA', 'STORE', 'y'), ':7\r\n');
  assert.deepEqual(await c.call('LRANGE', 'y', '0', '-1'), ['a', 'a\0a', 'a\0b', 'a\0c', 'b', '\xc3\xa9', '\xff']);
  assert.equal(await c.callRaw('SORT', 'x', 'ALPHA', 'DESC', 'STORE', 'y'), ':7\r\n');
  assert.deepEqual(await c.call('LRANGE', 'y', '0', '-1'), ['\xff', '\xc3\xa9', 'b', 'a\0c', 'a\0b', 'a\0a', 'a']);
  await c.call('SADD', 'st', 'b', 'a', 'c', '10', '9');
  await both(['SORT', 'st', 'ALPHA'], arr(['10', '9', 'a', 'b', 'c']), arr(['10', '9', 'a', 'b', 'c']));
  await both(['SORT', 'st', 'ALPHA', 'DESC', 'LIMIT', '1', '2'], arr(['b', 'a']));
});

test('LIMIT offset count: clamping as Redis 7.0', async () => {
  await reset();
  await c.call('RPUSH', 'l', '5', '4', '3', '2', '1');
  const cases: [string, string, string[]][] = [
    ['0', '2', ['1', '2']],
    ['1', '3', ['2', '3', '4']],
    ['-5', '2', ['1', '2']],
    ['2', '-1', ['3', '4', '5']],
    ['2', '-100', ['3', '4', '5']],
    ['3', '100', ['4', '5']],
    ['0', '0', []],
    ['5', '1', []],
    ['100', '-1', []],
    ['1', '9223372036854775807', ['2', '3', '4', '5']],
    ['9223372036854775807', '9223372036854775807', []],
    ['-9223372036854775808', '1', ['1']],
  ];
  for (const [off, cnt, want] of cases) {
    assert.deepEqual(await sorted('SORT', 'l', 'LIMIT', off, cnt), want, `LIMIT ${off} ${cnt}`);
    assert.deepEqual(await sorted('SORT', 'l', 'BY', 'nosort', 'DESC', 'LIMIT', off, cnt), want, `nosort DESC LIMIT ${off} ${cnt}`);
  }
  // The last LIMIT wins.
  assert.deepEqual(await sorted('SORT', 'l', 'LIMIT', '0', '1', 'LIMIT', '3', '1'), ['4']);
  await both(['SORT', 'l', 'LIMIT', '9', '1'], '*0\r\n');
});

test('BY: string keys and hash fields, missing weights, constant patterns', async () => {
  await reset();
  await c.call('RPUSH', 'l', '3', '1', '2', '10', '-5');
  await c.call('MSET', 'w_3', '30', 'w_1', '10', 'w_2', '20', 'w_10', '-1', 'w_-5', '5');
  await both(['SORT', 'l', 'BY', 'w_*'], arr(['10', '-5', '1', '2', '3']));
  await both(['SORT', 'l', 'BY', 'w_*', 'DESC'], arr(['3', '2', '1', '-5', '10']));
  await both(['SORT', 'l', 'BY', 'w_*', 'ALPHA'], arr(['10', '1', '2', '3', '-5']));
  await both(['SORT', 'l', 'BY', 'w_*', 'LIMIT', '1', '2'], arr(['-5', '1']));
  await c.call('HSET', 'hw_3', 'f', 'c');
  await c.call('HSET', 'hw_1', 'f', 'a');
  await c.call('HSET', 'hw_2', 'g', 'b');
  await c.call('HSET', 'hw_10', 'f', 'b');
  // Missing weights (no key, no field) sort first in ALPHA, as 0 numerically.
  await both(['SORT', 'l', 'BY', 'hw_*->f', 'ALPHA'], arr(['2', '-5', '1', '10', '3']));
  await both(['SORT', 'l', 'BY', 'hw_*->f', 'ALPHA', 'DESC'], arr(['3', '10', '1', '2', '-5']));
  await both(['SORT', 'l', 'BY', 'hw_*->f'], SCORES);
  await c.call('HSET', 'num_3', 'f', '-1');
  await both(['SORT', 'l', 'BY', 'num_*->f'], arr(['3', '-5', '1', '10', '2']));
  // Wrong types give no weight.
  await c.call('SET', 'str_1', '9');
  await c.call('RPUSH', 'str_2', '9');
  await both(['SORT', 'l', 'BY', 'str_*->f'], arr(['-5', '1', '10', '2', '3']));
  await both(['SORT', 'l', 'BY', 'hw_*'], arr(['-5', '1', '10', '2', '3']));
  // A pattern without '*' (or with it after a NUL) means "don't sort": the list's order.
  await both(['SORT', 'l', 'BY', 'nosort'], arr(['3', '1', '2', '10', '-5']));
  await both(['SORT', 'l', 'BY', 'nosort', 'DESC'], arr(['-5', '10', '2', '1', '3']));
  await both(['SORT', 'l', 'BY', 'no\0*', 'ALPHA'], arr(['3', '1', '2', '10', '-5']));
  await both(['SORT', 'l', 'BY', 'nosort', 'LIMIT', '1', '2'], arr(['1', '2']));
  await both(['SORT', 'l', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2'], arr(['10', '2']));
  // Once a constant BY was seen, a later BY pattern does not sort again.
  await both(['SORT', 'l', 'BY', 'nosort', 'BY', 'w_*'], arr(['3', '1', '2', '10', '-5']));
  await both(['SORT', 'l', 'BY', 'w_*', 'BY', 'nosort'], arr(['3', '1', '2', '10', '-5']));
});

test('BY ... LIMIT: equal weights in the order of Redis\'s partial quicksort', async () => {
  await reset();
  await c.call('RPUSH', 'l', ...Array.from({ length: 20 }, (_, i) => String(i + 1)));
  assert.deepEqual(await sorted('SORT', 'l', 'BY', 'nx_*', 'ALPHA', 'LIMIT', '0', '5'), ['20', '2', '3', '4', '5']);
  assert.deepEqual(await sorted('SORT', 'l', 'BY', 'nx_*', 'ALPHA', 'DESC', 'LIMIT', '2', '3'), ['3', '4', '5']);
  // Without LIMIT (or a LIMIT covering everything): a stable sort.
  const all = Array.from({ length: 20 }, (_, i) => String(i + 1));
  assert.deepEqual(await sorted('SORT', 'l', 'BY', 'nx_*', 'ALPHA'), all);
  assert.deepEqual(await sorted('SORT', 'l', 'BY', 'nx_*', 'ALPHA', 'LIMIT', '0', '20'), all);
  await c.call('RPUSH', 'big', ...Array.from({ length: 60 }, (_, i) => String((i * 7) % 11)));
  assert.deepEqual(await sorted('SORT', 'big', 'BY', 'nx_*', 'ALPHA', 'LIMIT', '10', '8', 'GET', '#'), ['4', '0', '7', '3', '10', '6', '2', '9']);
  assert.deepEqual(await sorted('SORT', 'big', 'BY', '*', 'ALPHA', 'LIMIT', '50', '10'), ['9', '5', '1', '8', '4', '0', '7', '3', '10', '0']);
  await c.call('MSET', 'w_1', 'b', 'w_2', 'a', 'w_3', 'b', 'w_4', 'a', 'w_5', 'b', 'w_6', 'a', 'w_7', 'b', 'w_8', 'a');
  await c.call('RPUSH', 'e', '1', '2', '3', '4', '5', '6', '7', '8');
  assert.deepEqual(await sorted('SORT', 'e', 'BY', 'w_*', 'ALPHA', 'LIMIT', '1', '4'), ['6', '4', '8', '5']);
  assert.deepEqual(await sorted('SORT', 'e', 'BY', 'w_*', 'ALPHA'), ['2', '4', '6', '8', '1', '3', '5', '7']);
  assert.deepEqual(await sorted('SORT', 'e', 'BY', 'w_*', 'ALPHA', 'DESC', 'LIMIT', '0', '3'), ['1', '3', '5']);
});

test('GET: #, string keys, hash fields, missing and wrong types are nil', async () => {
  await reset();
  await c.call('RPUSH', 'l', '2', '1', '3');
  await c.call('MSET', 'name_1', 'one', 'name_2', 'two');
  await c.call('HSET', 'h_1', 'f', 'F1', '->', 'arrow');
  await c.call('HSET', 'h_3', 'f', 'F3');
  await c.call('RPUSH', 'name_3', 'x');
  const want = ['1', 'one', 'F1', '2', 'two', null, '3', null, 'F3'];
  assert.deepEqual(await sorted('SORT', 'l', 'GET', '#', 'GET', 'name_*', 'GET', 'h_*->f'), want);
  await both(
    ['SORT', 'l', 'GET', '#', 'GET', 'name_*', 'GET', 'h_*->f'],
    '*9\r\n$1\r\n1\r\n$3\r\none\r\n$2\r\nF1\r\n$1\r\n2\r\n$3\r\ntwo\r\n$-1\r\n$1\r\n3\r\n$-1\r\n$2\r\nF3\r\n',
    '*9\r\n$1\r\n1\r\n$3\r\none\r\n$2\r\nF1\r\n$1\r\n2\r\n$3\r\ntwo\r\n_\r\n$1\r\n3\r\n_\r\n$2\r\nF3\r\n',
  );
  // Only GET: no element itself. A pattern without '*' gets nothing; "#\0..." is "#".
  assert.deepEqual(await sorted('SORT', 'l', 'GET', 'name_*', 'LIMIT', '0', '2'), ['one', 'two']);
  assert.deepEqual(await sorted('SORT', 'l', 'GET', 'name_1', 'GET', '#\0zz', 'LIMIT', '0', '1'), [null, '1']);
  // "->" right at the end is part of the key name; "->->" reads the field "->".
  await c.call('SET', 'h_1->', 'plain');
  assert.deepEqual(await sorted('SORT', 'l', 'GET', 'h_*->', 'GET', 'h_*->->', 'LIMIT', '0', '1'), ['plain', 'arrow']);
  // The field is found after the '*' only: "a->b_*" is a plain key name.
  await c.call('SET', 'a->b_1', 'k');
  assert.deepEqual(await sorted('SORT', 'l', 'GET', 'a->b_*', 'LIMIT', '0', '1'), ['k']);
  // Elements come from sets and sorted sets too.
  await c.call('SADD', 's', '2', '1');
  assert.deepEqual(await sorted('SORT', 's', 'GET', 'name_*'), ['one', 'two']);
  await c.call('ZADD', 'z', '1', '2', '2', '1');
  assert.deepEqual(await sorted('SORT', 'z', 'BY', 'nosort', 'GET', 'name_*', 'GET', '#'), ['two', '2', 'one', '1']);
});

test('sets and sorted sets: native order without sorting, LIMIT by rank', async () => {
  await reset();
  await c.call('ZADD', 'z', '3', 'a', '1', 'b', '2', 'c', '2', 'd');
  await both(['SORT', 'z', 'BY', 'nosort'], arr(['b', 'c', 'd', 'a']));
  await both(['SORT', 'z', 'BY', 'nosort', 'DESC'], arr(['a', 'd', 'c', 'b']));
  await both(['SORT', 'z', 'BY', 'nosort', 'LIMIT', '1', '2'], arr(['c', 'd']));
  await both(['SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2'], arr(['d', 'c']));
  await both(['SORT', 'z', 'BY', 'nosort', 'LIMIT', '3', '5'], arr(['a']));
  await both(['SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', '3', '5'], arr(['b']));
  await both(['SORT', 'z', 'BY', 'nosort', 'LIMIT', '4', '5'], '*0\r\n');
  await both(['SORT', 'z', 'ALPHA', 'DESC'], arr(['d', 'c', 'b', 'a']));
  // SORT turns a listpack sorted set into a skiplist (even SORT_RO), as Redis does.
  await c.call('ZADD', 'small', '1', 'x');
  assert.equal(await c.callRaw('OBJECT', 'ENCODING', 'small'), '$8\r\nlistpack\r\n');
  await c.call('SORT_RO', 'small', 'BY', 'nosort');
  assert.equal(await c.callRaw('OBJECT', 'ENCODING', 'small'), '$8\r\nskiplist\r\n');
  // A set with BY constant is not sorted for a reply, but sorted (ALPHA) when stored.
  await c.call('SADD', 's', '5', '30', '1', '4', '200');
  assert.equal((await sorted('SORT', 's', 'BY', 'nosort')).length, 5);
  assert.equal(await c.callRaw('SORT', 's', 'BY', 'nosort', 'DESC', 'STORE', 'sd'), ':5\r\n');
  assert.deepEqual(await c.call('LRANGE', 'sd', '0', '-1'), ['5', '4', '30', '200', '1']);
  assert.equal(await c.callRaw('SORT', 's', 'BY', 'nosort', 'LIMIT', '1', '2', 'STORE', 'sd'), ':2\r\n');
  assert.deepEqual(await c.call('LRANGE', 'sd', '0', '-1'), ['200', '30']);
  assert.deepEqual(await sorted('SORT', 's'), ['1', '4', '5', '30', '200']);
});

test('STORE: count, replaces any value (and its TTL), empty result deletes; propagation', async () => {
  await reset();
  await c.call('RPUSH', 'l', '3', '1', '2');
  await c.call('MSET', 'v_1', 'a', 'v_3', 'c');
  let ops = await propagatedBy(async () => {
    await both(['SORT', 'l', 'STORE', 'dst'], ':3\r\n');
  });
  assert.deepEqual(ops, ['0:SORT l STORE dst', '0:SORT l STORE dst']);
  assert.deepEqual(await c.call('LRANGE', 'dst', '0', '-1'), ['1', '2', '3']);
  assert.equal(await c.callRaw('OBJECT', 'ENCODING', 'dst'), '$9\r\nquicklist\r\n');
  // Missing GET values are stored as empty strings; the destination is replaced.
  await c.call('SET', 'dst', 'string');
  await c.call('EXPIRE', 'dst', '100');
  assert.equal(await c.callRaw('SORT', 'l', 'GET', '#', 'GET', 'v_*', 'DESC', 'STORE', 'dst'), ':6\r\n');
  assert.deepEqual(await c.call('LRANGE', 'dst', '0', '-1'), ['3', 'c', '2', '', '1', 'a']);
  assert.equal(await c.callRaw('TTL', 'dst'), ':-1\r\n');
  // The source itself may be the destination.
  assert.equal(await c.callRaw('SORT', 'l', 'STORE', 'l'), ':3\r\n');
  assert.deepEqual(await c.call('LRANGE', 'l', '0', '-1'), ['1', '2', '3']);
  // An empty result deletes the destination (propagated as is); nothing happens otherwise.
  ops = await propagatedBy(async () => {
    assert.equal(await c.callRaw('SORT', 'l', 'LIMIT', '10', '1', 'STORE', 'dst'), ':0\r\n');
  });
  assert.deepEqual(ops, ['0:SORT l LIMIT 10 1 STORE dst']);
  assert.equal(await c.callRaw('EXISTS', 'dst'), ':0\r\n');
  ops = await propagatedBy(async () => {
    assert.equal(await c.callRaw('SORT', 'nokey', 'STORE', 'dst'), ':0\r\n');
    assert.equal(await c.callRaw('SORT', 'l'), arr(['1', '2', '3']));
    assert.equal(await c.callRaw('SORT_RO', 'l', 'GET', 'v_*'), '*3\r\n$1\r\na\r\n$-1\r\n$1\r\nc\r\n');
  });
  assert.deepEqual(ops, []);
  // Redis counts one change per stored element.
  const dirty = (info: string): number => Number(/rdb_changes_since_last_save:(\d+)/.exec(info)![1]);
  const before = dirty((await c.call('INFO', 'persistence')) as string);
  await c.call('SORT', 'l', 'STORE', 'dst');
  assert.equal(dirty((await c.call('INFO', 'persistence')) as string) - before, 3);
});

test('errors: syntax, LIMIT, WRONGTYPE, SORT_RO without STORE, arity', async () => {
  await reset();
  await c.call('RPUSH', 'l', '1');
  await c.call('SET', 'str', 'x');
  await c.call('HSET', 'h', 'a', '1');
  await both(['SORT', 'l', 'foo'], SYNTAX);
  await both(['SORT', 'l', 'LIMIT', '1'], SYNTAX);
  await both(['SORT', 'l', 'BY'], SYNTAX);
  await both(['SORT', 'l', 'GET'], SYNTAX);
  await both(['SORT', 'l', 'STORE'], SYNTAX);
  await both(['SORT_RO', 'l', 'STORE', 'x'], SYNTAX);
  await both(['SORT', 'l', 'LIMIT', 'a', '1'], NOT_INT);
  await both(['SORT', 'l', 'LIMIT', '1', '1.5'], NOT_INT);
  await both(['SORT', 'l', 'LIMIT', '1', '9223372036854775808'], NOT_INT);
  await both(['SORT', 'str'], WRONGTYPE);
  await both(['SORT', 'h', 'BY', 'nosort'], WRONGTYPE);
  await both(['SORT_RO', 'str'], WRONGTYPE);
  // Options are parsed before the key is looked at.
  await both(['SORT', 'str', 'foo'], SYNTAX);
  await both(['SORT', 'str', 'LIMIT', 'x', '1'], NOT_INT);
  await both(['SORT'], "-ERR wrong number of arguments for 'sort' command\r\n");
  await both(['SORT_RO'], "-ERR wrong number of arguments for 'sort_ro' command\r\n");
  assert.equal(await c.callRaw('SORT', 'str', 'STORE', 'dst'), WRONGTYPE);
  assert.equal(await c.callRaw('EXISTS', 'dst'), ':0\r\n');
});

test('COMMAND GETKEYS: the sorted key and the last STORE destination', async () => {
  assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'SORT', 'a', 'STORE', 'b', 'STORE', 'c', 'BY', 'x', 'GET', 'y', 'LIMIT', '1', '2'), ['a', 'c']);
  assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'SORT', 'a', 'GET', 'store', 'x'), ['a']);
  assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'SORT', 'a', 'store'), ['a']);
  assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'SORT_RO', 'a', 'STORE', 'x'), ['a']);
  assert.equal(
    await c.callRaw('COMMAND', 'GETKEYSANDFLAGS', 'SORT', 'a', 'ALPHA', 'STORE', 'd'),
    '*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n',
  );
});

// ---- model-based test ----------------------------------------------------------------------

interface Query {
  by: 'none' | 'nosort' | 'num' | 'alpha' | 'hash';
  alpha: boolean;
  desc: boolean;
  limit: [number, number] | null;
  gets: string[];
  store: boolean;
}

interface Fixture {
  list: string[];
  /** num_<e>: numeric weights (some elements have none). */
  num: Map<string, string>;
  /** alp_<e> and hash hw_<e> field f: distinct per element, so ALPHA order is total. */
  alp: Map<string, string>;
  /** g_<e>: GET values. */
  g: Map<string, string>;
}

function naiveSort(f: Fixture, q: Query): string[] | 'error' {
  let items = [...f.list];
  const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  if (q.by === 'nosort') {
    if (q.desc) items.reverse();
  } else {
    const alpha = q.alpha;
    const weight = (e: string): string | null => (q.by === 'none' ? e : q.by === 'num' ? (f.num.get(e) ?? null) : (f.alp.get(e) ?? null));
    if (!alpha) {
      for (const e of items) {
        const w = weight(e);
        if (w !== null && !Number.isFinite(Number(w))) return 'error';
      }
    }
    items.sort((a, b) => {
      let r: number;
      if (alpha) {
        const wa = weight(a);
        const wb = weight(b);
        r = wa === null || wb === null ? (wa === wb ? 0 : wa === null ? -1 : 1) : cmpStr(wa, wb);
      } else {
        const wa = Number(weight(a) ?? 0);
        const wb = Number(weight(b) ?? 0);
        r = wa !== wb ? (wa < wb ? -1 : 1) : cmpStr(a, b);
      }
      return q.desc ? -r : r;
    });
  }
  if (q.limit !== null) {
    const start = Math.max(q.limit[0], 0);
    items = q.limit[1] < 0 ? items.slice(start) : items.slice(start, start + q.limit[1]);
  }
  if (q.gets.length === 0) return items;
  const out: string[] = [];
  for (const e of items) {
    for (const g of q.gets) {
      const v = g === '#' ? e : g === 'g_*' ? f.g.get(e) : f.alp.get(e);
      out.push(v ?? (q.store ? '' : '\u0000nil'));
    }
  }
  return out;
}

const elemArb = fc.oneof(
  fc.integer({ min: -20, max: 20 }).map(String),
  fc.constantFrom('1.5', '-0.5', '007', '1e1', ' 3'),
);

test('model: SORT over random lists matches a naive implementation', async () => {
  await reset();
  await fc.assert(
    fc.asyncProperty(
      fc.array(elemArb, { maxLength: 30 }),
      fc.record({
        by: fc.constantFrom('none', 'nosort', 'num', 'alpha', 'hash'),
        alpha: fc.boolean(),
        desc: fc.boolean(),
        limit: fc.option(fc.tuple(fc.integer({ min: -3, max: 35 }), fc.integer({ min: -3, max: 35 })), { nil: null }),
        gets: fc.array(fc.constantFrom('#', 'g_*', 'hw_*->f'), { maxLength: 3 }),
        store: fc.boolean(),
      }),
      fc.integer({ min: 0, max: 1 << 30 }),
      async (list, q0, seed) => {
        const q = { ...(q0 as Query) };
        // The weights of BY alp_*/hw_* are only meaningful as strings. Numeric weights compared
        // as strings tie; equal weights come out in the sort algorithm's order: use distinct ones.
        if (q.by === 'num' && q.alpha) q.by = 'alpha';
        if (q.by === 'alpha' || q.by === 'hash') q.alpha = true;
        // Weights derived from the seed: numeric for some elements, distinct strings for all.
        const f: Fixture = { list, num: new Map(), alp: new Map(), g: new Map() };
        let s = seed;
        const next = (): number => (s = (s * 1103515245 + 12345) & 0x3fffffff);
        for (const e of new Set(list)) {
          if (next() % 4 !== 0) f.num.set(e, String((next() % 21) - 10));
          f.alp.set(e, `${String.fromCharCode(97 + (next() % 5))}:${e}`);
          if (next() % 3 !== 0) f.g.set(e, `g${next() % 100}`);
        }
        await c.call('FLUSHDB');
        if (list.length > 0) await c.call('RPUSH', 'L', ...list);
        for (const [e, v] of f.num) await c.call('SET', `num_${e}`, v);
        for (const [e, v] of f.alp) {
          await c.call('SET', `alp_${e}`, v);
          await c.call('HSET', `hw_${e}`, 'f', v);
        }
        for (const [e, v] of f.g) await c.call('SET', `g_${e}`, v);
        const args = ['SORT', 'L'];
        if (q.by === 'nosort') args.push('BY', 'nosort');
        if (q.by === 'num') args.push('BY', 'num_*');
        if (q.by === 'alpha') args.push('BY', 'alp_*');
        if (q.by === 'hash') args.push('BY', 'hw_*->f');
        if (q.limit !== null) args.push('LIMIT', String(q.limit[0]), String(q.limit[1]));
        for (const g of q.gets) args.push('GET', g);
        if (q.desc) args.push('DESC');
        if (q.alpha) args.push('ALPHA');
        if (q.store) args.push('STORE', 'dst');
        const want = naiveSort(f, { ...q, by: q.by === 'hash' ? 'alpha' : q.by });
        const reply = await c.call(...args);
        if (want === 'error') {
          assert.ok(reply instanceof RespError, args.join(' '));
          assert.equal(reply.message, "ERR One or more scores can't be converted into double");
          return;
        }
        if (q.store) {
          assert.equal(reply, want.length, args.join(' '));
          const stored = await c.call('LRANGE', 'dst', '0', '-1');
          assert.deepEqual(stored, want, args.join(' '));
          assert.equal(await c.call('EXISTS', 'dst'), want.length > 0 ? 1 : 0);
        } else {
          assert.deepEqual(
            (reply as (string | null)[]).map((x) => x ?? '\u0000nil'),
            want,
            args.join(' '),
          );
        }
      },
    ),
    { numRuns: 200 },
  );
});
