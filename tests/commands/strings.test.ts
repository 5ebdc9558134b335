// String commands that read and write whole values: GET SET SETNX SETEX PSETEX GETSET GETDEL
// GETEX MGET MSET MSETNX — replies as exact bytes in RESP2 and RESP3, error texts, and what
// each write propagates (srv.propagated). Counters, partial edits, LCS: strings-edit.test.ts.
// Expected bytes and propagated forms were taken from a real redis-server 7.0.15.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { RespClient } from '../helpers/resp-client.js';
import { stringCommands } from '../../src/commands/strings.js';
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
const SYNTAX = '-ERR syntax error\r\n';

/** Puts a non-string value at `key` (no list commands are needed for WRONGTYPE checks). */
function putList(key: string): void {
  const db = srv.server.keyspace.dbs[0]!;
  db.delete(key);
  const value: CollectionValue = { type: 'list', clone: () => value };
  db.add(key, value);
}

/** The key's absolute expiry in ms, -1 without one, -2 when the key does not exist. */
function expireOf(key: string): number {
  const db = srv.server.keyspace.dbs[0]!;
  return db.has(key) ? db.getExpire(key) : -2;
}

/** Runs `body` and returns what it propagated. */
async function propagatedBy(body: () => Promise<unknown>): Promise<string[]> {
  srv.clearPropagated();
  await body();
  return [...srv.propagated];
}

/** A propagated "db:SET k v PXAT <ms>" (or PEXPIREAT) checked against a time window. */
function assertAbsolute(op: string, prefix: string, lo: number, hi: number): number {
  assert.ok(op.startsWith(prefix), `${op} should start with ${prefix}`);
  const ms = Number(op.slice(prefix.length));
  assert.ok(ms >= lo && ms <= hi, `${ms} not in [${lo}, ${hi}]`);
  return ms;
}

test('command table entries match Redis 7.0.15 (arity, flags, keys, since)', () => {
  const expected: Record<string, [number, string, string, string]> = {
    get: [2, 'readonly fast', '1 1 1', '1.0.0'],
    set: [-3, 'write denyoom', '1 1 1', '1.0.0'],
    setnx: [3, 'write denyoom fast', '1 1 1', '1.0.0'],
    setex: [4, 'write denyoom', '1 1 1', '2.0.0'],
    psetex: [4, 'write denyoom', '1 1 1', '2.6.0'],
    getset: [3, 'write denyoom fast', '1 1 1', '1.0.0'],
    getdel: [2, 'write fast', '1 1 1', '6.2.0'],
    getex: [-2, 'write fast', '1 1 1', '6.2.0'],
    mget: [-2, 'readonly fast', '1 -1 1', '1.0.0'],
    mset: [-3, 'write denyoom', '1 -1 2', '1.0.1'],
    msetnx: [-3, 'write denyoom', '1 -1 2', '1.0.1'],
    append: [3, 'write denyoom fast', '1 1 1', '2.0.0'],
    strlen: [2, 'readonly fast', '1 1 1', '2.2.0'],
    incr: [2, 'write denyoom fast', '1 1 1', '1.0.0'],
    decr: [2, 'write denyoom fast', '1 1 1', '1.0.0'],
    incrby: [3, 'write denyoom fast', '1 1 1', '1.0.0'],
    decrby: [3, 'write denyoom fast', '1 1 1', '1.0.0'],
    incrbyfloat: [3, 'write denyoom fast', '1 1 1', '2.6.0'],
    getrange: [4, 'readonly', '1 1 1', '2.4.0'],
    setrange: [4, 'write denyoom', '1 1 1', '2.2.0'],
    substr: [4, 'readonly', '1 1 1', '1.0.0'],
    lcs: [-3, 'readonly', '1 2 1', '7.0.0'],
  };
  const specs = new Map<string, (typeof stringCommands)[number]>(stringCommands.map((s) => [s.name, s]));
  assert.deepEqual([...specs.keys()].sort(), Object.keys(expected).sort());
  for (const [name, [arity, flags, keys, since]] of Object.entries(expected)) {
    const s = specs.get(name)!;
    assert.equal(s.arity, arity, name);
    assert.equal(s.flags.join(' '), flags, name);
    assert.equal(`${s.keys.first} ${s.keys.last} ${s.keys.step}`, keys, name);
    assert.equal(s.since, since, name);
    assert.equal(s.group, 'string', name);
    assert.deepEqual(s.categories, ['string'], name);
  }
});

