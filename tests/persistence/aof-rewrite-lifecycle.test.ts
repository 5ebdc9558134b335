// The background AOF rewrite's lifecycle as Redis 7.0.15 runs it: BGREWRITEAOF's replies
// (started, already in progress, scheduled inside MULTI/EXEC then started by cron, the error
// when the new INCR cannot be opened), the log lines in Redis's order, the manifest after one
// and two rewrites (history removed, or kept in Redis's order with aof-disable-auto-gc yes),
// BGREWRITEAOF with the AOF off (a BASE-only manifest), CONFIG SET appendonly no / SHUTDOWN /
// SHUTDOWN FORCE / CONFIG SET appendonly yes during a rewrite, and appendonly yes inside
// MULTI/EXEC. Each scenario runs on nodis (in-process) and on redis-server 7.0.15 against the
// same expectations, so they are Redis's; what only a fork produces (the child's pid, "Fork CoW"
// lines, the child's signal-handler line) is normalised away (tests/helpers/rewrite-sides.ts).
// After each scenario that ends with data, a restart loads the same DEBUG DIGEST. Then nodis
// only: the INFO fields during and after a rewrite (with the point-in-time view in the BASE),
// the automatic rewrite, and a temp BASE that cannot be created. rdb-key-save-delay keeps a
// rewrite running.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { aofDir, aofRecords, readAofFile, readManifest, resp } from '../helpers/aof-files.js';
import { info, pipeline, sleep } from '../helpers/calls.js';
import { useAofEnvs } from '../helpers/aof-env.js';
import { NO_REDIS_SERVER } from '../helpers/server-process.js';
import { waitFor } from '../helpers/server.js';
import { CANT, IN_PROGRESS, KILLED, N, SHUTDOWN_AOF, STARTED, W, endLines, f, fields, idle, listing, mf, openSide, setKeys, settled, startLines } from '../helpers/rewrite-sides.js';
import type { Kind, Side } from '../helpers/rewrite-sides.js';

const envs = useAofEnvs('nodis-aof-rewrite-lifecycle-');
const open = (kind: Kind, dir: string, aof: boolean, extra?: Record<string, string>): Promise<Side> => openSide(envs, kind, dir, aof, extra);

// ---- the scenarios ------------------------------------------------------------------------------------

