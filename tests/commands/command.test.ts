import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { RespClient, RespError, type RespValue } from '../helpers/resp-client.js';
import { Command, type CommandSpec } from '../../src/commands/types.js';
import { commandKeys, legacyRange, keySpecsOf } from '../../src/commands/keyspecs.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv.stop();
});

async function resp3(): Promise<RespClient> {
  const c = await srv.client();
  await c.call('HELLO', '3');
  return c;
}

/** Every full name in the table: commands, then "container|sub" names. */
function tableNames(): string[] {
  const names: string[] = [];
  for (const cmd of srv.server.commands.all()) {
    names.push(cmd.fullName);
    if (cmd.subcommands) for (const s of cmd.subcommands.values()) names.push(s.fullName);
  }
  return names;
}

// Exact replies of a real Redis 7.0.15 (Debian 5:7.0.15-1~deb12u10) to the same requests.
const INFO_GET = {
  2: '*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n',
  3: '*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n',
};
const INFO_SET = {
  2: '*1\r\n*10\r\n$3\r\nset\r\n:-3\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@string\r\n+@slow\r\n*0\r\n*1\r\n*8\r\n$5\r\nnotes\r\n$48\r\nRW and ACCESS due to the optional `GET` argument\r\n$5\r\nflags\r\n*4\r\n+RW\r\n+access\r\n+update\r\n+variable_flags\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n',
  3: '*1\r\n*10\r\n$3\r\nset\r\n:-3\r\n~2\r\n+write\r\n+denyoom\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@write\r\n+@string\r\n+@slow\r\n~0\r\n~1\r\n%4\r\n$5\r\nnotes\r\n$48\r\nRW and ACCESS due to the optional `GET` argument\r\n$5\r\nflags\r\n~4\r\n+RW\r\n+access\r\n+update\r\n+variable_flags\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n',
};
const INFO_CONFIG_GET = {
  2: '*1\r\n*10\r\n$10\r\nconfig|get\r\n:-3\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n*0\r\n*0\r\n*0\r\n',
  3: '*1\r\n*10\r\n$10\r\nconfig|get\r\n:-3\r\n~4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n~3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n~0\r\n~0\r\n~0\r\n',
};
const INFO_COMMAND_LIST = {
  2: '*1\r\n*10\r\n$12\r\ncommand|list\r\n:-2\r\n*2\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@slow\r\n+@connection\r\n*1\r\n$29\r\nnondeterministic_output_order\r\n*0\r\n*0\r\n',
  3: '*1\r\n*10\r\n$12\r\ncommand|list\r\n:-2\r\n~2\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n~2\r\n+@slow\r\n+@connection\r\n~1\r\n$29\r\nnondeterministic_output_order\r\n~0\r\n~0\r\n',
};
const DOCS_COMMAND_LIST = {
  2: '*2\r\n$12\r\ncommand|list\r\n*10\r\n$7\r\nsummary\r\n$35\r\nGet an array of Redis command names\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$50\r\nO(N) where N is the total number of Redis commands\r\n$9\r\narguments\r\n*1\r\n*10\r\n$4\r\nname\r\n$8\r\nfilterby\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\ntoken\r\n$8\r\nFILTERBY\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*3\r\n*6\r\n$4\r\nname\r\n$11\r\nmodule-name\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\ntoken\r\n$6\r\nMODULE\r\n*6\r\n$4\r\nname\r\n$8\r\ncategory\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\ntoken\r\n$6\r\nACLCAT\r\n*6\r\n$4\r\nname\r\n$7\r\npattern\r\n$4\r\ntype\r\n$7\r\npattern\r\n$5\r\ntoken\r\n$7\r\nPATTERN\r\n',
  3: '%1\r\n$12\r\ncommand|list\r\n%5\r\n$7\r\nsummary\r\n$35\r\nGet an array of Redis command names\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$50\r\nO(N) where N is the total number of Redis commands\r\n$9\r\narguments\r\n*1\r\n%5\r\n$4\r\nname\r\n$8\r\nfilterby\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\ntoken\r\n$8\r\nFILTERBY\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*3\r\n%3\r\n$4\r\nname\r\n$11\r\nmodule-name\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\ntoken\r\n$6\r\nMODULE\r\n%3\r\n$4\r\nname\r\n$8\r\ncategory\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\ntoken\r\n$6\r\nACLCAT\r\n%3\r\n$4\r\nname\r\n$7\r\npattern\r\n$4\r\ntype\r\n$7\r\npattern\r\n$5\r\ntoken\r\n$7\r\nPATTERN\r\n',
};
const DOCS_COMMAND_INFO = {
  2: '*2\r\n$12\r\ncommand|info\r\n*12\r\n$7\r\nsummary\r\n$78\r\nGet array of specific Redis command details, or all when no argument is given.\r\n$5\r\nsince\r\n$6\r\n2.8.13\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$49\r\nO(N) where N is the number of commands to look up\r\n$7\r\nhistory\r\n*1\r\n*2\r\n$5\r\n7.0.0\r\n$66\r\nAllowed to be called with no argument to get info on all commands.\r\n$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$12\r\ncommand-name\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\nflags\r\n*2\r\n+optional\r\n+multiple\r\n',
  3: '%1\r\n$12\r\ncommand|info\r\n%6\r\n$7\r\nsummary\r\n$78\r\nGet array of specific Redis command details, or all when no argument is given.\r\n$5\r\nsince\r\n$6\r\n2.8.13\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$49\r\nO(N) where N is the number of commands to look up\r\n$7\r\nhistory\r\n~1\r\n*2\r\n$5\r\n7.0.0\r\n$66\r\nAllowed to be called with no argument to get info on all commands.\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\nname\r\n$12\r\ncommand-name\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\nflags\r\n~2\r\n+optional\r\n+multiple\r\n',
};
const DOCS_DEBUG = {
  2: '*2\r\n$5\r\ndebug\r\n*10\r\n$7\r\nsummary\r\n$34\r\nA container for debugging commands\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$22\r\nDepends on subcommand.\r\n$9\r\ndoc_flags\r\n*1\r\n+syscmd\r\n',
  3: '%1\r\n$5\r\ndebug\r\n%5\r\n$7\r\nsummary\r\n$34\r\nA container for debugging commands\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$22\r\nDepends on subcommand.\r\n$9\r\ndoc_flags\r\n~1\r\n+syscmd\r\n',
};