test('COMMAND INFO / DOCS / GETKEYSANDFLAGS describe the string commands as Redis does', async () => {
  const keySpec = (notes: string, flags: string[]) =>
    `*8\r\n$5\r\nnotes\r\n$${notes.length}\r\n${notes}\r\n$5\r\nflags\r\n*${flags.length}\r\n${flags.map((f) => `+${f}\r\n`).join('')}` +
    '$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n' +
    '$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n';
  assert.equal(
    await c.callRaw('COMMAND', 'INFO', 'set', 'getex'),
    '*2\r\n*10\r\n$3\r\nset\r\n:-3\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@string\r\n+@slow\r\n*0\r\n*1\r\n' +
      keySpec('RW and ACCESS due to the optional `GET` argument', ['RW', 'access', 'update', 'variable_flags']) +
      '*0\r\n*10\r\n$5\r\ngetex\r\n:-2\r\n*2\r\n+write\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n' +
      keySpec('RW and UPDATE because it changes the TTL', ['RW', 'access', 'update']) +
      '*0\r\n',
  );
  assert.equal(
    await c.callRaw('COMMAND', 'DOCS', 'getset'),
    '*2\r\n$6\r\ngetset\r\n*16\r\n$7\r\nsummary\r\n$54\r\nSet the string value of a key and return its old value\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n' +
      '$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\ndoc_flags\r\n*1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n' +
      '$11\r\nreplaced_by\r\n$30\r\n`SET` with the `!GET` argument\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n' +
      '$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$5\r\nvalue\r\n$4\r\ntype\r\n$6\r\nstring\r\n',
  );
  // SET's key flags depend on GET (any argument spelled so).
  assert.equal(await c.callRaw('COMMAND', 'GETKEYSANDFLAGS', 'set', 'k', 'v'), '*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+OW\r\n+update\r\n');
  assert.equal(await c.callRaw('COMMAND', 'GETKEYSANDFLAGS', 'set', 'k', 'v', 'EX', 'get'), '*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n');
  assert.equal(
    await c.callRaw('COMMAND', 'GETKEYSANDFLAGS', 'msetnx', 'a', '1', 'b', '2'),
    '*2\r\n*2\r\n$1\r\na\r\n*2\r\n+OW\r\n+insert\r\n*2\r\n$1\r\nb\r\n*2\r\n+OW\r\n+insert\r\n',
  );
});

test('GET: value, nil in both protocols, WRONGTYPE, arity', async () => {
  await c.call('SET', 'g:k', 'hello');
  assert.equal(await c.callRaw('GET', 'g:k'), '$5\r\nhello\r\n');
  assert.equal(await c3.callRaw('GET', 'g:k'), '$5\r\nhello\r\n');
  assert.equal(await c.callRaw('GET', 'g:none'), '$-1\r\n');
  assert.equal(await c3.callRaw('GET', 'g:none'), '_\r\n');
  putList('g:list');
  assert.equal(await c.callRaw('GET', 'g:list'), WRONGTYPE);
  assert.equal(await c.callRaw('GET'), "-ERR wrong number of arguments for 'get' command\r\n");
  assert.equal(await c.callRaw('GET', 'a', 'b'), "-ERR wrong number of arguments for 'get' command\r\n");
});

