// The multi-part AOF manifest: Redis 7.0.15's parser rules and texts, the exact bytes it
// writes (checked against manifests written by a real redis-server 7.0.15, in
// tests/fixtures/aof/manifest/), the atomic persist under injected faults and crashes, and the
// crash-safe upgrade of a legacy single-file AOF.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { type AofFs, fsError, nodeAofFs } from '../../src/aof/fs.js';
import {
  AofManifest,
  AofManifestError,
  type AofLayout,
  baseFileName,
  catRepr,
  incrFileName,
  legacyState,
  loadManifestFromDisk,
  manifestFileName,
  needsLegacyUpgrade,
  parseAofFileName,
  parseManifest,
  persistManifest,
  tempIncrFileName,
  tempManifestFileName,
  upgradeLegacyAof,
  upgradeLegacyAofIfNeeded,
} from '../../src/aof/manifest.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'aof', 'manifest');
const fixture = (name: string): Buffer => fs.readFileSync(path.join(FIXTURES, name));

let tmp: string;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-manifest-'));
});
after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

let dirCount = 0;
function freshLayout(): AofLayout {
  const dir = path.join(tmp, `d${dirCount++}`);
  fs.mkdirSync(dir);
  return { dir, appenddirname: 'appendonlydir', appendfilename: 'appendonly.aof' };
}

const parse = (text: string): AofManifest => parseManifest(Buffer.from(text, 'latin1'));

function parseFails(text: string): AofManifestError {
  try {
    parse(text);
  } catch (err) {
    assert.ok(err instanceof AofManifestError, String(err));
    return err;
  }
  assert.fail(`accepted: ${JSON.stringify(text)}`);
}

const HEADER = '\n*** FATAL AOF MANIFEST FILE ERROR ***\n';

// ---- parser ----------------------------------------------------------------------------------

test('parser error table: Redis texts, line numbers and the fatal log block', () => {
  const long = 'x'.repeat(1100);
  const cases: [string, string, number | null, string | null][] = [
    // input, error, line number, offending line (null: no "at line" lines)
    ['', 'Found an empty AOF manifest', null, null],
    ['file a seq 1 type b', 'The AOF manifest file contains too long line', null, null],
    [`${long}\n`, 'The AOF manifest file contains too long line', null, null],
    ['file a\0x seq 1 type b\n', 'The AOF manifest file contains too long line', null, null],
    ['\n', 'Invalid AOF manifest file format', 1, ''],
    [' \t\r\n', 'Invalid AOF manifest file format', 1, ''],
    ['file a seq 1 type i\n\nfile b seq 2 type i\n', 'Invalid AOF manifest file format', 2, ''],
    ['file a seq 1\n', 'Invalid AOF manifest file format', 1, 'file a seq 1'],
    ['file a seq 1 type b extra\n', 'Invalid AOF manifest file format', 1, 'file a seq 1 type b extra'],
    ['file "a seq 1 type b\n', 'Invalid AOF manifest file format', 1, 'file "a seq 1 type b'],
    ['file "a"b seq 1 type b\n', 'Invalid AOF manifest file format', 1, 'file "a"b seq 1 type b'],
    ['file a seq 0 type b\n', 'Invalid AOF manifest file format', 1, 'file a seq 0 type b'],
    ['file a seq x type b\n', 'Invalid AOF manifest file format', 1, 'file a seq x type b'],
    ['file a seq 1 type ""\n', 'Invalid AOF manifest file format', 1, 'file a seq 1 type ""'],
    ['file a seq 1 kind b\n', 'Invalid AOF manifest file format', 1, 'file a seq 1 kind b'],
    ['name a seq 1 type b\n', 'Invalid AOF manifest file format', 1, 'name a seq 1 type b'],
    ['file dir/a seq 1 type b\n', "File can't be a path, just a filename", 1, 'file dir/a seq 1 type b'],
    ['file a\\b seq 1 type b\n', "File can't be a path, just a filename", 1, 'file a\\b seq 1 type b'],
    // The path check runs while reading the pairs, before the completeness check.
    ['file /a seq 0 type b\n', "File can't be a path, just a filename", 1, 'file /a seq 0 type b'],
    [
      'file a seq 1 type b\nfile b seq 2 type b\n',
      'Found duplicate base file information',
      2,
      'file b seq 2 type b',
    ],
    [
      'file a seq 2 type i\nfile b seq 1 type i\n',
      'Found a non-monotonic sequence number',
      2,
      'file b seq 1 type i',
    ],
    ['file a seq 1 type i\nfile b seq 1 type i\n', 'Found a non-monotonic sequence number', 2, 'file b seq 1 type i'],
    ['file a seq -1 type i\n', 'Found a non-monotonic sequence number', 1, 'file a seq -1 type i'],
    ['file a seq 1 type x\n', 'Unknown AOF file type', 1, 'file a seq 1 type x'],
    ['file a seq 1 type B\n', 'Unknown AOF file type', 1, 'file a seq 1 type B'],
    // Comments count as lines.
    ['# one\n# two\nfile a seq 1 type z\n', 'Unknown AOF file type', 3, 'file a seq 1 type z'],
    // A comment longer than the fgets() buffer: its tail is read as the next line.
    [`#${long}\n`, 'Invalid AOF manifest file format', 2, 'x'.repeat(1100 - 1023)],
  ];
  for (const [input, reason, linenum, line] of cases) {
    const err = parseFails(input);
    assert.equal(err.message, reason, JSON.stringify(input));
    const expected = [HEADER];
    if (line !== null) expected.push(`Reading the manifest file, at line ${linenum}\n`, `>>> '${line}'\n`);
    expected.push(`${reason}\n`);
    assert.deepEqual(err.logLines, expected, JSON.stringify(input));
  }
});

