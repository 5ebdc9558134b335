// The AOF record scanner (src/aof/scan.ts): the loader's classification of every truncation of
// a file written by redis-server 7.0.15 (expected results recorded from that server with
// aof-load-truncated yes), MULTI reverts, annotations, redis-check-aof's error texts, and a
// property test over random command streams cut anywhere.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import os from 'node:os';
import {
  AofLoadScanner,
  scanAofForLoad,
  scanAofFd,
  type AofAnnotation,
  type AofRecord,
  type AofLoadEnd,
} from '../../src/aof/scan.js';
import { checkAofBytes, formatCheckPos } from '../../src/aof/check-scan.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const FIX = path.join(ROOT, 'tests', 'fixtures', 'aof-scan');
const SAMPLE = fs.readFileSync(path.join(FIX, 'redis-7.0.15.incr.aof'));

function resp(...argv: string[]): string {
  return `*${argv.length}\r\n` + argv.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('');
}
const b = (s: string): Buffer => Buffer.from(s, 'latin1');

interface RedisLoad {
  readonly result: 'ok' | 'trunc' | 'fmt' | 'other';
  readonly size: number;
  readonly reverted: boolean;
}

// load-truncations.txt: "<offset> <ok|trunc|fmt> <size after loading> <reverted MULTI 0|1>",
// recorded by starting redis-server 7.0.15 on each prefix of the sample as the last INCR file.
function redisLoads(): Map<number, RedisLoad> {
  const m = new Map<number, RedisLoad>();
  for (const line of fs.readFileSync(path.join(FIX, 'load-truncations.txt'), 'latin1').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [off, result, size, rev] = line.split(' ');
    m.set(Number(off), { result: result as RedisLoad['result'], size: Number(size), reverted: rev === '1' });
  }
  return m;
}

test('loader: every truncation of a redis-server 7.0.15 AOF is classified as Redis loads it', () => {
  const expected = redisLoads();
  assert.equal(expected.size, SAMPLE.length + 1);
  for (let cut = 0; cut <= SAMPLE.length; cut++) {
    const exp = expected.get(cut)!;
    const { end } = scanAofForLoad(SAMPLE.subarray(0, cut));
    const where = `cut at ${cut}`;
    if (exp.result === 'ok') {
      assert.equal(end.kind, 'ok', where);
      assert.equal(exp.size, cut, where);
    } else if (exp.result === 'trunc') {
      assert.equal(end.kind, 'eof', where);
      assert.equal(end.validUpTo, exp.size, where);
      assert.equal(end.kind === 'eof' && end.revertedMulti, exp.reverted, where);
    } else {
      assert.equal(end.kind, 'format', where);
    }
  }
});

test('loader: damaged tails after the sample, as redis-server 7.0.15 loads them', () => {
  const tail = (t: string) => scanAofForLoad(Buffer.concat([SAMPLE, b(t)])).end;
  const n = SAMPLE.length;
  assert.deepEqual(tail('garbage\r\n'), { kind: 'format', offset: n, validUpTo: n });
  assert.deepEqual(tail('\r\n'), { kind: 'format', offset: n, validUpTo: n });
  assert.deepEqual(tail('*2\r\n#3\r\nfoo\r\n'), { kind: 'format', offset: n + 4, validUpTo: n });
  assert.deepEqual(tail('*-1\r\n*0\r\n*\r\n'), { kind: 'format', offset: n, validUpTo: n });
  assert.equal(tail('*1\r\n$4\r\nPINGxx').kind, 'ok');
  assert.equal(tail('*1\r\n$ 4x\r\nPING\r\n').kind, 'ok');
  assert.equal(tail(resp('exec')).kind, 'ok');
  // A nested MULTI moves the revert point to after the first MULTI, as in Redis.
  assert.deepEqual(tail(resp('MULTI') + resp('multi')), { kind: 'eof', validUpTo: n + 15, revertedMulti: true });
  assert.deepEqual(tail(resp('MULTI') + resp('set', 'a', 'b')), { kind: 'eof', validUpTo: n, revertedMulti: true });
});