test('SET/GET are binary safe: NUL, CR LF and bytes above 127, empty value', async () => {
  const bin = Buffer.from([0, 255, 128, 13, 10, 0, 0x7f, 0xc3, 0x28]);
  const key = Buffer.from([0xff, 0x00, 0x41]);
  assert.equal(await c.callRaw('SET', key, bin), '+OK\r\n');
  assert.equal(await c.callRaw('GET', key), `$9\r\n${bin.toString('latin1')}\r\n`);
  assert.equal(await c.callRaw('SET', 'b:empty', ''), '+OK\r\n');
  assert.equal(await c.callRaw('GET', 'b:empty'), '$0\r\n\r\n');
  assert.equal(await c3.callRaw('GET', 'b:empty'), '$0\r\n\r\n');
});

test('SET NX / XX with and without GET; RESP3 nil', async () => {
  await c.call('DEL', 's:nx');
  assert.equal(await c.callRaw('SET', 's:nx', '1', 'NX'), '+OK\r\n');
  assert.equal(await c.callRaw('SET', 's:nx', '2', 'NX'), '$-1\r\n');
  assert.equal(await c3.callRaw('SET', 's:nx', '2', 'nx'), '_\r\n');
  assert.equal(await c.callRaw('SET', 's:nx', '3', 'XX'), '+OK\r\n');
  assert.equal(await c.callRaw('SET', 's:none', '3', 'XX'), '$-1\r\n');
  assert.equal(await c.call('GET', 's:none'), null);
  // GET returns the old value whether or not NX/XX let the write happen.
  assert.equal(await c.callRaw('SET', 's:nx', '4', 'NX', 'GET'), '$1\r\n3\r\n');
  assert.equal(await c.call('GET', 's:nx'), '3');
  assert.equal(await c.callRaw('SET', 's:nx', '5', 'XX', 'GET'), '$1\r\n3\r\n');
  assert.equal(await c.callRaw('SET', 's:none', '5', 'XX', 'GET'), '$-1\r\n');
  assert.equal(await c3.callRaw('SET', 's:none', '5', 'XX', 'GET'), '_\r\n');
  assert.equal(await c.callRaw('SET', 's:new', 'v', 'NX', 'GET'), '$-1\r\n');
  assert.equal(await c.call('GET', 's:new'), 'v');
  assert.equal(await c.callRaw('SET', 's:nx', '6', 'GET'), '$1\r\n5\r\n');
  // Repeating an option is accepted.
  assert.equal(await c.callRaw('SET', 's:nx', '7', 'XX', 'xx', 'GET', 'get'), '$1\r\n6\r\n');
  assert.equal(await c.callRaw('SET', 's:nx', '8', 'KEEPTTL', 'KEEPTTL'), '+OK\r\n');
});

test('SET GET on a non-string: WRONGTYPE and nothing written', async () => {
  putList('s:list');
  assert.equal(await c.callRaw('SET', 's:list', 'v', 'GET'), WRONGTYPE);
  assert.equal(await c.callRaw('SET', 's:list', 'v', 'NX', 'GET'), WRONGTYPE);
  assert.equal(await c.callRaw('GET', 's:list'), WRONGTYPE);
  // Without GET, SET overwrites any type.
  assert.equal(await c.callRaw('SET', 's:list', 'v'), '+OK\r\n');
  assert.equal(await c.call('GET', 's:list'), 'v');
});

