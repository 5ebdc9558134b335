// SkipList: a model-based test against a sorted array of (score, member) — insert, delete,
// score updates, ranks both ways, element by rank, first/last in score and lex ranges, and
// range deletions by score, lex and rank — with the structural invariants (spans, backward
// links, tail, length) checked after every step. Also the byte order of latin1 members.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NIL, SkipList } from '../../src/keyspace/skiplist.js';
import { checkList } from './skiplist-check.js';
import {
  LEX_MAX,
  LEX_MIN,
  compareLex,
  lexGteMin,
  lexLteMax,
  scoreGteMin,
  scoreLteMax,
  type LexBound,
  type LexRange,
  type ScoreRange,
} from '../../src/keyspace/zset-range.js';

type Pair = [score: number, member: string];

function cmp(a: Pair, b: Pair): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

const score = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(Infinity, -Infinity, 0.5, -0, 1e300));
const member = fc.oneof(fc.constantFrom('a', 'b', 'c', 'ab', '', '\x00', '\xff', 'a\x00', 'A'), fc.string({ maxLength: 3 }).map((s) => Buffer.from(s, 'utf8').toString('latin1')));
const scoreRange: fc.Arbitrary<ScoreRange> = fc.record({ min: score, max: score, minex: fc.boolean(), maxex: fc.boolean() });
const lexBound: fc.Arbitrary<LexBound> = fc.oneof(member, fc.constant(LEX_MIN), fc.constant(LEX_MAX));
const lexRange: fc.Arbitrary<LexRange> = fc.record({ min: lexBound, max: lexBound, minex: fc.boolean(), maxex: fc.boolean() });

type Op =
  | { op: 'insert'; s: number; m: string }
  | { op: 'delete'; m: string }
  | { op: 'update'; s: number; m: string }
  | { op: 'delScore'; r: ScoreRange }
  | { op: 'delLex'; r: LexRange }
  | { op: 'delRank'; a: number; b: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('insert' as const), s: score, m: member }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), m: member }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('update' as const), s: score, m: member }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delScore' as const), r: scoreRange }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delLex' as const), r: lexRange }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delRank' as const), a: fc.integer({ min: 1, max: 12 }), b: fc.integer({ min: 1, max: 12 }) }) },
);

/** The member of a node, or undefined for NIL. */
function memberOf(list: SkipList, h: number): string | undefined {
  return h === NIL ? undefined : list.member(h);
}

/** Checks every query of the list against the sorted model. */
function checkAgainst(list: SkipList, model: Pair[], sr: ScoreRange, lr: LexRange): void {
  checkList(list);
  assert.deepEqual(
    [...list.nodes()].map((h) => [list.score(h), list.member(h)]),
    model,
  );
  model.forEach(([s, m], i) => {
    assert.equal(list.rankOf(s, m), i + 1);
    const h = list.byRank(i + 1);
    assert.ok(h !== NIL && list.member(h) === m && Object.is(list.score(h), s));
  });
  assert.equal(list.byRank(model.length + 1), NIL);
  assert.equal(list.byRank(0), NIL);
  // Score ranges: the model's first and last pair in range.
  const inScore = model.filter(([s]) => scoreGteMin(s, sr) && scoreLteMax(s, sr));
  assert.equal(memberOf(list, list.firstInRange(sr)), inScore[0]?.[1]);
  assert.equal(memberOf(list, list.lastInRange(sr)), inScore.at(-1)?.[1]);
  // Lex ranges are meaningful when all scores are equal: check on the members of score 0.
  const zeros = new SkipList();
  for (const [, m] of model.filter(([s]) => s === 0)) zeros.insert(0, m);
  const inLex = [...zeros.nodes()].map((h) => zeros.member(h)).filter((m) => lexGteMin(m, lr) && lexLteMax(m, lr));
  assert.equal(memberOf(zeros, zeros.firstInLexRange(lr)), inLex[0]);
  assert.equal(memberOf(zeros, zeros.lastInLexRange(lr)), inLex.at(-1));
}