test('loader: the records of the sample, with offsets', () => {
  const { records, end } = scanAofForLoad(SAMPLE);
  assert.deepEqual(end, { kind: 'ok', validUpTo: SAMPLE.length });
  assert.deepEqual(records[0], { argv: ['SELECT', '0'], start: 16, end: 39 });
  assert.deepEqual(records[1]!.argv, ['set', 'foo', 'hello']);
  assert.deepEqual(records[2]!.argv, ['rpush', 'l', 'a', 'b', 'c d', '\xc3\xa9']);
  for (let i = 1; i < records.length; i++) assert.ok(records[i]!.start >= records[i - 1]!.end);
  assert.equal(records.at(-1)!.end, SAMPLE.length);
});

test('loader: an unfinished MULTI at a clean end is reverted to before MULTI', () => {
  const head = resp('SET', 'a', '1');
  const file = head + resp('MULTI') + resp('INCR', 'a') + resp('INCR', 'a');
  const { records, end } = scanAofForLoad(b(file));
  assert.equal(records.length, 4);
  assert.deepEqual(end, { kind: 'eof', validUpTo: head.length, revertedMulti: true });
  // MULTI as the very first command reverts to 0.
  assert.deepEqual(scanAofForLoad(b(resp('multi') + resp('SET', 'a', '1'))).end, { kind: 'eof', validUpTo: 0, revertedMulti: true });
  // A short read inside MULTI keeps the queued commands before the cut (as Redis's valid_up_to).
  const cutInside = file + '*2\r\n$4\r\nINCR\r\n$1';
  // (openMultiAt: where nodis's loader truncates instead, before the open MULTI.)
  assert.deepEqual(scanAofForLoad(b(cutInside)).end, { kind: 'eof', validUpTo: file.length, revertedMulti: false, openMultiAt: head.length });
  // A finished transaction is fine; a stray EXEC is just a command.
  const done = file + resp('EXEC') + resp('exec');
  assert.deepEqual(scanAofForLoad(b(done)).end, { kind: 'ok', validUpTo: done.length });
});

test('loader: format errors and short reads', () => {
  const ok = resp('SET', 'a', '1');
  const cases: Array<[string, string, number]> = [
    [ok + 'garbage\r\n', 'format', ok.length],
    [ok + '\r\n', 'format', ok.length],
    [ok + '*0\r\n', 'format', ok.length],
    [ok + '*-1\r\n', 'format', ok.length],
    [ok + '*1\r\n#4\r\nPING\r\n', 'format', ok.length + 4],
    [ok + '*', 'eof', ok.length],
    [ok + '*1', 'eof', ok.length],
    [ok + '*1\r\n$4\r\nPIN', 'eof', ok.length],
    [ok + '*1\r\n$4\r\nPING\r', 'eof', ok.length],
  ];
  for (const [file, kind, at] of cases) {
    const { end } = scanAofForLoad(b(file));
    assert.equal(end.kind, kind, JSON.stringify(file));
    if (end.kind === 'format') assert.equal(end.offset, at, JSON.stringify(file));
    else assert.equal(end.validUpTo, at, JSON.stringify(file));
  }
  // The CRLF after a bulk is skipped unchecked by the loader.
  const loose = '*1\r\n$4\r\nPINGxx';
  assert.deepEqual(scanAofForLoad(b(loose)).records[0]!.argv, ['PING']);
  assert.equal(scanAofForLoad(b('')).end.kind, 'ok');
});

test('loader: annotations are skipped and #TS values reported', () => {
  const seen: AofAnnotation[] = [];
  const file = '#TS:1700000000\r\n' + resp('PING') + '#note\r\n#TS:12x\r\n' + resp('PING') + '#TS:5';
  const s = new AofLoadScanner(b(file), { onAnnotation: (a) => seen.push(a) });
  let n = 0;
  while (s.next() !== null) n++;
  assert.equal(n, 2);
  assert.deepEqual(s.result, { kind: 'ok', validUpTo: file.length - 5 });
  assert.deepEqual(
    seen.map((a) => [a.offset, a.text, a.timestamp]),
    [
      [0, '#TS:1700000000', 1700000000],
      [30, '#note', null],
      [37, '#TS:12x', null],
      [60, '#TS:5', null],
    ],
  );
});

