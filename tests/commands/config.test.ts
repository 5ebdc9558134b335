// CONFIG GET / SET / RESETSTAT / REWRITE / HELP over TCP: reply bytes in RESP2 and RESP3 and
// Redis 7.0.15's error texts.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { RespClient } from '../helpers/resp-client.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv.stop();
});

const setFailed = (name: string, reason: string) => `-ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}\r\n`;

test('CONFIG GET: one parameter, as a map (RESP3) or a flat array (RESP2)', async () => {
  const c = await srv.client();
  assert.equal(await c.callRaw('CONFIG', 'GET', 'maxmemory'), '*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n');
  await c.call('HELLO', '3');
  assert.equal(await c.callRaw('CONFIG', 'GET', 'maxmemory'), '%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n');
  assert.equal(await c.callRaw('CONFIG', 'GET', 'no-such-thing'), '%0\r\n');
  await c.call('HELLO', '2');
  assert.equal(await c.callRaw('CONFIG', 'GET', 'no-such-thing'), '*0\r\n');
  assert.equal(await c.callRaw('CONFIG', 'GET'), "-ERR wrong number of arguments for 'config|get' command\r\n");
});

test('CONFIG GET: several patterns, glob (case-insensitive), aliases, names as given, no duplicates', async () => {
  const c = await srv.client();
  // The configured value (an embedded server asked for port 0 listens on an ephemeral port).
  assert.equal(await c.callRaw('CONFIG', 'GET', 'PORT'), '*2\r\n$4\r\nPORT\r\n$1\r\n0\r\n');
  assert.deepEqual(await c.call('CONFIG', 'GET', 'timeout', 'timeout', 'TIME*'), ['timeout', '0']);
  const all = (await c.call('CONFIG', 'GET', 'maxmemory*', 'maxmemory-p*')) as string[];
  const pairs = new Map<string, string>();
  for (let i = 0; i < all.length; i += 2) pairs.set(all[i]!, all[i + 1]!);
  assert.equal(all.length, 10);
  assert.deepEqual(
    [...pairs.keys()].sort(),
    ['maxmemory', 'maxmemory-clients', 'maxmemory-eviction-tenacity', 'maxmemory-policy', 'maxmemory-samples'],
  );
  assert.equal(pairs.get('maxmemory-policy'), 'noeviction');
  // Aliases are names of their own: a pattern returns both.
  const ha = (await c.call('CONFIG', 'GET', 'ha?h-max-*-entries')) as string[];
  assert.deepEqual(ha, ['hash-max-listpack-entries', '512', 'hash-max-ziplist-entries', '512']);
  assert.deepEqual(await c.call('CONFIG', 'GET', 'slaveof'), ['slaveof', '']);
  // Hidden parameters answer an exact name only.
  assert.deepEqual(await c.call('CONFIG', 'GET', 'key-load-delay'), ['key-load-delay', '0']);
  assert.deepEqual(await c.call('CONFIG', 'GET', 'key-load-*'), []);
  // Every parameter Redis 7.0.15 lists for "*" (aliases included, hidden ones not), plus
  // nodis's one own: aof-multi-part (the classic single-file AOF when no).
  const star = (await c.call('CONFIG', 'GET', '*')) as string[];
  assert.equal(star.length, 384 + 2);
  assert.equal(star[star.indexOf('aof-multi-part') + 1], 'yes');
  assert.equal(star[star.indexOf('dir') + 1], srv.dir);
});

