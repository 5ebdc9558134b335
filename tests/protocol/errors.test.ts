// Malformed requests: each gets Redis 7.0.15's exact error, then the connection is closed
// after the reply; commands before the bad request run, commands after it do not; other
// connections keep being served. Also the size limits (64 KiB count lines and inline requests,
// proto-max-bulk-len, client-query-buffer-limit) and the pre-authentication limits.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { encodeCommand, type RespClient } from '../helpers/resp-client.js';
import { latin1, readReplies, staysSilent } from './wire.js';

const E = (m: string): string => `-ERR Protocol error: ${m}\r\n`;

let srv: TestServer;
/** A connection that stays open through every test: the server keeps serving it. */
let bystander: RespClient;
before(async () => {
  srv = await startTestServer({ 'proto-max-bulk-len': '1mb' });
  bystander = await srv.client();
});
after(async () => {
  await srv.stop();
});

/** Sends `input` on a fresh connection; expects exactly `reply` and then the close. */
async function expectProtocolError(input: string | Buffer, reply: string): Promise<void> {
  const c = await srv.client();
  c.writeRaw(input);
  const got = await c.readRaw();
  assert.equal(got, reply, `reply to ${JSON.stringify(input.toString().slice(0, 60))}`);
  await c.waitClosed();
  assert.equal(c.unread, '', 'nothing after the error');
  assert.equal(await bystander.call('PING'), 'PONG');
}

test('invalid multibulk length', async () => {
  for (const input of ['*abc\r\n', '*01\r\n', '*+1\r\n', '*-0\r\n', '*\r\n', '*1 \r\n', '*2147483648\r\n', '*-9223372036854775809\r\n', '*99999999999999999999\r\n', '*1\n$4\r\nPING\r\n']) {
    await expectProtocolError(input, E('invalid multibulk length'));
  }
});

test('invalid bulk length', async () => {
  for (const input of ['*1\r\n$abc\r\n', '*1\r\n$-2\r\n', '*1\r\n$-1\r\n', '*1\r\n$-0\r\n', '*1\r\n$04\r\n', '*1\r\n$\r\n', '*1\r\n$-9223372036854775809\r\n']) {
    await expectProtocolError(input, E('invalid bulk length'));
  }
  // Over proto-max-bulk-len (1mb here): refused from the header, before any payload.
  await expectProtocolError(`*2\r\n$4\r\nECHO\r\n$${1024 * 1024 + 1}\r\n`, E('invalid bulk length'));
});

test('a bulk of exactly proto-max-bulk-len is accepted; CONFIG SET applies to open connections', async () => {
  const c = await srv.client();
  const value = Buffer.alloc(1024 * 1024, 0x61);
  c.send('SET', 'pe:max', value);
  assert.equal(await c.readRaw(), '+OK\r\n');
  // The limit is read per request, so an already open connection follows CONFIG SET.
  assert.equal(await bystander.call('CONFIG', 'SET', 'proto-max-bulk-len', '2mb'), 'OK');
  try {
    c.send('SET', 'pe:max', Buffer.alloc(1024 * 1024 + 1, 0x62));
    assert.equal(await c.readRaw(), '+OK\r\n');
  } finally {
    assert.equal(await bystander.call('CONFIG', 'SET', 'proto-max-bulk-len', '1mb'), 'OK');
  }
  c.writeRaw(`*2\r\n$4\r\nECHO\r\n$${1024 * 1024 + 1}\r\n`);
  assert.equal(await c.readRaw(), E('invalid bulk length'));
  await c.waitClosed();
});

test("expected '$', got ...", async () => {
  await expectProtocolError('*1\r\nx\r\n', E("expected '$', got 'x'"));
  await expectProtocolError('*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n', E("expected '$', got 'f'"));
  await expectProtocolError('*2\r\n$4\r\nECHO\r\n:1\r\n', E("expected '$', got ':'"));
  // A CR in the reply text is replaced by a space, as Redis does.
  await expectProtocolError('*1\r\n\r\n', E("expected '$', got ' '"));
  await expectProtocolError('*1\r\n\xff\r\n', E("expected '$', got '\xff'"));
});

test('unbalanced quotes in request', async () => {
  for (const input of ['SET a "b\r\n', "SET a 'b\r\n", 'SET a "b"c\r\n', "SET a 'b'c\r\n", 'PING "\r\n', 'ECHO "a\\"\r\n']) {
    await expectProtocolError(input, E('unbalanced quotes in request'));
  }
});

test('too big inline request, mbulk count string, bulk count string (64 KiB without a line end)', async () => {
  await expectProtocolError('a'.repeat(65 * 1024), E('too big inline request'));
  await expectProtocolError('*' + '1'.repeat(65 * 1024), E('too big mbulk count string'));
  await expectProtocolError('*1\r\n$' + '1'.repeat(65 * 1024), E('too big bulk count string'));
  // Exactly 64 KiB without a newline is still waited for.
  const c = await srv.client();
  c.writeRaw('a'.repeat(64 * 1024));
  assert.ok(await staysSilent(c));
  c.writeRaw('b');
  assert.equal(await c.readRaw(), E('too big inline request'));
  await c.waitClosed();
});

test('an inline request longer than 64 KiB is fine when its newline arrives in the same read', async () => {
  const c = await srv.client();
  const arg = 'x'.repeat(70_000);
  c.writeRaw(`ECHO ${arg}\r\n`);
  assert.equal(await c.readRaw(), `$${arg.length}\r\n${arg}\r\n`);
});