test('model: a SkipList holds exactly the sorted (score, member) pairs, with ranks and ranges', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 120 }), scoreRange, lexRange, (ops, sr, lr) => {
      const list = new SkipList();
      let model: Pair[] = [];
      const find = (m: string) => model.findIndex((p) => p[1] === m);
      for (const o of ops) {
        switch (o.op) {
          case 'insert':
            if (find(o.m) >= 0) continue;
            list.insert(o.s, o.m);
            model.push([o.s, o.m]);
            model.sort(cmp);
            break;
          case 'delete': {
            const i = find(o.m);
            const removed = list.delete(i >= 0 ? model[i]![0] : 0, o.m);
            assert.equal(removed, i >= 0);
            if (i >= 0) model.splice(i, 1);
            break;
          }
          case 'update': {
            const i = find(o.m);
            if (i < 0) continue;
            const node = [...list.nodes()].find((h) => list.member(h) === o.m)!;
            list.updateScore(node, o.s);
            assert.ok(Object.is(list.score(node), o.s), 'the handle stays valid');
            model[i] = [o.s, o.m];
            model.sort(cmp);
            break;
          }
          case 'delScore': {
            const removed: string[] = [];
            const n = list.deleteRangeByScore(o.r, (m) => removed.push(m));
            const expect = model.filter(([s]) => scoreGteMin(s, o.r) && scoreLteMax(s, o.r));
            assert.deepEqual(removed, expect.map((p) => p[1]));
            assert.equal(n, expect.length);
            model = model.filter(([s]) => !(scoreGteMin(s, o.r) && scoreLteMax(s, o.r)));
            break;
          }
          case 'delLex': {
            // Only meaningful with equal scores: apply it to a list of the score-0 members.
            const zeros = new SkipList();
            const names = model.filter(([s]) => s === 0).map(([, m]) => m);
            for (const m of names) zeros.insert(0, m);
            const removed: string[] = [];
            zeros.deleteRangeByLex(o.r, (m) => removed.push(m));
            checkList(zeros);
            assert.deepEqual(
              removed,
              names.filter((m) => lexGteMin(m, o.r) && lexLteMax(m, o.r)),
            );
            break;
          }
          case 'delRank': {
            const [a, b] = [Math.min(o.a, o.b), Math.max(o.a, o.b)];
            const removed: string[] = [];
            const n = list.deleteRangeByRank(a, b, (m) => removed.push(m));
            const expect = model.slice(a - 1, b);
            assert.deepEqual(removed, expect.map((p) => p[1]));
            assert.equal(n, expect.length);
            model.splice(a - 1, b - a + 1);
            break;
          }
        }
        assert.equal(list.length, model.length);
      }
      checkAgainst(list, model, sr, lr);
    }),
    { numRuns: 300 },
  );
});

test('members compare byte-wise: latin1 strings in JS order are memcmp order, a prefix first', () => {
  const bytes = ['', '\x00', '\x00\x00', '\x01', 'a', 'a\x00', 'ab', 'b', '\x7f', '\x80', '\xfe', '\xff', '\xff\x00'];
  const sorted = [...bytes].sort((x, y) => Buffer.compare(Buffer.from(x, 'latin1'), Buffer.from(y, 'latin1')));
  assert.deepEqual([...bytes].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)), sorted);
  const list = new SkipList();
  for (const m of [...bytes].reverse()) list.insert(1, m);
  assert.deepEqual([...list.nodes()].map((h) => list.member(h)), sorted);
});

test('lex bounds: - and + sort below and above every string, including the empty one', () => {
  assert.equal(compareLex(LEX_MIN, ''), -1);
  assert.equal(compareLex('', LEX_MIN), 1);
  assert.equal(compareLex(LEX_MAX, '\xff\xff'), 1);
  assert.equal(compareLex(LEX_MIN, LEX_MIN), 0);
  assert.equal(compareLex(LEX_MIN, LEX_MAX), -1);
});

test('ranks stay O(log n): 100k inserts and rank queries finish quickly', () => {
  const list = new SkipList();
  const n = 100_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) list.insert((i * 7919) % n, `m${i}`);
  for (let i = 1; i <= n; i += 97) assert.equal(list.score(list.byRank(i)), i - 1);
  for (let i = 0; i < n; i += 101) assert.equal(list.rankOf((i * 7919) % n, `m${i}`), ((i * 7919) % n) + 1);
  assert.ok(performance.now() - t0 < 3000, 'took too long');
  checkList(list);
});