test('CONFIG GET: special types print as Redis does', async () => {
  const c = await srv.client();
  const get = async (name: string) => ((await c.call('CONFIG', 'GET', name)) as string[])[1];
  assert.equal(await get('save'), '3600 1 300 100 60 10000');
  assert.equal(await get('client-output-buffer-limit'), 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
  assert.equal(await get('oom-score-adj-values'), '0 200 800');
  assert.equal(await get('bind'), '127.0.0.1 -::1');
  assert.equal(await get('unixsocketperm'), '0');
  assert.equal(await get('latency-tracking-info-percentiles'), '50 99 99.9');
  assert.equal(await get('shutdown-on-sigterm'), 'default');
  assert.equal(await get('proto-max-bulk-len'), '536870912');
});

test('CONFIG SET: one or several parameters; values read back in canonical form', async () => {
  const c = await srv.client();
  assert.equal(await c.callRaw('CONFIG', 'SET', 'maxmemory', '1mb', 'TIMEOUT', '300', 'notify-keyspace-events', 'KEA'), '+OK\r\n');
  assert.deepEqual(await c.call('CONFIG', 'GET', 'maxmemory', 'timeout', 'notify-keyspace-events'), ['maxmemory', '1048576', 'timeout', '300', 'notify-keyspace-events', 'AKE']);
  assert.equal(await c.callRaw('CONFIG', 'SET', 'save', '100 5 10 1', 'client-output-buffer-limit', 'pubsub 1gb 1k 5'), '+OK\r\n');
  assert.deepEqual(await c.call('CONFIG', 'GET', 'save'), ['save', '100 5 10 1']);
  assert.deepEqual(await c.call('CONFIG', 'GET', 'client-output-buffer-limit'), [
    'client-output-buffer-limit',
    'normal 0 0 0 slave 268435456 67108864 60 pubsub 1073741824 1000 5',
  ]);
  assert.equal(await c.callRaw('CONFIG', 'SET', 'save', ''), '+OK\r\n');
  assert.deepEqual(await c.call('CONFIG', 'GET', 'save'), ['save', '']);
  assert.equal(await c.callRaw('CONFIG', 'SET', 'maxmemory-clients', '5%', 'slave-read-only', 'no'), '+OK\r\n');
  assert.deepEqual(await c.call('CONFIG', 'GET', 'maxmemory-clients', 'replica-read-only'), ['maxmemory-clients', '5%', 'replica-read-only', 'no']);
  await c.call('CONFIG', 'SET', 'maxmemory', '0', 'timeout', '0', 'notify-keyspace-events', '', 'maxmemory-clients', '0', 'replica-read-only', 'yes');
});

test('CONFIG SET errors: unknown, immutable, protected, duplicate, syntax, bad values', async () => {
  const c = await srv.client();
  assert.equal(await c.callRaw('CONFIG', 'SET', 'nosuch', '1'), "-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n");
  assert.equal(await c.callRaw('CONFIG', 'SET', 'maxmemory', '1', 'nosuch', '2'), "-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n");
  assert.equal(await c.callRaw('CONFIG', 'SET', 'DAEMONIZE', 'no'), setFailed('DAEMONIZE', "can't set immutable config"));
  assert.equal(await c.callRaw('CONFIG', 'SET', 'daemonize', 'no', 'nosuch', '1'), setFailed('daemonize', "can't set immutable config"));
  assert.equal(await c.callRaw('CONFIG', 'SET', 'dir', '/tmp'), setFailed('dir', "can't set protected config"));
  assert.equal(await c.callRaw('CONFIG', 'SET', 'maxmemory', '1', 'MAXMEMORY', '2'), setFailed('MAXMEMORY', 'duplicate parameter'));
  assert.equal(await c.callRaw('CONFIG', 'SET', 'maxmemory', '1', 'timeout'), '-ERR syntax error\r\n');
  assert.equal(await c.callRaw('CONFIG', 'SET', 'maxmemory'), "-ERR wrong number of arguments for 'config|set' command\r\n");
  assert.equal(await c.callRaw('CONFIG', 'SET', 'MaxMemory', 'lots'), setFailed('maxmemory', 'argument must be a memory value'));
  assert.equal(await c.callRaw('CONFIG', 'SET', 'SLAVE-READ-ONLY', 'x'), setFailed('slave-read-only', "argument must be 'yes' or 'no'"));
  assert.equal(await c.callRaw('CONFIG', 'SET', 'port', '70000'), setFailed('port', 'argument must be between 0 and 65535 inclusive'));
  assert.equal(
    await c.callRaw('CONFIG', 'SET', 'maxmemory-policy', 'lru'),
    setFailed(
      'maxmemory-policy',
      'argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction',
    ),
  );
  assert.equal(await c.callRaw('CONFIG', 'SET', 'save', '100'), setFailed('save', 'Invalid save parameters'));
  assert.equal(await c.callRaw('CONFIG', 'SET', 'shutdown-on-sigint', 'save nosave'), setFailed('shutdown-on-sigint', "shutdown options SAVE and NOSAVE can't be used simultaneously"));
  assert.equal(await c.callRaw('CONFIG', 'SET', 'oom-score-adj-values', '1 2'), setFailed('oom-score-adj-values', 'wrong number of arguments'));
  assert.equal(await c.callRaw('CONFIG', 'SET', 'bind', '127.0.0.1  -::1'), setFailed('bind', 'Failed to bind to specified addresses.'));
  assert.deepEqual(await c.call('CONFIG', 'GET', 'bind'), ['bind', '127.0.0.1 -::1']);
});

test('CONFIG SET is all or nothing', async () => {
  const c = await srv.client();
  assert.equal(await c.callRaw('CONFIG', 'SET', 'timeout', '77', 'maxmemory', '2mb', 'hz', 'fast'), setFailed('hz', "argument couldn't be parsed into an integer"));
  assert.deepEqual(await c.call('CONFIG', 'GET', 'timeout', 'maxmemory', 'hz'), ['timeout', '0', 'maxmemory', '0', 'hz', '10']);
});

test('CONFIG SET side effects: loglevel, hz (clamped), maxmemory-policy, requirepass', async () => {
  const c = await srv.client();
  const server = srv.server;
  assert.equal(await c.call('CONFIG', 'SET', 'loglevel', 'DEBUG'), 'OK');
  assert.equal(server.logger.level, 'debug');
  await c.call('CONFIG', 'SET', 'loglevel', 'warning');
  assert.equal(await c.call('CONFIG', 'SET', 'hz', '1000'), 'OK');
  assert.deepEqual(await c.call('CONFIG', 'GET', 'hz'), ['hz', '500']);
  await c.call('CONFIG', 'SET', 'hz', '10');
  await c.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
  assert.equal(server.keyspace.lfu, true);
  await c.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
  assert.equal(server.keyspace.lfu, false);
  assert.equal(await c.call('CONFIG', 'SET', 'requirepass', 's3cret'), 'OK');
  const other = await srv.client();
  assert.equal(await other.callRaw('GET', 'k'), '-NOAUTH Authentication required.\r\n');
  assert.equal(await other.call('AUTH', 's3cret'), 'OK');
  // The connection that set it stays authenticated.
  assert.equal(await c.call('CONFIG', 'SET', 'requirepass', ''), 'OK');
});

test('CONFIG SET port moves the listener', async () => {
  const s = await startTestServer();
  try {
    const c = await s.client();
    const probe = await startTestServer();
    const freePort = probe.port;
    await probe.stop();
    assert.equal(await c.call('CONFIG', 'SET', 'port', String(freePort)), 'OK');
    await waitFor(() => s.server.port === freePort, 2000, 'the new port');
    const moved = await RespClient.connect(freePort);
    assert.equal(await moved.call('PING'), 'PONG');
    moved.close();
  } finally {
    await s.stop();
  }
});

test('sensitive values are redacted from the slow log', async () => {
  const c = await srv.client();
  await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
  await c.call('CONFIG', 'SET', 'masterauth', 'hunter2', 'timeout', '0');
  await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '10000');
  const entry = srv.server.slowlog.entries.find((e) => e.argv.includes('masterauth'));
  assert.deepEqual(entry?.argv, ['CONFIG', 'SET', 'masterauth', '(redacted)', 'timeout', '0']);
  await c.call('CONFIG', 'SET', 'masterauth', '');
});