test('COMMAND COUNT is the number of top-level commands in the table; COMMAND lists them all', async () => {
  const c = await srv.client();
  const size = srv.server.commands.size;
  assert.ok(size > 20);
  assert.equal(await c.callRaw('COMMAND', 'COUNT'), `:${size}\r\n`);
  for (const argv of [['COMMAND'], ['COMMAND', 'INFO']]) {
    const all = (await c.call(...argv)) as RespValue[][];
    assert.equal(all.length, size);
    assert.ok(all.every((e) => e.length === 10));
    assert.deepEqual(all.map((e) => e[0]).sort(), [...srv.server.commands.all()].map((x) => x.fullName).sort());
  }
});

test('COMMAND INFO get / set / config|get: the exact bytes of Redis 7.0 in RESP2 and RESP3', async () => {
  const c2 = await srv.client();
  const c3 = await resp3();
  for (const [c, p] of [[c2, 2], [c3, 3]] as const) {
    assert.equal(await c.callRaw('COMMAND', 'INFO', 'get'), INFO_GET[p]);
    assert.equal(await c.callRaw('COMMAND', 'INFO', 'config|get'), INFO_CONFIG_GET[p]);
    assert.equal(await c.callRaw('COMMAND', 'INFO', 'command|list'), INFO_COMMAND_LIST[p]);
    assert.equal(await c.callRaw('COMMAND', 'INFO', 'set'), INFO_SET[p]);
  }
});

test('COMMAND INFO: unknown names are nil entries; names are case-insensitive, "a|b" reaches subcommands', async () => {
  const c = await srv.client();
  assert.equal(await c.callRaw('COMMAND', 'INFO', 'nosuch'), '*1\r\n$-1\r\n');
  const c3 = await resp3();
  assert.equal(await c3.callRaw('COMMAND', 'INFO', 'nosuch'), '*1\r\n_\r\n');
  const r = (await c.call('COMMAND', 'INFO', 'GET', 'Config|Get', 'get|x', 'config|nosuch', 'a|b|c', '')) as RespValue[];
  assert.equal(r.length, 6);
  assert.equal((r[0] as RespValue[])[0], 'get');
  assert.equal((r[1] as RespValue[])[0], 'config|get');
  assert.deepEqual(r.slice(2), [null, null, null, null]);
  // A container lists its subcommands as full entries.
  const [config] = (await c.call('COMMAND', 'INFO', 'config')) as RespValue[][];
  const subs = config![9] as RespValue[][];
  assert.ok(subs.length >= 2);
  assert.ok(subs.every((s) => typeof s[0] === 'string' && s[0].startsWith('config|') && s.length === 10));
});

