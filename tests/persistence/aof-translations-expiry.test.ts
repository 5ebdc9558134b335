// What lands in the INCR file, checked on the file's bytes (not on srv.propagated): expiry
// (aof-contract.md §1.3, §2.6): relative times made absolute (the EXPIRE family, SET EX / PX /
// EXAT, SETEX / PSETEX, GETEX; absolute times from relative TTLs checked against the window
// [sent + ttl, replied + ttl]), times already past written as DEL, and keys that expire: lazily
// (a DEL, or MULTI / DEL / the command / EXEC, also inside a transaction) and actively (one
// DEL per key, never in MULTI).
//
// Each scenario runs on nodis (appendfsync always) and, as a second test, on a real
// redis-server 7.0.15 with the same settings (skipped only when the binary is missing): both must
// give exactly the expected bytes (tests/helpers/aof-translations.ts).

import assert from 'node:assert/strict';
import { waitFor } from '../helpers/server.js';
import { aofItems } from '../helpers/aof-files.js';
import { ok } from '../helpers/calls.js';
import { setExpiring, timed, useScenarios, waitPast, within, type Expected } from '../helpers/aof-translations.js';

const scenario = useScenarios('nodis-aof-translations-expiry-');

// ---- relative times made absolute ----------------------------------------------------------------

scenario('EXPIRE / PEXPIRE / EXPIREAT become PEXPIREAT with absolute ms; PEXPIREAT stays as sent', async ({ c }) => {
  await ok(c, 'SET', 'k', 'v');
  const e = await timed(c, 'EXPIRE', 'k', 1000);
  const p = await timed(c, 'PEXPIRE', 'k', 2_000_000);
  await ok(c, 'EXPIREAT', 'k', 4102444800);
  await ok(c, 'PEXPIREAT', 'k', '4102444800123');
  const lower = await timed(c, 'expire', 'k', 3000); // lower case command name
  return [
    ['SET', 'k', 'v'],
    ['PEXPIREAT', 'k', within(e.t0 + 1_000_000, e.t1 + 1_000_000)],
    ['PEXPIREAT', 'k', within(p.t0 + 2_000_000, p.t1 + 2_000_000)],
    ['PEXPIREAT', 'k', '4102444800000'],
    ['PEXPIREAT', 'k', '4102444800123'],
    ['PEXPIREAT', 'k', within(lower.t0 + 3_000_000, lower.t1 + 3_000_000)],
  ];
});

scenario('the EXPIRE family keeps NX / XX / GT / LT (as sent) after the absolute time, and writes nothing when the condition fails', async ({ c }) => {
  await ok(c, 'SET', 'k', 'v');
  const nx = await timed(c, 'EXPIRE', 'k', 1000, 'NX');
  await ok(c, 'EXPIRE', 'k', 2000, 'NX'); // has a TTL: nothing
  const xx = await timed(c, 'EXPIRE', 'k', 3000, 'xx');
  await ok(c, 'EXPIRE', 'k', 1000, 'GT'); // not greater: nothing
  const gt = await timed(c, 'PEXPIRE', 'k', 4_000_000, 'GT');
  await ok(c, 'EXPIRE', 'k', 5000, 'LT'); // not lower: nothing
  const lt = await timed(c, 'EXPIRE', 'k', 500, 'Lt');
  await ok(c, 'EXPIREAT', 'k', 4102444800, 'GT');
  await ok(c, 'PEXPIREAT', 'k', '4102444800001', 'XX');
  await ok(c, 'SET', 'n', 'v');
  await ok(c, 'EXPIRE', 'n', 100, 'XX'); // no TTL: nothing
  await ok(c, 'EXPIRE', 'n', 100, 'GT'); // no TTL counts as infinite: nothing
  const lt2 = await timed(c, 'EXPIRE', 'n', 100, 'LT');
  return [
    ['SET', 'k', 'v'],
    ['PEXPIREAT', 'k', within(nx.t0 + 1_000_000, nx.t1 + 1_000_000), 'NX'],
    ['PEXPIREAT', 'k', within(xx.t0 + 3_000_000, xx.t1 + 3_000_000), 'xx'],
    ['PEXPIREAT', 'k', within(gt.t0 + 4_000_000, gt.t1 + 4_000_000), 'GT'],
    ['PEXPIREAT', 'k', within(lt.t0 + 500_000, lt.t1 + 500_000), 'Lt'],
    ['PEXPIREAT', 'k', '4102444800000', 'GT'],
    ['PEXPIREAT', 'k', '4102444800001', 'XX'],
    ['SET', 'n', 'v'],
    ['PEXPIREAT', 'n', within(lt2.t0 + 100_000, lt2.t1 + 100_000), 'LT'],
  ];
});

