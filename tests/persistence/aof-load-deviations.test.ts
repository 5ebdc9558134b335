// The scenarios of tests/fixtures/aof/redis-7.0.15-load-logs.json with run-to-run values or
// deliberate deviations, replayed against the bin/nodis-server executable as in
// aof-load-scenarios.test.ts (tests/helpers/load-scenarios.ts). Where nodis deliberately differs
// from Redis the expectation is nodis's own and a comment says why: #TS values of this run, a
// short read inside MULTI, a wrong-arity record, a $-1 length, active expiry timing, CONFIG SET
// appendonly yes's background rewrite without a fork, -LOADING during a long load (adapted),
// and the RESP base written where Redis would write an RDB preamble.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RespClient } from '../helpers/resp-client.js';
import { resp } from '../helpers/aof-files.js';
import { sleep } from '../helpers/calls.js';
import { exitCode, freePort, readyOrExit } from '../helpers/server-process.js';
import { B, I, M, fileBytes, layFiles, scenario, type Files } from '../helpers/load-fixture.js';
import { ACTIONS, NODIS_EXTRA_LINES, SHUTDOWN_LINES, START_MS, N, W, aboutAof, act17, actualLog, cliInt, compare, expectedLog, fromFixture, normalise, obsResp, parseLog, useLoadScenarios, type Obs } from '../helpers/load-scenarios.js';

const { newDir, spawnNodis, runScenario } = useLoadScenarios('nodis-aof-deviations-');

// ---- scenarios with run-to-run values or deliberate deviations ---------------------------------------

test('scenario 1-timestamp: the base starts with #TS:<now>, the incr gets its own #TS before its SELECT', async () => {
  const s = scenario('1-timestamp');
  const t0 = Math.floor(Date.now() / 1000);
  const got = await runScenario(s.args, s.files_before, ACTIONS['1-timestamp']!);
  const t1 = Math.floor(Date.now() / 1000);
  // The #TS values are the seconds of this run; everything else is Redis's.
  const base = got.files['appendonlydir/appendonly.aof.1.base.aof'] as { size: number; content: string };
  const incr = got.files['appendonlydir/appendonly.aof.1.incr.aof'] as { size: number; content: string };
  const bm = /^#TS:(\d+)\r\n$/.exec(base.content);
  assert.ok(bm !== null, `base: ${JSON.stringify(base)}`);
  const im = /^#TS:(\d+)\r\n/.exec(incr.content);
  assert.ok(im !== null, `the incr must start with its own #TS annotation (a later second than the base's), as Redis's: ${JSON.stringify(incr)}`);
  const tb = Number(bm[1]);
  const ti = Number(im[1]);
  assert.ok(tb >= t0 && tb <= t1 && ti > tb && ti <= t1, `base #TS ${tb}, incr #TS ${ti}, run ${t0}..${t1}`);
  const want = fromFixture(s);
  const wantBase = (want.files['appendonlydir/appendonly.aof.1.base.aof'] as { content: string }).content.replace(/\d+/, String(tb));
  const wantIncr = (want.files['appendonlydir/appendonly.aof.1.incr.aof'] as { content: string }).content.replace(/\d+/, String(ti));
  compare('1-timestamp', got, {
    ...want,
    files: {
      ...want.files,
      'appendonlydir/appendonly.aof.1.base.aof': { size: wantBase.length, content: wantBase },
      'appendonlydir/appendonly.aof.1.incr.aof': { size: wantIncr.length, content: wantIncr },
    },
  });
});

