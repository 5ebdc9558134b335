import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import type { RespClient } from '../helpers/resp-client.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv.stop();
});

/** The CLIENT LIST/INFO field names of Redis 7.0, then 7.2's lib-name and lib-ver. */
const LINE_FIELDS = [
  'id', 'addr', 'laddr', 'fd', 'name', 'age', 'idle', 'flags', 'db', 'sub', 'psub', 'ssub', 'multi', 'qbuf', 'qbuf-free',
  'argv-mem', 'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem', 'events', 'cmd', 'user', 'redir', 'resp',
  'lib-name', 'lib-ver',
];

function parseLine(line: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of line.split(' ')) {
    const i = part.indexOf('=');
    m.set(part.slice(0, i), part.slice(i + 1));
  }
  return m;
}

/** CLIENT LIST as field maps, keyed by client id. */
async function clientList(c: RespClient, ...args: string[]): Promise<Map<number, Map<string, string>>> {
  const text = (await c.call('CLIENT', 'LIST', ...args)) as string;
  const out = new Map<number, Map<string, string>>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const f = parseLine(line);
    out.set(Number(f.get('id')), f);
  }
  return out;
}

async function localPort(c: RespClient): Promise<number> {
  return c.socket.localPort!;
}

test('CLIENT ID and CLIENT INFO: the 7.0 line format (plus 7.2 lib fields), bulk in RESP2, verbatim in RESP3', async () => {
  const c = await srv.client();
  const id = (await c.call('CLIENT', 'ID')) as number;
  assert.ok(Number.isInteger(id) && id > 0);
  const raw = await c.callRaw('CLIENT', 'INFO');
  const m = /^\$(\d+)\r\n(.*\n)\r\n$/s.exec(raw)!;
  assert.ok(m, raw);
  assert.equal(m[2]!.length, Number(m[1]));
  const line = m[2]!.slice(0, -1);
  assert.deepEqual(line.split(' ').map((p) => p.split('=')[0]), LINE_FIELDS);
  const port = await localPort(c);
  assert.ok(
    line.startsWith(`id=${id} addr=127.0.0.1:${port} laddr=127.0.0.1:${srv.port} fd=`),
    line,
  );
  const f = parseLine(line);
  assert.equal(f.get('name'), '');
  assert.equal(f.get('flags'), 'N');
  assert.equal(f.get('db'), '0');
  assert.equal(f.get('multi'), '-1');
  assert.equal(f.get('cmd'), 'client|info');
  assert.equal(f.get('user'), 'default');
  assert.equal(f.get('redir'), '-1');
  assert.equal(f.get('resp'), '2');
  assert.equal(f.get('argv-mem'), '10');
  assert.match(f.get('age')!, /^\d+$/);
  await c.call('HELLO', '3');
  const raw3 = await c.callRaw('CLIENT', 'INFO');
  const m3 = /^=(\d+)\r\ntxt:(id=.*resp=3 lib-name= lib-ver=\n)\r\n$/s.exec(raw3)!;
  assert.ok(m3, raw3);
  assert.equal(m3[2]!.length + 4, Number(m3[1]));
  assert.equal(await c.callRaw('CLIENT', 'ID'), `:${id}\r\n`);
});

test('CLIENT SETNAME / GETNAME', async () => {
  const c = await srv.client();
  assert.equal(await c.callRaw('CLIENT', 'GETNAME'), '$-1\r\n');
  assert.equal(await c.callRaw('CLIENT', 'SETNAME', 'worker-1'), '+OK\r\n');
  assert.equal(await c.callRaw('CLIENT', 'GETNAME'), '$8\r\nworker-1\r\n');
  const bad = '-ERR Client names cannot contain spaces, newlines or special characters.\r\n';
  assert.equal(await c.callRaw('CLIENT', 'SETNAME', 'a b'), bad);
  assert.equal(await c.callRaw('CLIENT', 'SETNAME', 'a\nb'), bad);
  assert.equal(await c.callRaw('CLIENT', 'SETNAME', 'caf\xe9'), bad);
  assert.equal(await c.callRaw('CLIENT', 'GETNAME'), '$8\r\nworker-1\r\n');
  assert.match((await c.call('CLIENT', 'INFO')) as string, / name=worker-1 /);
  // An empty name removes it.
  assert.equal(await c.callRaw('CLIENT', 'SETNAME', ''), '+OK\r\n');
  assert.equal(await c.callRaw('CLIENT', 'GETNAME'), '$-1\r\n');
  await c.call('HELLO', '3');
  assert.equal(await c.callRaw('CLIENT', 'GETNAME'), '_\r\n');
  assert.equal(await c.callRaw('CLIENT', 'SETNAME'), "-ERR wrong number of arguments for 'client|setname' command\r\n");
  assert.equal(await c.callRaw('CLIENT', 'GETNAME', 'x'), "-ERR wrong number of arguments for 'client|getname' command\r\n");
});

