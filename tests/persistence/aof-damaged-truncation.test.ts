// Truncated AOFs at start-up: every truncation of a realistic INCR (a sample with annotations,
// binary values, MULTI blocks and several dbs), loaded with aof-load-truncated yes and no
// (dataset, file and log at each byte offset, expectations computed from the record boundaries
// this file builds, not by the loader); redis-check-aof and nodis-check-aof agreeing on the
// truncated samples; a truncated file that is not the last (truncated on disk, then fatal).
//
// Most servers run in-process (a start is cheap); a damaged load rejects with an AofFatalError
// whose logLines are the lines Redis logs before exit(1). Some cases also run bin/nodis-server as
// a child for the exit code, next to the real redis-server 7.0.15 when it is installed, and
// compare nodis-check-aof with redis-check-aof (tests/helpers/damaged-aof.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer } from '../helpers/server.js';
import { HAVE_REDIS_CHECK_AOF, REDIS_CHECK_AOF } from '../helpers/server-process.js';
import { aofDir, resp } from '../helpers/aof-files.js';
import { BASE_NAME, BASE_RECORDS, INCR_NAME, L, MANIFEST, N, VALID, W, revert, shortRead, uxeof, useDamagedAof } from '../helpers/damaged-aof.js';

const { makeDir, readAof, start, stop, keep, started, failed, digest, cliFatal, checkersAgree } = useDamagedAof('nodis-aof-damaged-truncation-');

// ---- (a) the sample INCR and its record boundaries ---------------------------------------------------

interface Piece {
  readonly bytes: string;
  readonly start: number;
  readonly end: number;
  /** null for an annotation line. */
  readonly argv: string[] | null;
}

const BINARY = '\x00\x01\r\n\xff\xfe*3\r\n$#\xe9';
const SAMPLE_PIECES: (string[] | string)[] = [
  '#TS:1700000000\r\n',
  ['SELECT', '0'],
  ['SET', 'k1', 'v1'],
  ['SET', 'bin', BINARY],
  ['RPUSH', 'list', 'a', 'b', 'c'],
  ['MULTI'],
  ['INCR', 'counter'],
  ['SADD', 'set', 'x', 'y', 'z'],
  ['EXEC'],
  ['SET', 'big', 'x'.repeat(120) + BINARY],
  ['SELECT', '3'],
  ['HSET', 'h', 'f1', 'v1', 'f2', 'v2'],
  ['ZADD', 'z', '1', 'a', '2.5', 'b'],
  ['SET', 'exp', 'v', 'PXAT', '4102444800000'],
  '#TS:1700000001\r\n',
  ['MULTI'],
  ['SET', 'm1', '1'],
  ['SET', 'm2', '2'],
  ['LPUSH', 'l3', 'q'],
  ['EXEC'],
  ['SELECT', '0'],
  ['APPEND', 'k1', 'more'],
  ['LPUSH', 'list', 'z'],
  ['DEL', 'bin'],
  ['SET', 'key with spaces\r\n', 'value'],
  ['INCRBY', 'counter', '5'],
  ['PEXPIREAT', 'k1', '4102444800000'],
  ['MULTI'],
  ['SET', 't1', 'a'],
  ['SET', 't2', 'b'],
  ['EXEC'],
  ['SELECT', '9'],
  ['SET', 'nine', '9'],
  ['SELECT', '0'],
  ['SETRANGE', 'k1', '2', 'ZZ'],
  ['MULTI'],
  ['SREM', 'set', 'x'],
  ['EXEC'],
  ['SET', 'last', 'the end'],
];

function buildPieces(spec: readonly (string[] | string)[]): { bytes: string; pieces: Piece[] } {
  let bytes = '';
  const pieces: Piece[] = [];
  for (const p of spec) {
    const b = typeof p === 'string' ? p : resp(...p);
    pieces.push({ bytes: b, start: bytes.length, end: bytes.length + b.length, argv: typeof p === 'string' ? null : p });
    bytes += b;
  }
  return { bytes, pieces };
}
const SAMPLE = buildPieces(SAMPLE_PIECES);

/** MULTI ... EXEC groups as [multi piece, exec piece]. */
function multiGroups(pieces: readonly Piece[]): [Piece, Piece][] {
  const groups: [Piece, Piece][] = [];
  let open: Piece | null = null;
  for (const p of pieces) {
    const name = p.argv?.[0]?.toUpperCase();
    if (name === 'MULTI') open = p;
    else if (name === 'EXEC' && open !== null) {
      groups.push([open, p]);
      open = null;
    }
  }
  return groups;
}

interface CutExpectation {
  /** null: a clean load; else where aof-load-truncated yes truncates the file. */
  readonly truncateAt: number | null;
  readonly reverted: boolean;
  /** The offset whose dataset the load must produce (a unit boundary). */
  readonly datasetAt: number;
}

