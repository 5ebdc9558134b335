// Hashes and sets through real client libraries with their default options: ioredis 5
// (RESP2) and 6 (RESP3), node-redis 4 (RESP2) and 6 (RESP3). Each reply goes through the
// library's own parsing and transforms (HGETALL to an object, HRANDFIELD WITHVALUES pairs,
// SMEMBERS from a RESP3 set, SMISMEMBER booleans, scan iterators).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis as Redis5 } from 'ioredis';
import { Redis as Redis6 } from 'ioredis6';
import { createClient as createClient4 } from 'redis4';
import { createClient as createClient6 } from 'redis';
import { startTestServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv.stop();
});

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

for (const [label, connect] of [
  ['ioredis 5', (port: number) => new Redis5({ port, host: '127.0.0.1' })],
  ['ioredis 6', (port: number) => new Redis6({ port, host: '127.0.0.1' }) as unknown as Redis5],
] as const) {
  const p = `${label.replace(' ', '')}:`;

  test(`${label}: hashes`, { timeout: 20000 }, async () => {
    const r = connect(srv.port);
    try {
      const h = `${p}h`;
      assert.equal(await r.hset(h, { name: 'nodis', n: '1', bin: Buffer.from([0, 0xff]) }), 3);
      assert.deepEqual(await r.hgetall(h), { name: 'nodis', n: '1', bin: '\u0000\ufffd' });
      assert.deepEqual(await r.hgetallBuffer(h), { name: Buffer.from('nodis'), n: Buffer.from('1'), bin: Buffer.from([0, 0xff]) });
      assert.equal(await r.hget(h, 'name'), 'nodis');
      assert.deepEqual(await r.hmget(h, 'name', 'nope'), ['nodis', null]);
      assert.equal(await r.hincrby(h, 'n', 41), 42);
      assert.equal(await r.hincrbyfloat(h, 'f', '0.1'), '0.1');
      assert.equal(await r.hincrbyfloat(h, 'f', '0.2'), '0.3');
      assert.equal(await r.hsetnx(h, 'name', 'x'), 0);
      assert.equal(await r.hlen(h), 4);
      assert.equal(await r.hstrlen(h, 'name'), 5);
      assert.equal(await r.hexists(h, 'f'), 1);
      assert.deepEqual(await r.hkeys(h), ['name', 'n', 'bin', 'f']);
      assert.deepEqual(await r.hvals(h), ['nodis', '42', '\u0000\ufffd', '0.3']);
      const one = await r.hrandfield(h);
      assert.ok(['name', 'n', 'bin', 'f'].includes(one as string));
      // RESP3 nests each pair (ioredis 6 hands them back flattened, as in RESP2).
      const flat = ((await r.hrandfield(h, 2, 'WITHVALUES')) as unknown[]).flat() as string[];
      assert.equal(flat.length, 4);
      assert.notEqual(flat[0], flat[2]);
      const expected: Record<string, string> = { name: 'nodis', n: '42', bin: '\u0000\ufffd', f: '0.3' };
      assert.equal(flat[1], expected[flat[0]!]);
      assert.equal(flat[3], expected[flat[2]!]);
      await assert.rejects(r.hincrby(h, 'name', 1), { message: 'ERR hash value is not an integer' });
      await r.set(`${p}str`, 'v');
      await assert.rejects(r.hget(`${p}str`, 'x'), { message: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
      assert.equal(await r.hdel(h, 'name', 'n', 'nope'), 2);

      const big = `${p}big`;
      const fields: Record<string, string> = {};
      for (let i = 0; i < 700; i++) fields[`f${i}`] = String(i);
      await r.hset(big, fields);
      assert.equal(await r.object('ENCODING', big), 'hashtable');
      const seen = new Map<string, string>();
      await new Promise<void>((resolve, reject) => {
        const stream = r.hscanStream(big, { count: 50 });
        stream.on('data', (batch: string[]) => {
          for (let i = 0; i < batch.length; i += 2) seen.set(batch[i]!, batch[i + 1]!);
        });
        stream.on('end', resolve);
        stream.on('error', reject);
      });
      assert.equal(seen.size, 700);
      assert.equal(seen.get('f123'), '123');
    } finally {
      r.disconnect();
    }
  });

  test(`${label}: sets`, { timeout: 20000 }, async () => {
    const r = connect(srv.port);
    try {
      const s = `${p}s`;
      const t = `${p}t`;
      assert.equal(await r.sadd(s, '3', '1', '2'), 3);
      assert.deepEqual(await r.smembers(s), ['1', '2', '3']);
      assert.equal(await r.sismember(s, '2'), 1);
      assert.deepEqual(await r.smismember(s, '1', '9'), [1, 0]);
      assert.equal(await r.scard(s), 3);
      await r.sadd(t, '2', '3', 'x');
      assert.deepEqual(sorted(await r.sinter(s, t)), ['2', '3']);
      assert.deepEqual(sorted(await r.sunion(s, t)), ['1', '2', '3', 'x']);
      assert.deepEqual(await r.sdiff(s, t), ['1']);
      assert.equal(await r.sintercard(2, s, t), 2);
      assert.equal(await r.sinterstore(`${p}d`, s, t), 2);
      assert.equal(await r.sunionstore(`${p}d`, s, t), 4);
      assert.equal(await r.sdiffstore(`${p}d`, s, t), 1);
      assert.equal(await r.smove(s, t, '1'), 1);
      assert.equal(await r.srem(t, 'x', 'nope'), 1);
      const rand = await r.srandmember(t, -5);
      assert.equal(rand.length, 5);
      const popped = await r.spop(t, 2);
      assert.equal(popped.length, 2);
      assert.equal(await r.scard(t), 1);
      assert.equal(typeof (await r.spop(t)), 'string');
      assert.equal(await r.exists(t), 0);
      const members = Array.from({ length: 600 }, (_, i) => `m${i}`);
      await r.sadd(`${p}bigset`, ...members);
      const seen = new Set<string>();
      await new Promise<void>((resolve, reject) => {
        const stream = r.sscanStream(`${p}bigset`, { count: 40, match: 'm1*' });
        stream.on('data', (batch: string[]) => batch.forEach((m) => seen.add(m)));
        stream.on('end', resolve);
        stream.on('error', reject);
      });
      assert.deepEqual(sorted([...seen]), sorted(members.filter((m) => m.startsWith('m1'))));
      const results = await r.multi().sadd(`${p}m`, 'a').spop(`${p}m`).exec();
      assert.deepEqual(results, [
        [null, 1],
        [null, 'a'],
      ]);
    } finally {
      r.disconnect();
    }
  });
}

/** The part of node-redis's API used here, common to versions 4 and 6. */
interface NodeRedisClient {
  connect(): Promise<unknown>;
  on(event: 'error', listener: (err: Error) => void): unknown;
  hSet(key: string, value: Record<string, string>): Promise<number>;
  hGetAll(key: string): Promise<Record<string, string>>;
  hGet(key: string, field: string): Promise<string | null>;
  hmGet(key: string, fields: string[]): Promise<(string | null)[]>;
  hIncrBy(key: string, field: string, n: number): Promise<number>;
  hIncrByFloat(key: string, field: string, n: number): Promise<string | number>;
  hRandField(key: string): Promise<string | null>;
  hRandFieldCountWithValues(key: string, count: number): Promise<{ field: string; value: string }[] | Record<string, string>>;
  hExists(key: string, field: string): Promise<boolean | number>;
  hDel(key: string, fields: string[]): Promise<number>;
  hScanIterator(key: string, options: { COUNT: number }): AsyncIterable<unknown>;
  sAdd(key: string, members: string[]): Promise<number>;
  sMembers(key: string): Promise<string[]>;
  sIsMember(key: string, member: string): Promise<boolean | number>;
  smIsMember(key: string, members: string[]): Promise<(boolean | number)[]>;
  sInter(keys: string[]): Promise<string[]>;
  sInterCard(keys: string[], options?: { LIMIT: number } | number): Promise<number>;
  sPop(key: string): Promise<string | null>;
  sPopCount?(key: string, count: number): Promise<string[]>;
  sRandMemberCount(key: string, count: number): Promise<string[]>;
  sScanIterator(key: string, options: { COUNT: number }): AsyncIterable<string | string[]>;
  sendCommand(args: string[]): Promise<unknown>;
  quit?(): Promise<unknown>;
  close?(): Promise<unknown>;
}

const url = (): string => `redis://127.0.0.1:${srv.port}`;

for (const [label, create] of [
  ['node-redis 4', () => createClient4({ url: url() }) as unknown as NodeRedisClient],
  ['node-redis 6', () => createClient6({ url: url() }) as unknown as NodeRedisClient],
] as const) {
  const p = `${label.replace(/\W/g, '')}:`;

  test(`${label}: hashes and sets`, { timeout: 20000 }, async () => {
    const c = create();
    const errors: Error[] = [];
    c.on('error', (e) => errors.push(e));
    await c.connect();
    try {
      const h = `${p}h`;
      assert.equal(await c.hSet(h, { a: '1', b: '2' }), 2);
      assert.deepEqual({ ...(await c.hGetAll(h)) }, { a: '1', b: '2' });
      assert.deepEqual({ ...(await c.hGetAll(`${p}none`)) }, {});
      assert.equal(await c.hGet(h, 'a'), '1');
      assert.deepEqual(await c.hmGet(h, ['a', 'zz']), ['1', null]);
      assert.equal(await c.hIncrBy(h, 'a', 9), 10);
      assert.equal(Number(await c.hIncrByFloat(h, 'x', 2.5)), 2.5);
      assert.ok(['a', 'b', 'x'].includes((await c.hRandField(h))!));
      // v4 makes an object of the pairs, v6 a list of {field, value}.
      const pairs = await c.hRandFieldCountWithValues(h, 5);
      const entries = Array.isArray(pairs) ? pairs.map((e) => [e.field, e.value]) : Object.entries(pairs);
      assert.deepEqual(
        entries.map(([f, v]) => `${f}=${v}`),
        ['a=10', 'b=2', 'x=2.5'],
      );
      assert.ok(await c.hExists(h, 'b'));
      assert.equal(await c.hDel(h, ['b']), 1);
      await c.hSet(`${p}big`, Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`f${i}`, String(i)])));
      let scanned = 0;
      for await (const item of c.hScanIterator(`${p}big`, { COUNT: 50 })) {
        // v4 yields {field, value} one by one, v6 arrays of them per batch.
        scanned += Array.isArray(item) ? item.length : 1;
      }
      assert.equal(scanned, 600);

      const s = `${p}s`;
      assert.equal(await c.sAdd(s, ['b', 'a', 'c']), 3);
      assert.deepEqual(sorted(await c.sMembers(s)), ['a', 'b', 'c']);
      assert.ok(await c.sIsMember(s, 'a'));
      assert.deepEqual((await c.smIsMember(s, ['a', 'z'])).map(Boolean), [true, false]);
      await c.sAdd(`${p}t`, ['a', 'c', 'z']);
      assert.deepEqual(sorted(await c.sInter([s, `${p}t`])), ['a', 'c']);
      assert.equal(await c.sInterCard([s, `${p}t`]), 2);
      const rand = await c.sRandMemberCount(s, -4);
      assert.equal(rand.length, 4);
      assert.deepEqual(await c.sendCommand(['SPOP', `${p}none`, '3']), []);
      const popped = await c.sPop(s);
      assert.ok(['a', 'b', 'c'].includes(popped!));
      assert.equal(await c.sendCommand(['SCARD', s]), 2);
      let members = 0;
      await c.sAdd(`${p}bigset`, Array.from({ length: 500 }, (_, i) => `m${i}`));
      for await (const item of c.sScanIterator(`${p}bigset`, { COUNT: 30 })) members += Array.isArray(item) ? item.length : 1;
      assert.equal(members, 500);
      assert.deepEqual(errors, []);
    } finally {
      if (c.close) await c.close();
      else if (c.quit) await c.quit();
    }
  });
}
