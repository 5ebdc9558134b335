// RequestDecoder in isolation: a property (any requests, any chunking, same argv arrays) and
// the edge cases of Redis's parser (string2ll lengths, CR-terminated count lines, NUL bytes,
// sdssplitargs quoting).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RequestDecoder, ProtocolError, splitArgs, type DecoderLimits } from '../../src/resp/decoder.js';

const LIMITS: DecoderLimits = { maxBulkLen: 512 * 1024 * 1024, maxMultibulkLen: 2147483647 };

function multibulk(argv: readonly Uint8Array[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) parts.push(Buffer.from(`$${a.length}\r\n`), Buffer.from(a), Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

/** Feeds `chunks` one by one, pulling every complete request after each. */
function decodeAll(chunks: readonly Buffer[], limits: DecoderLimits = LIMITS): string[][] {
  const d = new RequestDecoder(limits);
  const out: string[][] = [];
  for (const chunk of chunks) {
    d.feed(chunk);
    for (let argv = d.next(); argv !== null; argv = d.next()) out.push(argv);
  }
  assert.equal(d.inRequest, false, 'nothing left over');
  assert.equal(d.pendingBytes, 0);
  return out;
}

function splitAt(buf: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  out.push(buf.subarray(prev));
  return out;
}

const toLatin1 = (a: Uint8Array): string => Buffer.from(a).toString('latin1');

/** One request as [wire bytes, the argv it must decode to, or null if it is skipped]. */
type Request = [Buffer, string[] | null];

const bulkArg = fc.oneof(
  { weight: 20, arbitrary: fc.uint8Array({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.constantFrom(...['\r\n', '\r', '\n', '*1\r\n', '$3\r\n', '\0'].map((s) => Buffer.from(s, 'latin1'))) },
  // Above the decoder's 32 KiB "big argument" threshold, to cover the direct-fill path.
  { weight: 1, arbitrary: fc.integer({ min: 32 * 1024 - 2, max: 70 * 1024 }).map((n) => new Uint8Array(n).map((_, i) => (i * 31 + n) & 255)) },
);

const multibulkRequest: fc.Arbitrary<Request> = fc
  .array(bulkArg, { minLength: 1, maxLength: 6 })
  .map((argv) => [multibulk(argv), argv.map(toLatin1)]);

const word = fc.stringMatching(/^[A-Za-z0-9:_.-]{1,12}$/);
const inlineRequest: fc.Arbitrary<Request> = fc
  .tuple(fc.array(word, { minLength: 1, maxLength: 5 }), fc.constantFrom(' ', '  ', '\t'), fc.constantFrom('\r\n', '\n'))
  .map(([words, sep, eol]) => [Buffer.from(words.join(sep) + eol, 'latin1'), words]);

const skipped: fc.Arbitrary<Request> = fc.constantFrom<Request>(
  [Buffer.from('\r\n'), null],
  [Buffer.from('\n'), null],
  [Buffer.from('  \t \r\n'), null],
  [Buffer.from('*0\r\n'), null],
  [Buffer.from('*-1\r\n'), null],
);

const request = fc.oneof({ weight: 6, arbitrary: multibulkRequest }, { weight: 3, arbitrary: inlineRequest }, { weight: 1, arbitrary: skipped });

test('any requests, fed in any chunks, decode to the same argv arrays', () => {
  fc.assert(
    fc.property(fc.array(request, { maxLength: 25 }), fc.array(fc.nat(), { maxLength: 30 }), (requests, cuts) => {
      const stream = Buffer.concat(requests.map((r) => r[0]));
      const expected = requests.flatMap((r) => (r[1] === null ? [] : [r[1]]));
      assert.deepEqual(decodeAll([stream]), expected);
      assert.deepEqual(decodeAll(splitAt(stream, cuts)), expected);
    }),
    { numRuns: 300 },
  );
});

test('every 1-byte chunking and every 2-way split of a mixed stream', () => {
  const requests: Request[] = [
    [multibulk([Buffer.from('SET'), Buffer.from('k'), Buffer.from('a\r\nb')]), ['SET', 'k', 'a\r\nb']],
    [Buffer.from('PING\r\n'), ['PING']],
    [Buffer.from('\r\n'), null],
    [Buffer.from('ECHO "x\\x41" \'y\\\'z\'\n'), ['ECHO', 'xA', "y'z"]],
    [Buffer.from('*-1\r\n'), null],
    [multibulk([Buffer.from([0, 255, 13, 10])]), ['\x00\xff\r\n']],
    [multibulk([Buffer.alloc(33 * 1024, 0x61), Buffer.from('t')]), ['a'.repeat(33 * 1024), 't']],
  ];
  const stream = Buffer.concat(requests.map((r) => r[0]));
  const expected = requests.flatMap((r) => (r[1] === null ? [] : [r[1]]));
  // Byte by byte over the small part; the 33 KiB argument is covered by the splits below.
  const smallRequests = requests.slice(0, 6);
  const small = Buffer.concat(smallRequests.map((r) => r[0]));
  assert.deepEqual(
    decodeAll(Array.from({ length: small.length }, (_, i) => small.subarray(i, i + 1))),
    smallRequests.flatMap((r) => (r[1] === null ? [] : [r[1]])),
  );
  for (let i = 0; i <= stream.length; i += i < small.length + 64 || i > stream.length - 64 ? 1 : 997) {
    assert.deepEqual(decodeAll([stream.subarray(0, i), stream.subarray(i)]), expected, `split at ${i}`);
  }
});

test('a big argument completed by a read that also carries the next requests, at every offset', () => {
  // The decoder fills arguments of 32 KiB and more straight from the reads; the read that
  // completes one may end anywhere in what follows: in its CRLF, in the next header, ...
  const big = Buffer.alloc(40 * 1024, 0x62);
  const head = multibulk([Buffer.from('SET'), Buffer.from('k'), big]);
  const tail = Buffer.from('PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n');
  const stream = Buffer.concat([head, tail]);
  const expected = [['SET', 'k', big.toString('latin1')], ['PING'], ['ECHO', 'hi']];
  const payloadStart = head.length - big.length - 2;
  for (const first of [payloadStart - 3, payloadStart, payloadStart + 1, payloadStart + 20000]) {
    for (let second = head.length - 4; second <= stream.length; second++) {
      const chunks = [stream.subarray(0, first), stream.subarray(first, second), stream.subarray(second)];
      assert.deepEqual(decodeAll(chunks), expected, `reads end at ${first} and ${second}`);
    }
  }
});

function errorOf(input: string, limits: DecoderLimits = LIMITS): string | null {
  const d = new RequestDecoder(limits);
  d.feed(Buffer.from(input, 'latin1'));
  try {
    while (d.next() !== null);
    return null;
  } catch (err) {
    assert.ok(err instanceof ProtocolError);
    return err.message;
  }
}

test('count lines follow string2ll: no leading zeros, no "+", no "-0", at most 20 characters, int64', () => {
  const badCount = 'Protocol error: invalid multibulk length';
  const badBulk = 'Protocol error: invalid bulk length';
  for (const s of ['01', '+1', '-0', '', ' 1', '1 ', '1a', '-', '2147483648', '99999999999999999999', '-9223372036854775809', '123456789012345678901']) {
    assert.equal(errorOf(`*${s}\r\n`), badCount, `*${s}`);
  }
  for (const s of ['-9223372036854775808', '-1', '-12', '0']) assert.equal(errorOf(`*${s}\r\n`), null, `*${s} is skipped`);
  for (const s of ['01', '+1', '-0', '', '-1', '-9223372036854775809', 'x']) assert.equal(errorOf(`*1\r\n$${s}\r\n`), badBulk, `$${s}`);
  assert.equal(errorOf('*1\r\n$0\r\n\r\n'), null);
  assert.equal(errorOf(`*1\r\n$${1024 * 1024 + 1}\r\n`, { maxBulkLen: 1024 * 1024, maxMultibulkLen: 2147483647 }), badBulk);
  assert.equal(errorOf(`*3\r\n`, { maxBulkLen: 1024, maxMultibulkLen: 2 }), badCount);
  // An argument becomes a JS string: beyond the longest one V8 can make (2^29 - 24), it is
  // refused like one over proto-max-bulk-len, even though 512mb is allowed.
  assert.equal(errorOf(`*1\r\n$${2 ** 29 - 23}\r\n`), badBulk);
  assert.equal(errorOf(`*1\r\n$${512 * 1024 * 1024}\r\n`), badBulk);
});

test('limits are read per request, and the unauthenticated limits apply only while authRequired()', () => {
  let max = 10;
  let authRequired = true;
  const limits: DecoderLimits = {
    get maxBulkLen() {
      return max;
    },
    maxMultibulkLen: 2147483647,
    authRequired: () => authRequired,
  };
  const d = new RequestDecoder(limits);
  d.feed(Buffer.from('*1\r\n$5\r\nhello\r\n'));
  assert.deepEqual(d.next(), ['hello']);
  max = 4;
  d.feed(Buffer.from('*1\r\n$5\r\n'));
  assert.throws(() => d.next(), { message: 'Protocol error: invalid bulk length' });
  max = 1 << 20;
  assert.equal(errorOf('*11\r\n', limits), 'Protocol error: unauthenticated multibulk length');
  assert.equal(errorOf('*10\r\n', limits), null);
  assert.equal(errorOf('*1\r\n$16385\r\n', limits), 'Protocol error: unauthenticated bulk length');
  assert.equal(errorOf('*1\r\n$16384\r\n', limits), null);
  authRequired = false;
  assert.equal(errorOf('*11\r\n', limits), null);
  assert.equal(errorOf('*1\r\n$16385\r\n', limits), null);
});

test('count lines end at the first CR, and need one more byte', () => {
  const d = new RequestDecoder(LIMITS);
  d.feed(Buffer.from('*1\r'));
  assert.equal(d.next(), null);
  d.feed(Buffer.from('X$4\r'));
  assert.equal(d.next(), null);
  d.feed(Buffer.from('?PING\r\n'));
  assert.deepEqual(d.next(), ['PING']);
  // A bare LF is not a line end for a count line.
  assert.equal(errorOf('*1\n$4\r\nPING\r\n'), 'Protocol error: invalid multibulk length');
});

test('a NUL byte before the line end keeps the request incomplete (strchr semantics)', () => {
  for (const input of ['PING\0\r\n', '\0\r\n', '*1\0\r\n', '*1\r\n$4\0\r\n']) {
    const d = new RequestDecoder(LIMITS);
    d.feed(Buffer.from(input, 'latin1'));
    assert.equal(d.next(), null, JSON.stringify(input));
  }
  const d = new RequestDecoder(LIMITS);
  d.feed(Buffer.from('PING\0'));
  assert.equal(d.next(), null);
  d.feed(Buffer.alloc(64 * 1024, 0x61));
  assert.throws(() => d.next(), { message: 'Protocol error: too big inline request' });
});

test('64 KiB limits on lines without an end', () => {
  const at = (input: string): string | null => errorOf(input);
  assert.equal(at('a'.repeat(64 * 1024)), null);
  assert.equal(at('a'.repeat(64 * 1024 + 1)), 'Protocol error: too big inline request');
  assert.equal(at('*' + '1'.repeat(64 * 1024)), 'Protocol error: too big mbulk count string');
  assert.equal(at('*1\r\n$' + '1'.repeat(64 * 1024)), 'Protocol error: too big bulk count string');
});

test('splitArgs follows sdssplitargs', () => {
  const cases: [string, string[] | null][] = [
    ['', []],
    ['   ', []],
    ['a b  c', ['a', 'b', 'c']],
    ['"a b" c', ['a b', 'c']],
    ['"\\x41\\x4a\\x4" \\x41', ['AJx4', '\\x41']],
    ['"\\n\\r\\t\\b\\a\\z\\\\\\""', ['\n\r\t\b\x07z\\"']],
    ["'a\\'b' 'a\\nb'", ["a'b", 'a\\nb']],
    ['a"b c"d', null],
    ['a"b c" d', ['ab c', 'd']],
    ['"a"b', null],
    ["'a'b", null],
    ['"abc', null],
    ["'abc", null],
    ['"abc\\"', null],
    ['""', ['']],
    ["''", ['']],
    ['a\x0bb \x0c c', ['a\x0bb', 'c']],
    ['"a"\x0b', ['a']],
    ['a\tb\nc\rd', ['a', 'b', 'c', 'd']],
    ['a\0b c', ['a']],
    ['"a\0b"', null],
    ['\xe9\xff', ['\xe9\xff']],
  ];
  for (const [line, expected] of cases) assert.deepEqual(splitArgs(line), expected, JSON.stringify(line));
});