test('COMMAND DOCS: exact documentation maps; unknown names are left out', async () => {
  const c2 = await srv.client();
  const c3 = await resp3();
  for (const [c, p] of [[c2, 2], [c3, 3]] as const) {
    assert.equal(await c.callRaw('COMMAND', 'DOCS', 'command|list'), DOCS_COMMAND_LIST[p]);
    assert.equal(await c.callRaw('COMMAND', 'DOCS', 'command|info'), DOCS_COMMAND_INFO[p]);
    assert.equal(await c.callRaw('COMMAND', 'DOCS', 'debug'), DOCS_DEBUG[p]);
  }
  assert.equal(await c2.callRaw('COMMAND', 'DOCS', 'nosuch', 'get|x', 'a|b|c'), '*0\r\n');
  assert.equal(await c3.callRaw('COMMAND', 'DOCS', 'nosuch'), '%0\r\n');
});

test('COMMAND DOCS without names: a map of every command to its docs, containers with their subcommands', async () => {
  const c3 = await resp3();
  const docs = (await c3.call('COMMAND', 'DOCS')) as Map<RespValue, RespValue>;
  assert.ok(docs instanceof Map);
  assert.deepEqual([...docs.keys()].sort(), [...srv.server.commands.all()].map((x) => x.fullName).sort());
  for (const [name, doc] of docs) {
    assert.ok(doc instanceof Map, `${String(name)} docs must be a map`);
    assert.equal(typeof doc.get('group'), 'string', `${String(name)} has a group`);
    const cmd = srv.server.commands.lookup(name as string)!;
    if (cmd.subcommands) {
      const subs = doc.get('subcommands') as Map<RespValue, RespValue>;
      assert.deepEqual([...subs.keys()].sort(), [...cmd.subcommands.values()].map((s) => s.fullName).sort());
    } else {
      assert.equal(doc.has('subcommands'), false);
    }
  }
  // RESP2: the same as a flat array of name, docs pairs.
  const c2 = await srv.client();
  const flat = (await c2.call('COMMAND', 'DOCS')) as RespValue[];
  assert.equal(flat.length, 2 * srv.server.commands.size);
});

test('COMMAND GETKEYS / GETKEYSANDFLAGS and their errors', async () => {
  const c = await srv.client();
  assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'get', 'k'), ['k']);
  assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2'), ['a', 'b']);
  // Negative arity: the range runs to the end whatever the pairs look like (as Redis).
  assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'mset', 'a', '1', 'b'), ['a', 'b']);
  assert.equal(await c.callRaw('COMMAND', 'GETKEYSANDFLAGS', 'get', 'k'), '*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n');
  const c3 = await resp3();
  assert.equal(await c3.callRaw('COMMAND', 'GETKEYSANDFLAGS', 'get', 'k'), '*1\r\n*2\r\n$1\r\nk\r\n~2\r\n+RO\r\n+access\r\n');

  assert.equal(await c.callRaw('COMMAND', 'GETKEYS', 'nosuch', 'a'), '-ERR Invalid command specified\r\n');
  assert.equal(await c.callRaw('COMMAND', 'GETKEYS', 'config', 'nosuch'), '-ERR Invalid command specified\r\n');
  assert.equal(await c.callRaw('COMMAND', 'GETKEYS', 'ping', 'x'), '-ERR The command has no key arguments\r\n');
  assert.equal(await c.callRaw('COMMAND', 'GETKEYS', 'config', 'get', 'x'), '-ERR The command has no key arguments\r\n');
  assert.equal(await c.callRaw('COMMAND', 'GETKEYS', 'get', 'a', 'b'), '-ERR Invalid number of arguments specified for command\r\n');
  assert.equal(await c.callRaw('COMMAND', 'GETKEYS', 'get'), "-ERR wrong number of arguments for 'command|getkeys' command\r\n");
});

