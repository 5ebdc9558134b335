// AOF write and fsync failures under appendfsync everysec and no, injected through the file
// layer (tests/helpers/fault-fs.ts) of an in-process server, as Redis 7.0 handles them (aof.c
// flushAppendOnlyFile, server.c processCommand/rejectCommand, bio.c):
// - a failed write keeps the bytes in aof_buf, sets aof_last_write_status=err and is retried
//   (beforeSleep, and once a second from cron); writes and PING get "-MISCONF Errors writing to
//   the AOF file: <strerror>", reads are served. A rejected command inside MULTI flags the
//   transaction (EXECABORT ... previous errors); EXEC itself rejected becomes "-EXECABORT
//   Transaction discarded because of: MISCONF ...".
// - The error lines are rate limited to one per 30 s; recovery logs "AOF write error looks
//   solved, Redis can write again."
// - A short write is truncated back (ftruncate to aof_last_incr_size); if that fails the prefix
//   stays and leaves the buffer. Either way the errno becomes ENOSPC. A write(2) that returns
//   fewer bytes without an error is simply completed.
// - A failed background fsync logs "Fail to fsync the AOF file: <err>" once and refuses writes
//   until an fsync succeeds.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../helpers/server.js';
import { RespClient } from '../helpers/resp-client.js';
import { resp as rec } from '../helpers/aof-files.js';
import { info, sleep } from '../helpers/calls.js';
import { SELECT0, incrSize, incrText, useAofEnvs } from '../helpers/aof-env.js';

const MISCONF_ENOSPC = '-MISCONF Errors writing to the AOF file: No space left on device\r\n';
const MISCONF_EIO = '-MISCONF Errors writing to the AOF file: Input/output error\r\n';
const SOLVED = 'AOF write error looks solved, Redis can write again.';

const { freshDir, startFaulty: start, stop } = useAofEnvs('nodis-aof-faults-writes-', { appendonly: 'yes' });

/** Waits until nothing is buffered and no background fsync runs (everysec postpones writes then). */
async function settle(c: RespClient): Promise<void> {
  await waitFor(async () => {
    const inf = await info(c);
    return inf.get('aof_buffer_length') === '0' && inf.get('aof_pending_bio_fsync') === '0';
  }, 3000, 'a settled AOF');
}

/** Restarts on `dir` without faults and checks the dataset is exactly `model` (db 0) and `digest`. */
async function assertRecovered(dir: string, model: Record<string, string>, digest: string): Promise<void> {
  const env = await start(dir);
  try {
    const c = await env.srv.client();
    assert.equal(await c.call('DEBUG', 'DIGEST'), digest, 'the restarted dataset differs from the acknowledged one');
    assert.equal(await c.call('DBSIZE'), Object.keys(model).length);
    for (const [k, v] of Object.entries(model)) assert.equal(await c.call('GET', k), v, `key ${k}`);
  } finally {
    await stop(env);
  }
}

// ---- write errors under everysec and no ------------------------------------------------------