interface Scenario {
  readonly name: string;
  /** appendonly at start. */
  readonly aof: boolean;
  /** Runs the steps; returns what both servers must show alike. */
  run(s: Side, mark: () => string[]): Promise<Record<string, unknown>>;
  readonly expect: Record<string, unknown>;
  /** After the scenario: a restart with appendonly yes loads the same digest (the scenario took it as obs 'digest' if it shut down). */
  readonly reload: boolean;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'BGREWRITEAOF with the AOF on: started, already in progress, the new INCR listed before the view; BASE 2, history removed; a second one: BASE 3',
    aof: true,
    reload: true,
    async run(s, mark) {
      await setKeys(s.c, 5);
      await s.c.call('CONFIG', 'SET', 'rdb-key-save-delay', '60000');
      mark();
      const o: Record<string, unknown> = { r1: await s.c.callRaw('BGREWRITEAOF'), r2: await s.c.callRaw('BGREWRITEAOF') };
      o['manifestDuring'] = readManifest(s.dir);
      o['during'] = await fields(s.c, 'aof_rewrite_in_progress', 'aof_rewrite_scheduled', 'aof_rewrites', 'current_save_keys_total');
      await s.c.call('SET', 'during', '1');
      await idle(s);
      o['manifest1'] = readManifest(s.dir);
      o['files1'] = listing(s.dir);
      o['after'] = await fields(s.c, 'aof_rewrite_in_progress', 'aof_current_rewrite_time_sec', 'aof_last_bgrewrite_status', 'aof_rewrites', 'current_save_keys_total');
      await s.c.call('CONFIG', 'SET', 'rdb-key-save-delay', '0');
      o['r3'] = await s.c.callRaw('BGREWRITEAOF');
      await idle(s);
      o['manifest2'] = readManifest(s.dir);
      o['files2'] = listing(s.dir);
      o['lines'] = mark();
      return o;
    },
    expect: {
      r1: STARTED,
      r2: IN_PROGRESS,
      manifestDuring: mf(['base', 1, 'b'], ['incr', 1, 'i'], ['incr', 2, 'i']),
      during: { aof_rewrite_in_progress: '1', aof_rewrite_scheduled: '0', aof_rewrites: '1', current_save_keys_total: '5' },
      manifest1: mf(['base', 2, 'b'], ['incr', 2, 'i']),
      files1: { aof: [f('base', 2), f('incr', 2), 'appendonly.aof.manifest'], dir: ['appendonlydir'] },
      after: { aof_rewrite_in_progress: '0', aof_current_rewrite_time_sec: '-1', aof_last_bgrewrite_status: 'ok', aof_rewrites: '1', current_save_keys_total: '0' },
      r3: STARTED,
      manifest2: mf(['base', 3, 'b'], ['incr', 3, 'i']),
      files2: { aof: [f('base', 3), f('incr', 3), 'appendonly.aof.manifest'], dir: ['appendonlydir'] },
      lines: [
        ...startLines(f('incr', 2)),
        ...endLines(f('base', 2), { history: [f('incr', 1), f('base', 1)] }),
        ...startLines(f('incr', 3)),
        ...endLines(f('base', 3), { history: [f('incr', 2), f('base', 2)] }),
      ],
    },
  },
  {
    name: 'aof-disable-auto-gc yes: two rewrites keep the history in the manifest in Redis\'s order; gc back on removes it',
    aof: true,
    reload: true,
    async run(s, mark) {
      await s.c.call('CONFIG', 'SET', 'aof-disable-auto-gc', 'yes');
      mark();
      for (const k of ['a', 'b']) {
        await s.c.call('SET', k, '1');
        assert.equal(await s.c.callRaw('BGREWRITEAOF'), STARTED);
        await idle(s);
      }
      const o: Record<string, unknown> = { manifest: readManifest(s.dir), files: listing(s.dir) };
      await s.c.call('CONFIG', 'SET', 'aof-disable-auto-gc', 'no');
      await settled(s.dir);
      return { ...o, manifestGc: readManifest(s.dir), filesGc: listing(s.dir), lines: mark() };
    },
    expect: {
      manifest: mf(['base', 3, 'b'], ['incr', 2, 'h'], ['base', 2, 'h'], ['incr', 1, 'h'], ['base', 1, 'h'], ['incr', 3, 'i']),
      files: { aof: [1, 2, 3].flatMap((n) => [f('base', n), f('incr', n)]).concat('appendonly.aof.manifest'), dir: ['appendonlydir'] },
      manifestGc: mf(['base', 3, 'b'], ['incr', 3, 'i']),
      filesGc: { aof: [f('base', 3), f('incr', 3), 'appendonly.aof.manifest'], dir: ['appendonlydir'] },
      lines: [
        ...startLines(f('incr', 2)),
        ...endLines(f('base', 2)),
        ...startLines(f('incr', 3)),
        ...endLines(f('base', 3)),
        ...[f('incr', 2), f('base', 2), f('incr', 1), f('base', 1)].map((h) => N(`Removing the history file ${h} in the background`)),
      ],
    },
  },
  {
    name: 'BGREWRITEAOF inside MULTI/EXEC: scheduled (INFO shows it), then started by cron',
    aof: true,
    reload: true,
    async run(s, mark) {
      await s.c.call('SET', 'a', '1');
      mark();
      s.c.writeRaw(['MULTI', 'BGREWRITEAOF', 'EXEC'].map((x) => resp(x)).join('') + resp('INFO', 'persistence'));
      const replies = [await s.c.readRaw(), await s.c.readRaw(), await s.c.readRaw()];
      const i = new Map(String(await s.c.read()).split('\r\n').map((l) => l.split(':') as [string, string]));
      const scheduled = Object.fromEntries(['aof_rewrite_in_progress', 'aof_rewrite_scheduled', 'aof_pending_rewrite'].map((k) => [k, i.get(k)]));
      await idle(s);
      return { replies, scheduled, manifest: readManifest(s.dir), rewrites: (await fields(s.c, 'aof_rewrites'))['aof_rewrites'], lines: mark() };
    },
    expect: {
      replies: ['+OK\r\n', '+QUEUED\r\n', '*1\r\n+Background append only file rewriting scheduled\r\n'],
      scheduled: { aof_rewrite_in_progress: '0', aof_rewrite_scheduled: '1', aof_pending_rewrite: '1' },
      manifest: mf(['base', 2, 'b'], ['incr', 2, 'i']),
      rewrites: '1',
      lines: [...startLines(f('incr', 2)), ...endLines(f('base', 2), { history: [f('incr', 1), f('base', 1)] })],
    },
  },
  {
    name: 'the new INCR cannot be opened (a directory in its place): -ERR Can\'t execute, Redis\'s line, status err, manifest untouched; then it works',
    aof: true,
    reload: true,
    async run(s, mark) {
      await s.c.call('SET', 'a', '1');
      mark();
      fs.mkdirSync(path.join(aofDir(s.dir), f('incr', 2)));
      const o: Record<string, unknown> = { r1: await s.c.callRaw('BGREWRITEAOF') };
      o['info1'] = await fields(s.c, 'aof_rewrite_in_progress', 'aof_last_bgrewrite_status', 'aof_rewrites', 'aof_rewrites_consecutive_failures');
      o['manifest1'] = readManifest(s.dir);
      fs.rmdirSync(path.join(aofDir(s.dir), f('incr', 2)));
      o['r2'] = await s.c.callRaw('BGREWRITEAOF');
      await idle(s);
      o['info2'] = await fields(s.c, 'aof_last_bgrewrite_status', 'aof_rewrites', 'aof_rewrites_consecutive_failures');
      return { ...o, manifest2: readManifest(s.dir), lines: mark() };
    },
    expect: {
      r1: CANT,
      info1: { aof_rewrite_in_progress: '0', aof_last_bgrewrite_status: 'err', aof_rewrites: '0', aof_rewrites_consecutive_failures: '0' },
      manifest1: mf(['base', 1, 'b'], ['incr', 1, 'i']),
      r2: STARTED,
      info2: { aof_last_bgrewrite_status: 'ok', aof_rewrites: '1', aof_rewrites_consecutive_failures: '0' },
      manifest2: mf(['base', 2, 'b'], ['incr', 2, 'i']),
      lines: [W(`Can't open the append-only file ${f('incr', 2)}: Is a directory`), ...startLines(f('incr', 2)), ...endLines(f('base', 2), { history: [f('incr', 1), f('base', 1)] })],
    },
  },
  {
    name: 'BGREWRITEAOF with appendonly no: no INCR, a BASE-only manifest (every INCR history); appendonly yes afterwards: BASE 3, INCR 2',
    aof: true,
    reload: true,
    async run(s, mark) {
      await s.c.call('SET', 'a', '1');
      await s.c.call('CONFIG', 'SET', 'appendonly', 'no');
      await s.c.call('SET', 'b', '2');
      mark();
      const o: Record<string, unknown> = { r: await s.c.callRaw('BGREWRITEAOF') };
      await idle(s);
      o['manifestOff'] = readManifest(s.dir);
      o['filesOff'] = listing(s.dir);
      o['enable'] = await s.c.callRaw('CONFIG', 'SET', 'appendonly', 'yes');
      await idle(s);
      await s.c.call('SET', 'c', '3');
      o['manifestOn'] = readManifest(s.dir);
      await waitFor(() => readAofFile(s.dir, f('incr', 2)).length > 0, 2000, 'the INCR write');
      o['incr2'] = readAofFile(s.dir, f('incr', 2)).toString('latin1');
      return { ...o, lines: mark() };
    },
    expect: {
      r: STARTED,
      manifestOff: mf(['base', 2, 'b']),
      filesOff: { aof: [f('base', 2), 'appendonly.aof.manifest'], dir: ['appendonlydir'] },
      enable: '+OK\r\n',
      manifestOn: mf(['base', 3, 'b'], ['incr', 2, 'i']),
      incr2: resp('SELECT', '0') + resp('SET', 'c', '3'),
      lines: [
        ...startLines(),
        ...endLines(f('base', 2), { history: [f('incr', 1), f('base', 1)] }),
        ...startLines('temp-appendonly.aof.incr'),
        ...endLines(f('base', 3), { tempIncrTo: f('incr', 2), history: [f('base', 2)] }),
      ],
    },
  },
  {
    name: 'CONFIG SET appendonly no during a rewrite: the rewrite is killed, its temp file removed, no new BASE; the attempt\'s INCR stays',
    aof: true,
    reload: true,
    async run(s, mark) {
      await setKeys(s.c, 20);
      await s.c.call('CONFIG', 'SET', 'rdb-key-save-delay', '100000');
      mark();
      const o: Record<string, unknown> = { r: await s.c.callRaw('BGREWRITEAOF') };
      await s.c.call('SET', 'during', '1');
      o['off'] = await s.c.callRaw('CONFIG', 'SET', 'appendonly', 'no');
      o['info'] = await fields(s.c, 'aof_enabled', 'aof_rewrite_in_progress', 'aof_last_rewrite_time_sec', 'aof_last_bgrewrite_status', 'aof_rewrites', 'aof_rewrites_consecutive_failures');
      await waitFor(() => listing(s.dir).dir.length === 1, 3000, 'the temp BASE removal');
      return { ...o, manifest: readManifest(s.dir), files: listing(s.dir), lines: mark() };
    },
    expect: {
      r: STARTED,
      off: '+OK\r\n',
      info: { aof_enabled: '0', aof_rewrite_in_progress: '0', aof_last_rewrite_time_sec: '-1', aof_last_bgrewrite_status: 'ok', aof_rewrites: '1', aof_rewrites_consecutive_failures: '0' },
      manifest: mf(['base', 1, 'b'], ['incr', 1, 'i'], ['incr', 2, 'i']),
      files: { aof: [f('base', 1), f('incr', 1), f('incr', 2), 'appendonly.aof.manifest'], dir: ['appendonlydir'] },
      lines: [...startLines(f('incr', 2)), KILLED],
    },
  },
  {
    name: 'SHUTDOWN during a rewrite: "Killing it!", the child line, a clean exit; the files hold everything',
    aof: true,
    reload: true,
    async run(s, mark) {
      await setKeys(s.c, 20);
      await s.c.call('CONFIG', 'SET', 'rdb-key-save-delay', '100000');
      mark();
      const o: Record<string, unknown> = { r: await s.c.callRaw('BGREWRITEAOF') };
      await s.c.call('SET', 'during', '1');
      o['digest'] = await s.c.call('DEBUG', 'DIGEST');
      s.c.send('SHUTDOWN');
      await s.c.waitClosed(5000);
      await s.gone();
      return { ...o, reply: s.c.unread, manifest: readManifest(s.dir), files: listing(s.dir), lines: mark() };
    },
    expect: {
      r: STARTED,
      reply: '',
      manifest: mf(['base', 1, 'b'], ['incr', 1, 'i'], ['incr', 2, 'i']),
      files: { aof: [f('base', 1), f('incr', 1), f('incr', 2), 'appendonly.aof.manifest'], dir: ['appendonlydir'] },
      lines: [...startLines(f('incr', 2)), ...SHUTDOWN_AOF],
    },
  },
  {
    name: 'SHUTDOWN during the first rewrite after CONFIG SET appendonly yes: refused ("Writing initial AOF, can\'t exit."); SHUTDOWN FORCE exits',
    aof: false,
    reload: false, // forced: the AOF was never written (Redis leaves only the temp INCR)
    async run(s, mark) {
      await setKeys(s.c, 20);
      await s.c.call('CONFIG', 'SET', 'rdb-key-save-delay', '100000');
      mark();
      const o: Record<string, unknown> = { on: await s.c.callRaw('CONFIG', 'SET', 'appendonly', 'yes') };
      o['refused'] = await s.c.callRaw('SHUTDOWN');
      o['ping'] = await s.c.callRaw('PING');
      s.c.send('SHUTDOWN', 'FORCE');
      await s.c.waitClosed(5000);
      await s.gone();
      return { ...o, manifest: readManifest(s.dir), files: listing(s.dir), lines: mark() };
    },
    expect: {
      on: '+OK\r\n',
      refused: '-ERR Errors trying to SHUTDOWN. Check logs.\r\n',
      ping: '+PONG\r\n',
      manifest: null,
      files: { aof: ['temp-appendonly.aof.incr'], dir: ['appendonlydir'] },
      lines: [
        ...startLines('temp-appendonly.aof.incr'),
        W('User requested shutdown...'),
        W("Writing initial AOF, can't exit."),
        W('Errors trying to shut down the server. Check the logs for more information.'),
        W('User requested shutdown...'),
        W('Writing initial AOF. Exit anyway.'),
        ...SHUTDOWN_AOF.slice(1),
      ],
    },
  },
  {
    name: 'CONFIG SET appendonly yes during a BGREWRITEAOF (AOF off): "Stopping background AOF", killed, a new rewrite switches the AOF on',
    aof: false,
    reload: true,
    async run(s, mark) {
      await setKeys(s.c, 5);
      await s.c.call('CONFIG', 'SET', 'rdb-key-save-delay', '60000');
      mark();
      const o: Record<string, unknown> = { r: await s.c.callRaw('BGREWRITEAOF') };
      o['on'] = await s.c.callRaw('CONFIG', 'SET', 'appendonly', 'yes');
      await idle(s);
      o['info'] = await fields(s.c, 'aof_enabled', 'aof_last_bgrewrite_status', 'aof_rewrites', 'aof_rewrites_consecutive_failures');
      return { ...o, manifest: readManifest(s.dir), files: listing(s.dir), lines: mark() };
    },
    expect: {
      r: STARTED,
      on: '+OK\r\n',
      info: { aof_enabled: '1', aof_last_bgrewrite_status: 'ok', aof_rewrites: '2', aof_rewrites_consecutive_failures: '0' },
      manifest: mf(['base', 1, 'b'], ['incr', 1, 'i']),
      files: { aof: [f('base', 1), f('incr', 1), 'appendonly.aof.manifest'], dir: ['appendonlydir'] },
      lines: [
        ...startLines(),
        W('AOF was enabled but there is already an AOF rewriting in background. Stopping background AOF and starting a rewrite now.'),
        KILLED,
        ...startLines('temp-appendonly.aof.incr'),
        ...endLines(f('base', 1), { tempIncrTo: f('incr', 1) }),
      ],
    },
  },
  {
    name: 'CONFIG SET appendonly yes inside MULTI/EXEC: scheduled (logged), started by cron; the transaction\'s write is in the BASE, later ones in the INCR',
    aof: false,
    reload: true,
    async run(s, mark) {
      await s.c.call('SET', 'a', '1');
      mark();
      s.c.writeRaw(resp('MULTI') + resp('CONFIG', 'SET', 'appendonly', 'yes') + resp('SET', 'x', '1') + resp('EXEC') + resp('INFO', 'persistence'));
      const replies = [await s.c.readRaw(), await s.c.readRaw(), await s.c.readRaw(), await s.c.readRaw()];
      const i = new Map(String(await s.c.read()).split('\r\n').map((l) => l.split(':') as [string, string]));
      const scheduled = Object.fromEntries(['aof_enabled', 'aof_rewrite_in_progress', 'aof_rewrite_scheduled', 'aof_pending_rewrite'].map((k) => [k, i.get(k)]));
      await idle(s);
      await s.c.call('SET', 'y', '2');
      await waitFor(() => readAofFile(s.dir, f('incr', 1)).length > 0, 2000, 'the INCR write');
      const base = aofRecords(readAofFile(s.dir, f('base', 1))).map((r) => r.join(' ')).sort();
      return { replies, scheduled, manifest: readManifest(s.dir), base, incr: readAofFile(s.dir, f('incr', 1)).toString('latin1'), lines: mark() };
    },
    expect: {
      replies: ['+OK\r\n', '+QUEUED\r\n', '+QUEUED\r\n', '*2\r\n+OK\r\n+OK\r\n'],
      scheduled: { aof_enabled: '1', aof_rewrite_in_progress: '0', aof_rewrite_scheduled: '1', aof_pending_rewrite: '1' },
      manifest: mf(['base', 1, 'b'], ['incr', 1, 'i']),
      base: ['SELECT 0', 'SET a 1', 'SET x 1'],
      incr: resp('SELECT', '0') + resp('SET', 'y', '2'),
      lines: [
        W('AOF was enabled during a transaction. An AOF background was scheduled to start when possible.'),
        ...startLines('temp-appendonly.aof.incr'),
        ...endLines(f('base', 1), { tempIncrTo: f('incr', 1) }),
      ],
    },
  },
];

