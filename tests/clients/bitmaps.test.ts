// The bitmap commands through real client libraries: ioredis 5 (RESP2) and 6 (RESP3), and
// node-redis 4 (RESP2) and 6 (RESP3), each with its own command methods where it has them —
// SETBIT GETBIT BITCOUNT (BIT ranges) BITPOS BITOP BITFIELD (nil on FAIL) BITFIELD_RO, in
// pipelines and MULTI, and a bitmap large enough to be held in its byte form read back whole.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis as Redis5 } from 'ioredis';
import { Redis as Redis6 } from 'ioredis6';
import { createClient as createClient4 } from 'redis4';
import { createClient as createClient6 } from 'redis';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { BYTE_STRING_MIN } from '../../src/keyspace/byte-string.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv.stop();
});

/** The bytes of a bitmap with the given bits set, `length` bytes long. */
function bitmap(length: number, bits: readonly number[]): Buffer {
  const b = Buffer.alloc(length);
  for (const i of bits) b[i >> 3]! |= 0x80 >> (i & 7);
  return b;
}

const FAR = BYTE_STRING_MIN * 8 + 123; // a bit whose byte makes the value large

const IOREDIS: [string, () => Redis5][] = [
  ['ioredis 5', () => new Redis5({ port: srv.port, host: '127.0.0.1' })],
  ['ioredis 6', () => new Redis6({ port: srv.port, host: '127.0.0.1' }) as unknown as Redis5],
];

for (const [label, connect] of IOREDIS) {
  const p = `${label.replace(' ', '')}:`;
  test(`${label}: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD`, { timeout: 20000 }, async () => {
    const r = connect();
    try {
      assert.equal(await r.setbit(`${p}bm`, 7, 1), 0);
      assert.equal(await r.setbit(`${p}bm`, 7, 1), 1);
      assert.equal(await r.setbit(`${p}bm`, 1, 1), 0);
      assert.equal(await r.getbit(`${p}bm`, 7), 1);
      assert.equal(await r.getbit(`${p}bm`, 6), 0);
      assert.equal(await r.getbit(`${p}missing`, 100), 0);
      assert.deepEqual(await r.getBuffer(`${p}bm`), Buffer.from([0x41]));
      await r.set(`${p}s`, 'foobar');
      assert.equal(await r.bitcount(`${p}s`), 26);
      assert.equal(await r.bitcount(`${p}s`, 1, 1), 6);
      assert.equal(await r.bitcount(`${p}s`, 5, 30, 'BIT'), 17);
      assert.equal(await r.bitpos(`${p}s`, 1), 1);
      assert.equal(await r.bitpos(`${p}s`, 0, 2, -1), 16);
      assert.equal(await r.bitpos(`${p}s`, 1, 7, 15, 'BIT'), 9);
      await assert.rejects(r.bitpos(`${p}s`, 2), { message: 'ERR The bit argument must be 1 or 0.' });
      assert.equal(await r.bitop('XOR', `${p}x`, `${p}s`, `${p}bm`), 6);
      assert.equal(await r.get(`${p}x`), '\x27oobar');
      assert.equal(await r.bitop('NOT', `${p}x`, `${p}bm`), 1);
      assert.deepEqual(await r.getBuffer(`${p}x`), Buffer.from([0xbe]));
      await assert.rejects(r.bitop('NOT', `${p}x`, `${p}s`, `${p}bm`), { message: 'ERR BITOP NOT must be called with a single source key.' });
      assert.deepEqual(await r.bitfield(`${p}f`, 'SET', 'u8', 0, 255), [0]);
      assert.deepEqual(await r.call('BITFIELD', `${p}f`, 'GET', 'u8', '0', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '1', 'GET', 'i8', '0'), [255, null, -1]);
      assert.deepEqual(await r.call('BITFIELD', `${p}f`, 'SET', 'i64', '0', '-1', 'GET', 'u32', '31'), [-72057594037927936, 4294967295]);
      assert.deepEqual(await r.bitfield_ro(`${p}f`, 'GET', 'u4', '#1'), [15]);
      await assert.rejects(r.call('BITFIELD_RO', `${p}f`, 'SET', 'u8', '0', '1'), { message: 'ERR BITFIELD_RO only supports the GET subcommand' });
      await assert.rejects(r.call('BITFIELD', `${p}f`, 'GET', 'u64', '0'), {
        message: 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
      });
      await assert.rejects(r.setbit(`${p}bm`, -1, 1), { message: 'ERR bit offset is not an integer or out of range' });
      // Pipeline and MULTI.
      const piped = await r.pipeline().setbit(`${p}pl`, 0, 1).setbit(`${p}pl`, 9, 1).bitcount(`${p}pl`).getbit(`${p}pl`, 9).exec();
      assert.deepEqual(piped, [[null, 0], [null, 0], [null, 2], [null, 1]]);
      const tx = await r.multi().setbit(`${p}tx`, 3, 1).bitpos(`${p}tx`, 1).bitop('OR', `${p}tx2`, `${p}tx`, `${p}pl`).exec();
      assert.deepEqual(tx, [[null, 0], [null, 3], [null, 2]]);
      // A large bitmap, edited in place, read back whole.
      await r.setbit(`${p}big`, FAR, 1);
      await r.setbit(`${p}big`, 2, 1);
      assert.equal(await r.bitcount(`${p}big`), 2);
      assert.equal(await r.bitpos(`${p}big`, 1, 1), FAR);
      assert.deepEqual(await r.getBuffer(`${p}big`), bitmap((FAR >> 3) + 1, [2, FAR]));
      await r.setbit(`${p}big`, 3, 1);
      assert.equal(await r.strlen(`${p}big`), (FAR >> 3) + 1);
      assert.deepEqual(await r.getrangeBuffer(`${p}big`, 0, 0), Buffer.from([0x30]));
    } finally {
      r.disconnect();
    }
  });
}

