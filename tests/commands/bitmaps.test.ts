// SETBIT GETBIT BITCOUNT BITPOS BITOP: exact bytes in RESP2 and RESP3, error texts and the
// order in which arguments are checked, ranges (negative, reversed, BYTE and BIT), limits,
// propagation — expected values taken from a real redis-server 7.0.15 — and the byte form
// of large values (ByteString), which every other string command must not notice.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { RespClient } from '../helpers/resp-client.js';
import type { CollectionValue } from '../../src/keyspace/types.js';
import { ByteString, BYTE_STRING_MIN } from '../../src/keyspace/byte-string.js';

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
const BAD_OFFSET = '-ERR bit offset is not an integer or out of range\r\n';
const BAD_BIT = '-ERR bit is not an integer or out of range\r\n';
const BITPOS_BIT = '-ERR The bit argument must be 1 or 0.\r\n';
const I64_MAX = '9223372036854775807';
const I64_MIN = '-9223372036854775808';

const int = (n: number) => `:${n}\r\n`;
const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;

/** Puts a non-string value at `key` (for WRONGTYPE, without depending on the list commands). */
function putList(key: string): void {
  const db = srv.server.keyspace.dbs[0]!;
  db.delete(key);
  const value: CollectionValue = { type: 'list', clone: () => value };
  db.add(key, value);
}

/** What the entry at `key` holds: a JS string, or a ByteString (the byte form). */
function storedForm(key: string): 'string' | 'bytes' | 'none' {
  const v = srv.server.keyspace.dbs[0]!.getEntry(key)?.stored;
  return v === undefined ? 'none' : v instanceof ByteString ? 'bytes' : 'string';
}

async function propagatedBy(body: () => Promise<unknown>): Promise<string[]> {
  srv.clearPropagated();
  await body();
  return [...srv.propagated];
}

/** Sends each command on both connections (after `setup`) and expects the same bytes. */
async function both(setup: readonly (readonly string[])[], args: readonly (string | number)[], expected: string): Promise<void> {
  for (const conn of [c, c3]) {
    for (const s of setup) await conn.call(...s);
    assert.equal(await conn.callRaw(...args), expected, `${args.join(' ')} (${conn === c ? 'RESP2' : 'RESP3'})`);
  }
}

// ---- SETBIT / GETBIT ---------------------------------------------------------------------------

test('SETBIT creates and grows the string, replies the old bit; GETBIT reads it', async () => {
  await c.call('DEL', 'sb');
  assert.equal(await c.callRaw('SETBIT', 'sb', '7', '1'), int(0));
  assert.equal(await c.call('GET', 'sb'), '\x01');
  assert.equal(await c3.callRaw('SETBIT', 'sb', '7', '1'), int(1));
  assert.equal(await c.callRaw('SETBIT', 'sb', '0', '1'), int(0));
  assert.equal(await c.call('GET', 'sb'), '\x81');
  assert.equal(await c.callRaw('SETBIT', 'sb', '7', '0'), int(1));
  assert.equal(await c.callRaw('SETBIT', 'sb', '100', '0'), int(0));
  assert.equal(await c.callRaw('GET', 'sb'), bulk('\x80' + '\0'.repeat(12)));
  assert.equal(await c.callRaw('GETBIT', 'sb', '0'), int(1));
  assert.equal(await c3.callRaw('GETBIT', 'sb', '0'), int(1));
  assert.equal(await c.callRaw('GETBIT', 'sb', '1'), int(0));
  assert.equal(await c.callRaw('GETBIT', 'sb', '103'), int(0));
  assert.equal(await c.callRaw('GETBIT', 'sb', '104'), int(0));
  assert.equal(await c.callRaw('GETBIT', 'sb', '4294967295'), int(0));
  assert.equal(await c.callRaw('GETBIT', 'sb:missing', '0'), int(0));
  assert.equal(await c3.callRaw('GETBIT', 'sb:missing', '4294967295'), int(0));
  // An integer value is its decimal digits: "123" = 0x31 0x32 0x33.
  await c.call('SET', 'sb:n', '123');
  assert.equal(await c.callRaw('GETBIT', 'sb:n', '3'), int(1));
  assert.equal(await c.callRaw('SETBIT', 'sb:n', '0', '1'), int(0));
  assert.equal(await c.call('GET', 'sb:n'), '\xb123');
  // Every byte value round-trips.
  await c.call('DEL', 'sb:all');
  for (let i = 0; i < 256; i++) {
    for (let b = 0; b < 8; b++) if ((i >> (7 - b)) & 1) await c.call('SETBIT', 'sb:all', String(i * 8 + b), '1');
  }
  const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
  assert.equal(await c.call('GET', 'sb:all'), all);
});