test('CLIENT SETINFO LIB-NAME / LIB-VER (Redis 7.2) show in CLIENT INFO', async () => {
  const c = await srv.client();
  assert.equal(await c.callRaw('client', 'SETINFO', 'LIB-VER', '6.0.0'), '+OK\r\n');
  assert.equal(await c.callRaw('client', 'setinfo', 'lib-name', 'ioredis'), '+OK\r\n');
  assert.match((await c.call('CLIENT', 'INFO')) as string, / resp=2 lib-name=ioredis lib-ver=6\.0\.0\n$/);
  assert.equal(await c.callRaw('CLIENT', 'SETINFO', 'LIB-NAME', 'my lib'), '-ERR LIB-NAME cannot contain spaces, newlines or special characters.\r\n');
  assert.equal(await c.callRaw('CLIENT', 'SETINFO', 'lib-ver', '1\n2'), '-ERR lib-ver cannot contain spaces, newlines or special characters.\r\n');
  assert.equal(await c.callRaw('CLIENT', 'SETINFO', 'LIB-FOO', 'x'), "-ERR Unrecognized option 'LIB-FOO'\r\n");
  assert.equal(await c.callRaw('CLIENT', 'SETINFO', 'LIB-NAME'), "-ERR wrong number of arguments for 'client|setinfo' command\r\n");
  assert.equal(await c.callRaw('CLIENT', 'SETINFO', 'LIB-NAME', ''), '+OK\r\n');
  assert.match((await c.call('CLIENT', 'INFO')) as string, / lib-name= lib-ver=6\.0\.0\n$/);
});

test('CLIENT LIST: every connection, TYPE and ID filters, errors', async () => {
  const a = await srv.client();
  const b = await srv.client();
  const idA = (await a.call('CLIENT', 'ID')) as number;
  const idB = (await b.call('CLIENT', 'ID')) as number;
  await b.call('SELECT', '5');
  await b.call('CLIENT', 'SETNAME', 'bee');
  const all = await clientList(a);
  assert.ok(all.has(idA) && all.has(idB));
  assert.equal(all.get(idB)!.get('name'), 'bee');
  assert.equal(all.get(idB)!.get('db'), '5');
  assert.equal(all.get(idB)!.get('cmd'), 'client|setname');
  // Another connection is idle: it holds no arguments.
  assert.equal(all.get(idB)!.get('argv-mem'), '0');
  assert.equal(all.get(idA)!.get('cmd'), 'client|list');
  for (const f of all.values()) assert.deepEqual([...f.keys()], LINE_FIELDS);
  // Connection order.
  const ids = [...all.keys()];
  assert.deepEqual(ids, [...ids].sort((x, y) => x - y));

  assert.deepEqual([...(await clientList(a, 'TYPE', 'normal')).keys()], ids);
  assert.deepEqual([...(await clientList(a, 'type', 'NORMAL')).keys()], ids);
  for (const t of ['replica', 'slave', 'master', 'pubsub']) assert.equal(await a.callRaw('CLIENT', 'LIST', 'TYPE', t), '$0\r\n\r\n');
  assert.deepEqual([...(await clientList(a, 'ID', String(idB), '999999', String(idA))).keys()], [idB, idA]);
  assert.equal(await a.callRaw('CLIENT', 'LIST', 'ID', '999999'), '$0\r\n\r\n');
  assert.equal(await a.callRaw('CLIENT', 'LIST', 'TYPE', 'foo'), "-ERR Unknown client type 'foo'\r\n");
  assert.equal(await a.callRaw('CLIENT', 'LIST', 'ID', String(idA), 'abc'), '-ERR Invalid client ID\r\n');
  assert.equal(await a.callRaw('CLIENT', 'LIST', 'ID'), '-ERR syntax error\r\n');
  assert.equal(await a.callRaw('CLIENT', 'LIST', 'TYPE', 'normal', 'x'), '-ERR syntax error\r\n');
  assert.equal(await a.callRaw('CLIENT', 'LIST', 'foo'), '-ERR syntax error\r\n');
  await a.call('HELLO', '3');
  assert.match(await a.callRaw('CLIENT', 'LIST', 'ID', String(idA)), /^=\d+\r\ntxt:id=\d+ .* resp=3 lib-name= lib-ver=\n\r\n$/s);
});