test('protected parameters with enable-protected-configs yes; dir must exist', async () => {
  const s = await startTestServer({ 'enable-protected-configs': 'yes' });
  try {
    const c = await s.client();
    fs.mkdirSync(path.join(s.dir, 'sub'));
    assert.equal(await c.call('CONFIG', 'SET', 'dir', 'sub'), 'OK');
    assert.deepEqual(await c.call('CONFIG', 'GET', 'dir'), ['dir', path.join(s.dir, 'sub')]);
    assert.equal(await c.callRaw('CONFIG', 'SET', 'dir', 'missing'), setFailed('dir', 'No such file or directory'));
    assert.equal(await c.callRaw('CONFIG', 'SET', 'dbfilename', 'a/b.rdb'), setFailed('dbfilename', "dbfilename can't be a path, just a filename"));
  } finally {
    await s.stop();
  }
});

test('while loading, parameters that deny it reply -LOADING', async () => {
  const c = await srv.client();
  srv.server.keyspace.loading = true;
  try {
    assert.equal(await c.callRaw('CONFIG', 'SET', 'appendonly', 'yes'), '-LOADING Redis is loading the dataset in memory\r\n');
    assert.equal(await c.callRaw('CONFIG', 'SET', 'timeout', '0'), '+OK\r\n');
  } finally {
    srv.server.keyspace.loading = false;
  }
});

