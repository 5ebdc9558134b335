// Sorted-set ranges: ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES) and its older forms ZREVRANGE
// ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX, ZRANGESTORE, ZCOUNT ZLEXCOUNT,
// ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX — Redis 7.0's zrangeGenericCommand: one
// parser for all, ranks clamped to the set, a negative LIMIT count meaning "all", a negative
// offset an empty result.

import type { Client } from '../server/client.js';
import { ZSet } from '../keyspace/zset.js';
import { NIL } from '../keyspace/skiplist.js';
import { lexGteMin, lexLteMax, scoreGteMin, scoreLteMax, type LexRange, type ScoreRange } from '../keyspace/zset-range.js';
import { isOpt, readCollection, writeCollection } from './args.js';
import { ERR_SYNTAX } from './errors.js';
import type { CommandSpec } from './types.js';
import { ERR_MINMAX_FLOAT, ERR_MINMAX_LEX, addDirty, longArg, parseLexRange, parseScoreRange, zsetLimits } from './zsets-args.js';
import {
  DESTINATION_SPEC,
  ZRANGEBYLEX_ARGS,
  ZRANGEBYSCORE_ARGS,
  ZRANGESTORE_ARGS,
  ZRANGE_ARGS,
  ZREVRANGEBYLEX_ARGS,
  ZREVRANGEBYSCORE_ARGS,
  ZREVRANGE_ARGS,
  keyMinMax,
} from './zsets-docs.js';

type RangeType = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'forward' | 'reverse';

/** The nodes of the range, in reply order. */
function byRank(z: ZSet, start: number, end: number, reverse: boolean): number[] {
  const llen = z.size;
  if (start < 0) start += llen;
  if (end < 0) end += llen;
  if (start < 0) start = 0;
  if (start > end || start >= llen) return [];
  if (end >= llen) end = llen - 1;
  const out = new Array<number>(end - start + 1);
  let h = reverse ? z.at(llen - 1 - start) : z.at(start);
  for (let i = 0; i < out.length; i++) {
    out[i] = h;
    h = reverse ? z.prev(h) : z.next(h);
  }
  return out;
}

/**
 * Steps `offset` nodes from `h` without checking the range, then takes up to `limit` nodes
 * (all if negative) while `inRange` holds. A negative offset runs off the end: nothing.
 */
function walk(z: ZSet, h: number, reverse: boolean, offset: number, limit: number, inRange: (h: number) => boolean): number[] {
  if (offset < 0) return [];
  for (; h !== NIL && offset > 0; offset--) h = reverse ? z.prev(h) : z.next(h);
  const out: number[] = [];
  for (; h !== NIL && limit !== 0; limit--) {
    if (!inRange(h)) break;
    out.push(h);
    h = reverse ? z.prev(h) : z.next(h);
  }
  return out;
}

function byScore(z: ZSet, r: ScoreRange, offset: number, limit: number, reverse: boolean): number[] {
  if (offset > 0 && offset >= z.size) return [];
  const first = reverse ? z.lastInRange(r) : z.firstInRange(r);
  return walk(z, first, reverse, offset, limit, reverse ? (h) => scoreGteMin(z.scoreOf(h), r) : (h) => scoreLteMax(z.scoreOf(h), r));
}

function byLex(z: ZSet, r: LexRange, offset: number, limit: number, reverse: boolean): number[] {
  const first = reverse ? z.lastInLexRange(r) : z.firstInLexRange(r);
  return walk(z, first, reverse, offset, limit, reverse ? (h) => lexGteMin(z.memberOf(h), r) : (h) => lexLteMax(z.memberOf(h), r));
}

/** WITHSCORES: flat [member, score ...] in RESP2, [member, score] pairs in RESP3. */
export function replyNodes(c: Client, z: ZSet, nodes: readonly number[], withScores: boolean): void {
  const r = c.reply;
  if (!withScores) {
    r.array(nodes.length);
    for (const h of nodes) r.bulk(z.memberOf(h));
    return;
  }
  const resp3 = r.protocol === 3;
  r.array(resp3 ? nodes.length : nodes.length * 2);
  for (const h of nodes) {
    if (resp3) r.array(2);
    r.bulk(z.memberOf(h));
    r.double(z.scoreOf(h));
  }
}