scenario('an EXPIRE-family time already past deletes the key and is written as DEL', async ({ c }) => {
  const out: Expected[] = [];
  for (const [k, cmd] of [
    ['a', ['EXPIRE', 'a', -1]],
    ['b', ['EXPIREAT', 'b', 1]],
    ['c', ['PEXPIRE', 'c', 0]],
    ['d', ['PEXPIREAT', 'd', Date.now() - 1000]],
    ['e', ['EXPIRE', 'e', -100, 'NX']],
  ] as [string, (string | number)[]][]) {
    await ok(c, 'SET', k, 'v');
    assert.equal(await ok(c, ...cmd), 1);
    assert.equal(await ok(c, 'EXISTS', k), 0);
    out.push(['SET', k, 'v'], ['DEL', k]);
  }
  return out;
});

scenario('SET EX / PX / EXAT become SET k v PXAT <abs ms>; PXAT and KEEPTTL stay; GET is stripped', async ({ c }) => {
  const ex = await timed(c, 'SET', 'a', 'v', 'EX', 1000);
  const px = await timed(c, 'SET', 'b', 'v', 'PX', 2_000_000);
  await ok(c, 'SET', 'c', 'v', 'EXAT', 4102444800);
  await ok(c, 'SET', 'd', 'v', 'PXAT', '4102444800123');
  await ok(c, 'SET', 'a', 'v2', 'KEEPTTL');
  await ok(c, 'SET', 'a', 'v3', 'GET');
  await ok(c, 'SET', 'a', 'v4', 'KEEPTTL', 'GET');
  await ok(c, 'SET', 'n', 'v', 'NX', 'GET');
  await ok(c, 'SET', 'n', 'v2', 'XX', 'get');
  const nx = await timed(c, 'SET', 'e', 'v', 'NX', 'EX', 3000, 'GET'); // NX goes with the rewrite
  const lower = await timed(c, 'set', 'f', 'v', 'ex', 4000);
  return [
    ['SET', 'a', 'v', 'PXAT', within(ex.t0 + 1_000_000, ex.t1 + 1_000_000)],
    ['SET', 'b', 'v', 'PXAT', within(px.t0 + 2_000_000, px.t1 + 2_000_000)],
    ['SET', 'c', 'v', 'PXAT', '4102444800000'],
    ['SET', 'd', 'v', 'PXAT', '4102444800123'],
    ['SET', 'a', 'v2', 'KEEPTTL'],
    ['SET', 'a', 'v3'],
    ['SET', 'a', 'v4', 'KEEPTTL'],
    ['SET', 'n', 'v', 'NX'],
    ['SET', 'n', 'v2', 'XX'],
    ['SET', 'e', 'v', 'PXAT', within(nx.t0 + 3_000_000, nx.t1 + 3_000_000)],
    ['SET', 'f', 'v', 'PXAT', within(lower.t0 + 4_000_000, lower.t1 + 4_000_000)],
  ];
});

