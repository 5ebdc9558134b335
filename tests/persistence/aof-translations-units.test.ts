// What lands in the INCR file, checked on the file's bytes (not on srv.propagated): the units of
// the log (aof-contract.md §1.3, §2.6, §2.8): SELECT placement, what is not written (commands
// that change nothing, and the edges of "changed nothing"), MULTI/EXEC wrapping (a SELECT
// inside, failing commands, aborted transactions, FLUSHALL inside), FLUSHDB / FLUSHALL, and
// keyspace writes logged as received.
//
// Each scenario runs on nodis (appendfsync always) and, as a second test, on a real
// redis-server 7.0.15 with the same settings (skipped only when the binary is missing): both must
// give exactly the expected bytes (tests/helpers/aof-translations.ts).

import assert from 'node:assert/strict';
import { RespError, type RespValue } from '../helpers/resp-client.js';
import { ok } from '../helpers/calls.js';
import { timed, useScenarios, within } from '../helpers/aof-translations.js';

const scenario = useScenarios('nodis-aof-translations-units-');

// ---- SELECT, and what is not written ------------------------------------------------------------

scenario('SELECT only before a write in another db than the last written; client SELECTs and reads write nothing', async ({ c, c2 }) => {
  await ok(c, 'SELECT', 3);
  await ok(c, 'GET', 'x');
  await ok(c, 'SELECT', 4);
  await ok(c, 'SET', 'a', '1');
  await ok(c, 'SET', 'b', '1');
  await ok(c, 'SELECT', 0);
  await ok(c, 'SELECT', 4);
  await ok(c, 'SET', 'c', '1'); // the file is still at db 4
  await ok(c2, 'SET', 'd', '1'); // db 0
  await ok(c, 'SET', 'e', '1');
  await ok(c, 'SELECT', 15);
  await ok(c, 'DEL', 'nosuch'); // nothing written, so no SELECT either
  await ok(c, 'SET', 'f', '1');
  return [['SELECT', '4'], ['SET', 'a', '1'], ['SET', 'b', '1'], ['SET', 'c', '1'], ['SELECT', '0'], ['SET', 'd', '1'], ['SELECT', '4'], ['SET', 'e', '1'], ['SELECT', '15'], ['SET', 'f', '1']];
});

scenario('commands that change nothing are not written', async ({ c }) => {
  await ok(c, 'DEL', 'nosuch');
  await ok(c, 'UNLINK', 'nosuch', 'nosuch2');
  await ok(c, 'SET', 'k', 'v', 'XX');
  await ok(c, 'SET', 'k', 'v');
  await ok(c, 'SET', 'k', 'w', 'NX');
  await ok(c, 'SETNX', 'k', 'w');
  await ok(c, 'MSETNX', 'k', 'w', 'k2', 'w');
  await ok(c, 'EXPIRE', 'nosuch', 100);
  await ok(c, 'PERSIST', 'k'); // no TTL
  await ok(c, 'GETEX', 'k');
  await ok(c, 'GETEX', 'k', 'PERSIST'); // no TTL
  await ok(c, 'GETEX', 'nosuch', 'EX', 100);
  await ok(c, 'GETDEL', 'nosuch');
  await ok(c, 'LPUSHX', 'nosuch', 'a');
  await ok(c, 'HDEL', 'nosuch', 'f');
  await ok(c, 'SREM', 'nosuch', 'm');
  await ok(c, 'SPOP', 'nosuch');
  await ok(c, 'ZREM', 'nosuch', 'm');
  await ok(c, 'RENAMENX', 'k', 'k'); // same name: 0
  await ok(c, 'MOVE', 'nosuch', 1);
  await ok(c, 'COPY', 'nosuch', 'dst');
  await ok(c, 'BITFIELD', 'bf', 'GET', 'u8', 0);
  await ok(c, 'SINTERSTORE', 'dst', 'nosuch1', 'nosuch2'); // empty result, nothing to delete
  await ok(c, 'LMPOP', 1, 'nosuch', 'LEFT');
  await ok(c, 'SET', 'k2', 'v');
  return [['SET', 'k', 'v'], ['SET', 'k2', 'v']];
});