test('check: redis-check-aof error texts and positions (verified against 7.0.15)', () => {
  const chk = (s: string, toTimestamp = 0) => checkAofBytes(b(s), { pathForErrors: 'f.aof', toTimestamp });
  assert.equal(formatCheckPos(0x1b), '0x              1b');
  assert.deepEqual(chk('*1\r\n$3'), { pos: 0, line: 2, error: '0x               4: Expected \\r\\n, got: 0000', formatError: false, timestamp: null });
  assert.equal(chk('*1\r\n$\xc3\xa9\r\n').error, '0x               4: Expected \\r\\n, got: ffffffc3ffffffa9');
  assert.equal(chk('*1\r\n$4\r\nPING').error, '0x               8: Expected to read 6 bytes, got 4 bytes');
  assert.equal(chk('*1\r\n$4\r\nPINGxx').error, '0x               8: Expected \\r\\n, got: 7878');
  assert.equal(chk('*1\r\n+4\r\n').error, "0x               4: Expected prefix '$', got: '+'");
  assert.equal(chk('*1\r\n$-1\r\n').error, '0x               4: Expected to read string of -1 bytes, which is not in the suitable range');
  const multi = chk(resp('MULTI') + resp('PING'));
  assert.deepEqual(multi, { pos: 0, line: 7, error: '0x              17: Reached EOF before reading EXEC for MULTI', formatError: false, timestamp: null });
  assert.equal(chk(resp('EXEC')).error, '0x               8: Unexpected EXEC in AOF f.aof');
  assert.equal(chk(resp('MULTI') + resp('multi')).error, '0x              17: Unexpected MULTI in AOF f.aof');
  const fmt = chk(resp('set', 'foo', 'hello') + '!!!');
  assert.deepEqual(fmt, { pos: 33, line: 8, error: null, formatError: true, timestamp: null });
  // Annotations do not count as lines; a '*' line cut short shows the previous '*' line's bytes.
  assert.equal(chk('#TS:1\r\n' + resp('PING') + '#abc').line, 4);
  assert.equal(chk(resp('x') + resp('x') + '*').error, '0x              16: Expected \\r\\n, got: 000d');
  // --truncate-to-timestamp stops at the first later #TS.
  const ts = resp('PING') + '#TS:5\r\n' + resp('PING') + '#TS:9\r\n' + resp('PING');
  assert.deepEqual(chk(ts, 6).timestamp, { kind: 'after', offset: 14 + 7 + 14 });
  assert.equal(chk(ts, 9).timestamp, null);
  assert.deepEqual(chk('#TS:9x\r\n', 3).timestamp, { kind: 'invalid' });
});

/** The chunked path: `file` fed in windows of `chunk` bytes (grown when a record needs it). */
function scanInWindows(file: Buffer, chunk: number): { records: AofRecord[]; end: AofLoadEnd } {
  let at = 0;
  let want = chunk;
  const win = (): [Buffer, boolean] => [file.subarray(at, at + want), at + want < file.length];
  let [w, more] = win();
  const s = new AofLoadScanner(w, { more });
  const records: AofRecord[] = [];
  for (;;) {
    const r = s.next();
    if (r !== null) {
      records.push(r);
      continue;
    }
    const need = s.needMoreAt;
    if (need === null) return { records, end: s.result };
    want = need === at ? want * 2 : chunk;
    at = need;
    [w, more] = win();
    s.refill(w, more);
  }
}

