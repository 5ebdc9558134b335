// The appendfsync policies, observed through the file layer (tests/helpers/fault-fs.ts counts
// and can hold or slow every fdatasync) and over the wire:
// - everysec: at most one background fsync per wall-clock second (Redis: unixtime >
//   aof_last_fsync); while one runs a write is postponed for up to 2 s (the buffer grows, the
//   file does not, replies still go out), then written anyway with aof_delayed_fsync++ and
//   "Asynchronous AOF fsync is taking too long ..."; bytes written just before the writes
//   stopped are fsynced by cron within about a second (6.0+: fsync on an empty buffer).
// - no: never fsyncs while running.
// - always: no reply (reads included) leaves before the fsync covering every write executed
//   before it; nodis runs that fsync off the event loop as a group commit, so one fsync covers
//   many clients' commands, and one client's pipelined replies keep their order.
// - CONFIG SET appendfsync switches at runtime; held replies are released once the fsync in
//   flight completes, whatever the new policy.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../helpers/server.js';
import { RespClient, encodeCommand } from '../helpers/resp-client.js';
import { resp as rec } from '../helpers/aof-files.js';
import { info, sleep } from '../helpers/calls.js';
import { SELECT0, incrSize, incrText, useAofEnvs, type FaultEnv } from '../helpers/aof-env.js';
import type { ServerOptions } from '../../src/index.js';

const DELAYED =
  'Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.';

const envs = useAofEnvs('nodis-aof-fsync-', { appendonly: 'yes' });
const start = (options: ServerOptions = {}): Promise<FaultEnv> => envs.startFaulty(envs.freshDir(), options);
const stop = envs.stop;
const fileSize = (env: FaultEnv): number => incrSize(env.dir);
const fileText = (env: FaultEnv): string => incrText(env.dir);

/** Resolves with the next reply, or with null if none arrived within `ms`. */
async function replyWithin(c: RespClient, ms: number): Promise<string | null> {
  try {
    return await c.readRaw(ms);
  } catch {
    return null;
  }
}

/** Waits for the start of a wall-clock second (so a short sequence stays inside one). */
async function startOfSecond(): Promise<void> {
  while (Date.now() % 1000 > 150) await sleep(1000 - (Date.now() % 1000) + 5);
}

// ---- everysec -----------------------------------------------------------------------------

test('everysec: steady writes for 2.5 s get one background fsync per wall-clock second at most', async () => {
  const env = await start({ appendfsync: 'everysec' });
  const c = await env.srv.client();
  const t0 = Date.now();
  let n = 0;
  while (Date.now() - t0 < 2500) {
    assert.equal(await c.call('SET', `k${n}`, String(n)), 'OK');
    n++;
    await sleep(5);
  }
  const t1 = Date.now();
  const calls = env.ffs.fsyncLog.filter((r) => r.at >= t0 && r.at <= t1);
  assert.ok(n > 100, `${n} writes`);
  assert.ok(calls.length >= 2, `writes for 2.5 s must be fsynced at least twice (${calls.length} fsyncs)`);
  assert.ok(calls.length <= 4, `at most one fsync per second: ${calls.length} fsyncs in ${t1 - t0} ms`);
  for (let i = 1; i < calls.length; i++) {
    const prev = calls[i - 1]!.at;
    const cur = calls[i]!.at;
    // Same second twice is allowed only when the first was recorded a few ms past a second
    // boundary that the writer's own clock read had not yet crossed.
    const sameSecond = Math.floor(prev / 1000) === Math.floor(cur / 1000);
    assert.ok(!sameSecond || prev % 1000 < 5, `two fsyncs in one second: ${prev} and ${cur}`);
  }
  await stop(env);
});