test('key specs: keyword and key-count specs, several specs, legacy first/last/step and movablekeys', () => {
  const base = { flags: ['write'], group: 'generic', since: '1.0.0', summary: '' } as const;
  // ZUNIONSTORE destination numkeys key [key ...]
  const zunionstore = new Command({
    ...base,
    name: 'zunionstore',
    arity: -4,
    keySpecs: [
      { flags: ['OW', 'update'], beginSearch: { index: 1 }, findKeys: { lastKey: 0, keyStep: 1, limit: 0 } },
      { flags: ['RO', 'access'], beginSearch: { index: 2 }, findKeys: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } },
    ],
  } satisfies CommandSpec);
  assert.deepEqual(
    commandKeys(zunionstore, ['zunionstore', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '2']).map((k) => [k.pos, k.flags.join(' ')]),
    [
      [1, 'OW update'],
      [3, 'RO access'],
      [4, 'RO access'],
    ],
  );
  assert.deepEqual(commandKeys(zunionstore, ['zunionstore', 'd', '5', 'a']), []);
  assert.deepEqual(commandKeys(zunionstore, ['zunionstore', 'd', 'x', 'a']), []);
  // Redis prints first 1, last 1, step 1 plus movablekeys for such a command.
  assert.deepEqual(legacyRange(keySpecsOf(zunionstore.spec)), { first: 1, last: 1, step: 1, movable: true });

  // SINTERSTORE destination key [key ...]: two consecutive ranges fold into 1..-1.
  const sinterstore: CommandSpec = {
    ...base,
    name: 'sinterstore',
    arity: -3,
    keySpecs: [
      { flags: ['RW', 'update'], beginSearch: { index: 1 }, findKeys: { lastKey: 0, keyStep: 1, limit: 0 } },
      { flags: ['RO', 'access'], beginSearch: { index: 2 }, findKeys: { lastKey: -1, keyStep: 1, limit: 0 } },
    ],
  };
  assert.deepEqual(legacyRange(keySpecsOf(sinterstore)), { first: 1, last: -1, step: 1, movable: false });

  // GEORADIUSBYMEMBER key member radius unit ... [STORE key] [STOREDIST key]
  const georadius = new Command({
    ...base,
    name: 'georadiusbymember',
    arity: -5,
    keySpecs: [
      { flags: ['RO', 'access'], beginSearch: { index: 1 }, findKeys: { lastKey: 0, keyStep: 1, limit: 0 } },
      { flags: ['OW', 'update'], beginSearch: { keyword: 'STORE', startFrom: 5 }, findKeys: { lastKey: 0, keyStep: 1, limit: 0 } },
    ],
  } satisfies CommandSpec);
  assert.deepEqual(
    commandKeys(georadius, ['georadiusbymember', 'g', 'm', '1', 'km', 'store', 'dst']).map((k) => k.pos),
    [1, 6],
  );
  assert.deepEqual(commandKeys(georadius, ['georadiusbymember', 'g', 'm', '1', 'km']).map((k) => k.pos), [1]);
  assert.deepEqual(legacyRange(keySpecsOf(georadius.spec)), { first: 1, last: 1, step: 1, movable: true });

  // A plain `keys` range becomes one index/range spec (lastkey relative to the first key).
  const mset: CommandSpec = { ...base, name: 'mset', arity: -3, keys: { first: 1, last: -1, step: 2 }, keyFlags: ['OW', 'update'] };
  assert.deepEqual(keySpecsOf(mset), [
    { flags: ['OW', 'update'], beginSearch: { index: 1 }, findKeys: { lastKey: -1, keyStep: 2, limit: 0 } },
  ]);
  assert.deepEqual(legacyRange(keySpecsOf(mset)), { first: 1, last: -1, step: 2, movable: false });
});