test('loader: chunked input gives the same records and outcome for every cut and window size', () => {
  const extra = Buffer.concat([SAMPLE, b(resp('MULTI') + resp('SET', 'k', 'x'.repeat(1500)) + '#' + 'y'.repeat(1100) + '\r\n')]);
  for (const file of [SAMPLE, extra]) {
    for (let cut = 0; cut <= file.length; cut += file === SAMPLE ? 1 : 13) {
      const whole = scanAofForLoad(file.subarray(0, cut));
      for (const chunk of [1, 2, 5, 64, 1000]) {
        assert.deepEqual(scanInWindows(file.subarray(0, cut), chunk), whole, `cut ${cut} chunk ${chunk}`);
      }
    }
  }
  // scanAofFd reads a real file the same way.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-aof-scan-'));
  try {
    const f = path.join(dir, 'x.aof');
    fs.writeFileSync(f, extra.subarray(0, extra.length - 600));
    const fd = fs.openSync(f, 'r');
    try {
      const it = scanAofFd(fd, { chunkSize: 16 });
      const records: AofRecord[] = [];
      let step = it.next();
      while (!step.done) {
        records.push(step.value);
        step = it.next();
      }
      assert.deepEqual({ records, end: step.value }, scanAofForLoad(extra.subarray(0, extra.length - 600)));
    } finally {
      fs.closeSync(fd);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// -------------------------------------------------------------------------------------------
// Property: random streams cut anywhere

type Token = { kind: 'cmd'; text: string; name: string } | { kind: 'note'; text: string };

const value = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 12 });
const plain = fc
  .tuple(fc.constantFrom('SET', 'del', 'RPUSH', 'hset', 'Incr'), fc.array(value, { maxLength: 4 }))
  .map(([name, args]): Token[] => [{ kind: 'cmd', text: resp(name, ...args), name }]);
const note = fc
  .oneof(fc.nat().map((n) => `#TS:${n}`), fc.constantFrom('#', '#x y', '#TS:'))
  .map((t): Token[] => [{ kind: 'note', text: t + '\r\n' }]);
const tx = fc.array(plain, { maxLength: 3 }).map((inner): Token[] => [
  { kind: 'cmd', text: resp('MULTI'), name: 'MULTI' },
  ...inner.flat(),
  { kind: 'cmd', text: resp('EXEC'), name: 'EXEC' },
]);

/** What Redis's loader does with the stream cut at `cut`, computed from the tokens. */
function model(tokens: Token[], cut: number): { kind: string; validUpTo: number; reverted: boolean } {
  let off = 0;
  let validUpTo = 0;
  let beforeMulti = 0;
  let inMulti = false;
  for (const t of tokens) {
    const end = off + t.text.length;
    if (cut < end && cut > off) {
      // Cut inside this token: an annotation line just ends; a command is a short read.
      if (t.kind === 'cmd') return { kind: 'eof', validUpTo, reverted: false };
      break;
    }
    if (end > cut) break;
    if (t.kind === 'cmd') {
      if (t.name === 'MULTI') {
        beforeMulti = validUpTo;
        inMulti = true;
      } else if (t.name === 'EXEC') inMulti = false;
      validUpTo = end;
    }
    off = end;
  }
  if (inMulti) return { kind: 'eof', validUpTo: beforeMulti, reverted: true };
  return { kind: 'ok', validUpTo, reverted: false };
}

test('property: cut anywhere, valid_up_to is the last complete command (or before an unfinished MULTI)', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(plain, note, tx), { maxLength: 12 }), fc.double({ min: 0, max: 1, noNaN: true }), (groups, f) => {
      const tokens = groups.flat();
      const file = tokens.map((t) => t.text).join('');
      const cut = Math.floor(f * file.length);
      const exp = model(tokens, cut);
      const { records, end } = scanAofForLoad(b(file.slice(0, cut)));
      assert.equal(end.kind, exp.kind);
      assert.equal(end.validUpTo, exp.validUpTo);
      if (end.kind === 'eof') assert.equal(end.revertedMulti, exp.reverted);
      // The whole stream scans back to its commands.
      const all = scanAofForLoad(b(file));
      assert.equal(all.end.kind, 'ok');
      assert.equal(all.records.length, tokens.filter((t) => t.kind === 'cmd').length);
      assert.ok(records.length <= all.records.length);
      assert.deepEqual(scanInWindows(b(file.slice(0, cut)), 1 + (cut % 17)), { records, end });
    }),
    { numRuns: 300 },
  );
});