for (const policy of ['everysec', 'no'] as const) {
  test(`appendfsync ${policy}: ENOSPC then EIO on write -> MISCONF for writes, PING and EXEC, reads served, rate-limited log, recovery keeps every acknowledged write`, async () => {
    const dir = freshDir();
    const env = await start(dir, { appendfsync: policy });
    const { srv, ffs, log } = env;
    const c = await srv.client();
    const c2 = await srv.client();
    assert.equal(await c.call('SET', 'a', '1'), 'OK');
    assert.equal(await c.call('SET', 'b', '2'), 'OK');
    const good = SELECT0 + rec('SET', 'a', '1') + rec('SET', 'b', '2');
    // everysec may postpone a write while a background fsync runs: wait for a quiet disk.
    await settle(c);
    assert.equal(incrText(dir), good);
    ffs.failWrites('ENOSPC');
    // The write of this command fails after it ran: its reply was already due (Redis sends it).
    assert.equal(await c.callRaw('SET', 'c', '3'), '+OK\r\n');
    assert.equal(await c.callRaw('SET', 'd', '4'), MISCONF_ENOSPC);
    assert.equal(await c.callRaw('PING'), MISCONF_ENOSPC);
    assert.equal(await c.callRaw('DEL', 'a'), MISCONF_ENOSPC);
    // Reads are served, the refused write did nothing, the acknowledged one is in memory.
    assert.equal(await c.callRaw('GET', 'a'), '$1\r\n1\r\n');
    assert.equal(await c.callRaw('GET', 'c'), '$1\r\n3\r\n');
    assert.equal(await c.callRaw('EXISTS', 'd'), ':0\r\n');
    assert.equal(await c.callRaw('ECHO', 'x'), '$1\r\nx\r\n');
    // A write rejected inside MULTI flags the transaction.
    assert.equal(await c2.callRaw('MULTI'), '+OK\r\n');
    assert.equal(await c2.callRaw('SET', 'q', '1'), MISCONF_ENOSPC);
    assert.equal(await c2.callRaw('GET', 'a'), '+QUEUED\r\n');
    assert.equal(await c2.callRaw('EXEC'), '-EXECABORT Transaction discarded because of previous errors.\r\n');
    // A read-only transaction runs.
    assert.equal(await c2.callRaw('MULTI'), '+OK\r\n');
    assert.equal(await c2.callRaw('GET', 'a'), '+QUEUED\r\n');
    assert.equal(await c2.callRaw('EXEC'), '*1\r\n$1\r\n1\r\n');

    let inf = await info(c);
    assert.equal(inf.get('aof_last_write_status'), 'err');
    assert.equal(inf.get('aof_buffer_length'), String(rec('SET', 'c', '3').length), 'the failed write stays buffered');
    assert.equal(incrText(dir), good, 'nothing of the failed write is in the file');

    // Retried (each turn / cron) while failing, logged once.
    const failedBefore = ffs.calls.failedWrites;
    await sleep(1200);
    assert.ok(ffs.calls.failedWrites > failedBefore, `the write must be retried while failing (${ffs.calls.failedWrites} failed writes)`);
    assert.equal(log.count('#', 'Error writing to the AOF file: No space left on device'), 1, log.dump());
    assert.equal(log.count('#', SOLVED), 0);

    const cleared = Date.now();
    ffs.clear();
    await waitFor(() => log.count('#', SOLVED) === 1, 2500, 'the "looks solved" line');
    assert.ok(Date.now() - cleared <= 1500, `recovery took ${Date.now() - cleared} ms (cron retries every 100 ms, Redis at least once a second)`);
    inf = await info(c);
    assert.equal(inf.get('aof_last_write_status'), 'ok');
    assert.equal(inf.get('aof_buffer_length'), '0');
    assert.equal(incrText(dir), good + rec('SET', 'c', '3'), 'the acknowledged write is in the file after recovery');
    assert.equal(await c.callRaw('PING'), '+PONG\r\n');
    assert.equal(await c.callRaw('SET', 'e', '5'), '+OK\r\n');

    // A second failure within 30 s: MISCONF with the new errno, no new error line.
    await settle(c);
    ffs.failWrites('EIO');
    assert.equal(await c.callRaw('SET', 'f', '6'), '+OK\r\n');
    assert.equal(await c.callRaw('SET', 'g', '7'), MISCONF_EIO);
    assert.equal(await c.callRaw('PING'), MISCONF_EIO);
    assert.equal((await info(c)).get('aof_last_write_status'), 'err');
    await sleep(300);
    assert.equal(log.countPrefix('Error writing to the AOF file'), 1, `rate limited to one line per 30 s:\n${log.dump()}`);
    ffs.clear();
    await waitFor(() => log.count('#', SOLVED) === 2, 2500, 'the second "looks solved" line');
    assert.equal((await info(c)).get('aof_last_write_status'), 'ok');

    const expected = good + rec('SET', 'c', '3') + rec('SET', 'e', '5') + rec('SET', 'f', '6');
    assert.equal(incrText(dir), expected);
    const digest = (await c.call('DEBUG', 'DIGEST')) as string;
    await stop(env);
    assert.equal(incrText(dir), expected, 'shutdown adds nothing');
    await assertRecovered(dir, { a: '1', b: '2', c: '3', e: '5', f: '6' }, digest);
  });
}