test('SETBIT/GETBIT errors, in Redis order: offset, then bit value, then the key type', async () => {
  await c.call('SET', 'se', 'x');
  for (const off of ['-1', 'x', '01', ' 1', '1 ', '', '1.0', '4294967296', I64_MAX, '9223372036854775808']) {
    assert.equal(await c.callRaw('SETBIT', 'se', off, '1'), BAD_OFFSET, `offset ${off}`);
    assert.equal(await c.callRaw('GETBIT', 'se', off), BAD_OFFSET, `offset ${off}`);
  }
  for (const v of ['2', '-1', 'x', '01', ' 1', '', '1.0', '-0']) {
    assert.equal(await c.callRaw('SETBIT', 'se', '1', v), BAD_BIT, `bit ${v}`);
  }
  putList('se:list');
  assert.equal(await c.callRaw('SETBIT', 'se:list', '0', '1'), WRONGTYPE);
  assert.equal(await c.callRaw('GETBIT', 'se:list', '0'), WRONGTYPE);
  assert.equal(await c.callRaw('SETBIT', 'se:list', 'x', '1'), BAD_OFFSET);
  assert.equal(await c.callRaw('SETBIT', 'se:list', '0', '5'), BAD_BIT);
  assert.equal(await c.callRaw('GETBIT', 'se:missing', 'x'), BAD_OFFSET);
  assert.equal(await c.callRaw('SETBIT', 'se', '1'), "-ERR wrong number of arguments for 'setbit' command\r\n");
  assert.equal(await c.callRaw('GETBIT', 'se'), "-ERR wrong number of arguments for 'getbit' command\r\n");
  assert.equal(await c.call('GET', 'se'), 'x');
  assert.equal(await c.call('EXISTS', 'se:missing'), 0);
});

test('bit offsets: up to 2^32-1 by default, below proto-max-bulk-len bytes in general', async () => {
  // 2^32 - 1 addresses byte 2^29 - 1: Redis allows it. A JS string holds at most 2^29 - 24
  // bytes, so nodis refuses writes there with the offset error; reads are 0 as for any
  // offset past the end.
  assert.equal(await c.callRaw('GETBIT', 'lim', '4294967295'), int(0));
  assert.equal(await c.callRaw('SETBIT', 'lim', '4294967295', '1'), BAD_OFFSET);
  assert.equal(await c.callRaw('SETBIT', 'lim', '4294967296', '1'), BAD_OFFSET);
  assert.equal(await c.call('EXISTS', 'lim'), 0);
  assert.equal(await c.call('CONFIG', 'SET', 'proto-max-bulk-len', '1mb'), 'OK');
  try {
    assert.equal(await c.callRaw('SETBIT', 'lim', '8388607', '1'), int(0));
    assert.equal(await c.call('STRLEN', 'lim'), 1048576);
    assert.equal(await c.callRaw('SETBIT', 'lim', '8388608', '1'), BAD_OFFSET);
    assert.equal(await c.callRaw('GETBIT', 'lim', '8388608'), BAD_OFFSET);
    assert.equal(await c.callRaw('GETBIT', 'lim', '8388607'), int(1));
    // BITFIELD checks where a field starts, so a field may end past the limit (as in Redis).
    assert.equal(await c.callRaw('BITFIELD', 'lim', 'SET', 'u8', '8388601', '1'), `*1\r\n${int(2)}`);
    assert.equal(await c.call('STRLEN', 'lim'), 1048577);
    assert.equal(await c.callRaw('BITFIELD', 'lim', 'GET', 'u8', '#1048575'), `*1\r\n${int(0)}`);
    assert.equal(await c.callRaw('BITFIELD', 'lim', 'GET', 'u8', '#1048576'), BAD_OFFSET);
  } finally {
    await c.call('CONFIG', 'SET', 'proto-max-bulk-len', '512mb');
    await c.call('DEL', 'lim');
  }
});