/**
 * Stores a result at `dst` (setKey, dropping any TTL) or, when empty, deletes `dst`; replies
 * the result's size.
 */
export function storeResult(c: Client, dst: string, z: ZSet): void {
  if (z.size > 0) {
    c.db.set(dst, z);
    c.reply.integer(z.size);
  } else {
    c.db.delete(dst);
    c.reply.integer(0);
  }
}

/**
 * zrangeGenericCommand. `at` is the index of the source key; `store` for ZRANGESTORE (whose
 * destination is argv[1]); the older commands fix the range type and direction.
 */
function zrangeGeneric(c: Client, at: number, store: boolean, type: RangeType, direction: Direction): void {
  const argv = c.argv;
  const argc = argv.length;
  let minIdx = at + 1;
  let maxIdx = at + 2;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = at + 3; j < argc; j++) {
    const opt = argv[j]!;
    const left = argc - j - 1;
    if (!store && isOpt(opt, 'WITHSCORES')) {
      withScores = true;
    } else if (isOpt(opt, 'LIMIT') && left >= 2) {
      const o = longArg(c, argv[j + 1]!);
      if (o === null) return;
      const l = longArg(c, argv[j + 2]!);
      if (l === null) return;
      offset = o;
      limit = l;
      j += 2;
    } else if (direction === 'auto' && isOpt(opt, 'REV')) {
      direction = 'reverse';
    } else if (type === 'auto' && isOpt(opt, 'BYLEX')) {
      type = 'lex';
    } else if (type === 'auto' && isOpt(opt, 'BYSCORE')) {
      type = 'score';
    } else {
      return c.reply.error(ERR_SYNTAX);
    }
  }
  if (type === 'auto') type = 'rank';
  const reverse = direction === 'reverse';
  // As in Redis, "LIMIT x -1" is indistinguishable from no LIMIT at all.
  if (limit !== -1 && type === 'rank') return c.reply.error('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  if (withScores && type === 'lex') return c.reply.error('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  if (reverse && type !== 'rank') [minIdx, maxIdx] = [maxIdx, minIdx];

  let start = 0;
  let end = 0;
  let scoreRange: ScoreRange | null = null;
  let lexRange: LexRange | null = null;
  if (type === 'rank') {
    const s = longArg(c, argv[minIdx]!);
    if (s === null) return;
    const e = longArg(c, argv[maxIdx]!);
    if (e === null) return;
    start = s;
    end = e;
  } else if (type === 'score') {
    scoreRange = parseScoreRange(argv[minIdx]!, argv[maxIdx]!);
    if (scoreRange === null) return c.reply.error(ERR_MINMAX_FLOAT);
  } else {
    lexRange = parseLexRange(argv[minIdx]!, argv[maxIdx]!);
    if (lexRange === null) return c.reply.error(ERR_MINMAX_LEX);
  }

  const z = readCollection<ZSet>(c, argv[at]!, 'zset');
  if (z === false) return;
  let nodes: number[];
  if (z === null) nodes = [];
  else if (scoreRange !== null) nodes = byScore(z, scoreRange, offset, limit, reverse);
  else if (lexRange !== null) nodes = byLex(z, lexRange, offset, limit, reverse);
  else nodes = byRank(z, start, end, reverse);

  if (!store) {
    if (z === null) return c.reply.array(0);
    return replyNodes(c, z, nodes, withScores);
  }
  // ZRANGESTORE builds its result as ZADDs into a new (listpack) set would.
  const result = new ZSet();
  const limits = zsetLimits(c);
  if (z !== null) for (const h of nodes) result.add(z.memberOf(h), z.scoreOf(h), 0, limits);
  storeResult(c, argv[1]!, result);
}

