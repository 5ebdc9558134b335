// Request framing over real TCP: multibulk and inline requests, inline quoting, empty lines,
// requests split across reads at every position, long pipelines answered in order.
// Expected bytes were checked against redis-server 7.0.15.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { encodeCommand } from '../helpers/resp-client.js';
import { latin1, readReplies, staysSilent, writeAndWaitRead } from './wire.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv.stop();
});

test('multibulk and inline requests', async () => {
  const c = await srv.client();
  c.writeRaw('*1\r\n$4\r\nPING\r\n');
  assert.equal(await c.readRaw(), '+PONG\r\n');
  c.writeRaw('PING\r\n');
  assert.equal(await c.readRaw(), '+PONG\r\n');
  c.writeRaw('PING\n'); // a bare LF ends an inline request too
  assert.equal(await c.readRaw(), '+PONG\r\n');
  c.writeRaw('*3\r\n$3\r\nSET\r\n$5\r\nrq:k1\r\n$5\r\nhello\r\n');
  assert.equal(await c.readRaw(), '+OK\r\n');
  c.writeRaw('get rq:k1\r\n');
  assert.equal(await c.readRaw(), '$5\r\nhello\r\n');
  // Arguments may contain CR, LF and spaces inside a bulk string.
  c.writeRaw('*2\r\n$4\r\nECHO\r\n$6\r\na\r\nb c\r\n');
  assert.equal(await c.readRaw(), '$6\r\na\r\nb c\r\n');
  // The two bytes after a bulk payload are skipped without being checked, as in Redis.
  c.writeRaw('*2\r\n$4\r\nECHO\r\n$1\r\nxYZ*1\r\n$4\r\nPING\r\n');
  assert.equal(await readReplies(c, 2), '$1\r\nx\r\n+PONG\r\n');
  // So is the byte after the CR of a length line.
  c.writeRaw('*1\r\n$4\rXPING\r\n');
  assert.equal(await c.readRaw(), '+PONG\r\n');
});

test('empty inline lines, *0 and negative multibulk counts are skipped silently', async () => {
  const c = await srv.client();
  c.writeRaw('\r\n\n   \r\n\t\r\n*0\r\n*-1\r\n*-5\r\n*-9223372036854775808\r\n');
  assert.ok(await staysSilent(c), `unexpected output ${JSON.stringify(c.unread)}`);
  c.writeRaw('\r\nPING\r\n\r\n');
  assert.equal(await c.readRaw(), '+PONG\r\n');
  assert.ok(await staysSilent(c, 50));
});

test('inline quoting and escapes follow sdssplitargs', async () => {
  const c = await srv.client();
  const cases: [string, string][] = [
    ['ECHO "a\\x41\\n"', 'aA\n'],
    ["ECHO 'it\\'s'", "it's"],
    ['ECHO "\\q\\\\\\""', 'q\\"'],
    ['ECHO ""', ''],
    ["ECHO ''", ''],
    ['ECHO a"b c"', 'ab c'],
    ['ECHO "\\x4"', 'x4'],
    ['ECHO "\\xfF\\x00\\t\\r\\b\\a"', '\xff\x00\t\r\b\x07'],
    ["ECHO 'a\\nb'", 'a\\nb'],
    ['ECHO a\\', 'a\\'],
    ['ECHO a\x0bb', 'a\x0bb'], // \v and \f do not end an unquoted argument...
    ['ECHO a\x0cb', 'a\x0cb'],
    ['ECHO \x0b\x0ca', 'a'], // ...but are skipped between arguments
    ['ECHO "a"\x0b', 'a'], // and may follow a closing quote
    ['ECHO\ta', 'a'],
    ['   ECHO   a   ', 'a'],
    ['ECHO \xe9t\xe9', '\xe9t\xe9'],
  ];
  for (const [line, arg] of cases) {
    c.writeRaw(`${line}\r\n`);
    assert.equal(await c.readRaw(), `$${arg.length}\r\n${arg}\r\n`, `inline ${JSON.stringify(line)}`);
  }
  // Inline requests are ordinary commands: argument errors are command errors.
  c.writeRaw('ECHO a b\r\n');
  assert.equal(await c.readRaw(), "-ERR wrong number of arguments for 'echo' command\r\n");
  c.writeRaw('SET rq:q "x y" \r\nGET rq:q\r\n');
  assert.equal(await readReplies(c, 2), '+OK\r\n$3\r\nx y\r\n');
});

