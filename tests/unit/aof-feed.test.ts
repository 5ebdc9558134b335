// The AOF feed: record encoding, SELECT and #TS rules, the buffer API, and the bytes of a
// whole command sequence compared with what redis-server 7.0.15 wrote for the same sequence
// (tests/fixtures/aof-feed: captured once by capture.ts; time-dependent values normalised).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AofFeed, attachAofFeed } from '../../src/aof/feed.js';
import { startTestServer } from '../helpers/server.js';
import { parseAofStrict as parseAof, type AofItem as Item } from '../helpers/aof-files.js';
import { runSequence, type SequenceResult } from '../fixtures/aof-feed/sequence.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const FIXTURE_DIR = path.join(ROOT, 'tests', 'fixtures', 'aof-feed');

/**
 * Checks and removes what differs between runs: `#TS:` lines (increasing, inside the run's
 * window, one right before the SELECT that precedes `SET tsmark`), absolute times computed
 * from relative TTLs (→ `<now+Ks>`, checked against the window), SPOP's random members.
 * A record becomes `*<argc> ARG ARG ...` (the reader has checked the framing).
 */
function normalise(items: Item[], run: SequenceResult, who: string): string[] {
  const out: string[] = [];
  let lastTs = 0;
  const sec0 = Math.floor(run.t0 / 1000) - 1; // a start-up base may annotate the second before
  const sec1 = Math.floor(run.t1 / 1000);
  const relTime = (v: string): string => {
    const t = Number(v);
    if (!/^\d+$/.test(v) || t < run.t0 || t > run.t1 + 100_000_000) return v;
    const k = Math.round((t - run.t0) / 1_000_000) * 1000;
    const ttl = k * 1000;
    assert.ok(t >= run.t0 + ttl && t <= run.t1 + ttl + 1000, `${who}: ${v} is not in the window of now+${k}s`);
    return `<now+${k}s>`;
  };
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    if ('ts' in it) {
      assert.ok(it.ts > lastTs && it.ts >= sec0 && it.ts <= sec1, `${who}: #TS:${it.ts} outside ${sec0}..${sec1}`);
      lastTs = it.ts;
      continue;
    }
    const argv = [...it.argv];
    const cmd = argv[0]!.toUpperCase();
    if (cmd === 'SET') {
      const p = argv.findIndex((a, j) => j >= 3 && a.toUpperCase() === 'PXAT');
      if (p >= 0 && p + 1 < argv.length) argv[p + 1] = relTime(argv[p + 1]!);
    } else if (cmd === 'PEXPIREAT') {
      argv[2] = relTime(argv[2]!);
    } else if (cmd === 'SREM' && argv[1] === 'st3') {
      for (let j = 2; j < argv.length; j++) {
        assert.ok(run.spopped.includes(argv[j]!), `${who}: SREM st3 ${argv[j]} was not popped`);
        argv[j] = '<popped>';
      }
    } else if (cmd === 'SELECT' && items[i + 1] && 'argv' in items[i + 1]! && (items[i + 1] as { argv: string[] }).argv[1] === 'tsmark') {
      assert.ok(i > 0 && 'ts' in items[i - 1]!, `${who}: no #TS before the SELECT of a new second`);
    }
    out.push(`*${argv.length} ${argv.join(' ')}`);
  }
  return out;
}

// ---- the sequence against Redis's bytes ---------------------------------------------------

/**
 * Where nodis's propagation still differs from Redis 7.0.15 (to be fixed in the command, not
 * here): nodis's record → Redis's record. Each must occur, so a fix makes this test fail until
 * its entry is removed; the strict comparison below is a todo until the list is empty.
 */
/** Differences from Redis's bytes still to fix, as [nodis record, Redis record] (none now). */
const KNOWN_DIFFERENCES: ReadonlyMap<string, string> = new Map();

let strict: { actual: string[]; expected: string[] } | null = null;