/** The part of the node-redis API used here (versions 4 and 6 agree on it). */
interface BitFieldOp {
  operation: 'GET' | 'SET' | 'INCRBY' | 'OVERFLOW';
  encoding?: string;
  offset?: number | string;
  value?: number;
  increment?: number;
  behavior?: 'WRAP' | 'SAT' | 'FAIL';
}
interface NodeRedisClient {
  on(event: 'error', listener: (err: Error) => void): unknown;
  connect(): Promise<unknown>;
  setBit(key: string, offset: number, value: 0 | 1): Promise<number>;
  getBit(key: string, offset: number): Promise<number>;
  bitCount(key: string, range?: { start: number; end: number; mode?: 'BIT' | 'BYTE' }): Promise<number>;
  bitPos(key: string, bit: 0 | 1, start?: number, end?: number, mode?: 'BIT' | 'BYTE'): Promise<number>;
  bitOp(op: 'AND' | 'OR' | 'XOR' | 'NOT', dest: string, keys: string | string[]): Promise<number>;
  bitField(key: string, ops: BitFieldOp[]): Promise<(number | null)[]>;
  set(key: string, value: string): Promise<unknown>;
  get(key: string): Promise<string | null>;
  strLen(key: string): Promise<number>;
  sendCommand(args: string[]): Promise<unknown>;
  multi(): { setBit(key: string, offset: number, value: 0 | 1): unknown; exec(): Promise<unknown[]> };
  quit?(): Promise<unknown>;
  close?(): Promise<unknown>;
}

const NODE_REDIS: [string, () => NodeRedisClient][] = [
  ['node-redis 4', () => createClient4({ url: `redis://127.0.0.1:${srv.port}` }) as unknown as NodeRedisClient],
  ['node-redis 6', () => createClient6({ url: `redis://127.0.0.1:${srv.port}` }) as unknown as NodeRedisClient],
];

for (const [label, create] of NODE_REDIS) {
  const p = `${label.replace(' ', '')}:`;
  test(`${label}: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD`, { timeout: 20000 }, async () => {
    const r = create();
    r.on('error', () => {});
    await r.connect();
    try {
      assert.equal(await r.setBit(`${p}bm`, 7, 1), 0);
      assert.equal(await r.setBit(`${p}bm`, 1, 1), 0);
      assert.equal(await r.getBit(`${p}bm`, 7), 1);
      assert.equal(await r.get(`${p}bm`), 'A');
      await r.set(`${p}s`, 'foobar');
      assert.equal(await r.bitCount(`${p}s`), 26);
      assert.equal(await r.bitCount(`${p}s`, { start: 5, end: 30, mode: 'BIT' }), 17);
      assert.equal(await r.bitCount(`${p}s`, { start: -2, end: -1 }), 7);
      assert.equal(await r.bitPos(`${p}s`, 0), 0);
      assert.equal(await r.bitPos(`${p}s`, 1, 7, 15, 'BIT'), 9);
      assert.equal(await r.bitOp('AND', `${p}and`, [`${p}s`, `${p}bm`]), 6);
      assert.equal(await r.get(`${p}and`), '\x40\0\0\0\0\0');
      assert.equal(await r.bitOp('OR', `${p}none`, [`${p}missing`]), 0);
      assert.deepEqual(
        await r.bitField(`${p}f`, [
          { operation: 'SET', encoding: 'u8', offset: 0, value: 200 },
          { operation: 'OVERFLOW', behavior: 'SAT' },
          { operation: 'INCRBY', encoding: 'u8', offset: 0, increment: 100 },
          { operation: 'OVERFLOW', behavior: 'FAIL' },
          { operation: 'INCRBY', encoding: 'u8', offset: 0, increment: 1 },
          { operation: 'GET', encoding: 'i16', offset: '#0' },
        ]),
        [0, 255, null, -256],
      );
      assert.deepEqual(await r.sendCommand(['BITFIELD_RO', `${p}f`, 'GET', 'u8', '0']), [255]);
      await assert.rejects(r.sendCommand(['BITCOUNT', `${p}s`, '0']), /ERR syntax error/);
      const tx = r.multi();
      tx.setBit(`${p}tx`, 0, 1);
      tx.setBit(`${p}tx`, 0, 0);
      assert.deepEqual(await tx.exec(), [0, 1]);
      // A large bitmap, edited in place, read back whole (as text: bytes past 0x7f would not
      // survive node-redis's UTF-8 decoding, so only 0x01-0x7f bytes are set).
      await r.setBit(`${p}big`, FAR | 7, 1);
      await r.setBit(`${p}big`, 7, 1);
      assert.equal(await r.strLen(`${p}big`), (FAR >> 3) + 1);
      assert.equal(await r.get(`${p}big`), bitmap((FAR >> 3) + 1, [7, FAR | 7]).toString('latin1'));
      assert.equal(await r.bitCount(`${p}big`), 2);
    } finally {
      if (r.close) await r.close();
      else if (r.quit) await r.quit();
    }
  });
}