test('SET option errors: conflicts, missing values, bad and invalid times', async () => {
  for (const opts of [
    ['NX', 'XX'],
    ['XX', 'NX'],
    ['EX', '10', 'PX', '10'],
    ['PX', '10', 'EXAT', '10'],
    ['EXAT', '10', 'PXAT', '10'],
    ['KEEPTTL', 'EX', '10'],
    ['EX', '10', 'KEEPTTL'],
    ['EX'],
    ['PERSIST'],
    ['FOO'],
    ['GET', 'KEEPTTL', 'PX', '10'],
    ['NXX'],
  ]) {
    assert.equal(await c.callRaw('SET', 's:opt', 'v', ...opts), SYNTAX, opts.join(' '));
  }
  const invalid = "-ERR invalid expire time in 'set' command\r\n";
  assert.equal(await c.callRaw('SET', 's:opt', 'v', 'EX', '0'), invalid);
  assert.equal(await c.callRaw('SET', 's:opt', 'v', 'PX', '-1'), invalid);
  assert.equal(await c.callRaw('SET', 's:opt', 'v', 'EXAT', '0'), invalid);
  assert.equal(await c.callRaw('SET', 's:opt', 'v', 'EX', '9223372036854776'), invalid);
  assert.equal(await c.callRaw('SET', 's:opt', 'v', 'EXAT', '9223372036854776'), invalid);
  assert.equal(await c.callRaw('SET', 's:opt', 'v', 'PX', '9223372036854775807'), invalid);
  assert.equal(await c.callRaw('SET', 's:opt', 'v', 'EX', '1.5'), NOT_INT);
  assert.equal(await c.callRaw('SET', 's:opt', 'v', 'EX', 'NX'), NOT_INT);
  assert.equal(await c.callRaw('SET', 's:opt', 'v', 'EX', '9223372036854775808'), NOT_INT);
  // The time is checked before GET looks at the key's type.
  putList('s:list2');
  assert.equal(await c.callRaw('SET', 's:list2', 'v', 'GET', 'EX', 'x'), NOT_INT);
  assert.equal(await c.call('GET', 's:opt'), null);
  assert.equal(await c.callRaw('SET', 's:opt'), "-ERR wrong number of arguments for 'set' command\r\n");
});

test('SET expiry forms; a repeated expiry takes the last value; plain SET clears the TTL, KEEPTTL keeps it', async () => {
  const lo = Date.now();
  assert.equal(await c.callRaw('SET', 't:k', 'v', 'EX', '100'), '+OK\r\n');
  const at = expireOf('t:k');
  assert.ok(at >= lo + 100_000 && at <= Date.now() + 100_000);
  await c.call('SET', 't:k', 'v', 'PX', '5000', 'PX', '200000');
  assert.ok(expireOf('t:k') >= lo + 200_000);
  await c.call('SET', 't:k', 'v', 'EXAT', '4000000000');
  assert.equal(expireOf('t:k'), 4_000_000_000_000);
  await c.call('SET', 't:k', 'v', 'PXAT', '4000000000123');
  assert.equal(expireOf('t:k'), 4_000_000_000_123);
  await c.call('SET', 't:k', 'v2', 'KEEPTTL');
  assert.equal(expireOf('t:k'), 4_000_000_000_123);
  await c.call('SET', 't:k', 'v3', 'XX', 'GET');
  assert.equal(expireOf('t:k'), -1);
  // A time already past: set, then gone on the next access.
  assert.equal(await c.callRaw('SET', 't:past', 'v', 'PXAT', '1'), '+OK\r\n');
  assert.equal(await c.call('GET', 't:past'), null);
});

test('SET propagation: expiry as PXAT, GET stripped, nothing when NX/XX prevented the write', async () => {
  let lo = Date.now();
  let ops = await propagatedBy(() => c.call('SET', 'p:k', 'v', 'EX', '100'));
  assert.equal(ops.length, 1);
  assertAbsolute(ops[0]!, '0:SET p:k v PXAT ', lo + 100_000, Date.now() + 100_000);
  lo = Date.now();
  ops = await propagatedBy(() => c.call('SET', 'p:k', 'v', 'px', '5000', 'GET'));
  assertAbsolute(ops[0]!, '0:SET p:k v PXAT ', lo + 5000, Date.now() + 5000);
  ops = await propagatedBy(() => c.call('SET', 'p:k', 'v', 'EXAT', '4000000000', 'XX'));
  assert.deepEqual(ops, ['0:SET p:k v PXAT 4000000000000']);
  ops = await propagatedBy(() => c.call('SET', 'p:k', 'v', 'NX', 'PXAT', '4000000000123', 'GET'));
  assert.deepEqual(ops, []); // key exists: NX prevents the write
  ops = await propagatedBy(() => c.call('SET', 'p:k', 'v', 'PXAT', '4000000000123', 'GET'));
  assert.deepEqual(ops, ['0:SET p:k v PXAT 4000000000123']);
  // An int64 time beyond 2^53 stays exact.
  ops = await propagatedBy(() => c.call('SET', 'p:k', 'v', 'PXAT', '9223372036854775807'));
  assert.deepEqual(ops, ['0:SET p:k v PXAT 9223372036854775807']);
  ops = await propagatedBy(() => c.call('set', 'p:k', 'v', 'XX', 'KEEPTTL', 'GET', 'get'));
  assert.deepEqual(ops, ['0:set p:k v XX KEEPTTL']);
  ops = await propagatedBy(() => c.call('SET', 'p:k', 'w'));
  assert.deepEqual(ops, ['0:SET p:k w']);
  ops = await propagatedBy(() => c.call('SET', 'p:none', 'w', 'XX'));
  assert.deepEqual(ops, []);
  ops = await propagatedBy(() => c.call('SET', 'p:k', 'w', 'EX', '0'));
  assert.deepEqual(ops, []);
});

