import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { RespClient } from '../helpers/resp-client.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ 'slowlog-log-slower-than': 0 });
});
after(async () => {
  await srv.stop();
});

function addrOf(c: RespClient): string {
  return `127.0.0.1:${c.socket.localPort}`;
}

/** One slowlog entry in RESP: [id, time, micros, argv, addr, name]. */
function entryRe(args: string[], addr: string, name: string): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const argv = `\\*${args.length}\\r\\n${args.map((a) => `\\$${a.length}\\r\\n${esc(a)}\\r\\n`).join('')}`;
  return new RegExp(`^\\*6\\r\\n:(\\d+)\\r\\n:(\\d{10})\\r\\n:(\\d+)\\r\\n${argv}\\$${addr.length}\\r\\n${esc(addr)}\\r\\n\\$${name.length}\\r\\n${esc(name)}\\r\\n`);
}

test('SLOWLOG with slowlog-log-slower-than 0: every command, newest first, exact entry shape', async () => {
  const c = await srv.client();
  assert.equal(await c.callRaw('SLOWLOG', 'RESET'), '+OK\r\n');
  // RESET itself is logged once it has run.
  assert.equal(await c.callRaw('SLOWLOG', 'LEN'), ':1\r\n');
  await c.call('CLIENT', 'SETNAME', 'slow1');
  await c.call('SET', 'sl:k', 'v');
  const raw = await c.callRaw('SLOWLOG', 'GET', '2');
  assert.ok(raw.startsWith('*2\r\n'));
  const body = raw.slice(4);
  const first = entryRe(['SET', 'sl:k', 'v'], addrOf(c), 'slow1').exec(body);
  assert.ok(first, body);
  const second = entryRe(['CLIENT', 'SETNAME', 'slow1'], addrOf(c), 'slow1').exec(body.slice(first[0].length));
  assert.ok(second, body.slice(first[0].length));
  assert.equal(first[0].length + second[0].length, body.length);
  assert.equal(Number(first[1]), Number(second[1]) + 1);
  const now = Math.floor(Date.now() / 1000);
  assert.ok(Math.abs(Number(first[2]) - now) <= 2);

  // Default count is 10; -1 is everything; 0 nothing.
  for (let i = 0; i < 12; i++) await c.call('PING');
  assert.equal(((await c.call('SLOWLOG', 'GET')) as unknown[]).length, 10);
  const len = (await c.call('SLOWLOG', 'LEN')) as number;
  assert.ok(len >= 18, String(len));
  assert.equal(((await c.call('SLOWLOG', 'GET', '-1')) as unknown[]).length, len + 1);
  assert.equal(await c.callRaw('SLOWLOG', 'GET', '0'), '*0\r\n');

  // Ids keep growing across RESET.
  const lastId = ((await c.call('SLOWLOG', 'GET', '1')) as number[][])[0]![0]!;
  await c.call('SLOWLOG', 'RESET');
  const afterReset = (await c.call('SLOWLOG', 'GET')) as unknown[][];
  assert.equal(afterReset.length, 1);
  assert.equal(afterReset[0]![0], lastId + 2);
  assert.deepEqual(afterReset[0]![3], ['SLOWLOG', 'RESET']);
});

test('SLOWLOG truncates long argument lists and long arguments', async () => {
  const c = await srv.client();
  const args = ['DEL'];
  for (let i = 0; i < 40; i++) args.push(`k${i}`);
  await c.call('SET', 'sl:big', 'y'.repeat(200));
  await c.call(...args);
  const [del, set] = (await c.call('SLOWLOG', 'GET', '2')) as [unknown[], unknown[]];
  const delArgv = del[3] as string[];
  assert.equal(delArgv.length, 32);
  assert.deepEqual(delArgv.slice(0, 31), args.slice(0, 31));
  assert.equal(delArgv[31], '... (10 more arguments)');
  assert.deepEqual(set[3], ['SET', 'sl:big', `${'y'.repeat(128)}... (72 more bytes)`]);
});