/** What loading the first `cut` bytes of the sample must do, from the boundaries alone. */
function expectCut(pieces: readonly Piece[], cut: number): CutExpectation {
  const cmds = pieces.filter((p) => p.argv !== null);
  const inside = cmds.some((p) => p.start < cut && cut < p.end);
  const open = multiGroups(pieces).find(([m, e]) => m.end <= cut && cut < e.end);
  const lastEndBefore = (at: number) => cmds.filter((p) => p.end <= at).reduce((n, p) => Math.max(n, p.end), 0);
  if (open !== undefined) {
    // An unfinished MULTI is reverted to the end of the command before it. (Redis 7.0.15 does
    // so at a clean end of file; at a short read inside the MULTI it truncates after the last
    // queued command instead, leaving an open MULTI in the file: nodis's deliberate deviation.)
    const at = lastEndBefore(open[0].start);
    return { truncateAt: at, reverted: true, datasetAt: at };
  }
  if (inside) {
    const at = lastEndBefore(cut);
    return { truncateAt: at, reverted: false, datasetAt: at };
  }
  return { truncateAt: null, reverted: false, datasetAt: lastEndBefore(cut) };
}

/** Digests of a reference server fed the base and then the sample's units through a client. */
async function referenceDigests(): Promise<Map<number, string>> {
  const ref = await startTestServer();
  keep(ref);
  const digests = new Map<number, string>();
  try {
    const c = await ref.client();
    for (const rec of [resp('SELECT', '0'), resp('SET', 'base', '1'), resp('RPUSH', 'list', 'from-base')]) {
      c.writeRaw(rec);
      assert.doesNotMatch(await c.readRaw(), /^-/);
    }
    const dig = async () => {
      const r = await c.callRaw('DEBUG', 'DIGEST');
      assert.match(r, /^\+[0-9a-f]{40}\r\n$/);
      return r.slice(1, 41);
    };
    digests.set(0, await dig());
    let inMulti = false;
    let prev = digests.get(0)!;
    for (const p of SAMPLE.pieces) {
      if (p.argv === null) continue;
      c.writeRaw(L(p.bytes));
      const reply = await c.readRaw();
      assert.doesNotMatch(reply, /^-/, `reference: ${p.argv.join(' ')}`);
      const name = p.argv[0]!.toUpperCase();
      if (name === 'MULTI') inMulti = true;
      if (name === 'EXEC') inMulti = false;
      if (inMulti) continue;
      const d = await dig();
      // Every unit but SELECT changes the dataset: the comparisons below tell prefixes apart.
      if (name !== 'SELECT') assert.notEqual(d, prev, `reference: ${p.argv.join(' ')} changed nothing`);
      digests.set(p.end, d);
      prev = d;
    }
  } finally {
    await stop(ref);
  }
  return digests;
}