test('a command sequence gives the bytes redis-server 7.0.15 wrote (time values and #TS normalised)', async () => {
  const fixture = readFileSync(path.join(FIXTURE_DIR, 'redis-7.0.15-incr.aof'));
  const redisRun = JSON.parse(readFileSync(path.join(FIXTURE_DIR, 'redis-7.0.15-run.json'), 'utf8')) as SequenceResult;
  const expected = normalise(parseAof(fixture), redisRun, 'redis');

  const srv = await startTestServer({ 'aof-timestamp-enabled': 'yes' });
  try {
    const { feed, detach } = attachAofFeed(srv.server);
    // As Redis's start-up BASE (forced #TS) does: the INCR's records of this second have none.
    feed.markTimestamp(Math.floor(Date.now() / 1000));
    const run = await runSequence(srv.port);
    detach();
    const bytes = Buffer.from(feed.take());
    const actual = normalise(parseAof(bytes), run, 'nodis');
    strict = { actual, expected };
    const seen = new Set<string>();
    const patched = actual.map((r) => {
      const fixed = KNOWN_DIFFERENCES.get(r);
      if (fixed === undefined) return r;
      seen.add(r);
      return fixed;
    });
    assert.deepEqual([...KNOWN_DIFFERENCES.keys()].filter((k) => !seen.has(k)), [], 'known differences that no longer occur');
    assert.deepEqual(patched, expected);
  } finally {
    await srv.stop();
  }
});

test('the same sequence without the known differences', { todo: KNOWN_DIFFERENCES.size > 0 ? 'see KNOWN_DIFFERENCES' : false }, () => {
  assert.ok(strict !== null, 'the comparison above ran');
  assert.deepEqual(strict.actual, strict.expected);
});

test('attach changes nothing else and detach stops the feed', async () => {
  const srv = await startTestServer();
  try {
    const c = await srv.client();
    const { feed, detach } = attachAofFeed(srv.server);
    await c.call('SET', 'k', 'v');
    assert.equal(feed.take().toString('latin1'), '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n');
    detach();
    await c.call('SET', 'k', 'w');
    assert.equal(feed.pending, 0);
    assert.deepEqual(srv.propagated, ['0:SET k v', '0:SET k w']);
  } finally {
    await srv.stop();
  }
});

// ---- encoding and the SELECT / #TS rules -------------------------------------------------

const text = (f: AofFeed) => f.take().toString('latin1');
const rec = (...a: string[]) => `*${a.length}\r\n` + a.map((x) => `$${x.length}\r\n${x}\r\n`).join('');

test('records are binary safe: every byte value, CRLF and empty arguments', () => {
  const f = new AofFeed();
  let all = '';
  for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
  f.feed([{ db: 0, argv: ['SET', all, '\r\n', ''] }]);
  const b = f.take();
  const want = Buffer.concat([
    Buffer.from(rec('SELECT', '0') + '*4\r\n$3\r\nSET\r\n$256\r\n', 'latin1'),
    Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
    Buffer.from('\r\n$2\r\n\r\n\r\n$0\r\n\r\n', 'latin1'),
  ]);
  assert.deepEqual(b, want);
});

test('lengths of every digit count, and arguments larger than the buffer chunk', () => {
  const f = new AofFeed();
  const argv = ['RPUSH', 'k'];
  for (const n of [0, 1, 9, 10, 99, 100, 999, 1000, 70_000, 300_000]) argv.push('x'.repeat(n));
  for (let i = 0; i < 120; i++) argv.push(String(i));
  f.feed([{ db: 12, argv }]);
  assert.equal(text(f), rec('SELECT', '12') + rec(...argv));
});

test('SELECT only when the db changes, after reset(), never for EXEC (db -1); MULTI takes the first db', () => {
  const f = new AofFeed();
  f.feed([{ db: 0, argv: ['SET', 'a', '1'] }]);
  f.feed([{ db: 0, argv: ['SET', 'b', '1'] }]);
  f.feed([
    { db: 3, argv: ['MULTI'] },
    { db: 3, argv: ['SET', 'c', '1'] },
    { db: 4, argv: ['SET', 'd', '1'] },
    { db: -1, argv: ['EXEC'] },
  ]);
  f.feed([{ db: 4, argv: ['DEL', 'd'] }]);
  f.reset();
  f.feed([{ db: 4, argv: ['DEL', 'd'] }]);
  assert.equal(
    text(f),
    rec('SELECT', '0') + rec('SET', 'a', '1') + rec('SET', 'b', '1') +
      rec('SELECT', '3') + rec('MULTI') + rec('SET', 'c', '1') + rec('SELECT', '4') + rec('SET', 'd', '1') + rec('EXEC') +
      rec('DEL', 'd') + rec('SELECT', '4') + rec('DEL', 'd'),
  );
  // A unit fed right after reset whose first op is EXEC-like (db -1) writes no SELECT.
  f.reset();
  f.feed([{ db: -1, argv: ['EXEC'] }]);
  assert.equal(text(f), rec('EXEC'));
});