test('SETNX: 1 then 0; propagated only when it wrote', async () => {
  await c.call('DEL', 'nx:k');
  let ops = await propagatedBy(async () => assert.equal(await c.callRaw('SETNX', 'nx:k', 'a'), ':1\r\n'));
  assert.deepEqual(ops, ['0:SETNX nx:k a']);
  ops = await propagatedBy(async () => assert.equal(await c3.callRaw('SETNX', 'nx:k', 'b'), ':0\r\n'));
  assert.deepEqual(ops, []);
  assert.equal(await c.call('GET', 'nx:k'), 'a');
  putList('nx:list');
  assert.equal(await c.callRaw('SETNX', 'nx:list', 'b'), ':0\r\n');
  assert.equal(await c.callRaw('SETNX', 'nx:k'), "-ERR wrong number of arguments for 'setnx' command\r\n");
});

test('SETEX / PSETEX: TTL, errors naming the command, propagation as SET ... PXAT', async () => {
  let lo = Date.now();
  let ops = await propagatedBy(async () => assert.equal(await c.callRaw('SETEX', 'ex:k', '100', 'v'), '+OK\r\n'));
  let at = assertAbsolute(ops[0]!, '0:SET ex:k v PXAT ', lo + 100_000, Date.now() + 100_000);
  assert.equal(expireOf('ex:k'), at);
  lo = Date.now();
  ops = await propagatedBy(async () => assert.equal(await c3.callRaw('PSETEX', 'ex:k', '1500', 'w'), '+OK\r\n'));
  at = assertAbsolute(ops[0]!, '0:SET ex:k w PXAT ', lo + 1500, Date.now() + 1500);
  assert.equal(expireOf('ex:k'), at);
  assert.equal(await c.call('GET', 'ex:k'), 'w');
  for (const bad of ['0', '-1', '9223372036854775807', '9223372036854775']) {
    assert.equal(await c.callRaw('SETEX', 'ex:bad', bad, 'v'), "-ERR invalid expire time in 'setex' command\r\n", bad);
  }
  assert.equal(await c.callRaw('PSETEX', 'ex:bad', '0', 'v'), "-ERR invalid expire time in 'psetex' command\r\n");
  assert.equal(await c.callRaw('PSETEX', 'ex:bad', '9223372036854775807', 'v'), "-ERR invalid expire time in 'psetex' command\r\n");
  assert.equal(await c.callRaw('SETEX', 'ex:bad', 'x', 'v'), NOT_INT);
  assert.equal(await c.callRaw('SETEX', 'ex:bad', '10', 'v', 'x'), "-ERR wrong number of arguments for 'setex' command\r\n");
  assert.equal(await c.call('GET', 'ex:bad'), null);
  // Overwrites any type.
  putList('ex:list');
  assert.equal(await c.callRaw('SETEX', 'ex:list', '10', 'v'), '+OK\r\n');
});

