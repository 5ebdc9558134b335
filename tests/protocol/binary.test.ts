// Binary safety and big arguments: every byte value survives SET/GET unchanged, and a 10 MB
// value round-trips byte-exact whether it arrives in many reads or together with the
// requests around it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { encodeCommand } from '../helpers/resp-client.js';
import { latin1, readReplies, writeAndWaitRead } from './wire.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv.stop();
});

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

test('all 256 byte values through SET/GET, as value and as key', async () => {
  const c = await srv.client();
  c.send('SET', ALL_BYTES, ALL_BYTES);
  assert.equal(await c.readRaw(), '+OK\r\n');
  c.send('GET', ALL_BYTES);
  const raw = latin1(await c.readRaw());
  assert.ok(raw.equals(Buffer.concat([latin1('$256\r\n'), ALL_BYTES, latin1('\r\n')])), 'GET returns the exact bytes');
  // Each byte alone, including NUL, CR, LF and bytes >= 0x80 (not valid UTF-8).
  const parts: Buffer[] = [];
  for (let b = 0; b < 256; b++) parts.push(encodeCommand(['SET', Buffer.from([b]), Buffer.from([b, b])]));
  for (let b = 0; b < 256; b++) parts.push(encodeCommand(['GET', Buffer.from([b])]));
  c.writeRaw(Buffer.concat(parts));
  let expected = '+OK\r\n'.repeat(256);
  for (let b = 0; b < 256; b++) expected += `$2\r\n${String.fromCharCode(b, b)}\r\n`;
  assert.equal(await readReplies(c, 512), expected);
});

test('bytes that are not valid UTF-8 are not normalised', async () => {
  const c = await srv.client();
  const tricky = Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x82, 0xed, 0xa0, 0x80, 0xf0, 0x9f, 0x98, 0x80, 0xff, 0xfe]);
  c.send('SET', 'bin:utf8', tricky);
  await c.readRaw();
  c.send('GET', 'bin:utf8');
  assert.ok(latin1(await c.readRaw()).equals(Buffer.concat([latin1(`$${tricky.length}\r\n`), tricky, latin1('\r\n')])));
  // Inline \xHH escapes produce raw bytes too.
  c.writeRaw('SET bin:esc "\\x00\\xff\\x80"\r\nGET bin:esc\r\n');
  assert.equal(await readReplies(c, 2), '+OK\r\n$3\r\n\x00\xff\x80\r\n');
});

test('a 10 MB value round-trips byte-exact', async () => {
  const c = await srv.client();
  const value = randomBytes(10 * 1024 * 1024);
  c.send('SET', 'bin:big', value);
  assert.equal(await c.readRaw(20000), '+OK\r\n');
  c.send('GET', 'bin:big');
  const raw = latin1(await c.readRaw(20000));
  const header = latin1(`$${value.length}\r\n`);
  assert.equal(raw.length, header.length + value.length + 2);
  assert.ok(raw.subarray(0, header.length).equals(header));
  assert.ok(raw.subarray(header.length, header.length + value.length).equals(value), 'payload identical');
  assert.equal(raw.subarray(raw.length - 2).toString('latin1'), '\r\n');
});

test('big arguments pipelined with small requests in one write, and split at odd offsets', async () => {
  const c = await srv.client();
  const big1 = randomBytes(3 * 1024 * 1024 + 17);
  const big2 = randomBytes(40 * 1024 + 3); // just over the decoder's "big argument" threshold
  const stream = Buffer.concat([
    latin1('PING\r\n'),
    encodeCommand(['SET', 'bin:b1', big1]),
    encodeCommand(['SET', 'bin:b2', big2]),
    latin1('*2\r\n$3\r\nGET\r\n$6\r\nbin:b2\r\n'),
    latin1('ECHO after\r\n'),
  ]);
  const expected = Buffer.concat([latin1('+PONG\r\n+OK\r\n+OK\r\n'), latin1(`$${big2.length}\r\n`), big2, latin1('\r\n$5\r\nafter\r\n')]);
  c.writeRaw(stream);
  assert.ok(latin1(await readReplies(c, 5, 20000)).equals(expected), 'one write');
  // Splits inside the big argument's header, its payload, its trailing CRLF and the next header.
  const b2start = stream.indexOf(latin1('*3\r\n$3\r\nSET\r\n$6\r\nbin:b2'));
  const cuts = [1, b2start - 3, b2start + 20, b2start + 1000, b2start + 40000, stream.length - 25, stream.length - 20];
  for (const cut of cuts) {
    await writeAndWaitRead(srv, c, stream.subarray(0, cut));
    await writeAndWaitRead(srv, c, stream.subarray(cut));
    assert.ok(latin1(await readReplies(c, 5, 20000)).equals(expected), `split at ${cut}`);
  }
  c.send('GET', 'bin:b1');
  const raw = latin1(await c.readRaw(20000));
  assert.ok(raw.equals(Buffer.concat([latin1(`$${big1.length}\r\n`), big1, latin1('\r\n')])));
});