test('SETBIT keeps the TTL; propagates as received only when the value changed', async () => {
  await c.call('DEL', 'sp');
  assert.deepEqual(await propagatedBy(() => c.call('SETBIT', 'sp', '7', '1')), ['0:SETBIT sp 7 1']);
  assert.deepEqual(await propagatedBy(() => c.call('SETBIT', 'sp', '7', '1')), []);
  assert.deepEqual(await propagatedBy(() => c.call('SETBIT', 'sp', '6', '0')), []);
  assert.deepEqual(await propagatedBy(() => c.call('SETBIT', 'sp', '7', '0')), ['0:SETBIT sp 7 0']);
  // Growing the string is a change even when the bit written is 0.
  assert.deepEqual(await propagatedBy(() => c.call('setbit', 'sp', '100', '0')), ['0:setbit sp 100 0']);
  assert.deepEqual(await propagatedBy(() => c.call('SETBIT', 'sp:new', '0', '0')), ['0:SETBIT sp:new 0 0']);
  assert.equal(await c.call('GET', 'sp:new'), '\0');
  assert.deepEqual(await propagatedBy(() => c.call('SETBIT', 'sp', 'x', '1')), []);
  // Empty string: bit 0 grows it.
  await c.call('SET', 'sp:e', '');
  assert.deepEqual(await propagatedBy(() => c.call('SETBIT', 'sp:e', '0', '0')), ['0:SETBIT sp:e 0 0']);
  await c.call('EXPIRE', 'sp', '100');
  await c.call('SETBIT', 'sp', '1', '1');
  assert.ok((await c.call('TTL', 'sp')) as number > 0);
  // A GETBIT is never logged.
  assert.deepEqual(await propagatedBy(() => c.call('GETBIT', 'sp', '1')), []);
});

test('SETBIT that changes nothing does not touch WATCHers; one that does aborts EXEC', async () => {
  await c.call('SET', 'sw', '\x01');
  await c.call('WATCH', 'sw');
  await c3.call('SETBIT', 'sw', '7', '1');
  await c.call('MULTI');
  await c.call('GET', 'sw');
  assert.equal(await c.callRaw('EXEC'), `*1\r\n${bulk('\x01')}`);
  await c.call('WATCH', 'sw');
  await c3.call('SETBIT', 'sw', '7', '0');
  await c.call('MULTI');
  await c.call('GET', 'sw');
  assert.equal(await c.callRaw('EXEC'), '*-1\r\n');
});

// ---- BITCOUNT ----------------------------------------------------------------------------------