test('GETSET: old value or nil, clears the TTL, WRONGTYPE, propagated as SET', async () => {
  await c.call('DEL', 'gs:k');
  let ops = await propagatedBy(async () => assert.equal(await c.callRaw('GETSET', 'gs:k', 'a'), '$-1\r\n'));
  assert.deepEqual(ops, ['0:SET gs:k a']);
  assert.equal(await c3.callRaw('GETSET', 'gs:k2', 'a'), '_\r\n');
  await c.call('SET', 'gs:k', 'old', 'EX', '100');
  ops = await propagatedBy(async () => assert.equal(await c.callRaw('getset', 'gs:k', 'new'), '$3\r\nold\r\n'));
  assert.deepEqual(ops, ['0:SET gs:k new']);
  assert.equal(expireOf('gs:k'), -1);
  putList('gs:list');
  ops = await propagatedBy(async () => assert.equal(await c.callRaw('GETSET', 'gs:list', 'x'), WRONGTYPE));
  assert.deepEqual(ops, []);
});

test('GETDEL: value then gone, nil, WRONGTYPE, propagated as DEL only if it existed', async () => {
  await c.call('SET', 'gd:k', 'v\x00\xff');
  let ops = await propagatedBy(async () => assert.equal(await c.callRaw('GETDEL', 'gd:k'), '$3\r\nv\x00\xff\r\n'));
  assert.deepEqual(ops, ['0:DEL gd:k']);
  ops = await propagatedBy(async () => {
    assert.equal(await c.callRaw('GETDEL', 'gd:k'), '$-1\r\n');
    assert.equal(await c3.callRaw('GETDEL', 'gd:k'), '_\r\n');
  });
  assert.deepEqual(ops, []);
  putList('gd:list');
  assert.equal(await c.callRaw('GETDEL', 'gd:list'), WRONGTYPE);
  assert.equal(expireOf('gd:list'), -1); // still there
});

test('GETEX: without options reads only; EX/PX/EXAT/PXAT propagate PEXPIREAT; PERSIST only if a TTL was removed', async () => {
  await c.call('SET', 'gx:k', 'v');
  let ops = await propagatedBy(async () => assert.equal(await c.callRaw('GETEX', 'gx:k'), '$1\r\nv\r\n'));
  assert.deepEqual(ops, []);
  let lo = Date.now();
  ops = await propagatedBy(async () => assert.equal(await c.callRaw('GETEX', 'gx:k', 'EX', '100'), '$1\r\nv\r\n'));
  let at = assertAbsolute(ops[0]!, '0:PEXPIREAT gx:k ', lo + 100_000, Date.now() + 100_000);
  assert.equal(expireOf('gx:k'), at);
  lo = Date.now();
  ops = await propagatedBy(() => c.call('GETEX', 'gx:k', 'px', '20000'));
  at = assertAbsolute(ops[0]!, '0:PEXPIREAT gx:k ', lo + 20_000, Date.now() + 20_000);
  assert.equal(expireOf('gx:k'), at);
  ops = await propagatedBy(() => c.call('GETEX', 'gx:k', 'EXAT', '4000000000'));
  assert.deepEqual(ops, ['0:PEXPIREAT gx:k 4000000000000']);
  ops = await propagatedBy(() => c.call('GETEX', 'gx:k', 'PXAT', '4000000000001', 'PXAT', '4000000000002'));
  assert.deepEqual(ops, ['0:PEXPIREAT gx:k 4000000000002']);
  assert.equal(expireOf('gx:k'), 4_000_000_000_002);
  ops = await propagatedBy(() => c.call('GETEX', 'gx:k', 'PERSIST'));
  assert.deepEqual(ops, ['0:PERSIST gx:k']);
  assert.equal(expireOf('gx:k'), -1);
  ops = await propagatedBy(async () => assert.equal(await c.callRaw('GETEX', 'gx:k', 'persist', 'PERSIST'), '$1\r\nv\r\n'));
  assert.deepEqual(ops, []);
});

