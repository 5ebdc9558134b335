// redis-cli 7.0 against nodis: one-shot commands, commands piped on stdin (output compared
// with what redis-cli prints against redis-server 7.0.15), --pipe mass insertion, -3 (HELLO 3),
// -n (SELECT) and --scan.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { encodeCommand } from '../helpers/resp-client.js';
import { hasBinary, runTool } from './tools.js';

const CLI = 'redis-cli';
const skip = hasBinary(CLI) ? false : 'redis-cli is not installed (apt-get install redis-tools)';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv.stop();
});

const cli = (args: string[], input: string | Buffer = ''): ReturnType<typeof runTool> => runTool(CLI, ['-p', String(srv.port), ...args], input);

test('redis-cli one-shot commands', { skip }, async () => {
  assert.deepEqual(await cli(['ping']), { code: 0, stdout: 'PONG\n', stderr: '' });
  assert.deepEqual(await cli(['SET', 'cli:one', 'hello world']), { code: 0, stdout: 'OK\n', stderr: '' });
  assert.deepEqual(await cli(['GET', 'cli:one']), { code: 0, stdout: 'hello world\n', stderr: '' });
  assert.deepEqual(await cli(['INCR', 'cli:one']), { code: 0, stdout: 'ERR value is not an integer or out of range\n\n', stderr: '' });
});

test('redis-cli with commands piped on stdin prints what it prints against Redis', { skip }, async () => {
  const input = [
    'SET cli:a 1',
    'GET cli:a',
    'INCR cli:a',
    'GET cli:missing',
    'SET cli:s abc',
    'INCR cli:s',
    'MSET cli:b 2 cli:c 3',
    'MGET cli:b cli:c cli:none',
    'ECHO "x y"',
    'PING',
    'DEL cli:a cli:b cli:nope',
    'EXISTS cli:c',
    'SELECT 3',
    'GET cli:c',
    'FOO bar',
    '',
  ].join('\n');
  // Captured from redis-cli 7.0.15 against redis-server 7.0.15 on an empty dataset.
  const expected =
    "OK\n1\n2\n\nOK\nERR value is not an integer or out of range\n\nOK\n2\n3\n\nx y\nPONG\n2\n1\nOK\n\nERR unknown command 'FOO', with args beginning with: 'bar' \n\n";
  assert.deepEqual(await cli([], input), { code: 0, stdout: expected, stderr: '' });
});

test('redis-cli --pipe: mixed inline and multibulk input, errors: 0', { skip }, async () => {
  const parts: Buffer[] = [];
  const N = 2000;
  for (let i = 0; i < N; i++) {
    parts.push(i % 2 === 0 ? Buffer.from(`SET pipe:${i} v${i}\r\n`) : encodeCommand(['SET', `pipe:${i}`, Buffer.from([i & 255, 0, 13, 10])]));
  }
  const r = await cli(['--pipe'], Buffer.concat(parts));
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`errors: 0, replies: ${N}\\n$`));
  const raw = await srv.client();
  assert.equal(await raw.call('GET', 'pipe:0'), 'v0');
  assert.equal(await raw.call('GET', 'pipe:1'), '\x01\x00\r\n');
  assert.equal(await raw.call('GET', `pipe:${N - 1}`), String.fromCharCode((N - 1) & 255) + '\x00\r\n');
});

test('redis-cli --pipe: an error reply is counted and makes the exit code 1', { skip }, async () => {
  const r = await cli(['--pipe'], 'SET pipe:e v1\r\nINCR pipe:e\r\nGET pipe:e\r\n');
  assert.equal(r.code, 1);
  assert.match(r.stdout, /errors: 1, replies: 3\n$/);
  assert.equal(r.stderr, 'ERR value is not an integer or out of range\n');
});

test('redis-cli -3 (HELLO 3), -n (SELECT), --scan', { skip }, async () => {
  assert.deepEqual(await cli(['-3', 'GET', 'cli:missing']), { code: 0, stdout: '\n', stderr: '' });
  assert.deepEqual(await cli(['-3', 'ECHO', 'hi']), { code: 0, stdout: 'hi\n', stderr: '' });
  assert.deepEqual(await cli(['-n', '2', 'SET', 'cli:db2', 'x']), { code: 0, stdout: 'OK\n', stderr: '' });
  assert.deepEqual(await cli(['-n', '2', 'GET', 'cli:db2']), { code: 0, stdout: 'x\n', stderr: '' });
  assert.deepEqual(await cli(['GET', 'cli:db2']), { code: 0, stdout: '\n', stderr: '' });
  const keys = Array.from({ length: 50 }, (_, i) => `scan:${i}`);
  await cli(['MSET', ...keys.flatMap((k) => [k, '1'])]);
  await cli(['SET', 'noscan', '1']);
  const r = await cli(['--scan', '--pattern', 'scan:*']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').sort(), keys.sort());
});