for (const sc of SCENARIOS) {
  for (const kind of ['nodis', 'redis'] as const) {
    test(`${sc.name} (${kind})`, { skip: kind === 'redis' ? NO_REDIS_SERVER : false }, async () => {
      const dir = envs.freshDir();
      const s = await open(kind, dir, sc.aof);
      let from = 0;
      const mark = () => {
        const all = s.lines();
        const out = all.slice(from);
        from = all.length;
        return out;
      };
      const obs = await sc.run(s, mark);
      let digest = obs['digest'];
      delete obs['digest'];
      assert.deepEqual(obs, sc.expect, `${kind}: ${JSON.stringify(obs, null, 1)}\nlog:\n${s.lines().join('\n')}`);
      if (!sc.reload) {
        await s.stop();
        return;
      }
      if (digest === undefined) digest = await s.c.call('DEBUG', 'DIGEST');
      await s.stop();
      assert.notEqual(digest, '0'.repeat(40), 'the scenario ends with data');
      const again = await open(kind, dir, true);
      assert.equal(await again.c.call('DEBUG', 'DIGEST'), digest, `${kind}: the restart loads the same dataset`);
      await again.stop();
    });
  }
}

// ---- nodis only ------------------------------------------------------------------------------------------

test('INFO during and after a rewrite; the BASE holds the dataset as it was at the start, the new INCR what came after', async () => {
  const dir = envs.freshDir();
  const s = await open('nodis', dir, true);
  const { c } = s;
  await setKeys(c, 10);
  await c.call('SELECT', '2');
  await c.call('HSET', 'h', 'f', 'old');
  await c.call('RPUSH', 'l', 'a', 'b');
  await c.call('SELECT', '0');
  await c.call('CONFIG', 'SET', 'rdb-key-save-delay', '50000');
  assert.equal(await c.callRaw('BGREWRITEAOF'), STARTED);
  // The first keys are visited; the hash in db 2 is not yet: its change must not reach the BASE.
  await waitFor(async () => Number((await info(c)).get('current_save_keys_processed')) >= 2, 5000, 'progress');
  let i = await info(c);
  const p1 = Number(i.get('current_save_keys_processed'));
  assert.ok(p1 < 12, `processed ${p1}`);
  assert.equal(i.get('aof_rewrite_in_progress'), '1');
  assert.equal(i.get('current_save_keys_total'), '12', 'every key of every db at the start');
  assert.equal(i.get('current_fork_perc'), ((p1 * 100) / 12).toFixed(2));
  assert.match(i.get('aof_current_rewrite_time_sec')!, /^\d+$/);
  assert.equal(i.get('aof_last_rewrite_time_sec'), '-1');
  await pipeline(c, [['SELECT', '2'], ['HSET', 'h', 'f', 'new'], ['DEL', 'l'], ['SELECT', '0'], ['SET', 'k0', 'changed'], ['SET', 'during', '1']]);
  await waitFor(async () => Number((await info(c)).get('current_save_keys_processed')) > p1, 5000, 'processed grows');
  await c.call('CONFIG', 'SET', 'rdb-key-save-delay', '0');
  await idle(s);
  i = await info(c);
  assert.equal(i.get('aof_rewrite_in_progress'), '0');
  assert.equal(i.get('aof_rewrites'), '1');
  assert.equal(i.get('aof_last_bgrewrite_status'), 'ok');
  assert.equal(i.get('aof_current_rewrite_time_sec'), '-1');
  assert.match(i.get('aof_last_rewrite_time_sec')!, /^[0-9]$/);
  assert.equal(i.get('current_save_keys_processed'), '0');
  assert.equal(i.get('current_save_keys_total'), '0');
  assert.equal(i.get('current_fork_perc'), '0.00');
  const base = readAofFile(dir, f('base', 2));
  const incr = readAofFile(dir, f('incr', 2));
  assert.equal(i.get('aof_base_size'), String(base.length + incr.length), 'BASE + the INCR being written');
  assert.equal(i.get('aof_current_size'), i.get('aof_base_size'));
  const records = aofRecords(base).map((r) => r.join(' '));
  assert.deepEqual(records.filter((r) => r.startsWith('SELECT')), ['SELECT 0', 'SELECT 2']);
  for (const r of ['SET k0 v0', 'HMSET h f old', 'RPUSH l a b']) assert.ok(records.includes(r), `${r} in ${records.join(' | ')}`);
  assert.ok(!records.some((r) => r.includes('during') || r.includes('changed') || r.includes('new')));
  const incrRecords = aofRecords(incr).map((r) => r.join(' '));
  assert.deepEqual(incrRecords, ['SELECT 2', 'HSET h f new', 'DEL l', 'SELECT 0', 'SET k0 changed', 'SET during 1']);
  const digest = await c.call('DEBUG', 'DIGEST');
  await s.stop();
  const again = await open('nodis', dir, true);
  assert.equal(await again.c.call('DEBUG', 'DIGEST'), digest);
  await again.stop();
});