test('GETEX with an absolute time already past replies the value, deletes the key, propagates DEL', async () => {
  for (const opts of [['PXAT', '1'], ['EXAT', '1']]) {
    await c.call('SET', 'gx:past', 'v');
    const ops = await propagatedBy(async () => assert.equal(await c.callRaw('GETEX', 'gx:past', ...opts), '$1\r\nv\r\n'));
    assert.deepEqual(ops, ['0:DEL gx:past']);
    assert.equal(expireOf('gx:past'), -2);
  }
});

test('GETEX errors: syntax before lookup, time after lookup, WRONGTYPE, nil in both protocols', async () => {
  await c.call('SET', 'gx:e', 'v');
  for (const opts of [['PERSIST', 'EX', '10'], ['EX', '10', 'PERSIST'], ['KEEPTTL'], ['EX'], ['NX'], ['GET'], ['EX', '10', 'PX', '10']]) {
    assert.equal(await c.callRaw('GETEX', 'gx:e', ...opts), SYNTAX, opts.join(' '));
    assert.equal(await c.callRaw('GETEX', 'gx:none', ...opts), SYNTAX, opts.join(' '));
  }
  assert.equal(await c.callRaw('GETEX', 'gx:e', 'EX', '0'), "-ERR invalid expire time in 'getex' command\r\n");
  assert.equal(await c.callRaw('GETEX', 'gx:e', 'EX', '9223372036854775'), "-ERR invalid expire time in 'getex' command\r\n");
  assert.equal(await c.callRaw('GETEX', 'gx:e', 'PX', 'abc'), NOT_INT);
  // A missing key answers nil before the time is even parsed.
  assert.equal(await c.callRaw('GETEX', 'gx:none', 'EX', 'abc'), '$-1\r\n');
  assert.equal(await c3.callRaw('GETEX', 'gx:none'), '_\r\n');
  putList('gx:list');
  assert.equal(await c.callRaw('GETEX', 'gx:list', 'EX', '0'), WRONGTYPE);
  assert.equal(await c.callRaw('GETEX'), "-ERR wrong number of arguments for 'getex' command\r\n");
  assert.equal(expireOf('gx:e'), -1);
});

test('MGET: values, nil for missing and non-string keys, RESP3 nulls, many keys', async () => {
  await c.call('MSET', 'mg:a', '1', 'mg:b', '\x00\xff');
  putList('mg:list');
  assert.equal(await c.callRaw('MGET', 'mg:a', 'mg:none', 'mg:list', 'mg:b'), '*4\r\n$1\r\n1\r\n$-1\r\n$-1\r\n$2\r\n\x00\xff\r\n');
  assert.equal(await c3.callRaw('MGET', 'mg:a', 'mg:none', 'mg:list'), '*3\r\n$1\r\n1\r\n_\r\n_\r\n');
  assert.equal(await c.callRaw('MGET'), "-ERR wrong number of arguments for 'mget' command\r\n");
  const args: string[] = [];
  for (let i = 0; i < 2000; i++) args.push(`mg:many:${i}`, String(i));
  assert.equal(await c.callRaw('MSET', ...args), '+OK\r\n');
  const keys = args.filter((_, i) => i % 2 === 0);
  const got = (await c.call('MGET', ...keys, 'mg:none')) as (string | null)[];
  assert.equal(got.length, 2001);
  assert.deepEqual(got.slice(0, 3), ['0', '1', '2']);
  assert.equal(got[1999], '1999');
  assert.equal(got[2000], null);
});

test('MSET: odd arguments are an arity error; overwrites and clears TTLs; propagated as received', async () => {
  assert.equal(await c.callRaw('MSET', 'ms:a'), "-ERR wrong number of arguments for 'mset' command\r\n");
  assert.equal(await c.callRaw('MSET', 'ms:a', '1', 'ms:b'), "-ERR wrong number of arguments for 'mset' command\r\n");
  assert.equal(await c.call('GET', 'ms:a'), null);
  await c.call('SET', 'ms:a', 'old', 'EX', '100');
  putList('ms:list');
  const ops = await propagatedBy(async () => assert.equal(await c3.callRaw('MSET', 'ms:a', '1', 'ms:list', '2', 'ms:a', '3'), '+OK\r\n'));
  assert.deepEqual(ops, ['0:MSET ms:a 1 ms:list 2 ms:a 3']);
  assert.deepEqual(await c.call('MGET', 'ms:a', 'ms:list'), ['3', '2']);
  assert.equal(expireOf('ms:a'), -1);
});

