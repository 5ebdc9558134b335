// List commands on one key and between keys (the blocking forms: lists-blocking.test.ts):
// exact reply bytes in RESP2 and RESP3, Redis's error texts, edge cases (negative and
// out-of-range indexes, int64 extremes, empty results, binary elements) and what each write
// propagates. Expected bytes and propagated forms were taken from a real redis-server 7.0.15
// (replies compared side by side; propagation read back from its appendonly file).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { RespClient } from '../helpers/resp-client.js';
import { listCommands } from '../../src/commands/lists.js';

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
const NOT_POSITIVE = '-ERR value is out of range, must be positive\r\n';

/** The bytes of an array of bulk strings. */
function bulks(...items: string[]): string {
  return `*${items.length}\r\n${items.map((s) => `$${s.length}\r\n${s}\r\n`).join('')}`;
}

/** Asserts the reply in RESP2 and (when it differs) RESP3; the command runs once on each. */
async function both(args: string[], resp2: string, resp3 = resp2): Promise<void> {
  assert.equal(await c.callRaw(...args), resp2, `RESP2 ${args.join(' ')}`);
  assert.equal(await c3.callRaw(...args), resp3, `RESP3 ${args.join(' ')}`);
}

/** Replaces `key` by a list of `items` (RPUSH). */
async function list(key: string, ...items: string[]): Promise<void> {
  await c.call('DEL', key);
  if (items.length > 0) await c.call('RPUSH', key, ...items);
}

async function range(key: string): Promise<unknown> {
  return c.call('LRANGE', key, '0', '-1');
}

async function propagatedBy(body: () => Promise<unknown>): Promise<string[]> {
  srv.clearPropagated();
  await body();
  return [...srv.propagated];
}

test('command table entries match Redis 7.0.15 (arity, flags, first/last/step, since)', () => {
  const expected: Record<string, [number, string, string, string]> = {
    lpush: [-3, 'write denyoom fast', '1 1 1', '1.0.0'],
    rpush: [-3, 'write denyoom fast', '1 1 1', '1.0.0'],
    lpushx: [-3, 'write denyoom fast', '1 1 1', '2.2.0'],
    rpushx: [-3, 'write denyoom fast', '1 1 1', '2.2.0'],
    lpop: [-2, 'write fast', '1 1 1', '1.0.0'],
    rpop: [-2, 'write fast', '1 1 1', '1.0.0'],
    llen: [2, 'readonly fast', '1 1 1', '1.0.0'],
    lrange: [4, 'readonly', '1 1 1', '1.0.0'],
    lindex: [3, 'readonly', '1 1 1', '1.0.0'],
    lset: [4, 'write denyoom', '1 1 1', '1.0.0'],
    linsert: [5, 'write denyoom', '1 1 1', '2.2.0'],
    lrem: [4, 'write', '1 1 1', '1.0.0'],
    ltrim: [4, 'write', '1 1 1', '1.0.0'],
    lpos: [-3, 'readonly', '1 1 1', '6.0.6'],
    lmove: [5, 'write denyoom', '1 2 1', '6.2.0'],
    rpoplpush: [3, 'write denyoom', '1 2 1', '1.2.0'],
    lmpop: [-4, 'write', '', '7.0.0'],
  };
  const specs = new Map<string, (typeof listCommands)[number]>(listCommands.map((s) => [s.name, s]));
  for (const [name, [arity, flags, keys, since]] of Object.entries(expected)) {
    const s = specs.get(name)!;
    assert.ok(s, name);
    assert.equal(s.arity, arity, name);
    assert.equal(s.flags.join(' '), flags, name);
    assert.equal('keys' in s ? `${s.keys.first} ${s.keys.last} ${s.keys.step}` : '', keys, name);
    assert.equal(s.since, since, name);
    assert.equal(s.group, 'list', name);
    assert.deepEqual(s.categories, ['list'], name);
  }
});

test('COMMAND GETKEYS finds LMPOP keys through numkeys', async () => {
  await both(['COMMAND', 'GETKEYS', 'lmpop', '2', 'a', 'b', 'LEFT', 'COUNT', '3'], bulks('a', 'b'));
  await both(['COMMAND', 'GETKEYSANDFLAGS', 'lmove', 'a', 'b', 'LEFT', 'RIGHT'],
    '*2\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nb\r\n*2\r\n+RW\r\n+insert\r\n',
    '*2\r\n*2\r\n$1\r\na\r\n~3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nb\r\n~2\r\n+RW\r\n+insert\r\n');
});