test('MISCONF: EXEC of a transaction queued before the failure is aborted with the MISCONF reason and leaves MULTI', async () => {
  const dir = freshDir();
  const env = await start(dir, { appendfsync: 'no' });
  const { srv, ffs, log } = env;
  const c = await srv.client();
  const c2 = await srv.client();
  assert.equal(await c2.callRaw('MULTI'), '+OK\r\n');
  assert.equal(await c2.callRaw('SET', 'q', '1'), '+QUEUED\r\n');
  assert.equal(await c2.callRaw('GET', 'q'), '+QUEUED\r\n');
  ffs.failWrites('ENOSPC');
  assert.equal(await c.callRaw('SET', 'a', '1'), '+OK\r\n');
  assert.equal(await c.callRaw('PING'), MISCONF_ENOSPC);
  // rejectCommand() on EXEC: execCommandAbort, "-EXECABORT Transaction discarded because of: <err>".
  assert.equal(await c2.callRaw('EXEC'), '-EXECABORT Transaction discarded because of: MISCONF Errors writing to the AOF file: No space left on device\r\n');
  assert.equal(await c2.callRaw('GET', 'q'), '$-1\r\n', 'the aborted EXEC must leave the MULTI state, and nothing ran');
  ffs.clear();
  await waitFor(() => log.count('#', SOLVED) === 1, 2500, 'recovery');
  await stop(env);
});

// ---- short writes ---------------------------------------------------------------------------

test('short write (k bytes, then EIO): truncated back to the last good size, errno ENOSPC, logged once, recovered without loss', async () => {
  const dir = freshDir();
  const env = await start(dir);
  const { srv, ffs, log } = env;
  const c = await srv.client();
  assert.equal(await c.call('SET', 'a', '1'), 'OK');
  await settle(c);
  const good = SELECT0 + rec('SET', 'a', '1');
  assert.equal(incrSize(dir), good.length);

  ffs.partialWrites(7, 'EIO');
  const record = rec('SET', 'bb', '22');
  assert.equal(await c.callRaw('SET', 'bb', '22'), '+OK\r\n');
  assert.ok(ffs.calls.ftruncate >= 1, 'the short write must be undone with ftruncate');
  assert.equal(incrSize(dir), good.length, 'the partial record was removed');
  assert.equal(log.count('#', `Short write while writing to the AOF file: (nwritten=7, expected=${record.length})`), 1, log.dump());
  // Redis reports ENOSPC for a short write, whatever error ended it.
  assert.equal(await c.callRaw('SET', 'x', 'y'), MISCONF_ENOSPC);
  assert.equal((await info(c)).get('aof_buffer_length'), String(record.length));

  await sleep(1200);
  assert.equal(incrSize(dir), good.length, 'every retry is truncated back too');
  assert.equal(log.countPrefix('Short write'), 1, 'rate limited');
  assert.equal(log.countPrefix('Could not remove short write'), 0);

  ffs.clear();
  await waitFor(() => log.count('#', SOLVED) === 1, 2500, 'recovery');
  assert.equal(incrText(dir), good + record);
  assert.equal(await c.callRaw('SET', 'c', '3'), '+OK\r\n');
  const digest = (await c.call('DEBUG', 'DIGEST')) as string;
  await stop(env);
  assert.equal(incrText(dir), good + record + rec('SET', 'c', '3'));
  await assertRecovered(dir, { a: '1', bb: '22', c: '3' }, digest);
});