test('#TS: at most once per second, before the SELECT, not again for a marked second, never reset', () => {
  const f = new AofFeed();
  f.feed([{ db: 0, argv: ['SET', 'a', '1'] }], 5_000_999); // off: none
  f.timestamps = true;
  f.feed([{ db: 1, argv: ['SET', 'a', '1'] }], 5_001_000);
  f.feed([{ db: 1, argv: ['SET', 'b', '1'] }], 5_001_999);
  f.feed([{ db: 1, argv: ['MULTI'] }, { db: 1, argv: ['SET', 'c', '1'] }, { db: -1, argv: ['EXEC'] }], 5_002_000);
  f.feed([{ db: 1, argv: ['SET', 'd', '1'] }], 5_001_500); // clock went back: none
  f.reset();
  f.feed([{ db: 1, argv: ['SET', 'e', '1'] }], 5_002_100); // same second after reset: none
  f.markTimestamp(5_004);
  f.feed([{ db: 1, argv: ['SET', 'f', '1'] }], 5_004_100); // second already annotated elsewhere
  f.feed([{ db: 1, argv: ['SET', 'g', '1'] }], 5_005_000);
  assert.equal(
    text(f),
    rec('SELECT', '0') + rec('SET', 'a', '1') +
      '#TS:5001\r\n' + rec('SELECT', '1') + rec('SET', 'a', '1') + rec('SET', 'b', '1') +
      '#TS:5002\r\n' + rec('MULTI') + rec('SET', 'c', '1') + rec('EXEC') +
      rec('SET', 'd', '1') +
      rec('SELECT', '1') + rec('SET', 'e', '1') +
      rec('SET', 'f', '1') +
      '#TS:5005\r\n' + rec('SET', 'g', '1'),
  );
});

// ---- the buffer API -----------------------------------------------------------------------

test('peek/consume keep unwritten bytes (short write); appended is a monotonic offset', () => {
  const f = new AofFeed();
  f.feed([{ db: 0, argv: ['SET', 'a', '1'] }]);
  const all = f.peek().toString('latin1');
  assert.equal(f.pending, all.length);
  assert.equal(f.appended, all.length);
  f.consume(5); // a short write of 5 bytes
  assert.equal(f.peek().toString('latin1'), all.slice(5));
  assert.equal(f.appended, all.length);
  f.feed([{ db: 0, argv: ['SET', 'b', '2'] }]);
  assert.equal(f.peek().toString('latin1'), all.slice(5) + rec('SET', 'b', '2'));
  f.consume(f.pending);
  assert.equal(f.pending, 0);
  assert.equal(f.appended, all.length + rec('SET', 'b', '2').length);
  assert.throws(() => f.consume(1), RangeError);
});

test('views handed out by take() are never overwritten, across reuse and growth', () => {
  const f = new AofFeed();
  const views: [Buffer, string][] = [];
  let total = 0;
  for (let i = 0; i < 3000; i++) {
    const argv = ['SET', `key:${i}`, 'v'.repeat(i % 7 === 0 ? 5000 : i % 50)];
    f.feed([{ db: i % 3, argv }]);
    if (i % 5 === 0) {
      const b = f.take();
      total += b.length;
      views.push([b, b.toString('latin1')]);
    }
    if (i % 11 === 0) f.consume(f.pending === 0 ? 0 : 1); // mixed with partial consumes
  }
  for (const [b, s] of views) assert.equal(b.toString('latin1'), s);
  assert.ok(total > 0);
});