test('LPUSH / RPUSH: order of several elements, length replies, WRONGTYPE', async () => {
  await c.call('DEL', 'p');
  await both(['LPUSH', 'p', 'a', 'b'], ':2\r\n', ':4\r\n');
  assert.deepEqual(await range('p'), ['b', 'a', 'b', 'a']);
  assert.equal(await c.callRaw('RPUSH', 'p', 'x', 'y', 'z'), ':7\r\n');
  assert.deepEqual(await range('p'), ['b', 'a', 'b', 'a', 'x', 'y', 'z']);
  await c.call('SET', 'str', 'v');
  await both(['LPUSH', 'str', 'a'], WRONGTYPE);
  await both(['RPUSH', 'str', 'a'], WRONGTYPE);
  assert.equal(await c.callRaw('LPUSH', 'p'), "-ERR wrong number of arguments for 'lpush' command\r\n");
  assert.equal(await c.call('TYPE', 'p'), 'list');
});

test('LPUSHX / RPUSHX: only onto an existing list', async () => {
  await c.call('DEL', 'px');
  await both(['LPUSHX', 'px', 'a'], ':0\r\n');
  await both(['RPUSHX', 'px', 'a', 'b'], ':0\r\n');
  assert.equal(await c.call('EXISTS', 'px'), 0);
  await list('px', 'm');
  assert.equal(await c.callRaw('LPUSHX', 'px', 'a', 'b'), ':3\r\n');
  assert.equal(await c.callRaw('RPUSHX', 'px', 'y', 'z'), ':5\r\n');
  assert.deepEqual(await range('px'), ['b', 'a', 'm', 'y', 'z']);
  await c.call('SET', 'str', 'v');
  await both(['LPUSHX', 'str', 'a'], WRONGTYPE);
  await both(['RPUSHX', 'str', 'a'], WRONGTYPE);
});

test('LPOP / RPOP without count: bulk or nil; the emptied key is deleted', async () => {
  await list('q', 'a', 'b', 'c');
  await both(['LPOP', 'q'], '$1\r\na\r\n', '$1\r\nb\r\n');
  assert.equal(await c.callRaw('RPOP', 'q'), '$1\r\nc\r\n');
  assert.equal(await c.call('EXISTS', 'q'), 0);
  await both(['LPOP', 'q'], '$-1\r\n', '_\r\n');
  await both(['RPOP', 'q'], '$-1\r\n', '_\r\n');
});

test('LPOP / RPOP with count: arrays in pop order, count 0, nil array for a missing key, errors', async () => {
  await list('q', 'a', 'b', 'c', 'd', 'e');
  await both(['LPOP', 'q', '0'], '*0\r\n');
  await both(['LPOP', 'q', '1'], bulks('a'), bulks('b'));
  assert.equal(await c.callRaw('RPOP', 'q', '2'), bulks('e', 'd'));
  // More than there is: everything, and the key goes.
  assert.equal(await c.callRaw('LPOP', 'q', '9223372036854775807'), bulks('c'));
  assert.equal(await c.call('EXISTS', 'q'), 0);
  await both(['LPOP', 'q', '0'], '*-1\r\n', '_\r\n');
  await both(['RPOP', 'q', '5'], '*-1\r\n', '_\r\n');
  // The count is checked before the key (even its type).
  await c.call('SET', 'str', 'v');
  for (const bad of ['-1', 'abc', '1.5', '9223372036854775808', '']) {
    await both(['LPOP', 'q', bad], NOT_POSITIVE);
    await both(['RPOP', 'str', bad], NOT_POSITIVE);
  }
  await both(['LPOP', 'str', '0'], WRONGTYPE);
  await both(['RPOP', 'str'], WRONGTYPE);
  await both(['LPOP', 'q', '1', '2'], "-ERR wrong number of arguments for 'lpop' command\r\n");
  await both(['RPOP', 'q', '1', '2'], "-ERR wrong number of arguments for 'rpop' command\r\n");
});