test('parser: accepted forms', () => {
  // Only comments: not "empty" (they count as lines), and nothing listed.
  const comments = parse('# just a comment\n');
  assert.ok(comments.isEmpty);

  // Keys case-insensitive, unknown pairs ignored, any order, value of type = first char.
  const m = parse('FILE a SEQ 1 TYPE base newkey newvalue\n  seq 3 type incr file "b c"\t\r\nfile h seq 9 type h\n');
  assert.deepEqual(m.base, { name: 'a', seq: 1, type: 'b' });
  assert.deepEqual(m.incrs, [{ name: 'b c', seq: 3, type: 'i' }]);
  assert.deepEqual(m.history, [{ name: 'h', seq: 9, type: 'h' }]);
  assert.equal(m.currBaseSeq, 1);
  assert.equal(m.currIncrSeq, 3);
  assert.equal(m.dirty, false);

  // atoll(): leading digits; gaps between INCR seqs are fine.
  const g = parse('file x seq 12abc type i\nfile y seq +40 type i\n');
  assert.deepEqual(
    g.incrs.map((i) => i.seq),
    [12, 40],
  );
  assert.equal(g.nextIncrSeq, 41);
  assert.equal(g.nextBaseSeq, 1);

  // A later `file` key wins; a name ends at a NUL byte as in the C string.
  const d = parse('file a seq 1 type b file "q\\x00r"\n');
  assert.equal(d.base!.name, 'q');

  // Single quotes, escapes.
  const q = parse("file 'it''s' seq 2 type i\n".replace("''", "\\'"));
  assert.equal(q.incrs[0]!.name, "it's");
});

// ---- fixtures from redis-server 7.0.15 -------------------------------------------------------

test('manifests written by redis-server 7.0.15 parse and serialize to the same bytes', () => {
  const names = fs.readdirSync(FIXTURES).filter((n) => n.endsWith('.manifest'));
  assert.equal(names.length, 4);
  for (const name of names) {
    const bytes = fixture(name);
    const m = parseManifest(bytes);
    assert.deepEqual(m.serialize(), bytes, name);
  }
  const gc = parseManifest(fixture('redis-7.0.15-gc-disabled.manifest'));
  assert.equal(gc.base!.name, 'appendonly.aof.3.base.aof');
  assert.deepEqual(
    gc.history.map((h) => h.name),
    ['appendonly.aof.2.incr.aof', 'appendonly.aof.2.base.aof', 'appendonly.aof.1.incr.aof', 'appendonly.aof.1.base.aof'],
  );
  assert.deepEqual(
    gc.filesToLoad().map((f) => f.name),
    ['appendonly.aof.3.base.aof', 'appendonly.aof.3.incr.aof'],
  );
  const quoted = parseManifest(fixture('redis-7.0.15-quoted-name.manifest'));
  assert.equal(quoted.base!.name, 'my "odd"\tfile\xe9.aof.2.base.aof');
  assert.equal(quoted.lastIncr!.name, 'my "odd"\tfile\xe9.aof.2.incr.aof');
});