test('everysec: a write waits for a running fsync up to 2 s (buffer grows, file does not, replies still sent), then is written anyway (aof_delayed_fsync)', async () => {
  const env = await start({ appendfsync: 'everysec' });
  const { ffs, log } = env;
  const c = await env.srv.client();
  ffs.holdFsyncs();
  // The first write of a fresh server starts a background fsync at once: it hangs.
  assert.equal(await c.call('SET', 'a', '1'), 'OK');
  await waitFor(() => ffs.heldFsyncs === 1, 2000, 'the held fsync');
  const written = SELECT0 + rec('SET', 'a', '1');
  assert.equal(fileText(env), written);
  let inf = await info(c);
  assert.equal(inf.get('aof_pending_bio_fsync'), '1');
  assert.equal(inf.get('aof_delayed_fsync'), '0');

  const postponedAt = Date.now();
  const t = Date.now();
  assert.equal(await c.call('SET', 'b', '2'), 'OK');
  assert.ok(Date.now() - t < 500, 'the reply does not wait for the postponed write');
  assert.equal(await c.call('SET', 'c', '3'), 'OK');
  inf = await info(c);
  assert.equal(inf.get('aof_buffer_length'), String(rec('SET', 'b', '2').length + rec('SET', 'c', '3').length));
  assert.equal(fileSize(env), written.length, 'the file does not grow while the write is postponed');
  await sleep(1200);
  assert.equal(fileSize(env), written.length, 'still postponed after 1.2 s');
  assert.equal(log.count('*', DELAYED), 0);

  await waitFor(() => fileSize(env) > written.length, 3000, 'the delayed write');
  const waited = Date.now() - postponedAt;
  assert.ok(waited >= 1900 && waited <= 3200, `written after ${waited} ms (Redis: 2 s)`);
  assert.equal(fileText(env), written + rec('SET', 'b', '2') + rec('SET', 'c', '3'));
  inf = await info(c);
  assert.equal(inf.get('aof_delayed_fsync'), '1');
  assert.equal(inf.get('aof_buffer_length'), '0');
  assert.equal(log.count('*', DELAYED), 1);

  ffs.clear();
  ffs.releaseFsyncs();
  await waitFor(async () => (await info(c)).get('aof_pending_bio_fsync') === '0', 3000, 'the fsync to finish');
  await stop(env);
});

test('everysec: bytes written just before the writes stopped are fsynced within about a second', async () => {
  const env = await start({ appendfsync: 'everysec' });
  const { ffs } = env;
  const c = await env.srv.client();
  await startOfSecond();
  assert.equal(await c.call('SET', 'a', '1'), 'OK');
  assert.equal(await c.call('SET', 'b', '2'), 'OK');
  const stoppedAt = Date.now();
  const full = (SELECT0 + rec('SET', 'a', '1') + rec('SET', 'b', '2')).length;
  assert.equal(ffs.fsyncLog.length, 1, 'one fsync in the first second');
  assert.ok(ffs.fsyncLog[0]!.size < full, 'the first fsync was asked before SET b was written');
  await waitFor(() => ffs.fsyncLog.some((r) => r.size === full), 2500, 'an fsync covering SET b');
  const covered = ffs.fsyncLog.find((r) => r.size === full)!;
  assert.ok(covered.at - stoppedAt <= 2000, `fsynced ${covered.at - stoppedAt} ms after the last write`);
  // Nothing more to do: no further fsyncs while idle.
  const count = ffs.fsyncLog.length;
  await sleep(1100);
  assert.equal(ffs.fsyncLog.length, count, 'an idle, fully synced AOF is not fsynced again');
  await stop(env);
});

// ---- no -----------------------------------------------------------------------------------

test('no: never fsyncs while running (only SHUTDOWN does)', async () => {
  const env = await start({ appendfsync: 'no' });
  const { ffs, log } = env;
  const c = await env.srv.client();
  const t0 = Date.now();
  let n = 0;
  while (Date.now() - t0 < 700) {
    assert.equal(await c.call('INCR', 'n'), ++n);
    await sleep(5);
  }
  await sleep(1300);
  assert.equal(ffs.calls.fdatasyncAsync, 0);
  assert.equal(ffs.calls.fsync, 0);
  assert.equal(fileText(env), SELECT0 + rec('INCR', 'n').repeat(n), 'written, one write per turn');
  await stop(env);
  assert.equal(ffs.calls.fdatasyncAsync, 0);
  assert.ok(ffs.calls.fsync >= 1, 'the shutdown fsync');
  assert.equal(log.count('*', 'Calling fsync() on the AOF file.'), 1);
});

// ---- always -------------------------------------------------------------------------------