test('CLIENT LIST flags and fields follow the connection state', async () => {
  const a = await srv.client();
  const b = await srv.client();
  const idB = (await b.call('CLIENT', 'ID')) as number;
  const flagsOf = async () => (await clientList(a, 'ID', String(idB))).get(idB)!;
  await b.call('WATCH', 'cl:w');
  await b.call('MULTI');
  await b.call('SET', 'x', '1');
  await b.call('GET', 'x');
  let f = await flagsOf();
  assert.equal(f.get('flags'), 'x');
  assert.equal(f.get('multi'), '2');
  // A touched WATCHed key: d.
  await a.call('SET', 'cl:w', 'changed');
  assert.equal((await flagsOf()).get('flags'), 'xd');
  await b.call('DISCARD');
  assert.equal((await flagsOf()).get('cmd'), 'discard');
  await b.call('CLIENT', 'NO-EVICT', 'on');
  await b.call('CLIENT', 'NO-TOUCH', 'on');
  f = await flagsOf();
  assert.equal(f.get('flags'), 'eT');
  assert.equal(f.get('multi'), '-1');
  await b.call('CLIENT', 'NO-EVICT', 'off');
  await b.call('CLIENT', 'NO-TOUCH', 'OFF');
  assert.equal((await flagsOf()).get('flags'), 'N');
  // An unknown command leaves cmd=NULL, a wrong-arity one names the command.
  await b.call('NOSUCH');
  assert.equal((await flagsOf()).get('cmd'), 'NULL');
  await b.call('GET');
  assert.equal((await flagsOf()).get('cmd'), 'get');
  await b.call('CLIENT', 'NOSUCH');
  assert.equal((await flagsOf()).get('cmd'), 'NULL');
});

test('CLIENT NO-EVICT / NO-TOUCH argument errors', async () => {
  const c = await srv.client();
  assert.equal(await c.callRaw('CLIENT', 'NO-EVICT', 'maybe'), '-ERR syntax error\r\n');
  assert.equal(await c.callRaw('CLIENT', 'NO-TOUCH', 'maybe'), '-ERR syntax error\r\n');
  assert.equal(await c.callRaw('CLIENT', 'NO-EVICT'), "-ERR wrong number of arguments for 'client|no-evict' command\r\n");
  assert.equal(await c.callRaw('CLIENT', 'NO-TOUCH', 'on', 'x'), "-ERR wrong number of arguments for 'client|no-touch' command\r\n");
});

test('CLIENT NO-TOUCH: reads leave the access time alone, TOUCH still updates it', async () => {
  const c = await srv.client();
  await c.call('SET', 'nt:k', 'v');
  const entry = () => srv.server.keyspace.dbs[0]!.peekEntry('nt:k')!;
  entry().access = 1000;
  assert.equal(await c.callRaw('CLIENT', 'NO-TOUCH', 'on'), '+OK\r\n');
  assert.equal(await c.call('GET', 'nt:k'), 'v');
  assert.equal(entry().access, 1000);
  assert.equal(await c.call('TOUCH', 'nt:k'), 1);
  assert.ok(entry().access > 1000);
  entry().access = 1000;
  await c.call('CLIENT', 'NO-TOUCH', 'off');
  await c.call('GET', 'nt:k');
  assert.ok(entry().access > 1000);
});