test('rewrite bookkeeping reproduces redis-server 7.0.15 (two rewrites, gc disabled, then gc)', () => {
  const f = 'appendonly.aof';
  const m = new AofManifest();
  // Empty start: a base, then the incr to append to.
  assert.equal(m.newBase(f, false), 'appendonly.aof.1.base.aof');
  assert.deepEqual(m.lastIncrOrNew(f), { name: 'appendonly.aof.1.incr.aof', created: true });
  assert.deepEqual(m.lastIncrOrNew(f), { name: 'appendonly.aof.1.incr.aof', created: false });
  for (let i = 0; i < 2; i++) {
    m.newIncr(f); // opened before the rewrite starts
    m.newBase(f, false); // on success
    m.markRewrittenIncrsAsHistory(true); // AOF on: keep the incr being written
  }
  assert.deepEqual(m.serialize(), fixture('redis-7.0.15-gc-disabled.manifest'));
  const removed = m.removeHistory();
  assert.equal(removed.length, 4);
  assert.deepEqual(m.serialize(), fixture('redis-7.0.15-rewritten.manifest'));
  m.dirty = false;
  assert.deepEqual(m.removeHistory(), []);
  assert.equal(m.dirty, false, 'nothing to remove: not dirty');
});

test('history order of the aof-multi-part test (rdb bases, two rewrites)', () => {
  const m = parse('file appendonly.aof.5.base.rdb seq 5 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
  for (let i = 0; i < 2; i++) {
    m.newIncr('appendonly.aof');
    m.newBase('appendonly.aof', true);
    m.markRewrittenIncrsAsHistory(true);
  }
  assert.equal(
    m.serialize().toString('latin1'),
    'file appendonly.aof.7.base.rdb seq 7 type b\n' +
      'file appendonly.aof.2.incr.aof seq 2 type h\n' +
      'file appendonly.aof.6.base.rdb seq 6 type h\n' +
      'file appendonly.aof.1.incr.aof seq 1 type h\n' +
      'file appendonly.aof.5.base.rdb seq 5 type h\n' +
      'file appendonly.aof.3.incr.aof seq 3 type i\n',
  );
  // AOF off: every incr becomes history.
  const off = parse('file b seq 1 type b\nfile i1 seq 1 type i\nfile i2 seq 2 type i\n');
  off.newBase('appendonly.aof', false);
  off.markRewrittenIncrsAsHistory(false);
  assert.deepEqual(
    off.history.map((h) => `${h.name}:${h.type}`),
    ['i1:h', 'i2:h', 'b:h'],
  );
  assert.deepEqual(off.incrs, []);
  assert.deepEqual(off.filesToLoad(), [{ name: 'appendonly.aof.2.base.aof', seq: 2, type: 'b' }]);
});

test('clone is independent', () => {
  const m = parse('file b seq 1 type b\nfile i seq 1 type i\n');
  const c = m.clone();
  c.newIncr('x');
  c.newBase('x', true);
  assert.equal(m.incrs.length, 1);
  assert.equal(m.base!.name, 'b');
  assert.equal(m.dirty, false);
  assert.equal(c.dirty, true);
});

// ---- serializer ------------------------------------------------------------------------------

test('serializer quotes names the way sdscatrepr does', () => {
  assert.equal(catRepr('a b'), '"a b"');
  assert.equal(catRepr('q"\\\n\r\t\x07\b'), '"q\\"\\\\\\n\\r\\t\\a\\b"');
  assert.equal(catRepr('\x00\x01\x7f\x80\xff~'), '"\\x00\\x01\\x7f\\x80\\xff~"');
  const m = new AofManifest();
  m.base = { name: ' file seq \n\n.aof .2.base.rdb', seq: 2, type: 'b' };
  m.incrs = [{ name: 'plain.aof', seq: 3, type: 'i' }];
  assert.equal(
    m.serialize().toString('latin1'),
    'file " file seq \\n\\n.aof .2.base.rdb" seq 2 type b\nfile plain.aof seq 3 type i\n',
  );
});

test('round trip: any name without NUL, "/", "\\" or "\'" comes back unchanged', () => {
  const nameChar = fc.integer({ min: 1, max: 255 }).filter((c) => c !== 0x2f && c !== 0x5c && c !== 0x27);
  const name = fc.array(nameChar, { minLength: 1, maxLength: 40 }).map((cs) => String.fromCharCode(...cs));
  fc.assert(
    fc.property(fc.option(name), fc.array(name, { maxLength: 4 }), fc.array(name, { maxLength: 4 }), (b, hist, incr) => {
      const m = new AofManifest();
      if (b !== null) m.base = { name: b, seq: 7, type: 'b' };
      m.history = hist.map((n, i) => ({ name: n, seq: i + 1, type: 'h' as const }));
      m.incrs = incr.map((n, i) => ({ name: n, seq: 2 * i + 1, type: 'i' as const }));
      const bytes = m.serialize();
      if (bytes.length === 0) return; // an empty manifest is refused on reading, as in Redis
      const back = parseManifest(bytes);
      assert.deepEqual(back.base, m.base);
      assert.deepEqual(back.history, m.history);
      assert.deepEqual(back.incrs, m.incrs);
      assert.deepEqual(back.serialize(), bytes);
    }),
    { numRuns: 300 },
  );
});

test("a name with a single quote is written bare and refused on reading, as by Redis 7.0", () => {
  // sdsneedsrepr() does not flag "'", but sdssplitargs() opens a quoted argument on it.
  const m = new AofManifest();
  m.incrs = [{ name: "it's.aof", seq: 1, type: 'i' }];
  assert.equal(m.serialize().toString('latin1'), "file it's.aof seq 1 type i\n");
  assert.equal(parseFails("file it's.aof seq 1 type i\n").message, 'Invalid AOF manifest file format');
});

test('naming helpers', () => {
  assert.equal(manifestFileName('appendonly.aof'), 'appendonly.aof.manifest');
  assert.equal(tempManifestFileName('appendonly.aof'), 'temp-appendonly.aof.manifest');
  assert.equal(tempIncrFileName('appendonly.aof'), 'temp-appendonly.aof.incr');
  assert.equal(baseFileName('appendonly.aof', 3, true), 'appendonly.aof.3.base.rdb');
  assert.equal(baseFileName('appendonly.aof', 3, false), 'appendonly.aof.3.base.aof');
  assert.equal(incrFileName('appendonly.aof', 12), 'appendonly.aof.12.incr.aof');
  assert.deepEqual(parseAofFileName('appendonly.aof', 'appendonly.aof.3.base.rdb'), { kind: 'base', seq: 3, format: 'rdb' });
  assert.deepEqual(parseAofFileName('appendonly.aof', 'appendonly.aof.3.base.aof'), { kind: 'base', seq: 3, format: 'aof' });
  assert.deepEqual(parseAofFileName('appendonly.aof', 'appendonly.aof.12.incr.aof'), { kind: 'incr', seq: 12, format: 'aof' });
  for (const bad of ['appendonly.aof', 'appendonly.aof.0.incr.aof', 'appendonly.aof.1.incr.rdb', 'other.aof.1.base.aof', 'appendonly.aof.x.base.aof']) {
    assert.equal(parseAofFileName('appendonly.aof', bad), null, bad);
  }
});

// ---- persist ---------------------------------------------------------------------------------

type Op = 'open' | 'write' | 'fsync' | 'close' | 'rename' | 'unlink' | 'mkdir' | 'fsyncDir';

/** The real fs, recording each call; `fault` may throw before an operation runs. */
function recordingFs(fault?: (op: Op, index: number) => void, shortWrites = false): AofFs & { ops: Op[] } {
  const ops: Op[] = [];
  const step = (op: Op): void => {
    fault?.(op, ops.length);
    ops.push(op);
  };
  return {
    ...nodeAofFs,
    ops,
    open: (p, f, m) => (step('open'), nodeAofFs.open(p, f, m)),
    write: (fd, b, o, l) => (step('write'), nodeAofFs.write(fd, b, o, shortWrites ? Math.min(l, 3) : l)),
    fsync: (fd) => (step('fsync'), nodeAofFs.fsync(fd)),
    close: (fd) => (step('close'), nodeAofFs.close(fd)),
    rename: (a, b) => (step('rename'), nodeAofFs.rename(a, b)),
    unlink: (p) => (step('unlink'), nodeAofFs.unlink(p)),
    mkdir: (p) => (step('mkdir'), nodeAofFs.mkdir(p)),
    readFile: (p) => nodeAofFs.readFile(p),
    stat: (p) => nodeAofFs.stat(p),
    fsyncDir: (p) => (step('fsyncDir'), nodeAofFs.fsyncDir(p)),
  };
}

class Crash extends Error {}

function layoutWithDir(): AofLayout {
  const l = freshLayout();
  fs.mkdirSync(path.join(l.dir, l.appenddirname));
  return l;
}

const manifestPath = (l: AofLayout): string => path.join(l.dir, l.appenddirname, manifestFileName(l.appendfilename));

test('persist: temp file, fsync, rename, fsync dir; only when dirty', () => {
  const l = layoutWithDir();
  const m = new AofManifest();
  m.newBase(l.appendfilename, false);
  m.newIncr(l.appendfilename);
  const rfs = recordingFs();
  persistManifest(rfs, l, m);
  assert.deepEqual(rfs.ops, ['open', 'write', 'fsync', 'rename', 'fsyncDir', 'close']);
  assert.equal(fs.readFileSync(manifestPath(l), 'latin1'), 'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
  assert.equal(fs.existsSync(path.join(l.dir, l.appenddirname, 'temp-appendonly.aof.manifest')), false);
  assert.equal(m.dirty, false);
  const again = recordingFs();
  persistManifest(again, l, m);
  assert.deepEqual(again.ops, [], 'clean manifest: nothing written');

  const loaded = loadManifestFromDisk(nodeAofFs, l);
  assert.equal(loaded.found, true);
  assert.deepEqual(loaded.manifest.serialize(), m.serialize());
});

test('persist: short writes and EINTR are retried', () => {
  const l = layoutWithDir();
  const m = parseManifest(fixture('redis-7.0.15-gc-disabled.manifest'));
  m.dirty = true;
  let eintr = 2;
  const rfs = recordingFs((op) => {
    if (op === 'write' && eintr-- > 0) throw fsError('EINTR', 'write');
  }, true);
  persistManifest(rfs, l, m);
  assert.deepEqual(fs.readFileSync(manifestPath(l)), fixture('redis-7.0.15-gc-disabled.manifest'));
  assert.ok(rfs.ops.filter((o) => o === 'write').length > 50);
});

test('persist errors: Redis texts, old manifest kept, still dirty', () => {
  const cases: [Op, string, string][] = [
    ['open', 'EACCES', "Can't open the AOF manifest file temp-appendonly.aof.manifest: Permission denied"],
    ['write', 'ENOSPC', 'Error trying to write the temporary AOF manifest file temp-appendonly.aof.manifest: No space left on device'],
    ['fsync', 'EIO', 'Fail to fsync the temp AOF file temp-appendonly.aof.manifest: Input/output error.'],
    ['rename', 'EXDEV', 'Error trying to rename the temporary AOF manifest file temp-appendonly.aof.manifest into appendonly.aof.manifest: Invalid cross-device link'],
    ['fsyncDir', 'EIO', 'Fail to fsync AOF directory appendonlydir/appendonly.aof.manifest: Input/output error.'],
  ];
  for (const [failOp, code, text] of cases) {
    const l = layoutWithDir();
    const old = fixture('redis-7.0.15-rewritten.manifest');
    fs.writeFileSync(manifestPath(l), old);
    const m = parseManifest(old);
    m.newIncr(l.appendfilename);
    let opened = 0;
    const rfs = recordingFs((op) => {
      if (op === failOp) throw fsError(code, op);
    });
    const origOpen = rfs.open;
    rfs.open = (p, f, mode) => (opened++, origOpen(p, f, mode));
    assert.throws(
      () => persistManifest(rfs, l, m),
      (err: unknown) => err instanceof AofManifestError && err.message === text && err.logLines.length === 1 && err.logLines[0] === text,
    );
    assert.equal(m.dirty, true, failOp);
    // The fd is closed whatever failed after open.
    assert.equal(rfs.ops.filter((o) => o === 'close').length, failOp === 'open' ? 0 : opened, failOp);
    const expected = failOp === 'fsyncDir' ? m.serialize() : old; // the rename already happened
    assert.deepEqual(fs.readFileSync(manifestPath(l)), expected, failOp);
  }
});

test('persist atomicity: a crash before any step leaves the old or the new manifest', () => {
  const oldBytes = fixture('redis-7.0.15-gc-disabled.manifest');
  const next = parseManifest(oldBytes);
  next.removeHistory();
  next.newIncr('appendonly.aof');
  const newBytes = next.serialize();
  const full = recordingFs();
  {
    const l = layoutWithDir();
    persistManifest(full, l, next.clone());
  }
  for (let k = 0; k < full.ops.length; k++) {
    const l = layoutWithDir();
    fs.writeFileSync(manifestPath(l), oldBytes);
    const crashing = recordingFs((_op, i) => {
      if (i === k) throw new Crash();
    }, k % 2 === 1);
    assert.throws(() => persistManifest(crashing, l, next.clone()), Crash);
    const onDisk = fs.readFileSync(manifestPath(l));
    assert.ok(onDisk.equals(oldBytes) || onDisk.equals(newBytes), `crash before op ${k} (${full.ops[k]})`);
    // The next start reads a valid manifest, and a retry overwrites any leftover temp file.
    parseManifest(onDisk);
    persistManifest(nodeAofFs, l, next.clone());
    assert.deepEqual(fs.readFileSync(manifestPath(l)), newBytes);
  }
});

// ---- loading from disk -----------------------------------------------------------------------

test('loadManifestFromDisk: missing directory or manifest is no error; bad content is fatal', () => {
  const l = freshLayout();
  assert.deepEqual(loadManifestFromDisk(nodeAofFs, l).debug, "The AOF directory appendonlydir doesn't exist");
  fs.mkdirSync(path.join(l.dir, l.appenddirname));
  const none = loadManifestFromDisk(nodeAofFs, l);
  assert.equal(none.found, false);
  assert.equal(none.debug, "The AOF manifest file appendonly.aof.manifest doesn't exist");
  assert.ok(none.manifest.isEmpty);
  fs.writeFileSync(manifestPath(l), 'file a seq 1 type b\nfile b seq 1 type b\n');
  assert.throws(
    () => loadManifestFromDisk(nodeAofFs, l),
    (err: unknown) =>
      err instanceof AofManifestError &&
      err.logLines.join('') ===
        `${HEADER}Reading the manifest file, at line 2\n>>> 'file b seq 1 type b'\nFound duplicate base file information\n`,
  );
  fs.writeFileSync(manifestPath(l), '');
  assert.throws(() => loadManifestFromDisk(nodeAofFs, l), /Found an empty AOF manifest/);
});

// ---- legacy upgrade --------------------------------------------------------------------------

test('needsLegacyUpgrade: the three cases of loadAppendOnlyFiles', () => {
  const f = 'appendonly.aof';
  const empty = new AofManifest();
  const onlyLegacyBase = parse('file appendonly.aof seq 1 type b\n');
  const legacyBaseAndIncr = parse('file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
  const otherBase = parse('file appendonly.aof.1.base.rdb seq 1 type b\n');
  const s = (legacyFileExists: boolean, aofDirExists: boolean, legacyFileInAofDir: boolean) => ({
    legacyFileExists,
    aofDirExists,
    legacyFileInAofDir,
  });
  assert.equal(needsLegacyUpgrade(s(false, false, false), empty, f), false, 'no legacy file');
  assert.equal(needsLegacyUpgrade(s(true, false, false), empty, f), true, '(a) no directory');
  assert.equal(needsLegacyUpgrade(s(true, true, false), empty, f), true, '(b) empty manifest');
  assert.equal(needsLegacyUpgrade(s(true, true, false), onlyLegacyBase, f), true, '(c) interrupted move');
  assert.equal(needsLegacyUpgrade(s(true, true, true), onlyLegacyBase, f), false, 'already moved: both copies');
  assert.equal(needsLegacyUpgrade(s(true, true, false), legacyBaseAndIncr, f), false, 'has an incr');
  assert.equal(needsLegacyUpgrade(s(true, true, false), otherBase, f), false, 'other base');
});

const LEGACY = Buffer.from('*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$3\r\nbar\r\n');

test('legacy upgrade moves appendonly.aof into the directory as BASE seq 1', () => {
  const l = freshLayout();
  fs.writeFileSync(path.join(l.dir, 'appendonly.aof'), LEGACY);
  const { manifest } = loadManifestFromDisk(nodeAofFs, l);
  const line = upgradeLegacyAofIfNeeded(nodeAofFs, l, manifest);
  assert.equal(line, 'Successfully migrated an old-style AOF file (appendonly.aof) into the AOF directory (appendonlydir).');
  assert.equal(fs.existsSync(path.join(l.dir, 'appendonly.aof')), false);
  assert.deepEqual(fs.readFileSync(path.join(l.dir, 'appendonlydir', 'appendonly.aof')), LEGACY);
  assert.equal(manifest.dirty, false);
  // Then the server start opens a new incr: the manifest redis-server 7.0.15 wrote.
  manifest.lastIncrOrNew(l.appendfilename);
  persistManifest(nodeAofFs, l, manifest);
  assert.deepEqual(fs.readFileSync(manifestPath(l)), fixture('redis-7.0.15-legacy-upgraded.manifest'));
  // A second start does nothing, even with a new legacy file present (both copies case).
  fs.writeFileSync(path.join(l.dir, 'appendonly.aof'), 'other');
  const again = loadManifestFromDisk(nodeAofFs, l).manifest;
  assert.equal(upgradeLegacyAofIfNeeded(nodeAofFs, l, again), null);
});

test('legacy upgrade is crash safe: a crash before any step, then a restart, ends upgraded', () => {
  const probe = freshLayout();
  fs.writeFileSync(path.join(probe.dir, 'appendonly.aof'), LEGACY);
  const full = recordingFs();
  upgradeLegacyAof(full, probe, new AofManifest());
  assert.deepEqual(full.ops, ['mkdir', 'open', 'write', 'fsync', 'rename', 'fsyncDir', 'close', 'rename']);
  for (let k = 0; k < full.ops.length; k++) {
    const l = freshLayout();
    fs.writeFileSync(path.join(l.dir, 'appendonly.aof'), LEGACY);
    const crashing = recordingFs((_op, i) => {
      if (i === k) throw new Crash();
    });
    assert.throws(() => upgradeLegacyAofIfNeeded(crashing, l, loadManifestFromDisk(crashing, l).manifest), Crash);
    // Restart.
    const m = loadManifestFromDisk(nodeAofFs, l).manifest;
    assert.ok(needsLegacyUpgrade(legacyState(nodeAofFs, l), m, l.appendfilename), `crash before op ${k}`);
    assert.notEqual(upgradeLegacyAofIfNeeded(nodeAofFs, l, m), null);
    assert.deepEqual(fs.readFileSync(path.join(l.dir, 'appendonlydir', 'appendonly.aof')), LEGACY);
    assert.equal(fs.readFileSync(manifestPath(l), 'latin1'), 'file appendonly.aof seq 1 type b\n');
    assert.equal(upgradeLegacyAofIfNeeded(nodeAofFs, l, loadManifestFromDisk(nodeAofFs, l).manifest), null);
  }
});

test('legacy upgrade errors: Redis texts', () => {
  const l = freshLayout();
  fs.writeFileSync(path.join(l.dir, 'appendonly.aof'), LEGACY);
  const noMkdir = recordingFs((op) => {
    if (op === 'mkdir') throw fsError('EACCES', 'mkdir');
  });
  assert.throws(
    () => upgradeLegacyAof(noMkdir, l, new AofManifest()),
    (e: unknown) => e instanceof AofManifestError && e.message === "Can't open or create append-only dir appendonlydir: Permission denied",
  );
  let renames = 0;
  const noMove = recordingFs((op) => {
    if (op === 'rename' && ++renames === 2) throw fsError('EXDEV', 'rename');
  });
  assert.throws(
    () => upgradeLegacyAof(noMove, l, new AofManifest()),
    (e: unknown) =>
      e instanceof AofManifestError &&
      e.message === 'Error trying to move the old AOF file appendonly.aof into dir appendonlydir: Invalid cross-device link',
  );
  // The directory already existing is fine (mkdir EEXIST), as is the restart that finishes it.
  assert.notEqual(upgradeLegacyAofIfNeeded(nodeAofFs, l, loadManifestFromDisk(nodeAofFs, l).manifest), null);
});