test('always: a reply, also of a read by another client, is held while the fsync covering it runs and sent when it completes', async () => {
  const env = await start({ appendfsync: 'always' });
  const { ffs } = env;
  const writer = await env.srv.client();
  const reader = await env.srv.client();
  assert.equal(await writer.call('SET', 'k', 'v0'), 'OK');
  await waitFor(async () => (await info(reader)).get('aof_pending_bio_fsync') === '0', 2000, 'a quiet disk');

  ffs.holdFsyncs();
  writer.send('SET', 'k', 'v1');
  await waitFor(() => ffs.heldFsyncs === 1, 2000, 'the fsync of SET k v1');
  assert.equal(fileText(env), SELECT0 + rec('SET', 'k', 'v0') + rec('SET', 'k', 'v1'), 'written before the fsync');
  reader.send('GET', 'k');
  assert.equal(await replyWithin(writer, 300), null, 'the write is not acknowledged before it is durable');
  assert.equal(await replyWithin(reader, 100), null, 'the read shows a write that is not durable yet: held too');

  const released = Date.now();
  ffs.clear();
  ffs.releaseFsyncs();
  assert.equal(await writer.readRaw(2000), '+OK\r\n');
  assert.equal(await reader.readRaw(2000), '$2\r\nv1\r\n');
  assert.ok(Date.now() - released < 500, 'delivered as soon as the fsync completed');

  // Everything durable: a read needs no fsync and is not held.
  ffs.holdFsyncs();
  const t = Date.now();
  assert.equal(await reader.callRaw('GET', 'k'), '$2\r\nv1\r\n');
  assert.ok(Date.now() - t < 500);
  assert.equal(ffs.heldFsyncs, 0, 'no fsync for a read of durable data');
  ffs.clear();
  await stop(env);
});

test('always: group commit — 16 clients with a 20 ms fdatasync need far fewer fsyncs than commands', async () => {
  const env = await start({ appendfsync: 'always' });
  const { ffs } = env;
  const clients: RespClient[] = [];
  for (let i = 0; i < 16; i++) clients.push(await env.srv.client());
  ffs.delayFsyncs(20);
  const perClient = 20;
  const before = ffs.calls.fdatasyncAsync;
  const t0 = Date.now();
  await Promise.all(
    clients.map(async (c) => {
      let last = 0;
      for (let i = 0; i < perClient; i++) {
        const v = (await c.call('INCR', 'counter')) as number;
        assert.ok(v > last, 'one client sees its own increments in order');
        last = v;
      }
    }),
  );
  const elapsed = Date.now() - t0;
  const commands = clients.length * perClient;
  const fsyncs = ffs.calls.fdatasyncAsync - before;
  assert.equal(await clients[0]!.call('GET', 'counter'), String(commands));
  assert.ok(fsyncs * 4 <= commands, `${fsyncs} fsyncs for ${commands} commands: one fsync must cover many clients' commands`);
  assert.ok(elapsed < (commands * 20) / 2, `${elapsed} ms for ${commands} commands with 20 ms fsyncs`);
  ffs.clear();
  await stop(env);
});

test('always: pipelined replies of one client stay in order across several fsyncs', async () => {
  const env = await start({ appendfsync: 'always' });
  const { ffs } = env;
  const c = await env.srv.client();
  const other = await env.srv.client();
  ffs.delayFsyncs(15);
  const expected: string[] = [];
  const before = ffs.calls.fdatasyncAsync;
  const noise = (async () => {
    for (let i = 0; i < 10; i++) assert.equal(await other.call('SET', `o${i}`, 'x'), 'OK');
  })();
  for (let chunk = 0; chunk < 8; chunk++) {
    const parts: Buffer[] = [];
    for (let i = 0; i < 10; i++) {
      const n = chunk * 10 + i + 1;
      parts.push(encodeCommand(['INCR', 'x']));
      expected.push(`:${n}\r\n`);
      parts.push(encodeCommand(['GET', 'x']));
      expected.push(`$${String(n).length}\r\n${n}\r\n`);
      parts.push(encodeCommand(['ECHO', `e${n}`]));
      expected.push(`$${String(n).length + 1}\r\ne${n}\r\n`);
    }
    c.writeRaw(Buffer.concat(parts));
    await sleep(7);
  }
  const got: string[] = [];
  for (let i = 0; i < expected.length; i++) got.push(await c.readRaw(5000));
  assert.deepEqual(got, expected);
  await noise;
  assert.ok(ffs.calls.fdatasyncAsync - before >= 2, 'the pipeline spanned several fsyncs');
  ffs.clear();
  await stop(env);
});