test('an ignored parameter set to a non-default value is reported once', async () => {
  const lines: string[] = [];
  srv.server.logger.sinks.push({ write: (l) => lines.push(l) });
  const c = await srv.client();
  await c.call('CONFIG', 'SET', 'activerehashing', 'no');
  await c.call('CONFIG', 'SET', 'activerehashing', 'yes');
  await c.call('CONFIG', 'SET', 'activerehashing', 'no');
  await c.call('CONFIG', 'SET', 'activerehashing', 'yes');
  assert.equal(lines.filter((l) => l.includes('Config directive "activerehashing" is accepted for compatibility but not acted on by nodis yet')).length, 1);
});

test('CONFIG RESETSTAT resets INFO statistics but not the slow log', async () => {
  const c = await srv.client();
  await c.call('SET', 'rs', '1');
  await c.call('GET', 'rs');
  await c.call('GET', 'rs-missing');
  await c.call('NOSUCHCOMMAND');
  const server = srv.server;
  server.slowlog.entries.push({ id: 999, time: 0, micros: 0, argv: ['x'], addr: '', name: '' });
  assert.equal(await c.callRaw('CONFIG', 'RESETSTAT'), '+OK\r\n');
  assert.equal(server.keyspace.stats.hits, 0);
  assert.equal(server.keyspace.stats.misses, 0);
  assert.equal(server.stats.errorReplies, 0);
  assert.equal(server.commands.lookup('get')!.calls, 0);
  assert.ok(server.slowlog.entries.some((e) => e.id === 999));
  server.slowlog.reset();
});

test('CONFIG REWRITE: without a config file, and into the file the server was started with', async () => {
  const c = await srv.client();
  assert.equal(await c.callRaw('CONFIG', 'REWRITE'), '-ERR The server is running without a config file\r\n');
  const file = path.join(srv.dir, 'nodis.conf');
  fs.writeFileSync(file, '# mine\nport 6379\nmaxmemory 1mb\nmaxmemory 2mb\n');
  srv.server.configFile = file;
  try {
    await c.call('CONFIG', 'SET', 'maxclients', '50');
    assert.equal(await c.callRaw('CONFIG', 'REWRITE'), '+OK\r\n');
    const text = fs.readFileSync(file, 'latin1');
    assert.match(text, /^# mine\nport \d+\nmaxmemory 0\n\n# Generated by CONFIG REWRITE\n/);
    assert.match(text, /\nmaxclients 50\n/);
    assert.match(text, new RegExp(`\\ndir "${srv.dir}"\\n`));
    assert.deepEqual(fs.readdirSync(srv.dir).filter((f) => f.startsWith('nodis.conf.')), []);
    // A file that cannot be written.
    srv.server.configFile = path.join(srv.dir, 'no', 'such', 'dir.conf');
    assert.equal(await c.callRaw('CONFIG', 'REWRITE'), '-ERR Rewriting config file: No such file or directory\r\n');
  } finally {
    srv.server.configFile = '';
    await c.call('CONFIG', 'SET', 'maxclients', '10000');
  }
});

test('CONFIG HELP and unknown subcommands', async () => {
  const c = await srv.client();
  assert.equal(
    await c.callRaw('config', 'help'),
    '*11\r\n+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+GET <pattern>\r\n' +
      '+    Return parameters matching the glob-like <pattern> and their values.\r\n+SET <directive> <value>\r\n' +
      '+    Set the configuration <directive> to <value>.\r\n+RESETSTAT\r\n+    Reset statistics reported by the INFO command.\r\n' +
      '+REWRITE\r\n+    Rewrite the configuration file.\r\n+HELP\r\n+    Prints this help.\r\n',
  );
  assert.equal(await c.callRaw('CONFIG', 'NOPE'), "-ERR unknown subcommand 'NOPE'. Try CONFIG HELP.\r\n");
  assert.equal(await c.callRaw('CONFIG'), "-ERR wrong number of arguments for 'config' command\r\n");
});