test('LLEN', async () => {
  await list('len', 'a', 'b', 'c');
  await both(['LLEN', 'len'], ':3\r\n');
  await both(['LLEN', 'nolist'], ':0\r\n');
  await c.call('SET', 'str', 'v');
  await both(['LLEN', 'str'], WRONGTYPE);
});

test('LRANGE: negative indexes, clamping, empty ranges, int64 extremes, errors', async () => {
  await list('r', 'a', 'b', 'c');
  await both(['LRANGE', 'r', '0', '-1'], bulks('a', 'b', 'c'));
  await both(['LRANGE', 'r', '1', '-1'], bulks('b', 'c'));
  await both(['LRANGE', 'r', '-100', '-3'], bulks('a'));
  await both(['LRANGE', 'r', '-100', '-4'], '*0\r\n');
  await both(['LRANGE', 'r', '2', '1'], '*0\r\n');
  await both(['LRANGE', 'r', '3', '3'], '*0\r\n');
  await both(['LRANGE', 'r', '1', '100'], bulks('b', 'c'));
  await both(['LRANGE', 'r', '0', '9223372036854775807'], bulks('a', 'b', 'c'));
  await both(['LRANGE', 'r', '-9223372036854775808', '-1'], bulks('a', 'b', 'c'));
  await both(['LRANGE', 'r', '0', '9223372036854775808'], NOT_INT);
  await both(['LRANGE', 'nolist', '0', '-1'], '*0\r\n');
  // Indexes are parsed before the key is looked at.
  await both(['LRANGE', 'nolist', 'a', 'b'], NOT_INT);
  await c.call('SET', 'str', 'v');
  await both(['LRANGE', 'str', 'a', '1'], NOT_INT);
  await both(['LRANGE', 'str', '0', '1'], WRONGTYPE);
});

test('LINDEX: positive and negative indexes, nil out of range; the key is looked up first', async () => {
  await list('ix', 'a', 'b', 'c');
  await both(['LINDEX', 'ix', '0'], '$1\r\na\r\n');
  await both(['LINDEX', 'ix', '2'], '$1\r\nc\r\n');
  await both(['LINDEX', 'ix', '-3'], '$1\r\na\r\n');
  await both(['LINDEX', 'ix', '-4'], '$-1\r\n', '_\r\n');
  await both(['LINDEX', 'ix', '3'], '$-1\r\n', '_\r\n');
  await both(['LINDEX', 'ix', '9223372036854775807'], '$-1\r\n', '_\r\n');
  await both(['LINDEX', 'ix', 'abc'], NOT_INT);
  await both(['LINDEX', 'nolist', 'abc'], '$-1\r\n', '_\r\n');
  await c.call('SET', 'str', 'v');
  await both(['LINDEX', 'str', 'abc'], WRONGTYPE);
});

test('LSET: replace by index; no such key, index out of range, errors', async () => {
  await list('ls', 'a', 'b', 'c');
  await both(['LSET', 'ls', '0', 'x'], '+OK\r\n');
  await both(['LSET', 'ls', '-1', 'z'], '+OK\r\n');
  assert.deepEqual(await range('ls'), ['x', 'b', 'z']);
  await both(['LSET', 'ls', '3', 'q'], '-ERR index out of range\r\n');
  await both(['LSET', 'ls', '-4', 'q'], '-ERR index out of range\r\n');
  await both(['LSET', 'ls', 'abc', 'q'], NOT_INT);
  await both(['LSET', 'nolist', '0', 'q'], '-ERR no such key\r\n');
  await both(['LSET', 'nolist', 'abc', 'q'], '-ERR no such key\r\n');
  await c.call('SET', 'str', 'v');
  await both(['LSET', 'str', '0', 'q'], WRONGTYPE);
});

