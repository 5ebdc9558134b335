// Malformed AOFs at start-up: garbage tails (random bytes, inline commands, replies, bad
// lengths, missing CRLFs) give "Bad file format" and exit even with aof-load-truncated yes,
// nothing truncated, the CLI exiting 1 as redis-server does and the checkers agreeing; an
// unknown command is fatal too.
//
// Most servers run in-process (a start is cheap); a damaged load rejects with an AofFatalError
// whose logLines are the lines Redis logs before exit(1). Some cases also run bin/nodis-server as
// a child for the exit code, next to the real redis-server 7.0.15 when it is installed, and
// compare nodis-check-aof with redis-check-aof (tests/helpers/damaged-aof.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resp } from '../helpers/aof-files.js';
import { BASE_NAME, BASE_RECORDS, INCR_NAME, MANIFEST, N, VALID, W, badFormat, useDamagedAof } from '../helpers/damaged-aof.js';

const { makeDir, readAof, start, failed, cliFatal, checkersAgree } = useDamagedAof('nodis-aof-damaged-format-');

// ---- (b) garbage tails ----------------------------------------------------------------------------

/** A deterministic byte generator (xorshift32). */
function randomBytes(seed: number, n: number): string {
  let x = seed >>> 0 || 1;
  let s = '';
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    s += String.fromCharCode(x & 0xff);
  }
  return s;
}

const GARBAGE_TAILS: [string, string][] = [
  ...[1, 2, 3, 4, 5].map((seed): [string, string] => {
    // The first byte is never '*' or '#': any other first byte is a format error at once.
    const r = randomBytes(seed, 64);
    const first = r.charCodeAt(0) === 0x2a || r.charCodeAt(0) === 0x23 ? 'x' : r[0]!;
    return [`random bytes (seed ${seed})`, first + r.slice(1)];
  }),
  ['a line not starting with *', 'garbage\r\n'],
  ['an inline command', 'SET k v\r\n'],
  ['a RESP reply', '+OK\r\n'],
  ['an empty line', '\r\n'],
  ['*0', '*0\r\n' + resp('SET', 'k7', 'v7')],
  ['*-1', '*-1\r\n'],
  ['an argument without $', '*2\r\n$3\r\nGET\r\n:1\r\n'],
  ['a $ length shorter than the data', '*3\r\n$3\r\nSET\r\n$1\r\nkk\r\n$1\r\nv\r\n'],
  ['a $ length longer than the data (not at the end)', '*3\r\n$3\r\nSET\r\n$3\r\nk\r\n$1\r\nv\r\n' + resp('SET', 'k9', 'v9')],
  ['CRLF missing after a bulk', '*1\r\n$4\r\nPING*1\r\n$4\r\nPING\r\n'],
  ['CRLF missing after the argc', '*1$4\r\nPING\r\n'],
  ['LF instead of CRLF', '*1\n$4\nPING\n' + resp('PING')],
];

test('(b) garbage tails: "Bad file format" and exit, even with aof-load-truncated yes; nothing is truncated', async () => {
  for (const [what, tail] of GARBAGE_TAILS) {
    const incr = VALID + tail;
    const dir = makeDir({
      [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS,
      [`appendonlydir/${INCR_NAME}`]: incr,
      'appendonlydir/appendonly.aof.manifest': MANIFEST,
    });
    const r = await start(dir, { 'aof-load-truncated': 'yes' });
    assert.deepEqual(failed(r).logLines, [badFormat(INCR_NAME)], what);
    assert.deepEqual(r.log, [N(`DB loaded from base file ${BASE_NAME}: <t> seconds`), W(badFormat(INCR_NAME))], what);
    assert.equal(readAof(dir, INCR_NAME), incr, `${what}: the file is untouched`);
    // In the base (not the last file) it is the same error, for that file.
    const dir2 = makeDir({
      [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS + tail,
      [`appendonlydir/${INCR_NAME}`]: VALID,
      'appendonlydir/appendonly.aof.manifest': MANIFEST,
    });
    assert.deepEqual(failed(await start(dir2)).logLines, [badFormat(BASE_NAME)], `${what} in the base`);
  }
});

test('(b)+(j) garbage tails: the CLI exits 1 as redis-server; the checkers agree', async (t) => {
  for (const [what, tail] of GARBAGE_TAILS) {
    const files = {
      [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS,
      [`appendonlydir/${INCR_NAME}`]: VALID + tail,
      'appendonlydir/appendonly.aof.manifest': MANIFEST,
    };
    const cli = what === 'a line not starting with *' || what.startsWith('random bytes (seed 1)') || what === 'CRLF missing after a bulk';
    await checkersAgree(files, 'appendonlydir/appendonly.aof.manifest', t, !cli);
    if (what === 'a line not starting with *' || what.startsWith('random bytes (seed 1)') || what === 'CRLF missing after a bulk') {
      await cliFatal(files, [W(badFormat(INCR_NAME))], ['--aof-load-truncated', 'yes']);
    }
  }
});

test('(e) an unknown command is fatal even with aof-load-truncated yes', async (t) => {
  const cases: [string, string, string][] = [
    ['FOOBAR', resp('FOOBAR', 'x'), 'FOOBAR'],
    ['lower case', resp('nosuchcmd'), 'nosuchcmd'],
    ['a NUL in the name (shown up to the NUL, as C prints it)', resp('FOO\x00BAR'), 'FOO'],
    ['a long name', resp('X'.repeat(300), 'a'), 'X'.repeat(300)],
  ];
  for (const [what, rec, shown] of cases) {
    const incr = VALID + rec + resp('SET', 'after', '1');
    const files = {
      [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS,
      [`appendonlydir/${INCR_NAME}`]: incr,
      'appendonlydir/appendonly.aof.manifest': MANIFEST,
    };
    const dir = makeDir(files);
    const r = await start(dir, { 'aof-load-truncated': 'yes' });
    const line = `Unknown command '${shown}' reading the append only file ${INCR_NAME}`;
    assert.deepEqual(failed(r).logLines, [line], what);
    assert.deepEqual(r.log, [N(`DB loaded from base file ${BASE_NAME}: <t> seconds`), W(line)], what);
    assert.equal(readAof(dir, INCR_NAME), incr);
    await checkersAgree(files, 'appendonlydir/appendonly.aof.manifest', t, what !== 'FOOBAR');
    if (what === 'FOOBAR' || what.startsWith('a NUL')) await cliFatal(files, [W(line)], ['--aof-load-truncated', 'yes']);
  }
});