test('SLOWLOG honours slowlog-max-len and the threshold; errors and HELP', async () => {
  const s = await startTestServer({ 'slowlog-log-slower-than': 0, 'slowlog-max-len': 3 });
  const off = await startTestServer({ 'slowlog-log-slower-than': -1 });
  try {
    const c = await s.client();
    for (let i = 0; i < 6; i++) await c.call('ECHO', String(i));
    const entries = (await c.call('SLOWLOG', 'GET')) as unknown[][];
    assert.deepEqual(entries.map((e) => e[3]), [['ECHO', '5'], ['ECHO', '4'], ['ECHO', '3']]);
    const d = await off.client();
    await d.call('PING');
    assert.equal(await d.callRaw('SLOWLOG', 'LEN'), ':0\r\n');
  } finally {
    await s.stop();
    await off.stop();
  }
  const c = await srv.client();
  assert.equal(await c.callRaw('SLOWLOG', 'GET', '-2'), '-ERR count should be greater than or equal to -1\r\n');
  assert.equal(await c.callRaw('SLOWLOG', 'GET', 'abc'), '-ERR count should be greater than or equal to -1\r\n');
  assert.equal(await c.callRaw('SLOWLOG', 'GET', '1', '2'), "-ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.\r\n");
  assert.equal(await c.callRaw('SLOWLOG', 'LEN', 'x'), "-ERR wrong number of arguments for 'slowlog|len' command\r\n");
  assert.equal(await c.callRaw('SLOWLOG', 'foo'), "-ERR unknown subcommand 'foo'. Try SLOWLOG HELP.\r\n");
  assert.equal(await c.callRaw('SLOWLOG'), "-ERR wrong number of arguments for 'slowlog' command\r\n");
  assert.equal(
    await c.callRaw('SLOWLOG', 'HELP'),
    '*12\r\n+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+GET [<count>]\r\n' +
      '+    Return top <count> entries from the slowlog (default: 10, -1 mean all).\r\n+    Entries are made of:\r\n' +
      '+    id, timestamp, time in microseconds, arguments array, client IP and port,\r\n+    client name\r\n' +
      '+LEN\r\n+    Return the length of the slowlog.\r\n+RESET\r\n+    Reset the slowlog.\r\n+HELP\r\n+    Prints this help.\r\n',
  );
});

test('MONITOR: another client sees each executed command, in Redis line format', async () => {
  const mon = await srv.client();
  const c = await srv.client();
  assert.equal(await mon.callRaw('MONITOR'), '+OK\r\n');
  const who = addrOf(c);
  const line = async () => {
    const raw = await mon.readRaw();
    const m = /^\+(\d{10})\.(\d{6}) \[(\d+) ([^\]]+)\] (.*)\r\n$/.exec(raw);
    assert.ok(m, JSON.stringify(raw));
    assert.ok(Math.abs(Number(m[1]) - Date.now() / 1000) < 5);
    return `[${m[3]} ${m[4]}] ${m[5]}`;
  };
  await c.call('SET', 'mon:k"', 'a\x01\n\xff\\');
  assert.equal(await line(), `[0 ${who}] "SET" "mon:k\\"" "a\\x01\\n\\xff\\\\"`);
  // Admin commands (CLIENT LIST, SLOWLOG, MONITOR) are not shown; unknown commands neither.
  await c.call('CLIENT', 'LIST');
  await c.call('NOSUCH', 'x');
  await c.call('GET');
  await c.call('client', 'setname', 'watched');
  assert.equal(await line(), `[0 ${who}] "client" "setname" "watched"`);
  await c.call('SELECT', '2');
  assert.equal(await line(), `[2 ${who}] "SELECT" "2"`);
  // A transaction shows MULTI, then the queued commands as EXEC runs them, then EXEC.
  await c.call('MULTI');
  await c.call('SET', 'a', '1');
  await c.call('ECHO', 'e');
  await c.call('EXEC');
  assert.equal(await line(), `[2 ${who}] "MULTI"`);
  assert.equal(await line(), `[2 ${who}] "SET" "a" "1"`);
  assert.equal(await line(), `[2 ${who}] "ECHO" "e"`);
  assert.equal(await line(), `[2 ${who}] "EXEC"`);
  // The monitor sees its own commands; the keyspace is closed to it; a second MONITOR is silent.
  assert.equal(await mon.callRaw('PING'), '+PONG\r\n');
  assert.equal(await line(), `[0 ${addrOf(mon)}] "PING"`);
  assert.equal(await mon.callRaw('GET', 'a'), "-ERR Replica can't interact with the keyspace\r\n");
  mon.send('MONITOR');
  assert.equal(await mon.callRaw('ECHO', 'x'), '$1\r\nx\r\n');
  assert.equal(await line(), `[0 ${addrOf(mon)}] "ECHO" "x"`);
  const flags = ((await c.call('CLIENT', 'LIST')) as string).split('\n').find((l) => l.includes(`addr=${addrOf(mon)} `))!;
  assert.match(flags, / flags=O .* cmd=echo /);
  assert.equal(mon.unread, '');
});