test('LINSERT: before/after the first pivot, -1 without pivot, 0 without key, syntax first', async () => {
  await list('li', 'a', 'b', 'a');
  await both(['LINSERT', 'li', 'BEFORE', 'zz', 'x'], ':-1\r\n');
  assert.equal(await c.callRaw('LINSERT', 'li', 'after', 'a', 'x'), ':4\r\n');
  assert.equal(await c.callRaw('LINSERT', 'li', 'Before', 'a', 'y'), ':5\r\n');
  assert.equal(await c.callRaw('LINSERT', 'li', 'AFTER', 'a', 'z'), ':6\r\n');
  assert.equal(await c.callRaw('LINSERT', 'li', 'BEFORE', 'b', 'w'), ':7\r\n');
  assert.deepEqual(await range('li'), ['y', 'a', 'z', 'x', 'w', 'b', 'a']);
  await both(['LINSERT', 'nolist', 'BEFORE', 'a', 'x'], ':0\r\n');
  assert.equal(await c.call('EXISTS', 'nolist'), 0);
  await both(['LINSERT', 'nolist', 'middle', 'a', 'x'], SYNTAX);
  await c.call('SET', 'str', 'v');
  await both(['LINSERT', 'str', 'middle', 'a', 'x'], SYNTAX);
  await both(['LINSERT', 'str', 'before', 'a', 'x'], WRONGTYPE);
});

test('LREM: from the head, from the tail, all; the emptied key goes', async () => {
  await list('lr', 'a', 'b', 'a', 'c', 'a', 'b', 'a');
  await both(['LREM', 'lr', '-2', 'a'], ':2\r\n', ':2\r\n');
  assert.deepEqual(await range('lr'), ['b', 'c', 'b']);
  await list('lr', 'a', 'b', 'a', 'c', 'a');
  assert.equal(await c.callRaw('LREM', 'lr', '2', 'a'), ':2\r\n');
  assert.deepEqual(await range('lr'), ['b', 'c', 'a']);
  assert.equal(await c.callRaw('LREM', 'lr', '0', 'zz'), ':0\r\n');
  assert.equal(await c.callRaw('LREM', 'lr', '-9223372036854775808', 'a'), ':1\r\n');
  assert.equal(await c.callRaw('LREM', 'lr', '0', 'b'), ':1\r\n');
  assert.equal(await c.callRaw('LREM', 'lr', '9223372036854775807', 'c'), ':1\r\n');
  assert.equal(await c.call('EXISTS', 'lr'), 0);
  await both(['LREM', 'lr', '0', 'a'], ':0\r\n');
  await both(['LREM', 'lr', 'abc', 'a'], NOT_INT);
  await c.call('SET', 'str', 'v');
  await both(['LREM', 'str', '0', 'a'], WRONGTYPE);
});

test('LTRIM: keeps a range, empties (deleting the key) on an empty range', async () => {
  await list('lt', 'a', 'b', 'c', 'd', 'e');
  await both(['LTRIM', 'lt', '1', '-2'], '+OK\r\n');
  assert.deepEqual(await range('lt'), ['c']);
  await c.call('RPUSH', 'lt', 'd', 'e');
  assert.equal(await c.callRaw('LTRIM', 'lt', '-100', '100'), '+OK\r\n');
  assert.deepEqual(await range('lt'), ['c', 'd', 'e']);
  assert.equal(await c.callRaw('LTRIM', 'lt', '5', '1'), '+OK\r\n');
  assert.equal(await c.call('EXISTS', 'lt'), 0);
  await both(['LTRIM', 'lt', '0', '1'], '+OK\r\n');
  await both(['LTRIM', 'lt', 'a', '1'], NOT_INT);
  await both(['LTRIM', 'lt', '0', 'b'], NOT_INT);
  await c.call('SET', 'str', 'v');
  await both(['LTRIM', 'str', '0', '1'], WRONGTYPE);
});

test('LTRIM that removes nothing still touches WATCH (as Redis signals the key), LREM without match does not', async () => {
  const w = await srv.client();
  for (const [cmd, aborted] of [
    [['LTRIM', 'wt', '0', '-1'], true],
    [['LREM', 'wt', '0', 'zz'], false],
    [['LINSERT', 'wt', 'before', 'zz', 'x'], false],
    [['LPOP', 'wt', '0'], false],
    [['LSET', 'wt', '0', 'a'], true],
  ] as const) {
    await list('wt', 'a', 'b');
    await w.call('WATCH', 'wt');
    await w.call('MULTI');
    await w.call('PING');
    await c.call(...cmd);
    assert.equal(await w.callRaw('EXEC'), aborted ? '*-1\r\n' : '*1\r\n+PONG\r\n', cmd.join(' '));
  }
});