test('BITCOUNT: whole value, BYTE and BIT ranges, negative and reversed indexes', async () => {
  const setup = [['SET', 'bc', 'foobar']];
  const cases: [string[], number][] = [
    [[], 26],
    [['0', '0'], 4],
    [['1', '1'], 6],
    [['1', '1', 'byte'], 6],
    [['1', '1', 'BYTE'], 6],
    [['5', '30', 'bit'], 17],
    [['5', '30', 'BIT'], 17],
    [['-1', '-2'], 0],
    [['-2', '-1'], 7],
    [['-100', '100'], 26],
    [['-1', '-2', 'bit'], 0],
    [['-3', '-1', 'bit'], 1],
    [['0', '-1', 'bit'], 26],
    [['2', '1'], 0],
    [['6', '100'], 0],
    [['47', '47', 'bit'], 0],
    [['46', '46', 'bit'], 1],
    [['9', '10', 'bit'], 2],
    [[I64_MAX, I64_MIN], 0],
    [[I64_MIN, I64_MAX], 26],
    [[I64_MIN, I64_MAX, 'bit'], 26],
    [[I64_MIN, '-1', 'bit'], 26],
  ];
  for (const [range, n] of cases) await both(setup, ['BITCOUNT', 'bc', ...range], int(n));
  await both([['SET', 'bc:n', '12']], ['BITCOUNT', 'bc:n'], int(6));
  await both([['SET', 'bc:e', '']], ['BITCOUNT', 'bc:e', '0', '-1'], int(0));
  await both([], ['BITCOUNT', 'bc:missing'], int(0));
});

test('BITCOUNT errors, in Redis 7.0 order: the key first (a missing key is 0 whatever follows)', async () => {
  await c.call('SET', 'bce', 'foobar');
  assert.equal(await c.callRaw('BITCOUNT', 'bce', '0'), SYNTAX);
  assert.equal(await c.callRaw('BITCOUNT', 'bce', '0', '1', '2'), SYNTAX);
  assert.equal(await c.callRaw('BITCOUNT', 'bce', '0', '1', 'bit', 'x'), SYNTAX);
  assert.equal(await c.callRaw('BITCOUNT', 'bce', '5', '30', 'bits'), SYNTAX);
  assert.equal(await c.callRaw('BITCOUNT', 'bce', 'x', '1'), NOT_INT);
  assert.equal(await c.callRaw('BITCOUNT', 'bce', '1', 'x'), NOT_INT);
  assert.equal(await c.callRaw('BITCOUNT', 'bce', '1', 'x', 'bad'), NOT_INT);
  assert.equal(await c.callRaw('BITCOUNT', 'bce', '9223372036854775808', '1'), NOT_INT);
  // Reversed negative ranges are empty before the unit is even looked at.
  assert.equal(await c.callRaw('BITCOUNT', 'bce', '-1', '-2', 'bad'), int(0));
  assert.equal(await c.callRaw('BITCOUNT', 'bce', '2', '1', 'bad'), SYNTAX);
  for (const rest of [[], ['0'], ['x', '1'], ['0', '1', 'bad'], ['0', '1', '2', '3']]) {
    assert.equal(await c.callRaw('BITCOUNT', 'bce:missing', ...rest), int(0), rest.join(' '));
  }
  putList('bce:list');
  for (const rest of [[], ['0', '1'], ['x', '1'], ['0', '1', 'bad']]) {
    assert.equal(await c.callRaw('BITCOUNT', 'bce:list', ...rest), WRONGTYPE, rest.join(' '));
  }
  assert.equal(await c.callRaw('BITCOUNT'), "-ERR wrong number of arguments for 'bitcount' command\r\n");
});

// ---- BITPOS ------------------------------------------------------------------------------------

