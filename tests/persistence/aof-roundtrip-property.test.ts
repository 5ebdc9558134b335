// An AOF restart round trip as a fast-check property: random sequences of 30-50 commands (and
// MULTI/EXEC blocks) over five keys and three dbs, across every family, the EXPIRE family and
// the keyspace commands, survive a restart (DEBUG DIGEST and contents). NODIS_FC_SEED=<n>
// replays a seed.

import { test } from 'node:test';
import fs from 'node:fs';
import fc from 'fast-check';
import { useRoundTrips } from '../helpers/aof-roundtrip.js';
import { assertSameDataset, readDatasetAt, type Dataset } from '../helpers/dataset-compare.js';
import { nowSec } from '../helpers/family-workloads.js';

const { newDir, start, stop } = useRoundTrips('nodis-aof-roundtrip-');

const K = ['k0', 'k1', 'k2', 'k3', 'k4'];
const key = fc.constantFrom(...K);
const member = fc.constantFrom('a', 'b', 'c', 'd', '1', '2', '10', '-3', '', 'x'.repeat(70), '\x00\r\n');
const smallInt = fc.integer({ min: -5, max: 20 });
const score = fc.oneof(fc.integer({ min: -10, max: 10 }).map(String), fc.constantFrom('0.1', '1.5', '-2.25', 'inf', '-inf', '3.0000000000000004', '1e-300', '123456789.123'));
const farSec = fc.integer({ min: 1000, max: 1_000_000 });
const side = fc.constantFrom('LEFT', 'RIGHT');
const db = fc.integer({ min: 0, max: 2 });

type Cmd = (string | number)[];