test('LPOS: RANK, COUNT, MAXLEN, their errors and the int64 corner cases', async () => {
  await list('lp', 'a', 'b', 'c', 'a', 'b', 'c', 'a');
  await both(['LPOS', 'lp', 'a'], ':0\r\n');
  await both(['LPOS', 'lp', 'zz'], '$-1\r\n', '_\r\n');
  await both(['LPOS', 'lp', 'zz', 'COUNT', '3'], '*0\r\n');
  await both(['LPOS', 'lp', 'a', 'COUNT', '0'], '*3\r\n:0\r\n:3\r\n:6\r\n');
  await both(['LPOS', 'lp', 'a', 'RANK', '-1', 'COUNT', '0'], '*3\r\n:6\r\n:3\r\n:0\r\n');
  await both(['LPOS', 'lp', 'a', 'RANK', '2', 'COUNT', '2', 'MAXLEN', '5'], '*1\r\n:3\r\n');
  await both(['LPOS', 'lp', 'a', 'rank', '-1', 'count', '2', 'maxlen', '4'], '*2\r\n:6\r\n:3\r\n');
  await both(['LPOS', 'lp', 'a', 'RANK', '-2'], ':3\r\n');
  await both(['LPOS', 'lp', 'a', 'MAXLEN', '1', 'RANK', '2'], '$-1\r\n', '_\r\n');
  await both(['LPOS', 'lp', 'a', 'RANK', '9'], '$-1\r\n', '_\r\n');
  await both(['LPOS', 'lp', 'c', 'MAXLEN', '0', 'RANK', '1', 'RANK', '2'], ':5\r\n');
  await both(['LPOS', 'lp', 'a', 'COUNT', '9223372036854775807'], '*3\r\n:0\r\n:3\r\n:6\r\n');
  // -LONG_MIN overflows in Redis: the rank stays "reached" and COUNT never stops the scan.
  await both(['LPOS', 'lp', 'a', 'RANK', '-9223372036854775808'], ':6\r\n');
  await both(['LPOS', 'lp', 'a', 'RANK', '-9223372036854775808', 'COUNT', '2'], '*3\r\n:6\r\n:3\r\n:0\r\n');
  await both(['LPOS', 'lp', 'a', 'RANK', '-9223372036854775807', 'COUNT', '2'], '*0\r\n');
  await both(['LPOS', 'lp', 'a', 'RANK', '9223372036854775807', 'COUNT', '2'], '*0\r\n');
  await both(['LPOS', 'nolist', 'a'], '$-1\r\n', '_\r\n');
  await both(['LPOS', 'nolist', 'a', 'COUNT', '1'], '*0\r\n');
  const rankZero =
    "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n";
  await c.call('SET', 'str', 'v');
  // Options are parsed before the key is looked at.
  await both(['LPOS', 'str', 'a', 'RANK', '0'], rankZero);
  await both(['LPOS', 'nolist', 'a', 'RANK', '0'], rankZero);
  await both(['LPOS', 'lp', 'a', 'RANK', 'abc'], NOT_INT);
  await both(['LPOS', 'lp', 'a', 'COUNT', '-1'], "-ERR COUNT can't be negative\r\n");
  await both(['LPOS', 'lp', 'a', 'COUNT', 'abc'], "-ERR COUNT can't be negative\r\n");
  await both(['LPOS', 'lp', 'a', 'MAXLEN', '-1'], "-ERR MAXLEN can't be negative\r\n");
  await both(['LPOS', 'lp', 'a', 'MAXLEN', 'abc'], "-ERR MAXLEN can't be negative\r\n");
  await both(['LPOS', 'lp', 'a', 'FOO'], SYNTAX);
  await both(['LPOS', 'lp', 'a', 'RANK'], SYNTAX);
  await both(['LPOS', 'str', 'a'], WRONGTYPE);
});