test('BITPOS: first set or clear bit, BYTE and BIT ranges, the clear bit past the end', async () => {
  const setup = [['SET', 'bp', '\xff\xf0\x00']];
  const cases: [string[], number][] = [
    [['0'], 12],
    [['1'], 0],
    [['0', '2'], 16],
    [['0', '0', '1'], 12],
    [['1', '2', '-1'], -1],
    [['0', '0', '-1', 'bit'], 12],
    [['0', '3', '-1', 'BIT'], 12],
    [['0', '3', '5', 'bit'], -1],
    [['0', '12', '12', 'bit'], 12],
    [['1', '12', '12', 'bit'], -1],
    [['1', '7', '15', 'bit'], 7],
    [['1', '9', '11', 'bit'], 9],
    [['0', '9', '13', 'bit'], 12],
    [['0', '100'], -1],
    [['1', '100'], -1],
    [['0', '-1', '-2'], -1],
    [['0', '1', '1', 'byte'], 12],
    [['1', I64_MIN, I64_MAX, 'bit'], 0],
    [['0', I64_MIN, I64_MAX, 'bit'], 12],
    [['0', I64_MAX, I64_MIN], -1],
  ];
  for (const [args, n] of cases) await both(setup, ['BITPOS', 'bp', ...args], int(n));
  // All ones: with no end the value counts as zero-padded, with an end it does not.
  const ones = [['SET', 'bp:f', '\xff\xff\xff']];
  await both(ones, ['BITPOS', 'bp:f', '0'], int(24));
  await both(ones, ['BITPOS', 'bp:f', '0', '0'], int(24));
  await both(ones, ['BITPOS', 'bp:f', '0', '1'], int(24));
  await both(ones, ['BITPOS', 'bp:f', '0', '0', '-1'], int(-1));
  await both(ones, ['BITPOS', 'bp:f', '0', '0', '-1', 'bit'], int(-1));
  await both(ones, ['BITPOS', 'bp:f', '0', '0', '22', 'bit'], int(-1));
  // All zeros: no 1 anywhere.
  const zeros = [['SET', 'bp:z', '\0\0']];
  await both(zeros, ['BITPOS', 'bp:z', '1'], int(-1));
  await both(zeros, ['BITPOS', 'bp:z', '0'], int(0));
  await both(zeros, ['BITPOS', 'bp:z', '1', '0', '-1', 'bit'], int(-1));
  await both(zeros, ['BITPOS', 'bp:z', '0', '5', '9', 'bit'], int(5));
  // An empty string holds no bit at all; a missing key is endless zeros.
  await both([['SET', 'bp:e', '']], ['BITPOS', 'bp:e', '0'], int(-1));
  await both([['SET', 'bp:e', '']], ['BITPOS', 'bp:e', '1'], int(-1));
  await both([], ['BITPOS', 'bp:missing', '0'], int(0));
  await both([], ['BITPOS', 'bp:missing', '1'], int(-1));
  await both([], ['BITPOS', 'bp:missing', '0', '5', '6'], int(0));
});

test('BITPOS errors, in Redis 7.0 order: the bit, the key, start, the unit, end', async () => {
  await c.call('SET', 'bpe', '\xff\xf0\x00');
  assert.equal(await c.callRaw('BITPOS', 'bpe', '2'), BITPOS_BIT);
  assert.equal(await c.callRaw('BITPOS', 'bpe', '-1'), BITPOS_BIT);
  assert.equal(await c.callRaw('BITPOS', 'bpe', 'x'), NOT_INT);
  assert.equal(await c.callRaw('BITPOS', 'bpe', '1', 'x'), NOT_INT);
  assert.equal(await c.callRaw('BITPOS', 'bpe', '1', '0', 'x'), NOT_INT);
  assert.equal(await c.callRaw('BITPOS', 'bpe', '1', '0', '1', 'bad'), SYNTAX);
  assert.equal(await c.callRaw('BITPOS', 'bpe', '1', '0', 'x', 'bad'), SYNTAX);
  assert.equal(await c.callRaw('BITPOS', 'bpe', '1', 'x', '1', 'bad'), NOT_INT);
  assert.equal(await c.callRaw('BITPOS', 'bpe', '1', '0', '1', 'bit', 'x'), SYNTAX);
  // BIT needs an end: in its place it is not an integer.
  assert.equal(await c.callRaw('BITPOS', 'bpe', '1', '16', 'bit'), NOT_INT);
  assert.equal(await c.callRaw('BITPOS', 'bpe', '1', '9223372036854775808'), NOT_INT);
  assert.equal(await c.callRaw('BITPOS', 'bpe:missing', '2'), BITPOS_BIT);
  assert.equal(await c.callRaw('BITPOS', 'bpe:missing', '1', 'x'), int(-1));
  putList('bpe:list');
  assert.equal(await c.callRaw('BITPOS', 'bpe:list', '1'), WRONGTYPE);
  assert.equal(await c.callRaw('BITPOS', 'bpe:list', '2'), BITPOS_BIT);
  assert.equal(await c.callRaw('BITPOS', 'bpe:list', 'x'), NOT_INT);
  assert.equal(await c.callRaw('BITPOS', 'bpe:list', '1', 'x'), WRONGTYPE);
  assert.equal(await c.callRaw('BITPOS', 'bpe'), "-ERR wrong number of arguments for 'bitpos' command\r\n");
});