test('MONITOR stops with the connection; inside MULTI it is refused', async () => {
  const monitors = srv.server.monitors.size;
  const mon = await srv.client();
  await mon.call('MONITOR');
  assert.equal(srv.server.monitors.size, monitors + 1);
  mon.close();
  const c = await srv.client();
  await c.call('PING');
  for (let i = 0; i < 50 && srv.server.monitors.size > monitors; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(srv.server.monitors.size, monitors);
  await c.call('MULTI');
  assert.equal(await c.callRaw('MONITOR'), '+QUEUED\r\n');
  assert.equal(await c.callRaw('EXEC'), "*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n");
  assert.equal(srv.server.monitors.size, monitors);
  assert.equal(await c.callRaw('MONITOR', 'x'), "-ERR wrong number of arguments for 'monitor' command\r\n");
});

test('TIME and LASTSAVE', async () => {
  const c = await srv.client();
  const raw = await c.callRaw('TIME');
  const m = /^\*2\r\n\$10\r\n(\d{10})\r\n\$(\d)\r\n(\d{1,6})\r\n$/.exec(raw);
  assert.ok(m, raw);
  assert.equal(m[3]!.length, Number(m[2]));
  assert.ok(Math.abs(Number(m[1]) - Date.now() / 1000) < 2);
  await c.call('HELLO', '3');
  assert.match(await c.callRaw('TIME'), /^\*2\r\n\$10\r\n\d{10}\r\n\$\d\r\n\d+\r\n$/);
  assert.equal(await c.callRaw('LASTSAVE'), `:${srv.server.lastSave}\r\n`);
  assert.equal(await c.callRaw('TIME', 'x'), "-ERR wrong number of arguments for 'time' command\r\n");
  assert.equal(await c.callRaw('LASTSAVE', 'x'), "-ERR wrong number of arguments for 'lastsave' command\r\n");
});

test('MEMORY USAGE estimates a key in our representation; MEMORY HELP', async () => {
  const c = await srv.client();
  assert.equal(await c.callRaw('MEMORY', 'USAGE', 'mem:none'), '$-1\r\n');
  await c.call('SET', 'mem:small', 'v');
  await c.call('SET', 'mem:big', 'x'.repeat(10000));
  const small = (await c.call('MEMORY', 'USAGE', 'mem:small')) as number;
  const big = (await c.call('MEMORY', 'USAGE', 'mem:big', 'SAMPLES', '0')) as number;
  assert.ok(small > 64 && small < 512, String(small));
  // The value's bytes dominate: the difference is the length difference, within alignment.
  assert.ok(Math.abs(big - small - 9999) <= 32, `${big} - ${small}`);
  await c.call('SET', 'mem:ttl', 'v', 'EX', '100');
  assert.ok(((await c.call('MEMORY', 'USAGE', 'mem:ttl')) as number) > small);
  assert.equal(await c.callRaw('MEMORY', 'USAGE', 'mem:small', 'samples', '5'), `:${small}\r\n`);
  const e = (...args: string[]) => c.callRaw('MEMORY', 'USAGE', ...args);
  assert.equal(await e('mem:small', 'SAMPLES'), '-ERR syntax error\r\n');
  assert.equal(await e('mem:small', 'SAMPLES', '-1'), '-ERR syntax error\r\n');
  assert.equal(await e('mem:small', 'SAMPLES', 'x'), '-ERR value is not an integer or out of range\r\n');
  assert.equal(await e('mem:none', 'SAMPLES', 'x'), '-ERR value is not an integer or out of range\r\n');
  assert.equal(await e('mem:small', 'FOO', '1'), '-ERR syntax error\r\n');
  assert.equal(await e(), "-ERR wrong number of arguments for 'memory|usage' command\r\n");
  assert.equal(await c.callRaw('MEMORY'), "-ERR wrong number of arguments for 'memory' command\r\n");
  assert.equal(await c.callRaw('MEMORY', 'foo'), "-ERR unknown subcommand 'foo'. Try MEMORY HELP.\r\n");
  assert.equal(
    await c.callRaw('memory', 'help'),
    '*6\r\n+MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+USAGE <key> [SAMPLES <count>]\r\n' +
      '+    Return memory in bytes used by <key> and its value. Nested values are\r\n' +
      '+    sampled up to <count> times (default: 5, 0 means sample all).\r\n+HELP\r\n+    Prints this help.\r\n',
  );
  await c.call('HELLO', '3');
  assert.equal(await c.callRaw('MEMORY', 'USAGE', 'mem:none'), '_\r\n');
  // A read that does not count as a keyspace hit or miss in Redis either.
  const before = srv.server.keyspace.stats.hits + srv.server.keyspace.stats.misses;
  await c.call('MEMORY', 'USAGE', 'mem:small');
  assert.equal(srv.server.keyspace.stats.hits + srv.server.keyspace.stats.misses, before);
});

test('SHUTDOWN argument errors; ABORT with nothing in progress', async () => {
  const c = await srv.client();
  const e = (...args: string[]) => c.callRaw('SHUTDOWN', ...args);
  assert.equal(await e('ABORT'), '-ERR No shutdown in progress.\r\n');
  assert.equal(await e('abort'), '-ERR No shutdown in progress.\r\n');
  assert.equal(await e('ABORT', 'NOW'), '-ERR syntax error\r\n');
  assert.equal(await e('NOSAVE', 'ABORT'), '-ERR syntax error\r\n');
  assert.equal(await e('SAVE', 'NOSAVE'), '-ERR syntax error\r\n');
  assert.equal(await e('FORCE', 'ABORT'), '-ERR syntax error\r\n');
  assert.equal(await e('foo'), '-ERR syntax error\r\n');
  assert.equal(await e('NOW', 'NOW', 'ABORT'), '-ERR syntax error\r\n');
  await c.call('MULTI');
  assert.equal(await c.callRaw('SHUTDOWN'), '-ERR Command not allowed inside a transaction\r\n');
  await c.call('DISCARD');
  assert.equal(await c.callRaw('PING'), '+PONG\r\n');
});

test('SHUTDOWN closes the embedded server without a reply', async () => {
  const s = await startTestServer();
  let shutDown = false;
  s.server.onShutdown = () => {
    shutDown = true;
  };
  try {
    const a = await s.client();
    const b = await s.client();
    await a.call('SET', 'k', 'v');
    a.send('SHUTDOWN', 'NOSAVE', 'NOW', 'FORCE');
    await a.waitClosed();
    await b.waitClosed();
    assert.equal(a.unread, '');
    assert.equal(shutDown, true);
    await assert.rejects(
      () =>
        new Promise<void>((resolve, reject) => {
          const sock = net.connect(s.port, '127.0.0.1');
          sock.once('connect', () => {
            sock.destroy();
            resolve();
          });
          sock.once('error', reject);
        }),
      /ECONNREFUSED/,
    );
  } finally {
    await s.stop();
  }
});

test('AUTH and HELLO AUTH credentials are redacted in MONITOR and SLOWLOG, as Redis does', async () => {
  const s = await startTestServer({ requirepass: 'pw', 'slowlog-log-slower-than': 0 });
  try {
    const mon = await s.client();
    await mon.call('AUTH', 'pw');
    assert.equal(await mon.call('MONITOR'), 'OK');
    const c = await s.client();
    await c.call('AUTH', 'pw');
    await c.call('HELLO', '3', 'AUTH', 'default', 'pw');
    await c.call('AUTH', 'default', 'wrong');
    const lines: string[] = [];
    for (let i = 0; i < 3; i++) lines.push((await mon.read()) as string);
    assert.deepEqual(
      lines.map((l) => l.replace(/^\d+\.\d+ \[0 [^\]]+\] /, '')),
      ['"AUTH" "(redacted)"', '"HELLO" "3" "AUTH" "(redacted)" "(redacted)"', '"AUTH" "(redacted)" "(redacted)"'],
    );
    const log = (await c.call('SLOWLOG', 'GET', '3')) as unknown[][];
    assert.deepEqual(
      log.map((e) => e[3]),
      [
        ['AUTH', '(redacted)', '(redacted)'],
        ['HELLO', '3', 'AUTH', '(redacted)', '(redacted)'],
        ['AUTH', '(redacted)'],
      ],
    );
  } finally {
    await s.stop();
  }
});