test('automatic rewrite: not below auto-aof-rewrite-min-size, not with percentage 0; then "Starting automatic rewriting of AOF on N% growth" with Redis\'s N', async () => {
  const dir = envs.freshDir();
  const s = await open('nodis', dir, true, { hz: '50' });
  const { c } = s;
  await pipeline(c, Array.from({ length: 60 }, (_, n) => ['SET', `key:${n}`, 'x'.repeat(40)]));
  const cur = Number((await info(c)).get('aof_current_size'));
  assert.ok(cur > 2048 && cur < 65536, `${cur}`);
  // Default min size (64mb): no rewrite however large the growth (the BASE of an empty start is 0 bytes).
  assert.equal((await info(c)).get('aof_base_size'), '0');
  await sleep(200); // 10 cron ticks at hz 50
  assert.equal((await info(c)).get('aof_rewrites'), '0');
  assert.equal(await c.callRaw('CONFIG', 'SET', 'auto-aof-rewrite-min-size', '1kb'), '+OK\r\n');
  assert.equal(await c.callRaw('CONFIG', 'SET', 'auto-aof-rewrite-percentage', '0'), '+OK\r\n');
  await sleep(200);
  assert.equal((await info(c)).get('aof_rewrites'), '0', 'percentage 0 disables it');
  const from = s.lines().length;
  assert.equal(await c.callRaw('CONFIG', 'SET', 'auto-aof-rewrite-percentage', '100'), '+OK\r\n');
  await waitFor(async () => (await info(c)).get('aof_rewrites') === '1', 3000, 'the automatic rewrite');
  await idle(s);
  // growth = current * 100 / max(base, 1) - 100, base 0.
  assert.deepEqual(s.lines().slice(from), [
    N(`Starting automatic rewriting of AOF on ${cur * 100 - 100}% growth`),
    ...startLines(f('incr', 2)),
    ...endLines(f('base', 2), { history: [f('incr', 1), f('base', 1)] }),
  ]);
  const i = await info(c);
  assert.equal(i.get('aof_base_size'), String(readAofFile(dir, f('base', 2)).length));
  assert.equal(i.get('aof_current_size'), i.get('aof_base_size'));
  await sleep(200);
  assert.equal((await info(c)).get('aof_rewrites'), '1', 'no growth since: no second rewrite');
  const digest = await c.call('DEBUG', 'DIGEST');
  await s.stop();
  const again = await open('nodis', dir, true);
  assert.equal(await again.c.call('DEBUG', 'DIGEST'), digest);
  await again.stop();
});