test('MSETNX: all or nothing; a repeated key is set twice; nothing propagated on failure', async () => {
  assert.equal(await c.callRaw('MSETNX', 'mn:a', '1', 'mn:b'), "-ERR wrong number of arguments for 'msetnx' command\r\n");
  let ops = await propagatedBy(async () => assert.equal(await c.callRaw('MSETNX', 'mn:a', '1', 'mn:b', '2'), ':1\r\n'));
  assert.deepEqual(ops, ['0:MSETNX mn:a 1 mn:b 2']);
  ops = await propagatedBy(async () => assert.equal(await c3.callRaw('MSETNX', 'mn:c', '3', 'mn:a', 'x'), ':0\r\n'));
  assert.deepEqual(ops, []);
  assert.deepEqual(await c.call('MGET', 'mn:a', 'mn:b', 'mn:c'), ['1', '2', null]);
  assert.equal(await c.callRaw('MSETNX', 'mn:z', '1', 'mn:z', '2'), ':1\r\n');
  assert.equal(await c.call('GET', 'mn:z'), '2');
  putList('mn:list');
  assert.equal(await c.callRaw('MSETNX', 'mn:list', '1'), ':0\r\n');
});

test('writes inside MULTI/EXEC propagate their rewritten forms in one unit', async () => {
  await c.call('SET', 'tx:s:k', 'old');
  srv.clearPropagated();
  await c.call('MULTI');
  await c.call('GETSET', 'tx:s:k', 'new');
  await c.call('SETEX', 'tx:s:k2', '100', 'v');
  await c.call('GETDEL', 'tx:s:k');
  const reply = await c.callRaw('EXEC');
  assert.equal(reply, '*3\r\n$3\r\nold\r\n+OK\r\n$3\r\nnew\r\n');
  assert.equal(srv.propagated.length, 5);
  assert.equal(srv.propagated[0], '0:MULTI');
  assert.equal(srv.propagated[1], '0:SET tx:s:k new');
  assert.match(srv.propagated[2]!, /^0:SET tx:s:k2 v PXAT \d+$/);
  assert.equal(srv.propagated[3], '0:DEL tx:s:k');
  assert.equal(srv.propagated[4], '-1:EXEC');
});

test('a lazily expired key is propagated as DEL before the command, wrapped in MULTI/EXEC', async () => {
  const cycle = srv.server.expireCycle;
  cycle.enabled = false;
  try {
    await c.call('SET', 'lz:a', '5', 'PX', '10');
    await c.call('SET', 'lz:b', '5', 'PX', '10');
    await c.call('SET', 'lz:c', '5', 'PX', '10');
    await new Promise((r) => setTimeout(r, 30));
    let ops = await propagatedBy(async () => assert.equal(await c.callRaw('SET', 'lz:a', 'v', 'GET'), '$-1\r\n'));
    assert.deepEqual(ops, ['0:MULTI', '0:DEL lz:a', '0:SET lz:a v', '-1:EXEC']);
    ops = await propagatedBy(async () => assert.equal(await c.callRaw('GETSET', 'lz:b', 'v'), '$-1\r\n'));
    assert.deepEqual(ops, ['0:MULTI', '0:DEL lz:b', '0:SET lz:b v', '-1:EXEC']);
    // A read that finds only an expired key propagates the DEL alone.
    ops = await propagatedBy(async () => assert.equal(await c.callRaw('GETEX', 'lz:c', 'EX', '100'), '$-1\r\n'));
    assert.deepEqual(ops, ['0:DEL lz:c']);
  } finally {
    cycle.enabled = true;
  }
});