scenario('the edges of "changed nothing": what Redis writes and what it does not', async ({ c }) => {
  await ok(c, 'SETRANGE', 'sr', 0, ''); // missing key, empty value: nothing
  await ok(c, 'APPEND', 'ap', ''); // creates an empty string
  await ok(c, 'APPEND', 'ap', '');
  await ok(c, 'RPUSH', 'l', 'a', 'b');
  await ok(c, 'LREM', 'l', 0, 'x'); // no match
  await ok(c, 'LTRIM', 'l', 0, -1); // removes nothing
  await ok(c, 'LINSERT', 'l', 'BEFORE', 'x', 'y'); // no pivot
  await ok(c, 'LSET', 'l', 0, 'a'); // same value
  await ok(c, 'LPOP', 'l', 0);
  await ok(c, 'SADD', 's', 'a');
  await ok(c, 'SADD', 's', 'a'); // already there
  await ok(c, 'SMOVE', 's', 's2', 'x'); // not a member
  await ok(c, 'HSET', 'h', 'f', 'v');
  await ok(c, 'HSET', 'h', 'f', 'v'); // same value
  await ok(c, 'HSETNX', 'h', 'f', 'w');
  await ok(c, 'ZADD', 'z', 1, 'a');
  await ok(c, 'ZADD', 'z', 1, 'a'); // same score
  await ok(c, 'ZADD', 'z', 'NX', 2, 'a');
  await ok(c, 'ZREMRANGEBYSCORE', 'z', 5, 10);
  await ok(c, 'ZPOPMIN', 'z', 0);
  await ok(c, 'SETBIT', 'b', 3, 0); // creates the key
  await ok(c, 'SETBIT', 'b', 3, 0); // same bit: nothing
  await ok(c, 'BITFIELD', 'b', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', 0, 7); // overflows: nothing changes
  await ok(c, 'INCRBY', 'n', 0);
  await ok(c, 'INCRBYFLOAT', 'n', '0');
  await ok(c, 'RENAME', 'n', 'n');
  await ok(c, 'SET', 'cp', 'v');
  await ok(c, 'COPY', 'cp', 'n'); // target exists, no REPLACE
  await ok(c, 'SELECT', 1);
  await ok(c, 'SET', 'cp', 'other');
  await ok(c, 'SELECT', 0);
  await ok(c, 'MOVE', 'cp', 1); // target exists
  await ok(c, 'SWAPDB', 2, 2);
  await ok(c, 'DEL', 'cp', 'cp');
  await ok(c, 'SPOP', 's', 0);
  await ok(c, 'SINTERSTORE', 's', 'nosuch'); // empty result deletes the existing destination
  await ok(c, 'PEXPIREAT', 'nosuch', 1);
  await ok(c, 'MULTI');
  await ok(c, 'DEL', 'nosuch');
  await ok(c, 'SADD', 'z', 'wrongtype');
  await ok(c, 'EXEC'); // nothing changed
  await ok(c, 'MULTI');
  await c.call('SET', 'k'); // wrong arity: the transaction is discarded
  assert.ok((await c.call('EXEC')) instanceof RespError);
  return [
    ['APPEND', 'ap', ''],
    ['APPEND', 'ap', ''],
    ['RPUSH', 'l', 'a', 'b'],
    ['LSET', 'l', '0', 'a'],
    ['SADD', 's', 'a'],
    ['HSET', 'h', 'f', 'v'],
    ['HSET', 'h', 'f', 'v'],
    ['ZADD', 'z', '1', 'a'],
    ['SETBIT', 'b', '3', '0'],
    ['INCRBY', 'n', '0'],
    ['SET', 'n', '0', 'KEEPTTL'],
    ['SET', 'cp', 'v'],
    ['SELECT', '1'],
    ['SET', 'cp', 'other'],
    ['SELECT', '0'],
    ['SWAPDB', '2', '2'],
    ['DEL', 'cp', 'cp'],
    ['SINTERSTORE', 's', 'nosuch'],
  ];
});

// ---- MULTI/EXEC ------------------------------------------------------------------------------------------

scenario('MULTI/EXEC: wrapped when it writes more than once, SELECT before MULTI, SELECT inside for a db change, nothing for reads only', async ({ c }) => {
  await ok(c, 'SELECT', 2);
  await ok(c, 'MULTI');
  await ok(c, 'SET', 'a', '1');
  await ok(c, 'INCR', 'a');
  await ok(c, 'EXEC');
  await ok(c, 'MULTI');
  await ok(c, 'GET', 'a');
  await ok(c, 'EXEC'); // reads only: nothing
  await ok(c, 'MULTI');
  await ok(c, 'SET', 'b', '1');
  await ok(c, 'GET', 'b');
  await ok(c, 'EXEC'); // one write: as is
  await ok(c, 'SELECT', 0);
  await ok(c, 'MULTI');
  await ok(c, 'SET', 'c', '1');
  await ok(c, 'SELECT', 1);
  await ok(c, 'SET', 'd', '1', 'EX', 100_000);
  await ok(c, 'SELECT', 0);
  await ok(c, 'DEL', 'nosuch'); // writes nothing, inside too
  const ex = await timed(c, 'EXEC');
  await ok(c, 'MULTI');
  await ok(c, 'SET', 'e', '1');
  await ok(c, 'DISCARD');
  return [
    ['SELECT', '2'],
    ['MULTI'],
    ['SET', 'a', '1'],
    ['INCR', 'a'],
    ['EXEC'],
    ['SET', 'b', '1'],
    ['SELECT', '0'],
    ['MULTI'],
    ['SET', 'c', '1'],
    ['SELECT', '1'],
    ['SET', 'd', '1', 'PXAT', within(ex.t0 + 100_000_000, ex.t1 + 100_000_000)],
    ['EXEC'],
  ];
});

scenario('MULTI/EXEC: a failing command is left out, an aborted (WATCH) transaction writes nothing, FLUSHALL inside', async ({ c, c2 }) => {
  await ok(c, 'MULTI');
  await ok(c, 'SET', 's', 'v');
  await ok(c, 'INCR', 's'); // fails at EXEC
  await ok(c, 'SET', 't', '1');
  const r = (await ok(c, 'EXEC')) as RespValue[];
  assert.ok(r[1] instanceof RespError);
  await ok(c, 'WATCH', 't');
  await ok(c2, 'SET', 't', '2');
  await ok(c, 'MULTI');
  await ok(c, 'SET', 't', '3');
  assert.equal(await ok(c, 'EXEC'), null);
  await ok(c, 'SELECT', 6);
  await ok(c, 'MULTI');
  await ok(c, 'SET', 'u', '1');
  await ok(c, 'FLUSHALL');
  await ok(c, 'EXEC');
  return [
    ['MULTI'],
    ['SET', 's', 'v'],
    ['SET', 't', '1'],
    ['EXEC'],
    ['SET', 't', '2'],
    ['SELECT', '6'],
    ['MULTI'],
    ['SET', 'u', '1'],
    ['FLUSHALL'],
    ['EXEC'],
  ];
});

// ---- FLUSHDB / FLUSHALL, and writes logged as received ----------------------------------------------------

scenario('FLUSHDB on an empty db is written; FLUSHALL always; ASYNC / SYNC kept', async ({ c }) => {
  await ok(c, 'SELECT', 6);
  await ok(c, 'FLUSHDB');
  await ok(c, 'FLUSHDB', 'ASYNC');
  await ok(c, 'SET', 'k', 'v');
  await ok(c, 'FLUSHDB', 'SYNC');
  await ok(c, 'FLUSHALL');
  await ok(c, 'FLUSHALL', 'ASYNC');
  return [['SELECT', '6'], ['FLUSHDB'], ['FLUSHDB', 'ASYNC'], ['SET', 'k', 'v'], ['FLUSHDB', 'SYNC'], ['FLUSHALL'], ['FLUSHALL', 'ASYNC']];
});

scenario('keyspace writes logged as received: DEL / UNLINK with missing keys, RENAME, MOVE, COPY ... DB, SWAPDB, PERSIST', async ({ c }) => {
  await ok(c, 'MSET', 'a', '1', 'b', '2', 'c', '\r\n\x00\xff');
  await ok(c, 'DEL', 'a', 'nosuch', 'b');
  await ok(c, 'UNLINK', 'nosuch', 'c');
  await ok(c, 'SET', 'r', 'v', 'PXAT', '4102444800000');
  await ok(c, 'RENAME', 'r', 'r2');
  await ok(c, 'MOVE', 'r2', 7);
  await ok(c, 'SET', 'cp', 'v');
  await ok(c, 'COPY', 'cp', 'cp2', 'DB', 8);
  await ok(c, 'COPY', 'cp', 'cp', 'DB', 9, 'REPLACE');
  await ok(c, 'SWAPDB', 7, 8);
  await ok(c, 'SET', 'p', 'v', 'PXAT', '4102444800000');
  await ok(c, 'PERSIST', 'p');
  return [
    ['MSET', 'a', '1', 'b', '2', 'c', '\r\n\x00\xff'],
    ['DEL', 'a', 'nosuch', 'b'],
    ['UNLINK', 'nosuch', 'c'],
    ['SET', 'r', 'v', 'PXAT', '4102444800000'],
    ['RENAME', 'r', 'r2'],
    ['MOVE', 'r2', '7'],
    ['SET', 'cp', 'v'],
    ['COPY', 'cp', 'cp2', 'DB', '8'],
    ['COPY', 'cp', 'cp', 'DB', '9', 'REPLACE'],
    ['SWAPDB', '7', '8'],
    ['SET', 'p', 'v', 'PXAT', '4102444800000'],
    ['PERSIST', 'p'],
  ];
});