test('scenario 8-yes (deviation): a short read inside MULTI reverts to before the MULTI, so the next start loses nothing', async () => {
  // Redis 7.0.15 truncates after the queued SET (offset 96), leaving an open MULTI at the end of
  // the file: the next start queues everything appended after it and drops it (8-yes-restart
  // loses k9). nodis treats the cut like a clean end inside MULTI: it logs the Revert line and
  // truncates at the MULTI's offset (52), as redis-check-aof --fix would.
  const s = scenario('8-yes');
  const want = fromFixture(s);
  const log = expectedLog(s.log);
  const i = log.findIndex((l) => l.includes('!!! Warning: short read'));
  assert.ok(i > 0);
  log.splice(i, 0, normalise(W('Revert incomplete MULTI/EXEC transaction in AOF file appendonly.aof.1.incr.aof')));
  const at = log.findIndex((l) => l.includes('Truncating the AOF'));
  log[at] = normalise(W('!!! Truncating the AOF appendonly.aof.1.incr.aof at offset 52 !!!'));
  const incr52 = resp('SELECT', '0') + resp('SET', 'k2', 'v2');
  const files = { ...want.files, [I]: { size: 52, content: incr52 } };
  const dir = newDir();
  layFiles(dir, s.files_before);
  compare('8-yes', await runScenario(s.args, {}, null, { dir }), { ...want, log, files });

  // The consequence: unlike Redis's 8-yes-restart, a write after that start survives the next one.
  const second = await runScenario(s.args, {}, async (c) => ({ set_k9: await obsResp(c, 'SET', 'k9', 'v9') }), { dir });
  assert.deepEqual(second.obs['set_k9'], { command: ['SET', 'k9', 'v9'], reply: '+OK\r\n' });
  const third = await runScenario(s.args, {}, null, { dir });
  assert.equal(third.exit, 'running');
  assert.deepEqual(third.obs['keys'], ['k', 'k2', 'k9']);
  assert.deepEqual(
    actualLog(third.log).filter((l) => l.includes('!!!') || l.includes('Revert')),
    [],
    'the third start finds nothing to repair',
  );
  const incr = (third.files[I] as { content: string }).content;
  assert.equal(incr, incr52 + resp('SELECT', '0') + resp('SET', 'k9', 'v9'));
});

test('scenario 8-no (deviation): the same cut with aof-load-truncated no: the Revert line, then the fatal one', async () => {
  // Part of the 8-yes deviation: nodis reverts the unfinished MULTI whether the file ends
  // cleanly after queued commands or inside one, so it logs the Revert line (as Redis does in
  // 7-no) before "Unexpected end of file"; Redis logs only the latter here. Files untouched.
  const s = scenario('8-no');
  const want = fromFixture(s);
  const log = expectedLog(s.log);
  const at = log.findIndex((l) => l.includes('Unexpected end of file'));
  assert.equal(at, log.length - 1);
  log.splice(at, 0, normalise(W('Revert incomplete MULTI/EXEC transaction in AOF file appendonly.aof.1.incr.aof')));
  compare('8-no', await runScenario(s.args, s.files_before, null), { ...want, log });
});

test('scenario 11 (deviation): a wrong-arity command in the AOF fails alone; the rest loads and the server keeps working', async () => {
  // Redis's loader does not check arity: `*2 SET k` runs setCommand past argv, leaves a garbage
  // object and the first GET k crashes the server (SIGSEGV or SIGABRT). nodis replays through
  // its dispatcher, whose arity check rejects that one command (the error reply is discarded,
  // as every reply of the loading client), so k keeps its value from the base.
  const s = scenario('11');
  const want = fromFixture(s);
  const log = expectedLog(s.log.slice(0, s.log.findIndex((e) => e.text === 'Ready to accept connections') + 1));
  compare('11', await runScenario(s.args, s.files_before, ACTIONS['11']!), {
    exit: 'running',
    log: [...log, ...SHUTDOWN_LINES.map(normalise)],
    files: want.files,
    manifest: want.manifest,
    obs: {
      dbsize: '3',
      keys: ['k', 'k2', 'k6'],
      get_k: { command: ['GET', 'k'], reply: '$1\r\nv\r\n' },
      shutdown_reply: { command: ['SHUTDOWN'], reply: '' },
      shutdown_exit_code: 0,
    },
  });
});

test('scenario 16-neglen (deviation): a $-1 bulk length is a bad file format, exit 1', async () => {
  // Redis asserts in sdsnewlen and aborts (SIGABRT, 134) with a crash report. nodis reports the
  // file as badly formatted, as for any other malformed record, and exits 1.
  const s = scenario('16-neglen');
  const want = fromFixture(s);
  compare('16-neglen', await runScenario(s.args, s.files_before, null), {
    exit: 1,
    log: [
      ...expectedLog(s.log.slice(0, 3)),
      normalise(
        W(
          'Bad file format reading the append only file appendonly.aof.1.incr.aof: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>',
        ),
      ),
    ],
    files: want.files,
    manifest: want.manifest,
    obs: {},
  });
});

