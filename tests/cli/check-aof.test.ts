// bin/nodis-check-aof on fabricated valid and damaged files: exact stdout and exit codes, --fix
// with its prompt, --truncate-to-timestamp, manifest directories. When Debian's redis-check-aof
// (redis-tools, 7.0.15) is installed, every case is also run through it on an identical copy
// and both outputs, exit codes and resulting files must agree.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/check-aof-main.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'nodis-check-aof');
const REDIS = '/usr/bin/redis-check-aof';
const HAVE_REDIS = fs.existsSync(REDIS);
const SAMPLE = fs.readFileSync(path.join(ROOT, 'tests', 'fixtures', 'aof-scan', 'redis-7.0.15.incr.aof'));
const BASE = fs.readFileSync(path.join(ROOT, 'tests', 'fixtures', 'aof-scan', 'redis-7.0.15.base.aof'));

let tmp: string;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-check-aof-'));
});
after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function resp(...argv: string[]): string {
  return `*${argv.length}\r\n` + argv.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('');
}

interface Result {
  readonly out: string;
  readonly code: number | null;
  readonly files: Record<string, string>;
}

let seq = 0;
/**
 * Lays `files` out in a fresh directory, runs the checker there with `args`, returns all.
 * 'inproc' calls nodis-check-aof's main() in this process (with paths made absolute).
 */
