// node-redis 4 and 5 (RESP2) and 6 (RESP3 via HELLO 3) against nodis with their default
// options: the handshake (HELLO, CLIENT SETINFO, CLIENT MAINT_NOTIFICATIONS — errors that
// the clients ignore), GET/SET, Buffers, MULTI/EXEC, auto-pipelining, SCAN, error replies.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient as createClient4 } from 'redis4';
import { createClient as createClient5 } from 'redis5';
import { createClient as createClient6 } from 'redis';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { newClientsSince } from './connections.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv.stop();
});

/**
 * The part of the node-redis client API used here, common to versions 4 to 6. Their own
 * types differ per version (and are very generic), so each client is viewed through this.
 */
interface NodeRedisMulti {
  set(key: string, value: string): NodeRedisMulti;
  incr(key: string): NodeRedisMulti;
  get(key: string): NodeRedisMulti;
  exec(): Promise<unknown[]>;
}
interface NodeRedisClient {
  readonly isReady: boolean;
  on(event: 'error', listener: (err: Error) => void): unknown;
  connect(): Promise<unknown>;
  set(key: string, value: string | Buffer): Promise<unknown>;
  get(key: string): Promise<string | null>;
  incr(key: string): Promise<number>;
  mSet(pairs: [string, string][]): Promise<unknown>;
  mGet(keys: string[]): Promise<(string | null)[]>;
  multi(): NodeRedisMulti;
  scanIterator(options: { MATCH: string; COUNT: number }): AsyncIterable<string | string[]>;
  sendCommand(args: string[]): Promise<unknown>;
  quit?(): Promise<unknown>;
  close?(): Promise<unknown>;
}

const url = (): string => `redis://127.0.0.1:${srv.port}`;

const VARIANTS: [string, () => NodeRedisClient, 2 | 3][] = [
  ['node-redis 4', () => createClient4({ url: url() }) as unknown as NodeRedisClient, 2],
  ['node-redis 5', () => createClient5({ url: url() }) as unknown as NodeRedisClient, 2],
  ['node-redis 6', () => createClient6({ url: url() }) as unknown as NodeRedisClient, 3],
];

async function closeClient(c: NodeRedisClient): Promise<void> {
  if (c.close) await c.close();
  else if (c.quit) await c.quit();
}

for (const [label, create, protocol] of VARIANTS) {
  const p = `${label.replace(/\W/g, '')}:`;

  test(`${label}: connects with default options (RESP${protocol}), GET/SET, MULTI, pipelining, SCAN`, { timeout: 20000 }, async () => {
    const before = new Set([...srv.server.clients].map((c) => c.id));
    const c = create();
    const errors: Error[] = [];
    c.on('error', (e) => errors.push(e));
    await c.connect();
    try {
      assert.equal(c.isReady, true);
      assert.equal(await c.set(`${p}k`, 'v1'), 'OK');
      assert.equal(await c.get(`${p}k`), 'v1');
      assert.equal(await c.get(`${p}missing`), null);
      const conns = newClientsSince(srv, before);
      assert.equal(conns.length, 1, 'one connection');
      assert.equal(conns[0]!.protocol, protocol, `RESP${protocol}`);

      // A Buffer value is stored byte-exact (checked with a raw client).
      const bin = Buffer.from([0, 13, 10, 0x80, 0xff, 0xfe]);
      assert.equal(await c.set(`${p}bin`, bin), 'OK');
      const raw = await srv.client();
      assert.equal(await raw.callRaw('GET', `${p}bin`), `$6\r\n${bin.toString('latin1')}\r\n`);

      assert.equal(await c.incr(`${p}n`), 1);
      await assert.rejects(c.incr(`${p}k`), { message: 'ERR value is not an integer or out of range' });

      assert.deepEqual(await c.multi().set(`${p}m`, '1').incr(`${p}m`).get(`${p}m`).exec(), ['OK', 2, '2']);

      // Commands issued in the same tick go out as one pipeline.
      const sets = await Promise.all(Array.from({ length: 300 }, (_, i) => c.set(`${p}pipe:${i}`, String(i))));
      assert.deepEqual(sets, Array(300).fill('OK'));
      const gets = await Promise.all(Array.from({ length: 300 }, (_, i) => c.get(`${p}pipe:${i}`)));
      assert.deepEqual(gets, Array.from({ length: 300 }, (_, i) => String(i)));

      assert.equal(await c.mSet([[`${p}a`, '1'], [`${p}b`, '2']]), 'OK');
      assert.deepEqual(await c.mGet([`${p}a`, `${p}b`, `${p}none`]), ['1', '2', null]);

      // SCAN: v4 yields keys one by one, v5 and v6 yield each batch as an array.
      const seen = new Set<string>();
      for await (const item of c.scanIterator({ MATCH: `${p}pipe:*`, COUNT: 13 })) {
        for (const k of Array.isArray(item) ? item : [item]) seen.add(k);
      }
      assert.equal(seen.size, 300);
      assert.ok([...seen].every((k) => k.startsWith(`${p}pipe:`)));

      assert.equal(await c.sendCommand(['ECHO', 'raw']), 'raw');
      assert.deepEqual(errors, []);
    } finally {
      await closeClient(c);
    }
  });
}