// ---- BITOP -------------------------------------------------------------------------------------

test('BITOP AND OR XOR NOT: result length is the longest source, missing keys are empty', async () => {
  await c.call('SET', 'bo:a', '\x0f\xf0');
  await c.call('SET', 'bo:b', '\xff');
  assert.equal(await c.callRaw('BITOP', 'AND', 'bo:d', 'bo:a', 'bo:b'), int(2));
  assert.equal(await c.call('GET', 'bo:d'), '\x0f\x00');
  assert.equal(await c3.callRaw('BITOP', 'or', 'bo:d', 'bo:a', 'bo:b'), int(2));
  assert.equal(await c.call('GET', 'bo:d'), '\xff\xf0');
  assert.equal(await c.callRaw('BITOP', 'Xor', 'bo:d', 'bo:a', 'bo:b'), int(2));
  assert.equal(await c.call('GET', 'bo:d'), '\xf0\xf0');
  assert.equal(await c.callRaw('BITOP', 'NOT', 'bo:d', 'bo:a'), int(2));
  assert.equal(await c.call('GET', 'bo:d'), '\xf0\x0f');
  assert.equal(await c.callRaw('BITOP', 'AND', 'bo:d', 'bo:a', 'bo:missing'), int(2));
  assert.equal(await c.call('GET', 'bo:d'), '\0\0');
  await c.call('SET', 'bo:n', '123');
  assert.equal(await c.callRaw('BITOP', 'OR', 'bo:d', 'bo:n'), int(3));
  assert.equal(await c.call('GET', 'bo:d'), '123');
  const many = Array.from({ length: 18 }, () => 'bo:a');
  assert.equal(await c.callRaw('BITOP', 'AND', 'bo:d', ...many), int(2));
  assert.equal(await c.call('GET', 'bo:d'), '\x0f\xf0');
  // The destination may be a source.
  assert.equal(await c.callRaw('BITOP', 'NOT', 'bo:d', 'bo:d'), int(2));
  assert.equal(await c.call('GET', 'bo:d'), '\xf0\x0f');
});

test('BITOP: empty result deletes the destination; overwrites any type and drops the TTL', async () => {
  await c.call('SET', 'bo2:d', 'x');
  await c.call('SET', 'bo2:e', '');
  assert.equal(await c.callRaw('BITOP', 'AND', 'bo2:d', 'bo2:m1', 'bo2:m2'), int(0));
  assert.equal(await c.call('EXISTS', 'bo2:d'), 0);
  assert.equal(await c.callRaw('BITOP', 'OR', 'bo2:d', 'bo2:e'), int(0));
  assert.equal(await c.call('EXISTS', 'bo2:d'), 0);
  putList('bo2:list');
  await c.call('SET', 'bo2:a', 'ab');
  assert.equal(await c.callRaw('BITOP', 'OR', 'bo2:list', 'bo2:a'), int(2));
  assert.equal(await c.call('TYPE', 'bo2:list'), 'string');
  await c.call('SET', 'bo2:t', '1', 'EX', '100');
  assert.equal(await c.callRaw('BITOP', 'OR', 'bo2:t', 'bo2:a'), int(2));
  assert.equal(await c.call('TTL', 'bo2:t'), -1);
});

