// KEYS and SCAN over real TCP: reply bytes, cursor and option errors, MATCH / COUNT / TYPE,
// expired keys, and the SCAN guarantee under concurrent writes.

import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { RespClient, RespValue } from '../helpers/resp-client.js';

let srv: TestServer;
let c2: RespClient;
let c3: RespClient;

before(async () => {
  srv = await startTestServer();
  c2 = await srv.client();
  c3 = await srv.client();
  await c3.call('HELLO', '3');
});
after(async () => {
  await srv.stop();
});
beforeEach(async () => {
  srv.server.expireCycle.enabled = true;
  await c2.call('FLUSHALL');
  srv.clearPropagated();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs SCAN from cursor 0 back to 0 with the given options; returns every key returned. */
async function scanAll(c: RespClient, ...opts: string[]): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  for (let i = 0; i < 100000; i++) {
    const [next, keys] = (await c.call('SCAN', cursor, ...opts)) as [string, string[]];
    out.push(...keys);
    cursor = next;
    if (cursor === '0') return out;
  }
  throw new Error('SCAN did not finish');
}

test('SCAN reply shape is the same array in RESP2 and RESP3', async () => {
  assert.equal(await c2.callRaw('SCAN', '0'), '*2\r\n$1\r\n0\r\n*0\r\n');
  assert.equal(await c3.callRaw('SCAN', '0'), '*2\r\n$1\r\n0\r\n*0\r\n');
  await c2.call('SET', 'a', '1');
  await c2.call('SET', 'bb', '1');
  assert.equal(await c2.callRaw('SCAN', '0'), '*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$2\r\nbb\r\n');
  assert.equal(await c3.callRaw('SCAN', '0'), '*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$2\r\nbb\r\n');
});

test('SCAN cursor parsing follows strtoul', async () => {
  for (const bad of ['', ' 0', '0 ', '0x', 'abc', '1.5', '-', '+', '18446744073709551616']) {
    assert.equal(await c2.callRaw('SCAN', bad), '-ERR invalid cursor\r\n', JSON.stringify(bad));
  }
  await c2.call('SET', 'a', '1');
  assert.equal(await c2.callRaw('SCAN', '+0'), '*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n');
  assert.equal(await c2.callRaw('SCAN', '-0'), '*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n');
  assert.equal(await c2.callRaw('SCAN', '00'), '*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n');
  // Valid but beyond any position: an empty, finished step.
  assert.equal(await c2.callRaw('SCAN', '18446744073709551615'), '*2\r\n$1\r\n0\r\n*0\r\n');
  assert.equal(await c2.callRaw('SCAN'), "-ERR wrong number of arguments for 'scan' command\r\n");
});

test('SCAN option errors', async () => {
  assert.equal(await c2.callRaw('SCAN', '0', 'COUNT', '0'), '-ERR syntax error\r\n');
  assert.equal(await c2.callRaw('SCAN', '0', 'COUNT', '-1'), '-ERR syntax error\r\n');
  assert.equal(await c2.callRaw('SCAN', '0', 'COUNT', 'x'), '-ERR value is not an integer or out of range\r\n');
  assert.equal(await c2.callRaw('SCAN', '0', 'COUNT'), '-ERR syntax error\r\n');
  assert.equal(await c2.callRaw('SCAN', '0', 'MATCH'), '-ERR syntax error\r\n');
  assert.equal(await c2.callRaw('SCAN', '0', 'TYPE'), '-ERR syntax error\r\n');
  assert.equal(await c2.callRaw('SCAN', '0', 'foo', 'bar'), '-ERR syntax error\r\n');
  assert.equal(await c2.callRaw('SCAN', 'x', 'foo'), '-ERR invalid cursor\r\n');
});

test('SCAN COUNT bounds each step; a full iteration returns every key exactly once', async () => {
  const keys: string[] = [];
  for (let i = 0; i < 250; i++) keys.push(`key:${i}`);
  for (const k of keys) c2.send('SET', k, 'v');
  for (const _ of keys) await c2.read();
  const [cursor, first] = (await c2.call('SCAN', '0', 'COUNT', '7')) as [string, string[]];
  assert.notEqual(cursor, '0');
  assert.ok(first.length <= 7 && first.length > 0);
  for (const count of ['1', '10', '1000', '9223372036854775807']) {
    const all = await scanAll(c2, 'COUNT', count);
    assert.equal(all.length, keys.length, `COUNT ${count}`);
    assert.deepEqual([...all].sort(), [...keys].sort());
  }
});

test('SCAN MATCH and TYPE filter (options in any order, case-insensitive)', async () => {
  for (const k of ['user:1', 'user:2', 'user:10', 'other', 'usr:3']) await c2.call('SET', k, 'v');
  assert.deepEqual((await scanAll(c2, 'MATCH', 'user:?')).sort(), ['user:1', 'user:2']);
  assert.deepEqual((await scanAll(c2, 'match', 'us*r:*', 'count', '2')).sort(), ['user:1', 'user:10', 'user:2', 'usr:3']);
  assert.deepEqual((await scanAll(c2, 'MATCH', '*')).length, 5);
  assert.deepEqual((await scanAll(c2, 'TYPE', 'STRING')).length, 5);
  assert.deepEqual((await scanAll(c2, 'type', 'string', 'MATCH', 'o*')).sort(), ['other']);
  // An unknown type name is no error in 7.0: it just matches nothing.
  assert.deepEqual(await scanAll(c2, 'TYPE', 'list'), []);
  assert.deepEqual(await scanAll(c2, 'TYPE', 'nosuchtype'), []);
  // The last occurrence of an option wins.
  assert.deepEqual((await scanAll(c2, 'MATCH', 'zzz', 'MATCH', 'other')).sort(), ['other']);
});

test('SCAN skips expired keys, deleting them (each logged as DEL)', async () => {
  srv.server.expireCycle.enabled = false;
  await c2.call('SET', 'live', 'v');
  await c2.call('SET', 'gone1', 'v', 'PX', '1');
  await c2.call('SET', 'gone2', 'v', 'PX', '1');
  await sleep(5);
  srv.clearPropagated();
  assert.deepEqual(await scanAll(c2), ['live']);
  assert.deepEqual(
    srv.propagated.filter((op) => op.includes('DEL')),
    ['0:DEL gone1', '0:DEL gone2'],
  );
  assert.equal(await c2.call('DBSIZE'), 1);
});

test(
  'SCAN and RANDOMKEY log the DELs of keys they expire bare, not wrapped in MULTI/EXEC',
  async () => {
    srv.server.expireCycle.enabled = false;
    await c2.call('SET', 'live', 'v');
    await c2.call('SET', 'gone1', 'v', 'PX', '1');
    await c2.call('SET', 'gone2', 'v', 'PX', '1');
    await sleep(5);
    srv.clearPropagated();
    await c2.call('SCAN', '0');
    assert.deepEqual(srv.propagated, ['0:DEL gone1', '0:DEL gone2']);
    await c2.call('SET', 'r1', 'v', 'PX', '1');
    await c2.call('SET', 'r2', 'v', 'PX', '1');
    await c2.call('DEL', 'live');
    await sleep(5);
    srv.clearPropagated();
    assert.equal(await c2.call('RANDOMKEY'), null);
    assert.deepEqual([...srv.propagated].sort(), ['0:DEL r1', '0:DEL r2']);
  },
);

test('SCAN TYPE none returns a key the filter itself just expired (Redis 7.0 quirk)', async () => {
  srv.server.expireCycle.enabled = false;
  await c2.call('SET', 'live', 'v');
  await c2.call('SET', 'gone', 'v', 'PX', '1');
  await sleep(5);
  assert.deepEqual(await scanAll(c2, 'TYPE', 'none'), ['gone']);
  assert.equal(await c2.call('DBSIZE'), 1);
});

test('SCAN TYPE counts keyspace hits; plain SCAN does not', async () => {
  await c2.call('SET', 'a', '1');
  await c2.call('SET', 'b', '1');
  const stats = srv.server.keyspace.stats;
  const hits = stats.hits;
  await scanAll(c2);
  assert.equal(stats.hits, hits);
  await scanAll(c2, 'TYPE', 'string');
  assert.equal(stats.hits, hits + 2);
});

test('SCAN guarantee over TCP: keys present throughout are returned while others churn', async () => {
  const stable = new Set<string>();
  for (let i = 0; i < 300; i++) {
    stable.add(`s:${i}`);
    c2.send('SET', `s:${i}`, 'v');
  }
  for (let i = 0; i < 300; i++) await c2.read();
  const seen = new Set<string>();
  let cursor = '0';
  let step = 0;
  do {
    const [next, keys] = (await c2.call('SCAN', cursor, 'COUNT', '5')) as [string, string[]];
    for (const k of keys) seen.add(k);
    cursor = next;
    // Another client adds, deletes and overwrites keys between steps.
    await c3.call('SET', `churn:${step}`, 'v');
    await c3.call('DEL', `churn:${step - 3}`);
    await c3.call('SET', `s:${(step * 7) % 300}`, 'overwritten');
    step++;
  } while (cursor !== '0' && step < 10000);
  for (const k of stable) assert.ok(seen.has(k), `missed ${k}`);
});

// ---- KEYS -------------------------------------------------------------------------------

test('KEYS: glob patterns, same bytes in RESP2 and RESP3', async () => {
  for (const k of ['hello', 'hallo', 'hxllo', 'hllo', 'heeeello', 'h*llo', 'h?llo', 'a[b]c', 'x\\y']) await c2.call('SET', k, '1');
  const keys = async (pattern: string) => ((await c2.call('KEYS', pattern)) as RespValue[]).map(String).sort();
  assert.deepEqual(await keys('h?llo'), ['h*llo', 'h?llo', 'hallo', 'hello', 'hxllo']);
  assert.deepEqual(await keys('h*llo'), ['h*llo', 'h?llo', 'hallo', 'heeeello', 'hello', 'hllo', 'hxllo']);
  assert.deepEqual(await keys('h[ae]llo'), ['hallo', 'hello']);
  assert.deepEqual(await keys('h[^e]llo'), ['h*llo', 'h?llo', 'hallo', 'hxllo']);
  assert.deepEqual(await keys('h[a-b]llo'), ['hallo']);
  assert.deepEqual(await keys('h\\*llo'), ['h*llo']);
  assert.deepEqual(await keys('h\\?llo'), ['h?llo']);
  assert.deepEqual(await keys('a\\[b\\]c'), ['a[b]c']);
  assert.deepEqual(await keys('x\\\\y'), ['x\\y']);
  assert.deepEqual(await keys('nomatch*'), []);
  assert.equal((await keys('*')).length, 9);
  await c2.call('FLUSHALL');
  await c2.call('SET', 'one', '1');
  assert.equal(await c2.callRaw('KEYS', '*'), '*1\r\n$3\r\none\r\n');
  assert.equal(await c3.callRaw('KEYS', 'o*'), '*1\r\n$3\r\none\r\n');
  assert.equal(await c3.callRaw('KEYS', 'x*'), '*0\r\n');
  assert.equal(await c2.callRaw('KEYS'), "-ERR wrong number of arguments for 'keys' command\r\n");
});

test('KEYS skips expired keys without deleting them or logging anything', async () => {
  srv.server.expireCycle.enabled = false;
  await c2.call('SET', 'live', 'v');
  await c2.call('SET', 'gone', 'v', 'PX', '1');
  await sleep(5);
  srv.clearPropagated();
  assert.deepEqual(await c2.call('KEYS', '*'), ['live']);
  assert.equal(await c2.call('DBSIZE'), 2);
  assert.deepEqual(srv.propagated, []);
});

test('KEYS and SCAN only see the selected database', async () => {
  await c2.call('SET', 'in0', '1');
  await c3.call('SELECT', '4');
  await c3.call('SET', 'in4', '1');
  assert.deepEqual(await c2.call('KEYS', '*'), ['in0']);
  assert.deepEqual(await c3.call('KEYS', '*'), ['in4']);
  assert.deepEqual(await scanAll(c3), ['in4']);
  await c3.call('SELECT', '0');
});