test('the temp BASE cannot be created (a directory in its place): started, then Redis\'s child lines; status err, the attempt\'s INCR stays', async () => {
  // As redis-server 7.0.15 (checked with `dir` on a read-only file system): the child opens the
  // temp file, so BGREWRITEAOF has already replied "started"; the parent then reaps a failed child.
  const dir = envs.freshDir();
  const s = await open('nodis', dir, true);
  const { c } = s;
  await c.call('SET', 'a', '1');
  const blocker = path.join(dir, `temp-rewriteaof-bg-${process.pid}.aof`);
  fs.mkdirSync(blocker);
  const from = s.lines().length;
  assert.equal(await c.callRaw('BGREWRITEAOF'), STARTED);
  await idle(s);
  assert.deepEqual(s.lines().slice(from), [
    ...startLines(f('incr', 2)),
    W('Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): Is a directory'),
    W('Background AOF rewrite terminated with error'),
  ]);
  assert.deepEqual(await fields(c, 'aof_last_bgrewrite_status', 'aof_rewrites', 'aof_rewrites_consecutive_failures'), {
    aof_last_bgrewrite_status: 'err',
    aof_rewrites: '1',
    aof_rewrites_consecutive_failures: '1',
  });
  assert.equal(readManifest(dir), mf(['base', 1, 'b'], ['incr', 1, 'i'], ['incr', 2, 'i']));
  fs.rmdirSync(blocker);
  await c.call('SET', 'b', '2');
  assert.equal(await c.callRaw('BGREWRITEAOF'), STARTED);
  await idle(s);
  assert.equal(readManifest(dir), mf(['base', 2, 'b'], ['incr', 3, 'i']));
  assert.equal((await info(c)).get('aof_last_bgrewrite_status'), 'ok');
  const digest = await c.call('DEBUG', 'DIGEST');
  await s.stop();
  const again = await open('nodis', dir, true);
  assert.equal(await again.c.call('DEBUG', 'DIGEST'), digest);
  await again.stop();
});
