// Redis's glob matching (stringmatchlen), as used by KEYS, SCAN MATCH, CONFIG GET and
// PSUBSCRIBE. Every row below was checked against a real redis-server 7.0.15 with KEYS.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globMatch } from '../../src/keyspace/glob.js';

/** [pattern, string, whether Redis matches]. Strings are latin1 (one char per byte). */
const CASES: readonly (readonly [string, string, boolean])[] = [
  ['*', 'anything', true],
  ['*', 'a', true],
  ['a*', 'a', true],
  ['a**', 'a', true],
  ['**a', 'a', true],
  ['*a*b*', 'xxaxxbxx', true],
  ['*a*b', 'xxbxxa', false],
  ['*a', 'ba', true],
  ['*a', 'ab', false],
  ['a*b*c', 'abc', true],
  ['a*b*c', 'aXbYcZc', true],
  ['a*b*c', 'acb', false],
  ['?', 'a', true],
  ['?', 'ab', false],
  ['??', 'ab', true],
  ['*?', 'a', true],
  ['h?llo', 'hello', true],
  ['h?llo', 'hllo', false],
  ['h*llo', 'hllo', true],
  ['h*llo', 'heeeello', true],
  ['h*llo', 'hello!', false],
  ['hello', 'hello', true],
  ['hello', 'Hello', false],
  ['hello', 'hell', false],
  ['h[ae]llo', 'hello', true],
  ['h[ae]llo', 'hallo', true],
  ['h[ae]llo', 'hillo', false],
  ['h[^e]llo', 'hallo', true],
  ['h[^e]llo', 'hello', false],
  ['h[^e]llo', 'hllo', false],
  ['h[a-b]llo', 'hbllo', true],
  ['h[a-b]llo', 'hcllo', false],
  ['h[b-a]llo', 'hallo', true],
  ['[a-c-e]', 'd', false],
  ['[a-c-e]', '-', true],
  ['[a-c-e]', 'e', true],
  ['[0-9][0-9]', '42', true],
  ['[^0-9]', '5', false],
  ['[^0-9]', 'x', true],
  ['[abc', 'a', true],
  ['[abc', 'd', false],
  ['[a-', 'a', true],
  ['[a-', '-', true],
  ['[a-', 'b', false],
  ['[]a]', ']a]', false],
  ['[]a]', ']', false],
  ['[^]a]', 'xa]', true],
  ['[*]', '*', true],
  ['[*]', 'a', false],
  ['[?]', 'a', false],
  ['[[]', '[', true],
  ['[\\]]', ']', true],
  ['[\\-]', '-', true],
  ['[a\\-z]', 'b', false],
  ['[a\\-z]', '-', true],
  ['[\\^a]', '^', true],
  ['[\\^a]', 'b', false],
  ['h\\*llo', 'h*llo', true],
  ['h\\*llo', 'hello', false],
  ['\\?', '?', true],
  ['\\?', 'a', false],
  ['\\[a]', '[a]', true],
  ['\\[a]', 'a', false],
  ['\\a', 'a', true],
  ['\\\\', '\\', true],
  ['a\\', 'a\\', true],
  ['a\\', 'a', false],
  ['*\\*', 'abc*', true],
  ['*\\*', 'abc', false],
  ['\xff*', '\xff\x00\x01', true],
  ['[\x80-\xff]', '\xc3', true],
  ['[\x80-\xff]', 'a', false],
  ['a\x00b', 'a\x00b', true],
  ['a?b', 'a\x00b', true],
];

/**
 * Rows where src/keyspace/glob.ts still differs from Redis:
 * - inside a set, Redis takes a backslash as an escape whenever one more pattern byte follows
 *   (patternLen >= 2); glob.ts requires two more;
 * - stringmatchlen never matches an empty string against a non-empty pattern (KEYS * and
 *   SCAN MATCH * short-cut "*" before calling it; PSUBSCRIBE does not).
 */
const DIVERGENT: readonly (readonly [string, string, boolean])[] = [
  ['[\\x', '\\', false],
  ['[b\\]', ']', true],
  ['[b\\]', '\\', false],
  ['*', '', false],
  ['**', '', false],
];

test('glob: Redis pattern table', () => {
  for (const [pattern, text, expected] of CASES) {
    assert.equal(globMatch(pattern, text), expected, `${JSON.stringify(pattern)} vs ${JSON.stringify(text)}`);
  }
});

test('glob: escapes inside sets and the empty string, as Redis', () => {
  for (const [pattern, text, expected] of DIVERGENT) {
    assert.equal(globMatch(pattern, text), expected, `${JSON.stringify(pattern)} vs ${JSON.stringify(text)}`);
  }
});

test('glob: empty pattern matches only the empty string', () => {
  assert.equal(globMatch('', ''), true);
  assert.equal(globMatch('', 'a'), false);
  assert.equal(globMatch('a', ''), false);
  assert.equal(globMatch('?', ''), false);
  assert.equal(globMatch('[a', ''), false);
});

test('glob: nocase folds both sides, ranges included', () => {
  assert.equal(globMatch('HeLLo', 'hello', true), true);
  assert.equal(globMatch('h[A-C]llo', 'hbllo', true), true);
  assert.equal(globMatch('h[^A-C]llo', 'hBllo', true), false);
  assert.equal(globMatch('HeLLo', 'hello'), false);
});

test('glob: hostile patterns stay fast (no exponential backtracking)', () => {
  const text = 'a'.repeat(5000);
  const start = performance.now();
  assert.equal(globMatch('*a*a*a*a*a*a*a*a*a*a*a*a*b', text), false);
  assert.equal(globMatch('*a*a*a*a*a*a*a*a*a*a*a*a*', text), true);
  assert.equal(globMatch('?'.repeat(4999) + '*b', text), false);
  assert.ok(performance.now() - start < 1000, `took ${performance.now() - start} ms`);
});