/** ZCOUNT / ZLEXCOUNT: the rank distance between the first and last nodes in range. */
function countBetween(z: ZSet, first: number, last: number): number {
  if (first === NIL) return 0;
  const len = z.size;
  let count = len - (z.rankOfNode(first) - 1);
  if (last !== NIL) count -= len - z.rankOfNode(last);
  return count;
}

/** ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX key min max */
function zremrange(c: Client, type: 'rank' | 'score' | 'lex'): void {
  const argv = c.argv;
  let start = 0;
  let end = 0;
  let scoreRange: ScoreRange | null = null;
  let lexRange: LexRange | null = null;
  if (type === 'rank') {
    const s = longArg(c, argv[2]!);
    if (s === null) return;
    const e = longArg(c, argv[3]!);
    if (e === null) return;
    start = s;
    end = e;
  } else if (type === 'score') {
    scoreRange = parseScoreRange(argv[2]!, argv[3]!);
    if (scoreRange === null) return c.reply.error(ERR_MINMAX_FLOAT);
  } else {
    lexRange = parseLexRange(argv[2]!, argv[3]!);
    if (lexRange === null) return c.reply.error(ERR_MINMAX_LEX);
  }
  const key = argv[1]!;
  const z = writeCollection<ZSet>(c, key, 'zset');
  if (z === false) return;
  if (z === null) return c.reply.integer(0);
  let deleted: number;
  if (scoreRange !== null) {
    deleted = z.deleteRangeByScore(scoreRange);
  } else if (lexRange !== null) {
    deleted = z.deleteRangeByLex(lexRange);
  } else {
    const llen = z.size;
    if (start < 0) start += llen;
    if (end < 0) end += llen;
    if (start < 0) start = 0;
    if (start > end || start >= llen) return c.reply.integer(0);
    if (end >= llen) end = llen - 1;
    deleted = z.deleteRangeByRank(start, end);
  }
  if (deleted > 0) {
    if (z.size === 0) c.db.delete(key);
    else c.db.modified(key);
    addDirty(c, deleted - 1);
  }
  c.reply.integer(deleted);
}