const simple: fc.Arbitrary<Cmd> = fc.oneof(
  fc.tuple(key, member).map(([k, v]): Cmd => ['SET', k, v]),
  fc.tuple(key, member, farSec, fc.constantFrom('EX', 'PX', 'EXAT', 'PXAT')).map(([k, v, s, u]): Cmd => {
    const n = u === 'EX' ? s : u === 'PX' ? s * 1000 : u === 'EXAT' ? nowSec() + s : Date.now() + s * 1000;
    return ['SET', k, v, u, n];
  }),
  fc.tuple(key, member, fc.constantFrom('KEEPTTL', 'NX', 'XX', 'GET')).map(([k, v, o]): Cmd => ['SET', k, v, o]),
  fc.tuple(key, member).map(([k, v]): Cmd => ['APPEND', k, v]),
  key.map((k): Cmd => ['INCR', k]),
  fc.tuple(key, smallInt).map(([k, n]): Cmd => ['INCRBY', k, n]),
  fc.tuple(key, fc.constantFrom('0.1', '-1.5', '2e3', '3')).map(([k, n]): Cmd => ['INCRBYFLOAT', k, n]),
  fc.tuple(key, fc.integer({ min: 0, max: 30 }), member).map(([k, o, v]): Cmd => ['SETRANGE', k, o, v]),
  key.map((k): Cmd => ['GETDEL', k]),
  fc.tuple(key, farSec).map(([k, s]): Cmd => ['GETEX', k, 'EX', s]),
  key.map((k): Cmd => ['GETEX', k, 'PERSIST']),
  fc.tuple(key, member).map(([k, v]): Cmd => ['GETSET', k, v]),
  fc.tuple(key, fc.integer({ min: 0, max: 200 }), fc.constantFrom(0, 1)).map(([k, o, b]): Cmd => ['SETBIT', k, o, b]),
  fc.tuple(key, fc.integer({ min: 0, max: 64 }), smallInt).map(([k, o, n]): Cmd => ['BITFIELD', k, 'INCRBY', 'i8', o, n]),
  fc.tuple(fc.constantFrom('AND', 'OR', 'XOR'), key, key, key).map(([op, d, a, b]): Cmd => ['BITOP', op, d, a, b]),
  fc.tuple(fc.constantFrom('RPUSH', 'LPUSH'), key, fc.array(member, { minLength: 1, maxLength: 4 })).map(([c, k, m]): Cmd => [c, k, ...m]),
  fc.tuple(fc.constantFrom('LPOP', 'RPOP'), key).map(([c, k]): Cmd => [c, k]),
  fc.tuple(key, fc.integer({ min: 1, max: 3 })).map(([k, n]): Cmd => ['RPOP', k, n]),
  fc.tuple(key, key, side, side).map(([a, b, x, y]): Cmd => ['LMOVE', a, b, x, y]),
  fc.tuple(key, smallInt, member).map(([k, i, v]): Cmd => ['LSET', k, i, v]),
  fc.tuple(key, fc.integer({ min: -2, max: 2 }), member).map(([k, n, v]): Cmd => ['LREM', k, n, v]),
  fc.tuple(key, fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 })).map(([k, s, e]): Cmd => ['LTRIM', k, s, e]),
  fc.tuple(key, fc.constantFrom('BEFORE', 'AFTER'), member, member).map(([k, w, p, v]): Cmd => ['LINSERT', k, w, p, v]),
  fc.tuple(key, key, side, fc.integer({ min: 1, max: 3 })).map(([a, b, s, n]): Cmd => ['LMPOP', 2, a, b, s, 'COUNT', n]),
  fc.tuple(key, member, member).map(([k, f, v]): Cmd => ['HSET', k, f, v]),
  fc.tuple(key, member).map(([k, f]): Cmd => ['HDEL', k, f]),
  fc.tuple(key, member, smallInt).map(([k, f, n]): Cmd => ['HINCRBY', k, f, n]),
  fc.tuple(key, member, fc.constantFrom('0.1', '-2.5', '1e2')).map(([k, f, n]): Cmd => ['HINCRBYFLOAT', k, f, n]),
  fc.tuple(key, fc.array(member, { minLength: 1, maxLength: 5 })).map(([k, m]): Cmd => ['SADD', k, ...m]),
  fc.tuple(key, member).map(([k, m]): Cmd => ['SREM', k, m]),
  key.map((k): Cmd => ['SPOP', k]),
  fc.tuple(key, fc.integer({ min: 0, max: 6 })).map(([k, n]): Cmd => ['SPOP', k, n]),
  fc.tuple(key, key, member).map(([a, b, m]): Cmd => ['SMOVE', a, b, m]),
  fc.tuple(fc.constantFrom('SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE'), key, key, key).map(([c, d, a, b]): Cmd => [c, d, a, b]),
  fc.tuple(key, score, member).map(([k, s, m]): Cmd => ['ZADD', k, s, m]),
  fc.tuple(key, score, member).map(([k, s, m]): Cmd => ['ZADD', k, 'INCR', s, m]),
  fc.tuple(key, score, member).map(([k, s, m]): Cmd => ['ZINCRBY', k, s, m]),
  fc.tuple(fc.constantFrom('ZPOPMIN', 'ZPOPMAX'), key, fc.integer({ min: 1, max: 3 })).map(([c, k, n]): Cmd => [c, k, n]),
  fc.tuple(key, member).map(([k, m]): Cmd => ['ZREM', k, m]),
  fc.tuple(fc.constantFrom('ZUNIONSTORE', 'ZINTERSTORE'), key, key, key, fc.constantFrom('SUM', 'MIN', 'MAX')).map(([c, d, a, b, ag]): Cmd => [c, d, 2, a, b, 'WEIGHTS', '2', '0.5', 'AGGREGATE', ag]),
  fc.tuple(key, key).map(([d, s]): Cmd => ['ZRANGESTORE', d, s, 0, 2]),
  fc.tuple(key, score).map(([k, s]): Cmd => ['ZREMRANGEBYSCORE', k, '-inf', s]),
  fc.tuple(key, fc.integer({ min: 0, max: 2 })).map(([k, n]): Cmd => ['ZREMRANGEBYRANK', k, 0, n]),
  key.map((k): Cmd => ['DEL', k]),
  key.map((k): Cmd => ['UNLINK', k]),
  fc.tuple(key, key).map(([a, b]): Cmd => ['RENAME', a, b]),
  fc.tuple(key, key).map(([a, b]): Cmd => ['RENAMENX', a, b]),
  fc.tuple(key, key, fc.boolean()).map(([a, b, r]): Cmd => (r ? ['COPY', a, b, 'REPLACE'] : ['COPY', a, b])),
  fc.tuple(key, key, db).map(([a, b, d]): Cmd => ['COPY', a, b, 'DB', d]),
  fc.tuple(key, db).map(([k, d]): Cmd => ['MOVE', k, d]),
  fc.tuple(db, db).map(([a, b]): Cmd => ['SWAPDB', a, b]),
  db.map((d): Cmd => ['SELECT', d]),
  fc.tuple(key, farSec, fc.constantFrom('', 'NX', 'XX', 'GT', 'LT')).map(([k, s, f]): Cmd => (f === '' ? ['EXPIRE', k, s] : ['EXPIRE', k, s, f])),
  fc.tuple(key, farSec).map(([k, s]): Cmd => ['PEXPIRE', k, s * 1000]),
  fc.tuple(key, farSec).map(([k, s]): Cmd => ['EXPIREAT', k, nowSec() + s]),
  key.map((k): Cmd => ['EXPIRE', k, -1]),
  key.map((k): Cmd => ['PERSIST', k]),
  fc.tuple(key, key).map(([k, d]): Cmd => ['SORT', k, 'ALPHA', 'STORE', d]),
  fc.constant<Cmd>(['FLUSHDB']),
);

/** A command, or a MULTI ... EXEC block of a few. */
const step: fc.Arbitrary<Cmd[]> = fc.oneof(
  { weight: 12, arbitrary: simple.map((c) => [c]) },
  { weight: 1, arbitrary: fc.array(simple, { minLength: 1, maxLength: 4 }).map((cs) => [['MULTI'], ...cs, ['EXEC']]) },
);

test('property: random command sequences survive a restart (DEBUG DIGEST and contents)', { timeout: 120_000 }, async () => {
  const seedEnv = process.env['NODIS_FC_SEED'];
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 30, maxLength: 50 }), async (steps) => {
      const dir = newDir();
      const srv = await start(dir);
      let before: Dataset;
      try {
        const c = await srv.client();
        for (const s of steps) for (const cmd of s) await c.call(...cmd);
        before = await readDatasetAt(srv.port);
      } finally {
        await stop(srv);
      }
      const srv2 = await start(dir);
      try {
        assertSameDataset(await readDatasetAt(srv2.port), before, 'after restart');
      } finally {
        await stop(srv2);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }),
    { numRuns: 30, ...(seedEnv !== undefined ? { seed: Number(seedEnv) } : {}) },
  );
});
