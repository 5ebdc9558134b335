// Bad AOF manifests and missing files at start-up: each malformed manifest gives Redis's exact
// fatal block with nothing loaded and the files untouched (a comment-only manifest starts empty);
// a manifest naming a missing file gives "Unable to obtain the AOF file ... length"; both
// through the CLI (exit 1, as redis-server) and the checkers.
//
// Most servers run in-process (a start is cheap); a damaged load rejects with an AofFatalError
// whose logLines are the lines Redis logs before exit(1). Some cases also run bin/nodis-server as
// a child for the exit code, next to the real redis-server 7.0.15 when it is installed, and
// compare nodis-check-aof with redis-check-aof (tests/helpers/damaged-aof.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_NAME, BASE_RECORDS, INCR_NAME, MANIFEST, N, VALID, W, asLogged, manifestFatal, useDamagedAof } from '../helpers/damaged-aof.js';

const { makeDir, readAof, start, stop, started, failed, call, cliFatal, checkersAgree } = useDamagedAof('nodis-aof-damaged-manifest-');

// ---- (c) bad manifests, (d) missing files ---------------------------------------------------------

const MANIFEST_CASES: [string, string, string[]][] = [
  ['a bad line', `file ${BASE_NAME} seq 1 type b\nnot a manifest line\n`, manifestFatal('Invalid AOF manifest file format', { line: 2, text: 'not a manifest line' })],
  ['an odd number of fields', `file ${BASE_NAME} seq 1 type\n`, manifestFatal('Invalid AOF manifest file format', { line: 1, text: `file ${BASE_NAME} seq 1 type` })],
  ['seq 0', `file ${BASE_NAME} seq 0 type b\n`, manifestFatal('Invalid AOF manifest file format', { line: 1, text: `file ${BASE_NAME} seq 0 type b` })],
  ['an empty line', `file ${BASE_NAME} seq 1 type b\n\n`, manifestFatal('Invalid AOF manifest file format', { line: 2, text: '' })],
  [
    'a duplicate base',
    `file ${BASE_NAME} seq 1 type b\nfile appendonly.aof.2.base.aof seq 2 type b\n`,
    manifestFatal('Found duplicate base file information', { line: 2, text: 'file appendonly.aof.2.base.aof seq 2 type b' }),
  ],
  [
    'a non-monotonic incr seq',
    `file ${BASE_NAME} seq 1 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\nfile ${INCR_NAME} seq 1 type i\n`,
    manifestFatal('Found a non-monotonic sequence number', { line: 3, text: `file ${INCR_NAME} seq 1 type i` }),
  ],
  [
    'an equal incr seq',
    `file ${INCR_NAME} seq 1 type i\nfile appendonly.aof.1b.incr.aof seq 1 type i\n`,
    manifestFatal('Found a non-monotonic sequence number', { line: 2, text: 'file appendonly.aof.1b.incr.aof seq 1 type i' }),
  ],
  ['an unknown type', `file ${BASE_NAME} seq 1 type x\n`, manifestFatal('Unknown AOF file type', { line: 1, text: `file ${BASE_NAME} seq 1 type x` })],
  ['a path as file name', `file ../${BASE_NAME} seq 1 type b\n`, manifestFatal("File can't be a path, just a filename", { line: 1, text: `file ../${BASE_NAME} seq 1 type b` })],
  ['a too long line', `file ${'a'.repeat(1100)} seq 1 type b\n`, manifestFatal('The AOF manifest file contains too long line')],
  ['a last line without newline', `file ${BASE_NAME} seq 1 type b`, manifestFatal('The AOF manifest file contains too long line')],
  ['an empty manifest', '', manifestFatal('Found an empty AOF manifest')],
];

function manifestFiles(manifest: string): Record<string, string> {
  return {
    [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS,
    [`appendonlydir/${INCR_NAME}`]: VALID,
    'appendonlydir/appendonly.aof.manifest': manifest,
  };
}

test('(c) bad manifests: the exact fatal block, nothing loaded, files untouched', async () => {
  for (const [what, manifest, lines] of MANIFEST_CASES) {
    const dir = makeDir(manifestFiles(manifest));
    const r = await start(dir, { 'aof-load-truncated': 'yes' });
    assert.deepEqual(failed(r).logLines, lines, what);
    assert.deepEqual(r.log, asLogged(lines), `${what}: logged as Redis logs it`);
    assert.equal(readAof(dir, 'appendonly.aof.manifest'), manifest, what);
    assert.equal(readAof(dir, INCR_NAME), VALID, what);
  }
  // A comment-only manifest is not "empty" (the comment was a line) but lists no file: a start
  // with nothing to load, which then writes a new base and incr and a real manifest.
  const dir = makeDir({ 'appendonlydir/appendonly.aof.manifest': '# nothing here\n' });
  const r = await start(dir);
  const srv = started(r);
  assert.deepEqual(r.log, [N(`Creating AOF base file ${BASE_NAME} on server start`), N(`Creating AOF incr file ${INCR_NAME} on server start`)]);
  assert.equal(await call(srv, 'DBSIZE'), ':0\r\n');
  await stop(srv);
  assert.equal(readAof(dir, 'appendonly.aof.manifest'), MANIFEST);
});

test('(c)+(d)+(j) bad manifests and missing files through the CLI (exit 1, as redis-server) and the checkers', async (t) => {
  for (const [what, manifest, lines] of MANIFEST_CASES) {
    const cli = ['a bad line', 'a duplicate base', 'a too long line', 'an empty manifest', 'a non-monotonic incr seq'].includes(what);
    if (cli) await cliFatal(manifestFiles(manifest), asLogged(lines));
    await checkersAgree(manifestFiles(manifest), 'appendonlydir/appendonly.aof.manifest', t, what !== 'a bad line');
  }
  const missingIncr = { [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS, 'appendonlydir/appendonly.aof.manifest': MANIFEST };
  await cliFatal(missingIncr, [W(`Unable to obtain the AOF file ${INCR_NAME} length. stat: No such file or directory`)]);
  await checkersAgree(missingIncr, 'appendonlydir/appendonly.aof.manifest', t);
});

test('(d) a manifest naming a missing file: "Unable to obtain the AOF file ... length", nothing loaded', async () => {
  const cases: [string, Record<string, string>, string][] = [
    ['the incr', { [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS }, INCR_NAME],
    ['the base', { [`appendonlydir/${INCR_NAME}`]: VALID }, BASE_NAME],
    [
      'a middle incr',
      {
        [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS,
        [`appendonlydir/${INCR_NAME}`]: VALID,
        'appendonlydir/appendonly.aof.3.incr.aof': VALID,
        'appendonlydir/appendonly.aof.manifest': `${MANIFEST}file appendonly.aof.2.incr.aof seq 2 type i\nfile appendonly.aof.3.incr.aof seq 3 type i\n`,
      },
      'appendonly.aof.2.incr.aof',
    ],
  ];
  for (const [what, files, missing] of cases) {
    const dir = makeDir({ 'appendonlydir/appendonly.aof.manifest': MANIFEST, ...files });
    const r = await start(dir);
    const line = `Unable to obtain the AOF file ${missing} length. stat: No such file or directory`;
    assert.deepEqual(failed(r).logLines, [line], what);
    assert.deepEqual(r.log, [W(line)], `${what}: no file was loaded before the check`);
  }
});
