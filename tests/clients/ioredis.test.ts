// ioredis 5 (RESP2) and ioredis 6 (RESP3 via HELLO 3) against nodis with their default
// options: the handshake (HELLO, CLIENT SETINFO, the INFO ready check, SELECT), GET/SET with
// strings and Buffers, MULTI/EXEC, WATCH, pipelines, SCAN, error replies, QUIT.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis as Redis5 } from 'ioredis';
import { Redis as Redis6 } from 'ioredis6';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { newClientsSince } from './connections.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv.stop();
});

interface ConnectOptions {
  port: number;
  host: string;
  db?: number;
}

// ioredis 6 keeps version 5's API for everything used here; its instances are typed as
// version 5's so that one test body serves both.
const VARIANTS: [string, (o: ConnectOptions) => Redis5, 2 | 3][] = [
  ['ioredis 5', (o) => new Redis5(o), 2],
  ['ioredis 6', (o) => new Redis6(o) as unknown as Redis5, 3],
];

for (const [label, connect, protocol] of VARIANTS) {
  const p = `${label.replace(' ', '')}:`; // key prefix per variant

  test(`${label}: connects with default options (RESP${protocol}) and runs GET/SET`, { timeout: 20000 }, async () => {
    const before = new Set([...srv.server.clients].map((c) => c.id));
    const r = connect({ port: srv.port, host: '127.0.0.1' });
    const errors: Error[] = [];
    r.on('error', (e: Error) => errors.push(e));
    try {
      assert.equal(await r.set(`${p}k`, 'v1'), 'OK');
      assert.equal(await r.get(`${p}k`), 'v1');
      assert.equal(await r.get(`${p}missing`), null);
      assert.equal(r.status, 'ready');
      const conns = newClientsSince(srv, before);
      assert.equal(conns.length, 1, 'one connection');
      assert.equal(conns[0]!.protocol, protocol, `RESP${protocol}`);
      // Binary values, both directions.
      const bin = Buffer.from([0, 1, 13, 10, 0x80, 0xff, 0xc3, 0x28]);
      assert.equal(await r.set(`${p}bin`, bin), 'OK');
      assert.deepEqual(await r.getBuffer(`${p}bin`), bin);
      // UTF-8 text is bytes too: stored and returned unchanged.
      assert.equal(await r.set(`${p}utf8`, 'héllo ✓'), 'OK');
      assert.equal(await r.get(`${p}utf8`), 'héllo ✓');
      assert.equal(await r.strlen(`${p}utf8`), Buffer.byteLength('héllo ✓'));
      // Counters and error replies.
      assert.equal(await r.incr(`${p}n`), 1);
      assert.equal(await r.incrby(`${p}n`, 10), 11);
      await assert.rejects(r.incr(`${p}k`), { message: 'ERR value is not an integer or out of range' });
      assert.equal(await r.echo('hi'), 'hi');
      assert.equal(await r.ping(), 'PONG');
      assert.deepEqual(errors, []);
    } finally {
      await r.quit();
    }
  });

  test(`${label}: MULTI/EXEC, WATCH and pipelines`, { timeout: 20000 }, async () => {
    const r = connect({ port: srv.port, host: '127.0.0.1' });
    const other = connect({ port: srv.port, host: '127.0.0.1' });
    try {
      assert.deepEqual(await r.multi().set(`${p}m`, '1').incr(`${p}m`).get(`${p}m`).exec(), [
        [null, 'OK'],
        [null, 2],
        [null, '2'],
      ]);
      // A WATCHed key changed by another client aborts EXEC (null).
      assert.equal(await r.watch(`${p}w`), 'OK');
      await other.set(`${p}w`, 'changed');
      assert.equal(await r.multi().set(`${p}w`, 'mine').exec(), null);
      assert.equal(await r.get(`${p}w`), 'changed');
      // A pipeline of 500 commands, answered in order, errors in place.
      const pipe = r.pipeline();
      for (let i = 0; i < 500; i++) pipe.set(`${p}pipe:${i}`, String(i));
      pipe.incr(`${p}k-text`);
      for (let i = 0; i < 500; i++) pipe.get(`${p}pipe:${i}`);
      await r.set(`${p}k-text`, 'abc');
      const results = await pipe.exec();
      assert.ok(results);
      assert.equal(results.length, 1001);
      for (let i = 0; i < 500; i++) assert.deepEqual(results[i], [null, 'OK']);
      const [err] = results[500]!;
      assert.ok(err instanceof Error);
      assert.equal(err.message, 'ERR value is not an integer or out of range');
      for (let i = 0; i < 500; i++) assert.deepEqual(results[501 + i], [null, String(i)]);
      // MSET/MGET.
      assert.equal(await r.mset(`${p}a`, '1', `${p}b`, '2'), 'OK');
      assert.deepEqual(await r.mget(`${p}a`, `${p}b`, `${p}none`), ['1', '2', null]);
    } finally {
      await r.quit();
      await other.quit();
    }
  });

  test(`${label}: SCAN through scanStream, and SELECT through the db option`, { timeout: 20000 }, async () => {
    const r = connect({ port: srv.port, host: '127.0.0.1' });
    const db3 = connect({ port: srv.port, host: '127.0.0.1', db: 3 });
    try {
      const expected: string[] = [];
      for (let i = 0; i < 120; i++) expected.push(`${p}scan:${i}`);
      await r.mset(...expected.flatMap((k) => [k, 'x']));
      await r.set(`${p}other`, 'x');
      const seen = new Set<string>();
      for await (const keys of r.scanStream({ match: `${p}scan:*`, count: 7 })) {
        for (const k of keys as string[]) seen.add(k);
      }
      assert.deepEqual([...seen].sort(), expected.sort());
      // Keys in db 3 are invisible from db 0.
      assert.equal(await db3.set(`${p}in-db3`, 'x'), 'OK');
      assert.equal(await db3.get(`${p}in-db3`), 'x');
      assert.equal(await r.get(`${p}in-db3`), null);
    } finally {
      await r.quit();
      await db3.quit();
    }
  });
}