export const zsetRangeCommands = [
  {
    // ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
    name: 'zrange',
    arity: -4,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '1.2.0',
    summary: 'Return a range of members in a sorted set',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.',
    history: [['6.2.0', 'Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.']],
    arguments: ZRANGE_ARGS,
    handler: (c) => zrangeGeneric(c, 1, false, 'auto', 'auto'),
  },
  {
    // ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]
    name: 'zrangestore',
    arity: -5,
    flags: ['write', 'denyoom'],
    keySpecs: [DESTINATION_SPEC, { flags: ['RO', 'access'], beginSearch: { index: 2 }, findKeys: { lastKey: 0, keyStep: 1, limit: 0 } }],
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '6.2.0',
    summary: 'Store a range of members from sorted set into another key',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.',
    arguments: ZRANGESTORE_ARGS,
    handler: (c) => zrangeGeneric(c, 2, true, 'auto', 'auto'),
  },
  {
    // ZREVRANGE key start stop [WITHSCORES]
    name: 'zrevrange',
    arity: -4,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '1.2.0',
    summary: 'Return a range of members in a sorted set, by index, with scores ordered from high to low',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `REV` argument',
    arguments: ZREVRANGE_ARGS,
    handler: (c) => zrangeGeneric(c, 1, false, 'rank', 'reverse'),
  },
  {
    // ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
    name: 'zrangebyscore',
    arity: -4,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '1.0.5',
    summary: 'Return a range of members in a sorted set, by score',
    complexity:
      'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `BYSCORE` argument',
    history: [['2.0.0', 'Added the `WITHSCORES` modifier.']],
    arguments: ZRANGEBYSCORE_ARGS,
    handler: (c) => zrangeGeneric(c, 1, false, 'score', 'forward'),
  },
  {
    // ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
    name: 'zrevrangebyscore',
    arity: -4,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '2.2.0',
    summary: 'Return a range of members in a sorted set, by score, with scores ordered from high to low',
    complexity:
      'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `REV` and `BYSCORE` arguments',
    history: [['2.1.6', '`min` and `max` can be exclusive.']],
    arguments: ZREVRANGEBYSCORE_ARGS,
    handler: (c) => zrangeGeneric(c, 1, false, 'score', 'reverse'),
  },
  {
    // ZRANGEBYLEX key min max [LIMIT offset count]
    name: 'zrangebylex',
    arity: -4,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '2.8.9',
    summary: 'Return a range of members in a sorted set, by lexicographical range',
    complexity:
      'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `BYLEX` argument',
    arguments: ZRANGEBYLEX_ARGS,
    handler: (c) => zrangeGeneric(c, 1, false, 'lex', 'forward'),
  },
  {
    // ZREVRANGEBYLEX key max min [LIMIT offset count]
    name: 'zrevrangebylex',
    arity: -4,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '2.8.9',
    summary: 'Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.',
    complexity:
      'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `REV` and `BYLEX` arguments',
    arguments: ZREVRANGEBYLEX_ARGS,
    handler: (c) => zrangeGeneric(c, 1, false, 'lex', 'reverse'),
  },
  {
    // ZCOUNT key min max
    name: 'zcount',
    arity: 4,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '2.0.0',
    summary: 'Count the members in a sorted set with scores within the given values',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    arguments: keyMinMax('double'),
    handler(c) {
      const r = parseScoreRange(c.argv[2]!, c.argv[3]!);
      if (r === null) return c.reply.error(ERR_MINMAX_FLOAT);
      const z = readCollection<ZSet>(c, c.argv[1]!, 'zset');
      if (z === false) return;
      c.reply.integer(z === null ? 0 : countBetween(z, z.firstInRange(r), z.lastInRange(r)));
    },
  },
  {
    // ZLEXCOUNT key min max
    name: 'zlexcount',
    arity: 4,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '2.8.9',
    summary: 'Count the number of members in a sorted set between a given lexicographical range',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    arguments: keyMinMax('string'),
    handler(c) {
      const r = parseLexRange(c.argv[2]!, c.argv[3]!);
      if (r === null) return c.reply.error(ERR_MINMAX_LEX);
      const z = readCollection<ZSet>(c, c.argv[1]!, 'zset');
      if (z === false) return;
      c.reply.integer(z === null ? 0 : z.lexCount(r));
    },
  },
  {
    // ZREMRANGEBYRANK key start stop
    name: 'zremrangebyrank',
    arity: 4,
    flags: ['write'],
    keys: { first: 1, last: 1, step: 1 },
    keyFlags: ['RW', 'delete'],
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '2.0.0',
    summary: 'Remove all members in a sorted set within the given indexes',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'start', type: 'integer' },
      { name: 'stop', type: 'integer' },
    ],
    handler: (c) => zremrange(c, 'rank'),
  },
  {
    // ZREMRANGEBYSCORE key min max
    name: 'zremrangebyscore',
    arity: 4,
    flags: ['write'],
    keys: { first: 1, last: 1, step: 1 },
    keyFlags: ['RW', 'delete'],
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '1.2.0',
    summary: 'Remove all members in a sorted set within the given scores',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
    arguments: keyMinMax('double'),
    handler: (c) => zremrange(c, 'score'),
  },
  {
    // ZREMRANGEBYLEX key min max
    name: 'zremrangebylex',
    arity: 4,
    flags: ['write'],
    keys: { first: 1, last: 1, step: 1 },
    keyFlags: ['RW', 'delete'],
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '2.8.9',
    summary: 'Remove all members in a sorted set between the given lexicographical range',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.',
    arguments: keyMinMax('string'),
    handler: (c) => zremrange(c, 'lex'),
  },
] as const satisfies readonly CommandSpec[];