test('COMMAND LIST with and without FILTERBY', async () => {
  const c = await srv.client();
  const all = (await c.call('COMMAND', 'LIST')) as string[];
  assert.deepEqual([...all].sort(), tableNames().sort());
  assert.ok(all.includes('command|list') && all.includes('config|get'));

  const configs = (await c.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'CONFIG*')) as string[];
  assert.deepEqual([...configs].sort(), tableNames().filter((n) => n.startsWith('config')).sort());
  const tx = (await c.call('COMMAND', 'LIST', 'filterby', 'aclcat', 'Transaction')) as string[];
  assert.deepEqual([...tx].sort(), ['discard', 'exec', 'multi', 'unwatch', 'watch']);
  assert.equal(await c.callRaw('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', '@string'), '*0\r\n');
  assert.equal(await c.callRaw('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'nosuch'), '*0\r\n');
  assert.equal(await c.callRaw('COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x'), '*0\r\n');
  for (const argv of [
    ['FILTERBY'],
    ['FILTERBY', 'foo', 'bar'],
    ['x'],
    ['FILTERBY', 'PATTERN', 'a', 'FILTERBY', 'PATTERN', 'b'],
  ]) {
    assert.equal(await c.callRaw('COMMAND', 'LIST', ...argv), '-ERR syntax error\r\n');
  }
});

test('COMMAND HELP, arity and unknown subcommands', async () => {
  const c = await srv.client();
  const help = (await c.call('COMMAND', 'HELP')) as string[];
  assert.equal(help.length, 21);
  assert.equal(help[0], 'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
  assert.deepEqual(help.slice(-2), ['HELP', '    Prints this help.']);
  assert.equal(await c.callRaw('COMMAND', 'foo'), "-ERR unknown subcommand 'foo'. Try COMMAND HELP.\r\n");
  assert.equal(await c.callRaw('COMMAND', 'COUNT', 'x'), "-ERR wrong number of arguments for 'command|count' command\r\n");
  assert.equal(await c.callRaw('COMMAND', 'HELP', 'x'), "-ERR wrong number of arguments for 'command|help' command\r\n");
  assert.ok((await c.call('COMMAND', 'GETKEYS')) instanceof RespError);
});

// ---- the real redis-cli ----------------------------------------------------------------------

const hasRedisCli = spawnSync('redis-cli', ['--version']).status === 0;
const noCli = hasRedisCli ? false : 'redis-cli not installed (apt-get install redis-tools)';

/** Runs redis-cli with `args`, feeding `input` on stdin; resolves with its exit code and output. */
function runCli(args: string[], input: string, timeoutMs = 10_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('redis-cli', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    p.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')));
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`redis-cli timed out; output: ${out}`));
    }, timeoutMs);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
    p.stdin.end(input);
  });
}

test('redis-cli runs piped commands against nodis', { skip: noCli }, async () => {
  const r = await runCli(['-p', String(srv.port)], 'SET cli:a 1\nGET cli:a\nCOMMAND COUNT\n');
  assert.equal(r.code, 0, r.out);
  assert.equal(r.out, `OK\n1\n${srv.server.commands.size}\n`);
});

test('interactive redis-cli loads COMMAND DOCS on connect and keeps working', { skip: noCli }, async () => {
  // A pseudo-terminal makes redis-cli interactive: it then fetches COMMAND DOCS for its help
  // and hints (and would abort on a malformed reply). `script` (util-linux) provides the pty.
  const docs = srv.server.commands.lookup('command')!.subcommands!.get('docs')!;
  const docsCallsBefore = docs.calls;
  const prompt = `127.0.0.1:${srv.port}> `;
  const p = spawn('script', ['-qec', `stty cols 200 rows 50; redis-cli -p ${srv.port}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  /** Resolves with the offset just past `text`, once redis-cli printed it after offset `from`. */
  const waitFor = (text: string, from: number) =>
    new Promise<number>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`redis-cli never printed ${JSON.stringify(text)}; output: ${JSON.stringify(out)}`)), 10_000);
      const check = () => {
        const at = out.indexOf(text, from);
        if (at >= 0) {
          clearTimeout(deadline);
          p.stdout.off('data', check);
          resolve(at + text.length);
        }
      };
      p.stdout.on('data', check);
      check();
    });
  // linenoise flushes pending input when it enters raw mode: type only once a prompt is shown.
  const type = async (line: string, expect: string) => {
    const from = out.length;
    p.stdin.write(`${line}\r`);
    const after = await waitFor(expect, from);
    await waitFor(prompt, after);
  };
  p.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const exited = new Promise<number | null>((resolve) => p.on('close', resolve));
  try {
    await waitFor(prompt, 0);
    await type('SET cli:b 2', 'OK');
    await type('GET cli:b', '"2"');
    // The help text comes from our COMMAND DOCS reply.
    await type('help command list', 'Get an array of Redis command names');
    p.stdin.write('quit\r');
    p.stdin.end();
    assert.equal(await exited, 0, out);
  } finally {
    p.kill('SIGKILL');
  }
  assert.ok(docs.calls > docsCallsBefore, 'redis-cli sent COMMAND DOCS');
  assert.ok(out.includes('COMMAND LIST'), out);
});