test('CLIENT KILL: old form by address', async () => {
  const a = await srv.client();
  const b = await srv.client();
  const addrB = `127.0.0.1:${await localPort(b)}`;
  assert.equal(await a.callRaw('CLIENT', 'KILL', addrB), '+OK\r\n');
  await b.waitClosed();
  assert.equal(await a.callRaw('CLIENT', 'KILL', addrB), '-ERR No such client\r\n');
  assert.equal(await a.callRaw('CLIENT', 'KILL', '1.2.3.4:5'), '-ERR No such client\r\n');
  // The old form can kill the caller: the reply still arrives.
  const addrA = `127.0.0.1:${await localPort(a)}`;
  assert.equal(await a.callRaw('CLIENT', 'KILL', addrA), '+OK\r\n');
  await a.waitClosed();
});

test('CLIENT KILL: filters reply with the number killed', async () => {
  const a = await srv.client();
  const b = await srv.client();
  const c = await srv.client();
  const idA = (await a.call('CLIENT', 'ID')) as number;
  const idB = (await b.call('CLIENT', 'ID')) as number;
  assert.equal(await a.callRaw('CLIENT', 'KILL', 'ID', String(idB)), ':1\r\n');
  await b.waitClosed();
  assert.equal(await a.callRaw('CLIENT', 'KILL', 'ID', String(idB)), ':0\r\n');
  // SKIPME defaults to yes.
  assert.equal(await a.callRaw('CLIENT', 'KILL', 'ID', String(idA)), ':0\r\n');
  assert.equal(await a.callRaw('CLIENT', 'KILL', 'ADDR', `127.0.0.1:${await localPort(a)}`), ':0\r\n');
  for (const t of ['master', 'replica', 'slave', 'pubsub']) assert.equal(await a.callRaw('CLIENT', 'KILL', 'TYPE', t), ':0\r\n');
  assert.equal(await a.callRaw('CLIENT', 'KILL', 'LADDR', '10.9.9.9:1'), ':0\r\n');
  assert.equal(await a.callRaw('CLIENT', 'KILL', 'MAXAGE', '100000'), ':0\r\n');
  assert.equal(await a.callRaw('CLIENT', 'KILL', 'ID', String(idB), 'USER', 'default'), ':0\r\n');
  const addrC = `127.0.0.1:${await localPort(c)}`;
  assert.equal(await a.callRaw('CLIENT', 'KILL', 'laddr', `127.0.0.1:${srv.port}`, 'addr', addrC, 'skipme', 'no'), ':1\r\n');
  await c.waitClosed();
  // SKIPME no may take the caller itself, after its reply.
  assert.equal(await a.callRaw('CLIENT', 'KILL', 'ID', String(idA), 'SKIPME', 'no'), ':1\r\n');
  await a.waitClosed();
});

test('CLIENT KILL: TYPE normal takes every other normal client', async () => {
  const s = await startTestServer();
  try {
    const a = await s.client();
    const others = [await s.client(), await s.client()];
    for (const o of others) await o.call('PING');
    assert.equal(await a.callRaw('CLIENT', 'KILL', 'TYPE', 'normal'), ':2\r\n');
    for (const o of others) await o.waitClosed();
    assert.equal(await a.callRaw('PING'), '+PONG\r\n');
    await waitFor(() => s.server.clients.size === 1, 2000, 'killed clients removed');
  } finally {
    await s.stop();
  }
});

test('CLIENT KILL: argument errors', async () => {
  const c = await srv.client();
  const e = (args: string[]) => c.callRaw('CLIENT', 'KILL', ...args);
  assert.equal(await e([]), "-ERR wrong number of arguments for 'client|kill' command\r\n");
  assert.equal(await e(['ID', '0']), '-ERR client-id should be greater than 0\r\n');
  assert.equal(await e(['ID', 'abc']), '-ERR client-id should be greater than 0\r\n');
  assert.equal(await e(['ID', '5', 'TYPE']), '-ERR syntax error\r\n');
  assert.equal(await e(['1.2.3.4:5', 'x']), '-ERR syntax error\r\n');
  assert.equal(await e(['TYPE', 'foo']), "-ERR Unknown client type 'foo'\r\n");
  assert.equal(await e(['USER', 'nobody']), "-ERR No such user 'nobody'\r\n");
  assert.equal(await e(['SKIPME', 'maybe']), '-ERR syntax error\r\n');
  assert.equal(await e(['FOO', 'bar']), '-ERR syntax error\r\n');
  assert.equal(await e(['MAXAGE', '0']), '-ERR maxage should be greater than 0\r\n');
  assert.equal(await e(['MAXAGE', 'x']), '-ERR maxage is not an integer or out of range\r\n');
});