test('LMOVE / RPOPLPUSH: every direction, same key, creating and deleting keys, errors', async () => {
  await list('src', 'a', 'b', 'c', 'd');
  await c.call('DEL', 'dst');
  await both(['LMOVE', 'src', 'dst', 'left', 'right'], '$1\r\na\r\n', '$1\r\nb\r\n');
  assert.equal(await c.callRaw('LMOVE', 'src', 'dst', 'RIGHT', 'LEFT'), '$1\r\nd\r\n');
  assert.equal(await c.callRaw('RPOPLPUSH', 'src', 'dst'), '$1\r\nc\r\n');
  assert.equal(await c.call('EXISTS', 'src'), 0);
  assert.deepEqual(await range('dst'), ['c', 'd', 'a', 'b']);
  await both(['LMOVE', 'src', 'dst', 'LEFT', 'LEFT'], '$-1\r\n', '_\r\n');
  await both(['RPOPLPUSH', 'src', 'dst'], '$-1\r\n', '_\r\n');
  // Rotating a list onto itself, including a single element (the key stays).
  assert.equal(await c.callRaw('LMOVE', 'dst', 'dst', 'LEFT', 'RIGHT'), '$1\r\nc\r\n');
  assert.equal(await c.callRaw('RPOPLPUSH', 'dst', 'dst'), '$1\r\nc\r\n');
  assert.deepEqual(await range('dst'), ['c', 'd', 'a', 'b']);
  await list('one', 'x');
  assert.equal(await c.callRaw('LMOVE', 'one', 'one', 'left', 'left'), '$1\r\nx\r\n');
  assert.deepEqual(await range('one'), ['x']);
  await both(['LMOVE', 'src', 'dst', 'up', 'LEFT'], SYNTAX);
  await both(['LMOVE', 'src', 'dst', 'LEFT', 'down'], SYNTAX);
  await c.call('SET', 'str', 'v');
  await both(['LMOVE', 'str', 'dst', 'LEFT', 'LEFT'], WRONGTYPE);
  await both(['RPOPLPUSH', 'dst', 'str'], WRONGTYPE);
  // A wrong-type destination moves nothing.
  assert.deepEqual(await range('dst'), ['c', 'd', 'a', 'b']);
  await both(['RPOPLPUSH', 'nolist', 'str'], '$-1\r\n', '_\r\n');
});

test('LMPOP: first non-empty key, COUNT, nil, WRONGTYPE order, argument errors', async () => {
  await list('m1');
  await list('m2', 'a', 'b', 'c');
  await c.call('SET', 'str', 'v');
  await both(['LMPOP', '2', 'm1', 'm2', 'LEFT'], '*2\r\n$2\r\nm2\r\n' + bulks('a'), '*2\r\n$2\r\nm2\r\n' + bulks('b'));
  await list('m2', 'a', 'b', 'c');
  assert.equal(await c.callRaw('LMPOP', '3', 'm1', 'm2', 'str', 'right', 'count', '2'), '*2\r\n$2\r\nm2\r\n' + bulks('c', 'b'));
  assert.equal(await c.callRaw('LMPOP', '1', 'm2', 'LEFT', 'COUNT', '100'), '*2\r\n$2\r\nm2\r\n' + bulks('a'));
  assert.equal(await c.call('EXISTS', 'm2'), 0);
  await both(['LMPOP', '2', 'm1', 'm2', 'LEFT'], '*-1\r\n', '_\r\n');
  await both(['LMPOP', '2', 'm1', 'str', 'LEFT'], WRONGTYPE);
  for (const n of ['0', '-1', 'abc']) await both(['LMPOP', n, 'm1', 'LEFT'], '-ERR numkeys should be greater than 0\r\n');
  await both(['LMPOP', '2', 'm1', 'LEFT'], SYNTAX);
  await both(['LMPOP', '9223372036854775807', 'm1', 'LEFT'], SYNTAX);
  await both(['LMPOP', '1', 'm1', 'UP'], SYNTAX);
  for (const n of ['0', '-1', 'abc']) await both(['LMPOP', '1', 'm1', 'LEFT', 'COUNT', n], '-ERR count should be greater than 0\r\n');
  await both(['LMPOP', '1', 'm1', 'LEFT', 'COUNT', '1', 'COUNT', '1'], SYNTAX);
  await both(['LMPOP', '1', 'm1', 'LEFT', 'COUNT'], SYNTAX);
  await both(['LMPOP', '1', 'm1', 'LEFT', 'FOO'], SYNTAX);
  await both(['LMPOP', '1', 'm1'], "-ERR wrong number of arguments for 'lmpop' command\r\n");
});

test('binary-safe elements: NUL, CR LF, high bytes, empty strings, integers as text', async () => {
  const bin = '\x00\r\n\xff\x80';
  await list('bin', bin, '', '-0', '007', '9223372036854775808', '12');
  await both(['LRANGE', 'bin', '0', '-1'], bulks(bin, '', '-0', '007', '9223372036854775808', '12'));
  await both(['LPOS', 'bin', ''], ':1\r\n');
  await both(['LREM', 'bin', '1', bin], ':1\r\n', ':0\r\n');
  await both(['LINDEX', 'bin', '0'], '$0\r\n\r\n');
  await both(['LINSERT', 'bin', 'AFTER', '007', bin], ':6\r\n', ':7\r\n');
});