test('scenario 17: keys with past TTLs are loaded, then expire (active expiry) once the load is over', async () => {
  // Redis's first cron tick runs 1 ms after start-up, so its active expiry removed both keys
  // before the capture's first DBSIZE. nodis's cron ticks every 1000/hz ms: the first DBSIZE
  // may still count the expired keys, so wait (without touching any key) until the cycle ran.
  // The DELs are appended in the order the cycle finds the keys, which is not Redis's hash order.
  const s = scenario('17');
  const want = fromFixture(s);
  let rightAway = '';
  const got = await runScenario(s.args, s.files_before, async (c) => {
    rightAway = await cliInt(c, 'DBSIZE');
    const deadline = Date.now() + 3000;
    while ((await cliInt(c, 'DBSIZE')) !== '1' && Date.now() < deadline) await sleep(20);
    return { ...(await act17(c)), dbsize_right_away: '1' };
  });
  assert.ok(['1', '2', '3'].includes(rightAway), `DBSIZE right after the load: ${rightAway}`);
  const beforeIncr = fileBytes(s.files_before[I]!).toString('latin1');
  const incr = got.files[I] as { size: number; content: string };
  assert.ok(incr.content.startsWith(beforeIncr + resp('SELECT', '0')), incr.content);
  const dels = incr.content.slice(beforeIncr.length + resp('SELECT', '0').length);
  assert.ok(dels === resp('DEL', 'k2') + resp('DEL', 'k') || dels === resp('DEL', 'k') + resp('DEL', 'k2'), dels);
  const wantIncr = fileBytes(s.files_after[I]!).toString('latin1');
  compare('17', got, { ...want, files: { ...want.files, [I]: { size: wantIncr.length, content: incr.content } } });
});

test('scenario 18-config-appendonly: CONFIG SET appendonly yes runs a background rewrite, logged and switched as Redis does', async () => {
  // The same lines, files, manifest and replies as Redis's; what differs is what a fork gives
  // Redis: its child's lines (role C, the child's pid; nodis logs them as the server itself, with
  // its own pid), the child's "Fork CoW" lines and the verbose timing line of the SIGCHLD
  // handler, which nodis does not have. The base holds Redis's records in nodis's keyspace
  // order (Redis's is its hash order), so they are compared as a set after the SELECT; INFO
  // differs only in the time of the last save and the fork's copy-on-write size.
  const s = scenario('18-config-appendonly');
  const want = fromFixture(s);
  const got = await runScenario(s.args, s.files_before, ACTIONS['18-config-appendonly']!);
  const started = s.log.find((e) => e.text.startsWith('Background append only file rewriting started by pid '));
  assert.ok(started !== undefined);
  const redisPid = started.text.slice(started.text.lastIndexOf(' ') + 1);
  const nodisPid = String(got.pid);
  const log = expectedLog(
    s.log
      .filter((e) => !e.text.startsWith('Fork CoW for AOF rewrite: ') && !/^Background AOF rewrite signal handler took \d+us$/.test(e.text))
      .map((e) => ({ ...e, role: e.role === 'C' ? 'M' : e.role, text: e.text.split(redisPid).join(nodisPid) })),
  );
  assert.ok(log.some((l) => l === `M * Successfully created the temporary AOF base file temp-rewriteaof-bg-${nodisPid}.aof`), JSON.stringify(log));
  const B2 = 'appendonlydir/appendonly.aof.2.base.aof';
  const records = (content: string) => content.split(/(?=\*\d+\r\n\$)/);
  const wantBase = (want.files[B2] as { content: string }).content;
  const gotBase = (got.files[B2] as { content: string } | undefined)?.content ?? '';
  assert.equal(records(gotBase)[0], resp('SELECT', '0'));
  assert.deepEqual(records(gotBase).sort(), records(wantBase).sort(), 'the new base holds the dataset');
  const obs = structuredClone(want.obs) as Obs;
  const patchBase = (listing: Record<string, unknown>) => ({ ...listing, [B2]: { size: gotBase.length, content: gotBase } });
  obs['files_after_appendonly_yes'] = patchBase(obs['files_after_appendonly_yes'] as Record<string, unknown>);
  const info = got.obs['info_persistence_after'] as Record<string, string>;
  const wantInfo = obs['info_persistence_after'] as Record<string, string>;
  assert.deepEqual(Object.keys(info), Object.keys(wantInfo), 'the same INFO persistence fields, in the same order');
  assert.match(info['rdb_last_save_time']!, /^\d+$/);
  assert.equal(info['aof_last_cow_size'], '0', 'no fork, no copy-on-write');
  obs['info_persistence_after'] = { ...wantInfo, rdb_last_save_time: info['rdb_last_save_time'], aof_last_cow_size: '0' };
  compare('18-config-appendonly', got, { exit: 'running', log, files: patchBase(want.files), manifest: want.manifest, obs });
});