test('CLIENT REPLY OFF / ON / SKIP', async () => {
  const c = await srv.client();
  // OFF and SKIP have no reply of their own; ON answers +OK.
  c.send('CLIENT', 'REPLY', 'OFF');
  c.send('PING');
  c.send('SET', 'rep:k', 'v');
  c.send('NOSUCHCOMMAND');
  c.send('CLIENT', 'REPLY', 'SKIP');
  c.send('PING');
  c.send('CLIENT', 'REPLY', 'ON');
  c.send('ECHO', 'after-on');
  assert.equal(await c.readRaw(), '+OK\r\n');
  assert.equal(await c.readRaw(), '$8\r\nafter-on\r\n');
  assert.equal(await c.call('GET', 'rep:k'), 'v');

  // SKIP drops exactly the next command's reply, errors included.
  c.send('CLIENT', 'REPLY', 'SKIP');
  c.send('ECHO', 'skipped');
  c.send('ECHO', 'one');
  c.send('CLIENT', 'REPLY', 'SKIP');
  c.send('NOSUCHCOMMAND');
  c.send('ECHO', 'two');
  c.send('CLIENT', 'REPLY', 'SKIP');
  c.send('CLIENT', 'REPLY', 'SKIP');
  c.send('ECHO', 'skipped');
  c.send('ECHO', 'three');
  c.send('CLIENT', 'REPLY', 'SKIP');
  c.send('CLIENT', 'REPLY', 'ON');
  c.send('ECHO', 'four');
  c.send('CLIENT', 'REPLY', 'SKIP');
  c.send('MULTI');
  c.send('ECHO', 'five');
  c.send('EXEC');
  assert.equal(await c.readRaw(), '$3\r\none\r\n');
  assert.equal(await c.readRaw(), '$3\r\ntwo\r\n');
  assert.equal(await c.readRaw(), '$5\r\nthree\r\n');
  assert.equal(await c.readRaw(), '+OK\r\n');
  assert.equal(await c.readRaw(), '$4\r\nfour\r\n');
  assert.equal(await c.readRaw(), '+QUEUED\r\n');
  assert.equal(await c.readRaw(), '*1\r\n$4\r\nfive\r\n');
  assert.equal(await c.callRaw('CLIENT', 'REPLY', 'maybe'), '-ERR syntax error\r\n');
  assert.equal(await c.callRaw('CLIENT', 'REPLY'), "-ERR wrong number of arguments for 'client|reply' command\r\n");
  assert.equal(c.unread, '');
});

test('CLIENT PAUSE WRITE holds writes until UNPAUSE while reads answer', async () => {
  const admin = await srv.client();
  const writer = await srv.client();
  const reader = await srv.client();
  await reader.call('SET', 'pause:k', 'before');
  const writerId = (await writer.call('CLIENT', 'ID')) as number;
  assert.equal(await admin.callRaw('CLIENT', 'PAUSE', '20000', 'WRITE'), '+OK\r\n');
  writer.send('SET', 'pause:k', 'after');
  assert.equal(await reader.call('GET', 'pause:k'), 'before');
  assert.equal(await reader.call('PING'), 'PONG');
  const held = (await clientList(admin, 'ID', String(writerId))).get(writerId)!;
  assert.equal(held.get('flags'), 'b');
  assert.equal(held.get('argv-mem'), '15');
  const info = (await admin.call('INFO', 'clients')) as string;
  assert.match(info, /\r\nblocked_clients:0\r\n/);
  assert.equal(writer.unread, '');
  assert.equal(await admin.callRaw('CLIENT', 'UNPAUSE'), '+OK\r\n');
  assert.equal(await writer.readRaw(), '+OK\r\n');
  assert.equal(await reader.call('GET', 'pause:k'), 'after');
  assert.deepEqual(srv.propagated.slice(-1), ['0:SET pause:k after']);
});