test('(a) truncation at every byte offset: dataset, file, log, with aof-load-truncated yes and no', async () => {
  const t0 = Date.now();
  const digests = await referenceDigests();
  const size = SAMPLE.bytes.length;
  assert.ok(SAMPLE.pieces.filter((p) => p.argv !== null).length >= 30 && size > 1000, `${size} bytes`);
  const dir = makeDir({ [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS, 'appendonlydir/appendonly.aof.manifest': MANIFEST });
  const incrPath = path.join(aofDir(dir), INCR_NAME);
  let truncatedCuts = 0;
  let revertedCuts = 0;
  for (let cut = 0; cut <= size; cut++) {
    const want = expectCut(SAMPLE.pieces, cut);
    const prefix = SAMPLE.bytes.slice(0, cut);
    const head = [N(`DB loaded from base file ${BASE_NAME}: <t> seconds`)];
    const tail = [
      ...(cut > 0 ? [N(`DB loaded from incr file ${INCR_NAME}: <t> seconds`)] : []),
      N('DB loaded from append only file: <t> seconds'),
      N(`Opening AOF incr file ${INCR_NAME} on server start`),
    ];
    const what = `cut at ${cut}/${size} (${JSON.stringify(prefix.slice(-12))})`;
    for (const truncatedOk of ['yes', 'no'] as const) {
      fs.writeFileSync(incrPath, L(prefix));
      const r = await start(dir, { 'aof-load-truncated': truncatedOk }, true);
      if (want.truncateAt === null || truncatedOk === 'yes') {
        const srv = started(r);
        try {
          const lines = want.truncateAt === null ? [] : [...(want.reverted ? [revert(INCR_NAME)] : []), ...shortRead(INCR_NAME, want.truncateAt)];
          assert.deepEqual(r.log, [...head, ...lines.map(W), ...tail], `${what}, aof-load-truncated ${truncatedOk}: log`);
          assert.equal(readAof(dir, INCR_NAME), SAMPLE.bytes.slice(0, want.truncateAt ?? cut), `${what}: the incr afterwards`);
          assert.equal(await digest(srv), digests.get(want.datasetAt), `${what}: dataset (digest of the first ${want.datasetAt} bytes' units)`);
        } finally {
          await stop(srv);
        }
      } else {
        const err = failed(r);
        const lines = [...(want.reverted ? [revert(INCR_NAME)] : []), uxeof(INCR_NAME)];
        assert.deepEqual(err.logLines, lines, `${what}, aof-load-truncated no`);
        assert.deepEqual(r.log, [...head, ...lines.map(W)], `${what}: the lines are logged`);
        assert.equal(readAof(dir, INCR_NAME), prefix, `${what}: the file is left as it was`);
      }
    }
    if (want.truncateAt !== null) truncatedCuts++;
    if (want.reverted) revertedCuts++;
  }
  // The sample exercises every branch: clean cuts, short reads, reverted MULTIs.
  assert.ok(truncatedCuts > size / 2 && revertedCuts > 50 && size + 1 - truncatedCuts > 40, `${truncatedCuts} ${revertedCuts}`);
  assert.equal(readAof(dir, BASE_NAME), BASE_RECORDS, 'the base is never touched');
  assert.equal(readAof(dir, 'appendonly.aof.manifest'), MANIFEST);
  // Bounded: 2 x ~1300 in-process starts.
  assert.ok(Date.now() - t0 < 120000, `took ${Date.now() - t0} ms`);
});

test('(a)+(j) redis-check-aof and nodis-check-aof agree on truncated samples', async (t) => {
  if (!HAVE_REDIS_CHECK_AOF) {
    t.skip(`${REDIS_CHECK_AOF} is not installed`);
    return;
  }
  // Every MULTI/EXEC edge, a cut inside each kind of line, and a spread of other offsets.
  const cuts = new Set<number>([0, 1, 3, SAMPLE.bytes.length - 1, SAMPLE.bytes.length]);
  for (const [m, e] of multiGroups(SAMPLE.pieces)) for (const o of [m.start, m.end, m.end + 1, e.start, e.end - 1, e.end]) cuts.add(o);
  for (let o = 5; o < SAMPLE.bytes.length; o += 97) cuts.add(o);
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const files = {
      [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS,
      [`appendonlydir/${INCR_NAME}`]: SAMPLE.bytes.slice(0, cut),
      'appendonlydir/appendonly.aof.manifest': MANIFEST,
    };
    // The executable itself for a few cuts, its main() in-process for the rest (the same program).
    const spawned = cut === 3 || cut === SAMPLE.bytes.length - 1;
    await checkersAgree(files, 'appendonlydir/appendonly.aof.manifest', t, !spawned);
    await checkersAgree({ 'x.aof': SAMPLE.bytes.slice(0, cut) }, 'x.aof', t, !spawned);
  }
});

test('(f) a truncated file that is not the last: truncated on disk, then "the truncated file is not the last file"', async (t) => {
  const cutRecord = '*3\r\n$3\r\nSET\r\n$2\r\nk9';
  const cases: [string, Record<string, string>, string, number][] = [
    [
      'the base',
      {
        [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS + cutRecord,
        [`appendonlydir/${INCR_NAME}`]: VALID,
        'appendonlydir/appendonly.aof.manifest': MANIFEST,
      },
      BASE_NAME,
      BASE_RECORDS.length,
    ],
    [
      'the first of two incrs (inside MULTI)',
      {
        [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS,
        [`appendonlydir/${INCR_NAME}`]: VALID + resp('MULTI') + resp('SET', 'q', '1'),
        'appendonlydir/appendonly.aof.2.incr.aof': VALID,
        'appendonlydir/appendonly.aof.manifest': `${MANIFEST}file appendonly.aof.2.incr.aof seq 2 type i\n`,
      },
      INCR_NAME,
      VALID.length,
    ],
  ];
  for (const [what, files, name, at] of cases) {
    const inMulti = what.includes('MULTI');
    const lines = [...(inMulti ? [revert(name)] : []), ...shortRead(name, at), 'Fatal error: the truncated file is not the last file'];
    const dir = makeDir(files);
    const r = await start(dir, { 'aof-load-truncated': 'yes' });
    assert.deepEqual(failed(r).logLines, lines, what);
    assert.equal(readAof(dir, name), files[`appendonlydir/${name}`]!.slice(0, at), `${what}: truncated on disk before the fatal error (as Redis)`);
    // With aof-load-truncated no: the plain unexpected-EOF error, the file untouched.
    const dir2 = makeDir(files);
    const r2 = await start(dir2, { 'aof-load-truncated': 'no' });
    assert.deepEqual(failed(r2).logLines, [...(inMulti ? [revert(name)] : []), uxeof(name)], `${what}, no`);
    assert.equal(readAof(dir2, name), files[`appendonlydir/${name}`]);
    await checkersAgree(files, 'appendonlydir/appendonly.aof.manifest', t);
    if (!inMulti) await cliFatal(files, lines.map(W), ['--aof-load-truncated', 'yes']);
  }
});