scenario('SET with EXAT / PXAT already in the past is written as sent (PXAT); the key expires on access', async ({ c }) => {
  await ok(c, 'DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  await ok(c, 'SET', 'a', 'v', 'EXAT', 1);
  await ok(c, 'SET', 'b', 'v', 'PXAT', 1);
  await ok(c, 'SET', 'c', 'v');
  assert.equal(await ok(c, 'GET', 'a'), null);
  return [['SET', 'a', 'v', 'PXAT', '1000'], ['SET', 'b', 'v', 'PXAT', '1'], ['SET', 'c', 'v'], ['DEL', 'a']];
});

scenario('SETEX / PSETEX become SET k v PXAT <abs ms>', async ({ c }) => {
  const s = await timed(c, 'SETEX', 'a', 1000, 'v');
  const p = await timed(c, 'PSETEX', 'b', 2_000_000, 'w');
  const s2 = await timed(c, 'setex', 'a', 3000, 'x'); // overwrite
  return [
    ['SET', 'a', 'v', 'PXAT', within(s.t0 + 1_000_000, s.t1 + 1_000_000)],
    ['SET', 'b', 'w', 'PXAT', within(p.t0 + 2_000_000, p.t1 + 2_000_000)],
    ['SET', 'a', 'x', 'PXAT', within(s2.t0 + 3_000_000, s2.t1 + 3_000_000)],
  ];
});

scenario('GETEX EX / PX / EXAT / PXAT become PEXPIREAT, PERSIST stays PERSIST, a past time becomes DEL', async ({ c }) => {
  await ok(c, 'SET', 'k', 'v');
  const ex = await timed(c, 'GETEX', 'k', 'EX', 1000);
  const px = await timed(c, 'GETEX', 'k', 'PX', 2_000_000);
  await ok(c, 'GETEX', 'k', 'EXAT', 4102444800);
  await ok(c, 'GETEX', 'k', 'PXAT', '4102444800999');
  await ok(c, 'GETEX', 'k', 'PERSIST');
  await ok(c, 'GETEX', 'k', 'PERSIST'); // no TTL any more: nothing
  await ok(c, 'GETEX', 'k'); // no option: nothing
  assert.equal(await ok(c, 'GETEX', 'k', 'EXAT', 1), 'v');
  assert.equal(await ok(c, 'EXISTS', 'k'), 0);
  return [
    ['SET', 'k', 'v'],
    ['PEXPIREAT', 'k', within(ex.t0 + 1_000_000, ex.t1 + 1_000_000)],
    ['PEXPIREAT', 'k', within(px.t0 + 2_000_000, px.t1 + 2_000_000)],
    ['PEXPIREAT', 'k', '4102444800000'],
    ['PEXPIREAT', 'k', '4102444800999'],
    ['PERSIST', 'k'],
    ['DEL', 'k'],
  ];
});

// ---- expiry -------------------------------------------------------------------------------------------

scenario('lazy expiry: a read of an expired key writes DEL; a write to one writes MULTI, DEL, the command, EXEC', async (s) => {
  const { c } = s;
  await ok(c, 'DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  await ok(c, 'RPUSH', 'l', 'a');
  const at = Date.now() + 400;
  await ok(c, 'PEXPIREAT', 'l', at); // first: a time already past would make it a DEL
  const set = await setExpiring(s, [['g', 'v'], ['e', 'v'], ['i', '5'], ['r', 'v'], ['s', 'v'], ['x', 'v']], at);
  await waitPast(at);
  assert.equal(await ok(c, 'GET', 'g'), null);
  assert.equal(await ok(c, 'EXISTS', 'e'), 0);
  assert.equal(await ok(c, 'GET', 'g'), null); // gone: nothing more
  assert.equal(await ok(c, 'INCR', 'i'), 1);
  assert.equal(await ok(c, 'RPUSH', 'l', 'b'), 1);
  assert.equal(await ok(c, 'GETEX', 'x', 'EX', 100), null); // DEL only: no key to expire
  await ok(c, 'SETRANGE', 'r', 0, 'w');
  await ok(c, 'APPEND', 's', 'w');
  return [
    ['RPUSH', 'l', 'a'],
    ['PEXPIREAT', 'l', String(at)],
    ...set,
    ['DEL', 'g'],
    ['DEL', 'e'],
    ['MULTI'],
    ['DEL', 'i'],
    ['INCR', 'i'],
    ['EXEC'],
    ['MULTI'],
    ['DEL', 'l'],
    ['RPUSH', 'l', 'b'],
    ['EXEC'],
    ['DEL', 'x'],
    ['MULTI'],
    ['DEL', 'r'],
    ['SETRANGE', 'r', '0', 'w'],
    ['EXEC'],
    ['MULTI'],
    ['DEL', 's'],
    ['APPEND', 's', 'w'],
    ['EXEC'],
  ];
});

scenario('lazy expiry of the key a SET / DEL overwrites or deletes', async (s) => {
  const { c } = s;
  await ok(c, 'DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  const at = Date.now() + 300;
  const set = await setExpiring(s, [['a', 'v'], ['b', 'v'], ['c', 'v']], at);
  await waitPast(at);
  await ok(c, 'SET', 'a', 'w');
  assert.equal(await ok(c, 'DEL', 'b'), 0);
  assert.equal(await ok(c, 'SET', 'c', 'w', 'NX'), 'OK');
  return [...set, ['MULTI'], ['DEL', 'a'], ['SET', 'a', 'w'], ['EXEC'], ['DEL', 'b'], ['MULTI'], ['DEL', 'c'], ['SET', 'c', 'w', 'NX'], ['EXEC']];
});

scenario('lazy expiry inside MULTI/EXEC joins the transaction; a read-only transaction writes only the DEL', async (s) => {
  const { c } = s;
  await ok(c, 'DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  const at = Date.now() + 300;
  const set = await setExpiring(s, [['a', 'v'], ['b', 'v']], at);
  await waitPast(at);
  await ok(c, 'MULTI');
  await ok(c, 'GET', 'a');
  await ok(c, 'SET', 'x', '1');
  await ok(c, 'EXEC');
  await ok(c, 'MULTI');
  await ok(c, 'GET', 'b');
  await ok(c, 'EXEC');
  return [...set, ['MULTI'], ['DEL', 'a'], ['SET', 'x', '1'], ['EXEC'], ['DEL', 'b']];
});

scenario('active expiry: one DEL record per key, never wrapped in MULTI', async (s) => {
  const { c } = s;
  await ok(c, 'SELECT', 5);
  const at = Date.now() + 150;
  const keys: [string, string][] = [['k1', 'v'], ['k2', 'v'], ['k3', 'v'], ['k4', 'v']];
  const set = await setExpiring(s, keys, at);
  await waitFor(async () => (await ok(c, 'DBSIZE')) === 0, 5000, 'active expiry');
  return (actual, who) => {
    const items = aofItems(actual);
    assert.deepEqual(items.slice(0, 5), [{ argv: ['SELECT', '5'] }, ...set.map((argv) => ({ argv }))], who);
    const dels = items.slice(5);
    assert.equal(dels.length, keys.length, `${who}: ${JSON.stringify(dels)}`);
    for (const it of dels) assert.ok('argv' in it && it.argv.length === 2 && it.argv[0] === 'DEL', `${who}: ${JSON.stringify(it)}`);
    assert.deepEqual(dels.map((it) => ('argv' in it ? it.argv[1] : '')).sort(), keys.map(([k]) => k), who);
  };
});