/** A request stream mixing every framing case, and the exact replies Redis gives it. */
const STREAM = Buffer.concat([
  latin1('*3\r\n$3\r\nSET\r\n$6\r\nsp:key\r\n$4\r\na\r\nb\r\n'),
  latin1('PING\r\n'),
  latin1('\r\n'),
  latin1('ECHO "x y\\x41\\n"\r\n'),
  latin1('*-1\r\n*0\r\n'),
  latin1('*2\r\n$3\r\nGET\r\n$6\r\nsp:key\r\n'),
  latin1('\n'),
  latin1("set sp:k2 'it\\'s'\n"),
  latin1('*2\r\n$4\r\nECHO\r\n$3\r\n\x00\xff\r\r\n'),
  latin1('GET sp:k2\r\n'),
  latin1('*1\r\n$4\r\nPING\r\n'),
]);
const STREAM_REPLIES = '+OK\r\n+PONG\r\n$5\r\nx yA\n\r\n$4\r\na\r\nb\r\n+OK\r\n$3\r\n\x00\xff\r\r\n$4\r\nit\'s\r\n+PONG\r\n';
const STREAM_REPLY_COUNT = 8;

test('a request stream delivered in one read', async () => {
  const c = await srv.client();
  await writeAndWaitRead(srv, c, STREAM);
  assert.equal(await readReplies(c, STREAM_REPLY_COUNT), STREAM_REPLIES);
  assert.ok(await staysSilent(c, 20));
});

test('the same stream delivered one byte per read gives identical replies', async () => {
  const c = await srv.client();
  for (let i = 0; i < STREAM.length; i++) await writeAndWaitRead(srv, c, STREAM.subarray(i, i + 1));
  assert.equal(await readReplies(c, STREAM_REPLY_COUNT), STREAM_REPLIES);
});

test('the same stream split in two reads at every position gives identical replies', async () => {
  const c = await srv.client();
  for (let i = 1; i < STREAM.length; i++) {
    await writeAndWaitRead(srv, c, STREAM.subarray(0, i));
    await writeAndWaitRead(srv, c, STREAM.subarray(i));
    assert.equal(await readReplies(c, STREAM_REPLY_COUNT), STREAM_REPLIES, `split at ${i}`);
  }
});

test('a pipeline of 10,000 commands is answered in order', async () => {
  const c = await srv.client();
  const N = 10_000;
  const parts: Buffer[] = [];
  let expected = '';
  for (let i = 0; i < N; i++) {
    // Alternate the forms: multibulk SET, inline GET, multibulk ECHO, inline ECHO.
    switch (i % 4) {
      case 0:
        parts.push(encodeCommand(['SET', `pl:${i}`, `v${i}`]));
        expected += '+OK\r\n';
        break;
      case 1:
        parts.push(latin1(`GET pl:${i - 1}\r\n`));
        expected += `$${`v${i - 1}`.length}\r\nv${i - 1}\r\n`;
        break;
      case 2:
        parts.push(encodeCommand(['ECHO', String(i)]));
        expected += `$${String(i).length}\r\n${i}\r\n`;
        break;
      default:
        parts.push(latin1(`ECHO "${i}"\r\n`));
        expected += `$${String(i).length}\r\n${i}\r\n`;
    }
  }
  const all = Buffer.concat(parts);
  c.writeRaw(all);
  assert.equal(await readReplies(c, N, 20000), expected);
  // The same pipeline cut into irregular pieces (deterministic sizes from 1 byte to 9 KB).
  let pos = 0;
  let k = 7;
  while (pos < all.length) {
    k = (k * 1103515245 + 12345) % 2147483648;
    const size = 1 + (k % 9000);
    c.writeRaw(all.subarray(pos, pos + size));
    pos += size;
  }
  assert.equal(await readReplies(c, N, 20000), expected);
});

test('pipelined commands after QUIT are not executed', async () => {
  const c = await srv.client();
  const other = await srv.client();
  c.writeRaw('SET rq:quit 1\r\nQUIT\r\nSET rq:quit 2\r\n');
  assert.equal(await readReplies(c, 2), '+OK\r\n+OK\r\n');
  await c.waitClosed();
  assert.equal(await other.call('GET', 'rq:quit'), '1');
});