test('BITOP errors: operation, NOT arity, WRONGTYPE source (not destination), arity', async () => {
  await c.call('SET', 'bo3:a', 'a');
  putList('bo3:list');
  assert.equal(await c.callRaw('BITOP', 'NAND', 'bo3:d', 'bo3:a'), SYNTAX);
  assert.equal(await c.callRaw('BITOP', 'NOT', 'bo3:d', 'bo3:a', 'bo3:a'), '-ERR BITOP NOT must be called with a single source key.\r\n');
  assert.equal(await c.callRaw('BITOP', 'NAND', 'bo3:d', 'bo3:list'), SYNTAX);
  assert.equal(await c.callRaw('BITOP', 'AND', 'bo3:d', 'bo3:a', 'bo3:list'), WRONGTYPE);
  assert.equal(await c.call('EXISTS', 'bo3:d'), 0);
  assert.equal(await c.callRaw('BITOP', 'NOT', 'bo3:d'), "-ERR wrong number of arguments for 'bitop' command\r\n");
});

test('BITOP propagates as received whenever it stores, and when it deletes an existing key', async () => {
  await c.call('SET', 'bo4:a', 'a');
  assert.deepEqual(await propagatedBy(() => c.call('BITOP', 'AND', 'bo4:d', 'bo4:a')), ['0:BITOP AND bo4:d bo4:a']);
  // Same result again: still a write in Redis.
  assert.deepEqual(await propagatedBy(() => c.call('BITOP', 'AND', 'bo4:d', 'bo4:a')), ['0:BITOP AND bo4:d bo4:a']);
  assert.deepEqual(await propagatedBy(() => c.call('BITOP', 'and', 'bo4:d', 'bo4:m')), ['0:BITOP and bo4:d bo4:m']);
  assert.deepEqual(await propagatedBy(() => c.call('BITOP', 'and', 'bo4:d', 'bo4:m')), []);
  assert.deepEqual(await propagatedBy(() => c.call('BITOP', 'NOT', 'bo4:d', 'bo4:a', 'bo4:a')), []);
});

// ---- large values: the byte form ---------------------------------------------------------------