test('OBJECT ENCODING is quicklist (Redis 7.0), DEBUG DIGEST-VALUE equals Redis, MEMORY USAGE', async () => {
  await list('enc', 'a', 'b', 'c');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'enc'), 'quicklist');
  // From redis-server 7.0.15 after RPUSH enc a b c.
  assert.deepEqual(await c.call('DEBUG', 'DIGEST-VALUE', 'enc'), ['8bf72d812571eea9b927f3c11beb0c4165a6ff89']);
  const small = (await c.call('MEMORY', 'USAGE', 'enc')) as number;
  await c.call('RPUSH', 'enc', ...Array.from({ length: 1000 }, () => 'x'.repeat(50)));
  const large = (await c.call('MEMORY', 'USAGE', 'enc', 'SAMPLES', '0')) as number;
  assert.ok(small > 0 && large > small + 1000 * 50, `${small} ${large}`);
});

test('propagation: as received when something changed, nothing otherwise (Redis 7.0 AOF)', async () => {
  await c.call('DEL', 'pr', 'pm');
  const cases: [string[], string[]][] = [
    [['RPUSH', 'pr', 'a', 'b', 'c', 'd', 'e'], ['0:RPUSH pr a b c d e']],
    [['LPUSHX', 'nolist', 'a'], []],
    [['LPOP', 'pr'], ['0:LPOP pr']],
    [['LPOP', 'pr', '0'], []],
    [['RPOP', 'pr', '2'], ['0:RPOP pr 2']],
    [['LPOP', 'nolist', '2'], []],
    [['LMPOP', '2', 'nolist', 'pr', 'left', 'COUNT', '5'], ['0:LPOP pr 2']],
    [['LMPOP', '1', 'nolist', 'left'], []],
    [['RPUSH', 'pr', 'a', 'b', 'c'], ['0:RPUSH pr a b c']],
    [['LMOVE', 'pr', 'pm', 'left', 'right'], ['0:LMOVE pr pm left right']],
    [['RPOPLPUSH', 'pr', 'pm'], ['0:RPOPLPUSH pr pm']],
    [['LMOVE', 'nolist', 'pm', 'left', 'right'], []],
    [['LTRIM', 'nolist', '0', '1'], []],
    [['LTRIM', 'pm', '0', '-1'], []],
    [['LTRIM', 'pm', '0', '0'], ['0:LTRIM pm 0 0']],
    [['LREM', 'pm', '0', 'zz'], []],
    [['LREM', 'pm', '0', 'c'], ['0:LREM pm 0 c']],
    [['RPUSH', 'pm', 'a'], ['0:RPUSH pm a']],
    [['LSET', 'pm', '0', 'b'], ['0:LSET pm 0 b']],
    [['LSET', 'pm', '5', 'b'], []],
    [['LINSERT', 'pm', 'before', 'zz', 'x'], []],
    [['LINSERT', 'pm', 'before', 'b', 'x'], ['0:LINSERT pm before b x']],
    [['RPUSH', 'pz', 'a'], ['0:RPUSH pz a']],
    [['LPOP', 'pz', '5'], ['0:LPOP pz 5']],
  ];
  for (const [cmd, expected] of cases) {
    assert.deepEqual(await propagatedBy(() => c.call(...cmd)), expected, cmd.join(' '));
  }
  assert.equal(await c.call('EXISTS', 'pz'), 0);
});

test('propagation inside MULTI/EXEC: the writes wrapped, in order', async () => {
  await c.call('DEL', 'tx');
  const ops = await propagatedBy(async () => {
    await c.call('MULTI');
    await c.call('RPUSH', 'tx', 'a', 'b');
    await c.call('LMPOP', '1', 'tx', 'RIGHT', 'COUNT', '5');
    await c.call('LPOP', 'tx');
    await c.call('EXEC');
  });
  assert.deepEqual(ops, ['0:MULTI', '0:RPUSH tx a b', '0:RPOP tx 2', '-1:EXEC']);
});