// ---- switching at runtime -------------------------------------------------------------------

test('CONFIG SET appendfsync always/everysec at runtime; replies held under always are released after switching away', async () => {
  const env = await start({ appendfsync: 'everysec' });
  const { ffs, srv } = env;
  const a = await srv.client();
  const admin = await srv.client();
  assert.equal(await a.call('SET', 'k', '0'), 'OK');
  await waitFor(async () => (await info(admin)).get('aof_pending_bio_fsync') === '0', 3000, 'a quiet disk');

  assert.equal(await admin.call('CONFIG', 'SET', 'appendfsync', 'always'), 'OK');
  assert.deepEqual(await admin.call('CONFIG', 'GET', 'appendfsync'), ['appendfsync', 'always']);
  ffs.holdFsyncs();
  a.send('SET', 'k', '1');
  await waitFor(() => ffs.heldFsyncs === 1, 2000, 'the fsync of SET k 1');
  assert.equal(await replyWithin(a, 300), null, 'held under always');

  // The switch runs (its own reply queues behind the held one).
  admin.send('CONFIG', 'SET', 'appendfsync', 'everysec');
  await waitFor(() => srv.server.config.str('appendfsync') === 'everysec', 2000, 'the switch');
  ffs.clear();
  ffs.releaseFsyncs();
  assert.equal(await a.readRaw(2000), '+OK\r\n');
  assert.equal(await admin.readRaw(2000), '+OK\r\n');

  // everysec now: replies go out while a background fsync hangs.
  await waitFor(async () => (await info(admin)).get('aof_pending_bio_fsync') === '0', 3000, 'a quiet disk');
  ffs.holdFsyncs();
  await sleep(1000 - (Date.now() % 1000) + 20); // a new second: the next write starts an fsync
  assert.equal(await replyWithin((a.send('SET', 'k', '2'), a), 500), '+OK\r\n');
  await waitFor(() => ffs.heldFsyncs === 1, 2000, 'the everysec fsync');
  assert.equal(await replyWithin((a.send('GET', 'k'), a), 500), '$1\r\n2\r\n', 'reads are not held under everysec');
  ffs.clear();
  ffs.releaseFsyncs();
  await waitFor(async () => (await info(admin)).get('aof_pending_bio_fsync') === '0', 3000, 'the fsync to finish');

  // And back to always: held again until durable.
  assert.equal(await admin.call('CONFIG', 'SET', 'appendfsync', 'always'), 'OK');
  ffs.holdFsyncs();
  a.send('SET', 'k', '3');
  await waitFor(() => ffs.heldFsyncs === 1, 2000, 'the fsync of SET k 3');
  assert.equal(await replyWithin(a, 300), null);
  ffs.clear();
  ffs.releaseFsyncs();
  assert.equal(await a.readRaw(2000), '+OK\r\n');
  await stop(env);
});

test("CONFIG SET appendfsync no while replies are held: they are released when the fsync in flight completes", async () => {
  const env = await start({ appendfsync: 'always' });
  const { ffs, srv } = env;
  const a = await srv.client();
  const admin = await srv.client();
  assert.equal(await a.call('SET', 'k', '0'), 'OK');
  ffs.holdFsyncs();
  a.send('SET', 'k', '1');
  await waitFor(() => ffs.heldFsyncs === 1, 2000, 'the held fsync');
  admin.send('CONFIG', 'SET', 'appendfsync', 'no');
  await waitFor(() => srv.server.config.str('appendfsync') === 'no', 2000, 'the switch');
  assert.equal(await replyWithin(a, 200), null);
  ffs.clear();
  ffs.releaseFsyncs();
  assert.equal(await a.readRaw(2000), '+OK\r\n');
  assert.equal(await admin.readRaw(2000), '+OK\r\n');
  // Under no, nothing is held and nothing is fsynced.
  const fsyncs = ffs.calls.fdatasyncAsync;
  ffs.holdFsyncs();
  assert.equal(await replyWithin((a.send('SET', 'k', '2'), a), 500), '+OK\r\n');
  assert.equal(await replyWithin((a.send('GET', 'k'), a), 500), '$1\r\n2\r\n');
  await sleep(1100);
  assert.equal(ffs.calls.fdatasyncAsync, fsyncs);
  ffs.clear();
  await stop(env);
});