test('large bitmaps are edited in place and read as ordinary strings by every other command', async () => {
  const bigOffset = BYTE_STRING_MIN * 8 + 5;
  const len = BYTE_STRING_MIN + 1;
  await c.call('DEL', 'big');
  assert.equal(await c.callRaw('SETBIT', 'big', String(bigOffset), '1'), int(0));
  assert.equal(storedForm('big'), 'bytes');
  assert.equal(await c.callRaw('SETBIT', 'big', '1', '1'), int(0));
  assert.equal(await c.callRaw('GETBIT', 'big', '1'), int(1));
  assert.equal(await c.callRaw('BITCOUNT', 'big'), int(2));
  assert.equal(await c.callRaw('BITPOS', 'big', '1', '1'), int(bigOffset));
  assert.equal(storedForm('big'), 'bytes');
  const expected = '\x40' + '\0'.repeat(len - 2) + '\x04';
  // GET (or any other reader) turns it back into a JS string.
  assert.equal(await c.call('GET', 'big'), expected);
  assert.equal(storedForm('big'), 'string');
  assert.equal(await c.call('STRLEN', 'big'), len);
  // The next bit write switches it back to bytes; all string commands agree with each other.
  assert.equal(await c.callRaw('SETBIT', 'big', '2', '1'), int(0));
  assert.equal(storedForm('big'), 'bytes');
  assert.equal(await c.call('GETRANGE', 'big', '0', '0'), '\x60');
  assert.equal(await c.call('APPEND', 'big', 'xy'), len + 2);
  assert.equal(await c.call('GETRANGE', 'big', '-3', '-1'), '\x04xy');
  await c.call('SETBIT', 'big', '3', '1');
  assert.equal(await c.call('SETRANGE', 'big', '1', 'AB'), len + 2);
  assert.equal(await c.call('GETRANGE', 'big', '0', '3'), '\x70AB\0');
  await c.call('SETBIT', 'big', '4', '1');
  assert.equal(await c.call('TYPE', 'big'), 'string');
  await c.call('SETBIT', 'big', '5', '1');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'big'), 'raw');
  await c.call('SETBIT', 'big', '6', '1');
  const value = (await c.call('GET', 'big')) as string;
  await c.call('SET', 'big:copy', value);
  await c.call('SETBIT', 'big', '7', '1');
  await c.call('SETBIT', 'big:copy', '7', '1');
  assert.deepEqual(await c.call('DEBUG', 'DIGEST-VALUE', 'big'), await c.call('DEBUG', 'DIGEST-VALUE', 'big:copy'));
  // RENAME moves the value; COPY gives an independent one.
  await c.call('SETBIT', 'big', '8', '1');
  await c.call('RENAME', 'big', 'big:renamed');
  assert.equal(await c.call('GETBIT', 'big:renamed', '8'), 1);
  await c.call('SETBIT', 'big:renamed', '11', '1');
  assert.equal(storedForm('big:renamed'), 'bytes');
  assert.equal(await c.call('COPY', 'big:renamed', 'big:copied'), 1);
  await c.call('SETBIT', 'big:copied', '30', '1');
  assert.equal(await c.call('GETBIT', 'big:renamed', '30'), 0);
  assert.equal(await c.call('GETBIT', 'big:copied', '30'), 1);
  // Writing a whole new value replaces the byte form.
  await c.call('SETBIT', 'big:renamed', '10', '1');
  await c.call('SET', 'big:renamed', 'small');
  assert.equal(storedForm('big:renamed'), 'string');
  assert.equal(await c.call('GET', 'big:renamed'), 'small');
});

test('large bitmaps: growth, BITOP results in byte form, digests equal to plain strings', async () => {
  await c.call('DEL', 'g1', 'g2', 'g3', 'p1', 'p2', 'p3');
  const offsets = [3, 40000, 40001, 65535, 200000, 9];
  for (const o of offsets) await c.call('SETBIT', 'g1', String(o), '1');
  assert.equal(await c.call('STRLEN', 'g1'), 25001);
  assert.equal(await c.call('BITCOUNT', 'g1'), offsets.length);
  assert.equal(await c.call('BITCOUNT', 'g1', '5000', '5000'), 2);
  assert.equal(await c.call('BITCOUNT', 'g1', '40000', '65535', 'BIT'), 3);
  assert.equal(await c.call('BITPOS', 'g1', '1', '10', '-1', 'BIT'), 40000);
  assert.equal(await c.call('BITPOS', 'g1', '0', '0', '-1', 'BIT'), 0);
  await c.call('SETBIT', 'g2', '40001', '1');
  assert.equal(await c.call('BITOP', 'XOR', 'g3', 'g1', 'g2'), 25001);
  assert.equal(storedForm('g3'), 'bytes');
  assert.equal(await c.call('BITCOUNT', 'g3'), offsets.length - 1);
  assert.equal(await c.call('GETBIT', 'g3', '40001'), 0);
  // The same bytes as plain strings give the same digest.
  for (const k of ['g1', 'g2', 'g3']) {
    await c.call('SETBIT', k, '1', '1');
    await c.call('SETBIT', k, '1', '0');
    assert.equal(storedForm(k), 'bytes');
    const digest = await c.call('DEBUG', 'DIGEST-VALUE', k);
    const v = (await c.call('GET', k)) as string;
    await c.call('DEL', k);
    await c.call('SET', k, v);
    assert.equal(storedForm(k), 'string');
    assert.deepEqual(await c.call('DEBUG', 'DIGEST-VALUE', k), digest);
  }
});