test('scenario 20 (adapted): -LOADING and the loading_* INFO fields while a long incr loads; the automatic rewrite that follows, killed by SHUTDOWN', async () => {
  // Redis's 125 MB / 3,000,000-record incr takes 5-7 s there; here the same records (awk's
  // format) are fewer and --key-load-delay (microseconds per command, hidden config) stretches
  // the load. Redis then starts an automatic rewrite because its incr passed
  // auto-aof-rewrite-min-size (64mb) with a BASE of 0 bytes, and SHUTDOWN kills it while it runs
  // (--rdb-key-save-delay keeps it running here, --auto-aof-rewrite-min-size is lowered below
  // this incr's size): the same lines (the growth is this incr's), the new INCR left in the
  // manifest, as Redis's.
  const s = scenario('20');
  const want = fromFixture(s);
  const n = 20000;
  let body = '';
  for (let i = 0; i < n; i++) body += resp('SET', `key:${i}`, 'value');
  const files: Files = { ...s.files_before, [I]: { size: body.length, content: body } };
  const dir = newDir();
  layFiles(dir, files);
  const port = await freePort();
  const argv = [
    ...s.args.map((a) => (a === '<port>' ? String(port) : a === '<dir>' ? dir : a)),
    '--key-load-delay',
    '100',
    '--auto-aof-rewrite-min-size',
    String(body.length - 1),
    '--rdb-key-save-delay',
    '100000',
  ];
  const run = spawnNodis(argv, port);
  // The first reply that is not a connection failure, as the capture script polls.
  let c: RespClient | null = null;
  const deadline = Date.now() + START_MS;
  while (c === null) {
    c = await RespClient.connect(port).catch(() => null);
    if (c === null) {
      assert.ok(Date.now() < deadline, 'nodis-server did not listen');
      await sleep(20);
    }
  }
  const obs: Obs = {};
  const raw = (...argv: string[]) => c!.callRaw(...argv);
  const LOADING = '-LOADING Redis is loading the dataset in memory\r\n';
  obs['ping_first_reply'] = await raw('PING');
  assert.equal(obs['ping_first_reply'], LOADING, 'the load must still be running when the first client arrives (raise n or the delay)');
  for (const [k, argv] of [
    ['ping', ['PING']],
    ['set_x', ['SET', 'x', 'y']],
    ['get_k', ['GET', 'key:0']],
    ['dbsize_resp', ['DBSIZE']],
  ] as const) {
    obs[k] = { command: argv, reply: await raw(...argv) };
  }
  const info = async () => {
    const r = String(await c!.call('INFO', 'persistence'));
    return Object.fromEntries(r.split('\r\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
  };
  const during = await info();
  await sleep(300);
  const later = await info();
  for (const [name, i] of [['during', during], ['later', later]] as const) {
    assert.equal(i['loading'], '1', `${name}: ${JSON.stringify(i)}`);
    assert.equal(i['async_loading'], '0');
    assert.equal(i['aof_enabled'], '0', 'aof_state is off while loading');
    assert.equal(i['loading_total_bytes'], String(body.length));
    assert.equal(i['loading_rdb_used_mem'], '0');
    assert.match(i['loading_start_time']!, /^\d+$/);
    assert.match(i['loading_loaded_perc']!, /^\d+\.\d\d$/);
    assert.match(i['loading_eta_seconds']!, /^\d+$/);
    assert.equal(Object.keys(i).slice(-6).join(','), 'loading_start_time,loading_total_bytes,loading_rdb_used_mem,loading_loaded_bytes,loading_loaded_perc,loading_eta_seconds');
  }
  assert.ok(Number(later['loading_loaded_bytes']) > Number(during['loading_loaded_bytes']), `${during['loading_loaded_bytes']} -> ${later['loading_loaded_bytes']}`);
  c.close();
  assert.equal(await readyOrExit(run, START_MS), 'running');
  const connect = () => RespClient.connect(port);
  obs['dbsize'] = await cliInt(connect, 'DBSIZE');
  obs['exists_x'] = await obsResp(connect, 'EXISTS', 'x');
  const d = await connect();
  // The automatic rewrite starts from the first cron tick after the load.
  const deadline2 = Date.now() + 5000;
  while (!String(await d.call('INFO', 'persistence')).includes('\r\naof_rewrite_in_progress:1\r\n')) {
    assert.ok(Date.now() < deadline2, 'no automatic rewrite started');
    await sleep(20);
  }
  d.send('SHUTDOWN');
  await d.waitClosed();
  d.close();
  assert.equal(await exitCode(run, START_MS), 0);
  for (const k of ['ping_first_reply', 'ping', 'set_x', 'get_k', 'dbsize_resp', 'exists_x']) assert.deepEqual(obs[k], want.obs[k], k);
  assert.equal(obs['dbsize'], String(n));
  // Redis's lines with this incr's growth (size * 100 / max(0, 1) - 100) and nodis's pid; the
  // forked child's own lines (Fork CoW, its SIGUSR1 handler) have no counterpart in nodis.
  const redisPid = /by pid (\d+)$/.exec(s.log.find((e) => e.text.startsWith('Background append only file rewriting started by pid '))!.text)![1]!;
  const wantLog = s.log
    .filter((e) => e.role === 'M')
    .map((e) => ({ ...e, text: e.text.replace(/on \d+% growth$/, `on ${body.length * 100 - 100}% growth`).replace(redisPid, String(run.child.pid)) }));
  assert.deepEqual(actualLog(parseLog(run.stdout(), run.child.pid!)), expectedLog(wantLog));
  assert.ok(expectedLog(wantLog).includes(normalise(N(`Killing running AOF rewrite child: ${run.child.pid}`))));
  assert.equal(fs.readFileSync(path.join(dir, M), 'latin1'), want.manifest);
  assert.equal(fs.statSync(path.join(dir, I)).size, body.length);
  assert.equal(fs.statSync(path.join(dir, B)).size, 0);
  assert.equal(fs.statSync(path.join(dir, 'appendonlydir', 'appendonly.aof.2.incr.aof')).size, 0);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['appendonlydir'], 'the temp BASE of the killed rewrite is removed');
});

test('scenario 1 with aof-use-rdb-preamble yes (Redis\'s default): nodis writes a RESP base and says so (NODIS_EXTRA_LINES)', async () => {
  // Redis would create appendonly.aof.1.base.rdb (an RDB file), which nodis cannot write yet:
  // its base stays RESP, named .base.aof, and one NOTICE line (the allowed extra) says why.
  const s = scenario('1');
  const args = s.args.map((a, i) => (s.args[i - 1] === '--aof-use-rdb-preamble' ? 'yes' : a));
  assert.ok(args.includes('yes') && args.join(' ') !== s.args.join(' '));
  const got = await runScenario(args, s.files_before, null);
  const want = fromFixture(s);
  compare('1 (preamble yes)', got, want);
  const all = got.log.filter(aboutAof).map(normalise);
  const note = all.findIndex((l) => NODIS_EXTRA_LINES[0]!.test(l.slice(4)));
  assert.equal(note, all.findIndex((l) => l.includes('Creating AOF base file')) - 1, `the note comes right before the base is created: ${JSON.stringify(all)}`);
  assert.equal(all[note]!.slice(0, 4), 'M * ');
});