test('commands before a protocol error run, commands after it do not', async () => {
  const c = await srv.client();
  c.writeRaw('SET pe:before 1\r\n*1\r\n$4\r\nPING\r\n*abc\r\nSET pe:after 1\r\n');
  assert.equal(await readReplies(c, 3), '+OK\r\n+PONG\r\n' + E('invalid multibulk length'));
  await c.waitClosed();
  assert.equal(await bystander.call('GET', 'pe:before'), '1');
  assert.equal(await bystander.call('GET', 'pe:after'), null);
});

test('a protocol error in the middle of a request split across reads', async () => {
  const c = await srv.client();
  c.writeRaw('*3\r\n$3\r\nSET\r\n');
  assert.ok(await staysSilent(c, 50));
  c.writeRaw('$2\r\nab\r\n!3\r\n');
  assert.equal(await c.readRaw(), E("expected '$', got '!'"));
  await c.waitClosed();
});

test('a NUL byte hides the line end, as with strchr() in Redis: the request waits', async () => {
  for (const input of ['PING\x00\r\n', '\x00PING\r\n', '*1\x00\r\n$4\r\nPING\r\n', '*1\r\n\x00\r\n']) {
    const c = await srv.client();
    c.writeRaw(input);
    assert.ok(await staysSilent(c, 100), `no reply to ${JSON.stringify(input)}`);
    c.close();
  }
  // Inside a bulk payload a NUL is just a byte.
  const c = await srv.client();
  c.writeRaw('*2\r\n$4\r\nECHO\r\n$3\r\na\x00b\r\n');
  assert.equal(await c.readRaw(), '$3\r\na\x00b\r\n');
});

test('client-query-buffer-limit (1mb): closes the connection without a reply', async () => {
  const qb = await startTestServer({ 'client-query-buffer-limit': '1mb' });
  try {
    const other = await qb.client();
    // A 2 MB bulk of which 1.5 MB arrived: the query buffer passes 1 MB before it completes.
    const c = await qb.client();
    c.writeRaw('*3\r\n$3\r\nSET\r\n$5\r\npe:qb\r\n$2097152\r\n');
    c.writeRaw(Buffer.alloc(1536 * 1024, 0x78));
    await c.waitClosed();
    assert.equal(c.unread, '');
    assert.equal(await other.call('GET', 'pe:qb'), null);
    // A big argument occupies its length + 2 bytes (CRLF) of query buffer, as in Redis: a
    // 1048574-byte value fits in 1 MB, a 1048575-byte one does not. Bytes pipelined after it
    // do not count until it completes.
    const fits = await qb.client();
    fits.writeRaw(Buffer.concat([encodeCommand(['SET', 'pe:fit', Buffer.alloc(1048574, 0x79)]), latin1('PING\r\n')]));
    assert.equal(await readReplies(fits, 2), '+OK\r\n+PONG\r\n');
    const over = await qb.client();
    over.writeRaw(encodeCommand(['SET', 'pe:over', Buffer.alloc(1048575, 0x7a)]));
    await over.waitClosed();
    assert.equal(over.unread, '');
    assert.equal(await other.call('GET', 'pe:over'), null);
    // A pipeline much larger than the limit is fine: it is consumed as it arrives.
    const pipe = await qb.client();
    const parts: Buffer[] = [];
    const value = 'v'.repeat(100);
    const N = 25_000; // ~3.4 MB of requests
    for (let i = 0; i < N; i++) parts.push(encodeCommand(['SET', `pe:pipe:${i % 100}`, value]));
    pipe.writeRaw(Buffer.concat(parts));
    assert.equal(await readReplies(pipe, N, 20000), '+OK\r\n'.repeat(N));
    assert.equal(await other.call('PING'), 'PONG');
  } finally {
    await qb.stop();
  }
});

test('before authentication: at most 10 arguments and 16 KiB per argument', async () => {
  const auth = await startTestServer({ requirepass: 'pw' });
  try {
    const cases: [string, string][] = [
      ['*11\r\n', E('unauthenticated multibulk length')],
      ['*1\r\n$16385\r\n', E('unauthenticated bulk length')],
      // The general checks come first.
      ['*abc\r\n', E('invalid multibulk length')],
      ['*1\r\n$600000000\r\n', E('invalid bulk length')],
    ];
    for (const [input, reply] of cases) {
      const c = await auth.client();
      c.writeRaw(input);
      assert.equal(await c.readRaw(), reply);
      await c.waitClosed();
    }
    // Within the limits the request is read and refused by the command gate instead.
    const c = await auth.client();
    c.send('ECHO', 'x'.repeat(16384));
    assert.equal(await c.readRaw(), '-NOAUTH Authentication required.\r\n');
    c.writeRaw('*10\r\n');
    assert.ok(await staysSilent(c, 50));
    c.close();
    // Once authenticated, the limits are gone.
    const d = await auth.client();
    d.writeRaw('AUTH pw\r\n');
    assert.equal(await d.readRaw(), '+OK\r\n');
    d.send('ECHO', 'y'.repeat(20000));
    assert.equal(await d.readRaw(), `$20000\r\n${'y'.repeat(20000)}\r\n`);
    d.writeRaw(encodeCommand(['SET', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k']));
    assert.equal(await d.readRaw(), '-ERR syntax error\r\n');
  } finally {
    await auth.stop();
  }
});

test('the bystander connection saw nothing unexpected', async () => {
  assert.equal(bystander.unread, '');
  assert.equal(await bystander.call('ECHO', latin1('ok').toString('latin1')), 'ok');
});