test('CLIENT PAUSE ALL holds every command; a pause ends by itself', async () => {
  const admin = await srv.client();
  const other = await srv.client();
  const t0 = Date.now();
  assert.equal(await admin.callRaw('CLIENT', 'PAUSE', '150'), '+OK\r\n');
  other.send('GET', 'pause:none');
  assert.equal(await other.readRaw(), '$-1\r\n');
  assert.ok(Date.now() - t0 >= 140, `held ${Date.now() - t0} ms`);
  // Under PAUSE ALL, as in Redis 7.0, even CLIENT UNPAUSE waits for the end.
  await admin.call('CLIENT', 'PAUSE', '150', 'ALL');
  const t1 = Date.now();
  assert.equal(await other.call('CLIENT', 'UNPAUSE'), 'OK');
  assert.ok(Date.now() - t1 >= 140, `held ${Date.now() - t1} ms`);
  // A shorter pause does not shorten the current one.
  await admin.call('CLIENT', 'PAUSE', '200', 'WRITE');
  await admin.call('CLIENT', 'PAUSE', '10', 'WRITE');
  const t2 = Date.now();
  assert.equal(await other.call('SET', 'pause:w', '1'), 'OK');
  assert.ok(Date.now() - t2 >= 150, `held ${Date.now() - t2} ms`);
  // A timeout beyond what a timer can hold still pauses, until UNPAUSE.
  await admin.call('CLIENT', 'PAUSE', '9223372036854775807', 'WRITE');
  other.send('SET', 'pause:long', '1');
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(other.unread, '');
  await admin.call('CLIENT', 'UNPAUSE');
  assert.equal(await other.readRaw(), '+OK\r\n');
});

test('CLIENT PAUSE argument errors', async () => {
  const c = await srv.client();
  assert.equal(await c.callRaw('CLIENT', 'PAUSE'), "-ERR wrong number of arguments for 'client|pause' command\r\n");
  assert.equal(await c.callRaw('CLIENT', 'PAUSE', 'abc'), '-ERR timeout is not an integer or out of range\r\n');
  assert.equal(await c.callRaw('CLIENT', 'PAUSE', '1.5'), '-ERR timeout is not an integer or out of range\r\n');
  assert.equal(await c.callRaw('CLIENT', 'PAUSE', '-1'), '-ERR timeout is negative\r\n');
  assert.equal(await c.callRaw('CLIENT', 'PAUSE', '10', 'foo'), '-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n');
  assert.equal(await c.callRaw('CLIENT', 'PAUSE', 'abc', 'foo'), '-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n');
  assert.equal(await c.callRaw('CLIENT', 'pause', '10', 'write', 'x'), "-ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.\r\n");
  assert.equal(await c.callRaw('CLIENT', 'PAUSE', '0'), '+OK\r\n');
  assert.equal(await c.callRaw('SET', 'pause:zero', '1'), '+OK\r\n');
  assert.equal(await c.callRaw('CLIENT', 'UNPAUSE', 'x'), "-ERR wrong number of arguments for 'client|unpause' command\r\n");
});

test('CLIENT HELP, unknown subcommands, arity', async () => {
  const c = await srv.client();
  const help = (await c.call('client', 'help')) as string[];
  assert.equal(help[0], 'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
  assert.deepEqual(help.slice(-2), ['HELP', '    Prints this help.']);
  assert.ok(help.includes('SETINFO <option> <value>'));
  assert.ok(help.includes('REPLY (ON|OFF|SKIP)'));
  const raw = await c.callRaw('CLIENT', 'HELP');
  assert.ok(raw.startsWith(`*${help.length}\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+GETNAME\r\n`));
  assert.equal(await c.callRaw('CLIENT'), "-ERR wrong number of arguments for 'client' command\r\n");
  assert.equal(await c.callRaw('CLIENT', 'foo'), "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n");
  assert.equal(await c.callRaw('CLIENT', 'ID', 'x'), "-ERR wrong number of arguments for 'client|id' command\r\n");
  assert.equal(await c.callRaw('CLIENT', 'INFO', 'x'), "-ERR wrong number of arguments for 'client|info' command\r\n");
});