test('short write with a failing ftruncate: the written prefix stays, leaves the buffer and is not written twice', async () => {
  const dir = freshDir();
  const env = await start(dir);
  const { srv, ffs, log } = env;
  const c = await srv.client();
  assert.equal(await c.call('SET', 'a', '1'), 'OK');
  await settle(c);
  const good = SELECT0 + rec('SET', 'a', '1');

  ffs.partialWrites(7, 'ENOSPC');
  ffs.failFtruncate('EIO');
  const record = rec('SET', 'bb', '22');
  assert.equal(await c.callRaw('SET', 'bb', '22'), '+OK\r\n');
  assert.equal(log.count('#', `Short write while writing to the AOF file: (nwritten=7, expected=${record.length})`), 1, log.dump());
  assert.equal(
    log.count('#', 'Could not remove short write from the append-only file.  Redis may refuse to load the AOF the next time it starts.  ftruncate: Input/output error'),
    1,
    log.dump(),
  );
  assert.equal(incrText(dir), good + record.slice(0, 7), 'the prefix stays in the file');
  assert.equal(await c.callRaw('SET', 'x', 'y'), MISCONF_ENOSPC);
  const inf = await info(c);
  assert.equal(inf.get('aof_last_write_status'), 'err');
  assert.equal(inf.get('aof_buffer_length'), String(record.length - 7), 'the written prefix left the buffer');

  await sleep(600);
  assert.equal(incrText(dir), good + record.slice(0, 7), 'no room left: retries add nothing');
  ffs.clear();
  await waitFor(() => log.count('#', SOLVED) === 1, 2500, 'recovery');
  assert.equal(incrText(dir), good + record, 'the rest of the record follows the prefix exactly once');
  assert.equal(await c.callRaw('SET', 'c', '3'), '+OK\r\n');
  const digest = (await c.call('DEBUG', 'DIGEST')) as string;
  await stop(env);
  await assertRecovered(dir, { a: '1', bb: '22', c: '3' }, digest);
});

test('a write(2) that returns fewer bytes without an error is completed by further calls: no error state', async () => {
  const dir = freshDir();
  const env = await start(dir);
  const { srv, ffs, log } = env;
  const c = await srv.client();
  ffs.shortWrites(3);
  const before = ffs.calls.write;
  assert.equal(await c.call('SET', 'key', 'value'), 'OK');
  assert.equal(await c.call('RPUSH', 'l', 'x', 'y', 'z'), 3);
  await settle(c);
  const expected = SELECT0 + rec('SET', 'key', 'value') + rec('RPUSH', 'l', 'x', 'y', 'z');
  assert.equal(incrText(dir), expected);
  assert.ok(ffs.calls.write - before >= Math.ceil(expected.length / 3), `${ffs.calls.write - before} write calls`);
  assert.equal(await c.callRaw('PING'), '+PONG\r\n');
  assert.equal((await info(c)).get('aof_last_write_status'), 'ok');
  assert.equal(log.countPrefix('Short write'), 0);
  await stop(env);
});

// ---- background fsync failure (everysec) ------------------------------------------------------

test('everysec: a failed background fsync -> "Fail to fsync the AOF file" once, MISCONF with its errno, cleared by the next successful fsync', async () => {
  const dir = freshDir();
  const env = await start(dir, { appendfsync: 'everysec' });
  const { srv, ffs, log } = env;
  const c = await srv.client();
  ffs.failFsyncs('EIO');
  assert.equal(await c.callRaw('SET', 'a', '1'), '+OK\r\n');
  await waitFor(() => log.count('#', 'Fail to fsync the AOF file: Input/output error') === 1, 2500, 'the fsync error line');
  assert.equal(await c.callRaw('SET', 'b', '2'), MISCONF_EIO);
  assert.equal(await c.callRaw('PING'), MISCONF_EIO);
  assert.equal(await c.callRaw('GET', 'a'), '$1\r\n1\r\n');
  assert.equal((await info(c)).get('aof_last_write_status'), 'err');

  // Still failing a second later: still refused, not logged again.
  const attempts = ffs.calls.fdatasyncAsync;
  await waitFor(() => ffs.calls.fdatasyncAsync > attempts, 2500, 'an fsync retry');
  await sleep(50);
  assert.equal(await c.callRaw('SET', 'b', '2'), MISCONF_EIO);
  assert.equal(log.countPrefix('Fail to fsync the AOF file'), 1, log.dump());

  ffs.clear();
  await waitFor(async () => (await info(c)).get('aof_last_write_status') === 'ok', 2500, 'a successful fsync');
  assert.equal(await c.callRaw('SET', 'b', '2'), '+OK\r\n');
  assert.equal(await c.callRaw('PING'), '+PONG\r\n');
  const digest = (await c.call('DEBUG', 'DIGEST')) as string;
  await stop(env);
  assert.equal(incrText(dir), SELECT0 + rec('SET', 'a', '1') + rec('SET', 'b', '2'));
  await assertRecovered(dir, { a: '1', b: '2' }, digest);
});