function run(prog: 'nodis' | 'redis' | 'inproc', files: Record<string, Buffer | string>, args: string[], input = ''): Result {
  const dir = path.join(tmp, `c${seq++}`);
  fs.mkdirSync(dir);
  for (const [name, data] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  let stdout: string;
  let status: number | null;
  if (prog === 'inproc') {
    const chunks: Buffer[] = [];
    let pending = Buffer.from(input, 'latin1');
    status = main(
      args.map((a) => (a in files ? path.join(dir, a) : a)),
      'nodis-check-aof',
      {
        write: (b) => chunks.push(b),
        readAnswer: () => {
          if (pending.length === 0) return null;
          const c = pending.toString('latin1', 0, 1);
          pending = pending.subarray(1);
          return c;
        },
      },
    );
    stdout = Buffer.concat(chunks).toString('latin1').split(dir + '/').join('');
  } else {
    const cmd = prog === 'nodis' ? process.execPath : REDIS;
    const argv = prog === 'nodis' ? [BIN, ...args] : args;
    const r = spawnSync(cmd, argv, { cwd: dir, input, timeout: 20000 });
    stdout = r.stdout.toString('latin1');
    status = r.status;
  }
  const after: Record<string, string> = {};
  for (const name of Object.keys(files)) after[name] = fs.readFileSync(path.join(dir, name), 'latin1');
  fs.rmSync(dir, { recursive: true, force: true });
  // The manifest error block goes through Redis's logger: pid and time differ run to run.
  const out = stdout
    .replace(/^\d+:C \d\d \w{3} \d{4} [\d:.]+ # /gm, 'LOG ')
    .replace(/^Usage: \S+/m, 'Usage: PROG');
  return { out, code: status, files: after };
}

/** Runs nodis-check-aof, and redis-check-aof when present; asserts they agree; returns nodis's. */
function check(files: Record<string, Buffer | string>, args: string[], input = '', inproc = false): Result {
  const ours = run(inproc ? 'inproc' : 'nodis', files, args, input);
  if (HAVE_REDIS) {
    const theirs = run('redis', files, args, input);
    assert.deepEqual(ours, theirs, `nodis-check-aof and redis-check-aof differ for ${args.join(' ')}`);
  }
  return ours;
}

const PING = resp('PING');

test('valid, empty and truncated old-style files: exact output and exit codes', () => {
  let r = check({ 'a.aof': SAMPLE }, ['a.aof']);
  assert.equal(
    r.out,
    'Start checking Old-Style AOF\n' +
      `AOF analyzed: filename=a.aof, size=${SAMPLE.length}, ok_up_to=${SAMPLE.length}, ok_up_to_line=94, diff=0\n` +
      'AOF a.aof is valid\n',
  );
  assert.equal(r.code, 0);
  r = check({ 'a.aof': '' }, ['a.aof']);
  assert.equal(r.out, 'Start checking Old-Style AOF\nAOF a.aof is empty\n');
  r = check({ 'a.aof': resp('set', 'foo', 'hello') + '!!!' }, ['a.aof']);
  assert.equal(
    r.out,
    'Start checking Old-Style AOF\nAOF a.aof format error\n' +
      'AOF analyzed: filename=a.aof, size=36, ok_up_to=33, ok_up_to_line=8, diff=3\n' +
      'AOF a.aof is not valid. Use the --fix option to try fixing it.\n',
  );
  assert.equal(r.code, 1);
});

test('every truncation of a small sample agrees with redis-check-aof', () => {
  const small = Buffer.concat([SAMPLE.subarray(0, 62), Buffer.from(resp('MULTI') + resp('SET', 'a', '1') + resp('EXEC'))]);
  for (let cut = 0; cut <= small.length; cut++) {
    const r = check({ 'x.aof': small.subarray(0, cut) }, ['x.aof'], '', true);
    assert.equal(r.code, r.out.includes(' is valid\n') || r.out.includes(' is empty\n') ? 0 : 1);
  }
});

test('damaged tails, prefixes, MULTI/EXEC nesting, annotations', () => {
  const tails = [
    'garbage\r\n',
    '*1\r\n$4\r\nPINGxx',
    '*2\r\n#3\r\nfoo\r\n',
    '*1\r\n$-1\r\n',
    '*1\r\n$ 4x\r\nPING\r\n',
    '*1\r\n$4\r\nPI\xffG\r\n\xfe',
    '\r\n',
    '*-1\r\n*0\r\n*\r\n',
    resp('MULTI') + resp('multi'),
    resp('MULTI') + resp('SET', 'a', 'b'),
    resp('exec'),
    '#TS:1\r\n' + PING + '#abc',
  ];
  for (const t of tails) {
    const r = check({ 'x.aof': Buffer.concat([SAMPLE, Buffer.from(t, 'latin1')]) }, ['x.aof']);
    assert.notEqual(r.out, '');
  }
  const r = check({ 'x.aof': resp('MULTI') + PING }, ['x.aof']);
  assert.match(r.out, /0x              17: Reached EOF before reading EXEC for MULTI\n/);
  assert.equal(r.code, 1);
});

test('--fix: the prompt, y truncates, anything else aborts', () => {
  const bad = Buffer.concat([SAMPLE, Buffer.from('*1\r\n$4\r\nPIN')]);
  let r = check({ 'x.aof': bad }, ['--fix', 'x.aof'], 'y\n');
  assert.equal(
    r.out,
    'Start checking Old-Style AOF\n0x             1c0: Expected to read 6 bytes, got 3 bytes\n' +
      `AOF analyzed: filename=x.aof, size=${bad.length}, ok_up_to=${SAMPLE.length}, ok_up_to_line=96, diff=11\n` +
      `This will shrink the AOF x.aof from ${bad.length} bytes, with 11 bytes, to ${SAMPLE.length} bytes\n` +
      'Continue? [y/N]: Successfully truncated AOF x.aof\n',
  );
  assert.equal(r.code, 0);
  assert.equal(r.files['x.aof'], SAMPLE.toString('latin1'));
  r = check({ 'x.aof': bad }, ['--fix', 'x.aof'], 'n\n');
  assert.match(r.out, /Continue\? \[y\/N\]: Aborting...\n$/);
  assert.equal(r.code, 1);
  assert.equal(r.files['x.aof'], bad.toString('latin1'));
  check({ 'x.aof': bad }, ['--fix', 'x.aof'], 'Y');
  check({ 'x.aof': bad }, ['--fix', 'x.aof'], '');
  check({ 'x.aof': SAMPLE }, ['--fix', 'x.aof'], '');
});

test('--truncate-to-timestamp', () => {
  const ts = PING + '#TS:5\r\n' + PING + '#TS:9\r\n' + PING;
  for (const t of ['4', '5', '6', '9', '0', '-3', 'abc', '', '99999999999999999999']) {
    check({ 'x.aof': ts }, ['--truncate-to-timestamp', t, 'x.aof']);
    check({ 'x.aof': '#TS:9\r\n' + PING }, ['--truncate-to-timestamp', t, 'x.aof']);
    check({ 'x.aof': PING + '#TS:9x\r\n' }, ['--truncate-to-timestamp', t, 'x.aof']);
  }
  const r = check({ 'x.aof': ts }, ['--truncate-to-timestamp', '6', 'x.aof']);
  assert.equal(r.out, 'Start checking Old-Style AOF\nSuccessfully truncated AOF x.aof to timestamp 6\n');
  assert.equal(r.files['x.aof'], PING + '#TS:5\r\n' + PING);
});

test('arguments and missing files', () => {
  const r = check({ 'x.aof': PING }, ['--bogus', 'x.aof']);
  assert.equal(r.out, 'Usage: PROG [--fix|--truncate-to-timestamp $timestamp] <file.manifest|file.aof>\n');
  assert.equal(r.code, 1);
  check({ 'x.aof': PING }, []);
  check({ 'x.aof': PING }, ['--fix', 'x.aof', 'y']);
  assert.equal(check({}, ['nope.aof']).out, 'Cannot open file nope.aof: No such file or directory\n');
});

test('manifest directories: valid, empty incr, damaged last and non-last files, bad manifests', () => {
  const manifest = 'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n';
  const dir = { 'appendonly.aof.manifest': manifest, 'appendonly.aof.1.base.aof': BASE, 'appendonly.aof.1.incr.aof': SAMPLE };
  let r = check(dir, ['appendonly.aof.manifest']);
  assert.equal(
    r.out,
    'Start checking Multi Part AOF\nStart to check BASE AOF (RESP format).\n' +
      `AOF analyzed: filename=appendonly.aof.1.base.aof, size=${BASE.length}, ok_up_to=${BASE.length}, ok_up_to_line=1, diff=0\n` +
      'BASE AOF appendonly.aof.1.base.aof is valid\nStart to check INCR files.\n' +
      `AOF analyzed: filename=appendonly.aof.1.incr.aof, size=${SAMPLE.length}, ok_up_to=${SAMPLE.length}, ok_up_to_line=94, diff=0\n` +
      'INCR AOF appendonly.aof.1.incr.aof is valid\nAll AOF files and manifest are valid\n',
  );
  check({ ...dir, 'appendonly.aof.1.incr.aof': '' }, ['appendonly.aof.manifest']);
  const cut = SAMPLE.subarray(0, 300);
  check({ ...dir, 'appendonly.aof.1.incr.aof': cut }, ['appendonly.aof.manifest']);
  r = check({ ...dir, 'appendonly.aof.1.incr.aof': cut }, ['--fix', 'appendonly.aof.manifest'], 'y');
  assert.equal(r.code, 0);
  const badBase = Buffer.concat([BASE, Buffer.from('*1\r\n$4\r\nPING')]);
  r = check({ ...dir, 'appendonly.aof.1.base.aof': badBase }, ['--fix', 'appendonly.aof.manifest'], 'y');
  assert.match(r.out, /Failed to truncate AOF appendonly.aof.1.base.aof because it is not the last file\n$/);
  assert.equal(r.code, 1);
  const tsBase = Buffer.concat([BASE, Buffer.from('#TS:1\r\n' + PING + '#TS:2000000000\r\n')]);
  check({ ...dir, 'appendonly.aof.1.base.aof': tsBase }, ['--truncate-to-timestamp', '5', 'appendonly.aof.manifest']);
  check({ ...dir, 'appendonly.aof.1.base.aof': tsBase }, ['--truncate-to-timestamp', '1999999999', 'appendonly.aof.manifest']);
  check({ ...dir, 'appendonly.aof.1.incr.aof': Buffer.concat([SAMPLE, Buffer.from('#TS:2000000000\r\n' + PING)]) }, [
    '--truncate-to-timestamp',
    '1999999999',
    'appendonly.aof.manifest',
  ]);
  const manifests = [
    'file appendonly.aof.1.base.aof seq 1 type b\nbogus\n',
    'file a/b seq 1 type b\n',
    'file x seq 1 type b\nfile y seq 2 type b\n',
    'file x seq 2 type i\nfile y seq 2 type i\n',
    'file x seq 1 type z\n',
    'file x seq 1 type b',
    'file x seq 0 type b\n',
    'file "unbalanced seq 1 type b\n',
    'file appendonly.aof.1.base.aof seq 1 type b newkey newval\nfile appendonly.aof.1.incr.aof seq 1 type h\n',
    'file appendonly.aof.1.base.aof seq 1 type b\nfile missing.aof seq 1 type i\n',
    'file missing.aof seq 1 type b\n',
  ];
  // Without a "file" line it is not a manifest but an old-style AOF (a format error here).
  r = check({ ...dir, 'appendonly.aof.manifest': '# only a comment\n' }, ['appendonly.aof.manifest']);
  assert.ok(r.out.startsWith('Start checking Old-Style AOF\n'));
  for (const m of manifests) {
    r = check({ ...dir, 'appendonly.aof.manifest': m }, ['appendonly.aof.manifest']);
    assert.ok(r.out.startsWith('Start checking Multi Part AOF\n'), m);
  }
});
