// ZPOPMIN ZPOPMAX ZMPOP ZRANDMEMBER (the blocking pops, which share genericZpop, are in
// zsets-block.ts). Pops propagate as what they did: ZPOPMIN/ZPOPMAX as received, ZMPOP as
// ZPOPMIN|ZPOPMAX key <count popped>; ZRANDMEMBER only reads.

import type { Client } from '../server/client.js';
import type { ZSet } from '../keyspace/zset.js';
import { NIL } from '../keyspace/skiplist.js';
import { isOpt, readCollection, writeCollection } from './args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from './errors.js';
import { KEY_ARG } from './keys-docs.js';
import type { CommandSpec } from './types.js';
import { addDirty, rangeLongArg } from './zsets-args.js';
import { WHERE_ARG, keysCountedAt } from './zsets-docs.js';
import { parseInt64 } from '../resp/numbers.js';

/** No upper bound beyond int64's own (parseInt64 already enforces it). */
const NO_MAX = Infinity;
const ERR_POSITIVE = 'ERR value is out of range, must be positive';

/** What genericZpop popped from, for the propagated form. */
export interface Popped {
  readonly key: string;
  /** The set's size before the pop. */
  readonly before: number;
}

/**
 * genericZpopCommand: pops up to `count` members (-1: one, plain reply) from the first of
 * `keys` that exists, lowest or highest first, and replies in one of four shapes: flat
 * [member, score ...], nested [[member, score] ...], or either behind the key name. With no
 * key to pop from, replies nil (ZMPOP) or an empty array (ZPOPMIN). Returns what it popped
 * from, or null (nothing popped, or an error replied).
 */
export function genericZpop(c: Client, keys: readonly string[], max: boolean, emitKey: boolean, count: number, nested: boolean, nilWhenEmpty: boolean): Popped | null {
  let key = '';
  let z: ZSet | null = null;
  for (const k of keys) {
    const v = writeCollection<ZSet>(c, k, 'zset');
    if (v === false) return null;
    if (v !== null) {
      key = k;
      z = v;
      break;
    }
  }
  const r = c.reply;
  if (z === null) {
    if (nilWhenEmpty) r.nullArray();
    else r.array(0);
    return null;
  }
  if (count === 0) {
    r.array(0);
    return null;
  }
  if (count === -1) count = 1;
  const before = z.size;
  const n = Math.min(count, before);
  if (!nested && !emitKey) {
    r.array(n * 2);
  } else if (nested && !emitKey) {
    r.array(n);
  } else if (!nested && emitKey) {
    r.array(n * 2 + 1);
    r.bulk(key);
  } else {
    r.array(2);
    r.bulk(key);
    r.array(n);
  }
  for (let i = 0; i < n; i++) {
    const h = max ? z.last() : z.first();
    const member = z.memberOf(h);
    const score = z.scoreOf(h);
    z.remove(member);
    if (nested) r.array(2);
    r.bulk(member);
    r.double(score);
  }
  if (z.size === 0) c.db.delete(key);
  else c.db.modified(key);
  addDirty(c, n - 1);
  return { key, before };
}

/** The deterministic form of a pop: ZPOPMIN|ZPOPMAX key count (what actually was popped). */
export function popArgv(max: boolean, popped: Popped, count: number): string[] {
  return [max ? 'ZPOPMAX' : 'ZPOPMIN', popped.key, String(Math.min(count, popped.before))];
}

/** ZPOPMIN / ZPOPMAX key [count] */
function zpopMinMax(c: Client, max: boolean): void {
  const argv = c.argv;
  if (argv.length > 3) return c.reply.error(ERR_SYNTAX);
  let count = -1;
  if (argv.length === 3) {
    const n = rangeLongArg(c, argv[2]!, 0, NO_MAX, ERR_POSITIVE);
    if (n === null) return;
    count = n;
  }
  // RESP3 nests the pairs when a count was given (even 1); RESP2 is always flat.
  genericZpop(c, [argv[1]!], max, false, count, c.reply.protocol === 3 && count !== -1, false);
}

/** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count] (and BZMPOP's arguments from `at`). */
export function parseZmpop(c: Client, at: number): { keys: string[]; max: boolean; count: number } | null {
  const argv = c.argv;
  const numkeys = rangeLongArg(c, argv[at]!, 1, NO_MAX, 'ERR numkeys should be greater than 0');
  if (numkeys === null) return null;
  const whereIdx = at + numkeys + 1;
  if (whereIdx >= argv.length) {
    c.reply.error(ERR_SYNTAX);
    return null;
  }
  const where = argv[whereIdx]!;
  let max: boolean;
  if (isOpt(where, 'MIN')) max = false;
  else if (isOpt(where, 'MAX')) max = true;
  else {
    c.reply.error(ERR_SYNTAX);
    return null;
  }
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && isOpt(argv[j]!, 'COUNT') && j < argv.length - 1) {
      const n = rangeLongArg(c, argv[++j]!, 1, NO_MAX, 'ERR count should be greater than 0');
      if (n === null) return null;
      count = n;
    } else {
      c.reply.error(ERR_SYNTAX);
      return null;
    }
  }
  return { keys: argv.slice(at + 1, whereIdx), max, count: count === -1 ? 1 : count };
}

const INT64_MAX = 9223372036854775807n;

/** ZRANDMEMBER key [count [WITHSCORES]] */
function zrandmember(c: Client): void {
  const argv = c.argv;
  if (argv.length >= 3) {
    const v = parseInt64(argv[2]!);
    if (v === null) return c.reply.error(ERR_NOT_INTEGER);
    const l = BigInt(v);
    if (l < -INT64_MAX) return c.reply.error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
    if (argv.length > 4 || (argv.length === 4 && !isOpt(argv[3]!, 'WITHSCORES'))) return c.reply.error(ERR_SYNTAX);
    const withScores = argv.length === 4;
    // The reply would hold 2*count entries: Redis refuses counts whose double overflows.
    if (withScores && (l < -INT64_MAX / 2n || l > INT64_MAX / 2n)) return c.reply.error('ERR value is out of range');
    return zrandmemberWithCount(c, l, withScores);
  }
  const z = readCollection<ZSet>(c, argv[1]!, 'zset');
  if (z === false) return;
  if (z === null) return c.reply.nullBulk();
  c.reply.bulk(z.memberOf(randomNode(z)));
}

function randomNode(z: ZSet): number {
  return z.at(Math.floor(Math.random() * z.size));
}

function zrandmemberWithCount(c: Client, l: bigint, withScores: boolean): void {
  const z = readCollection<ZSet>(c, c.argv[1]!, 'zset');
  if (z === false) return;
  const r = c.reply;
  if (z === null || l === 0n) return r.array(0);
  const uniq = l > 0n;
  const size = z.size;
  const resp3 = r.protocol === 3;
  const emit = (h: number): void => {
    if (withScores && resp3) r.array(2);
    r.bulk(z.memberOf(h));
    if (withScores) r.double(z.scoreOf(h));
  };
  // Negative: that many independent picks, repeats allowed (also a count of 1).
  if (!uniq || l === 1n) {
    const count = Number(uniq ? l : -l);
    r.array(withScores && !resp3 ? count * 2 : count);
    for (let i = 0; i < count; i++) emit(randomNode(z));
    return;
  }
  const count = Number(l);
  r.array(withScores && !resp3 ? Math.min(count, size) * 2 : Math.min(count, size));
  // Asking for at least everything: the whole set, highest first as Redis iterates it.
  if (count >= size) {
    for (let h = z.last(); h !== NIL; h = z.prev(h)) emit(h);
    return;
  }
  // A large share of the set: drop random members until `count` are left.
  if (count * 3 > size) {
    const nodes: number[] = [];
    for (let h = z.last(); h !== NIL; h = z.prev(h)) nodes.push(h);
    while (nodes.length > count) {
      const i = Math.floor(Math.random() * nodes.length);
      nodes[i] = nodes[nodes.length - 1]!;
      nodes.pop();
    }
    for (const n of nodes) emit(n);
    return;
  }
  // A small share: random picks, repeats skipped.
  const picked = new Set<number>();
  while (picked.size < count) {
    const rank = Math.floor(Math.random() * size);
    if (picked.has(rank)) continue;
    picked.add(rank);
    emit(z.at(rank));
  }
}

export const zsetPopCommands = [
  {
    // ZPOPMIN key [count]
    name: 'zpopmin',
    arity: -2,
    flags: ['write', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    keyFlags: ['RW', 'access', 'delete'],
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '5.0.0',
    summary: 'Remove and return members with the lowest scores in a sorted set',
    complexity: 'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.',
    arguments: [KEY_ARG, { name: 'count', type: 'integer', optional: true }],
    handler: (c) => zpopMinMax(c, false),
  },
  {
    // ZPOPMAX key [count]
    name: 'zpopmax',
    arity: -2,
    flags: ['write', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    keyFlags: ['RW', 'access', 'delete'],
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '5.0.0',
    summary: 'Remove and return members with the highest scores in a sorted set',
    complexity: 'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.',
    arguments: [KEY_ARG, { name: 'count', type: 'integer', optional: true }],
    handler: (c) => zpopMinMax(c, true),
  },
  {
    // ZMPOP numkeys key [key ...] <MIN | MAX> [COUNT count]
    name: 'zmpop',
    arity: -4,
    flags: ['write'],
    keySpecs: [keysCountedAt(1, ['RW', 'access', 'delete'])],
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '7.0.0',
    summary: 'Remove and return members with scores in a sorted set',
    complexity:
      'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.',
    arguments: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
      WHERE_ARG,
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
    handler(c) {
      const p = parseZmpop(c, 1);
      if (p === null) return;
      const popped = genericZpop(c, p.keys, p.max, true, p.count, true, true);
      if (popped !== null) c.propagateAs(popArgv(p.max, popped, p.count));
    },
  },
  {
    // ZRANDMEMBER key [count [WITHSCORES]]
    name: 'zrandmember',
    arity: -2,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '6.2.0',
    summary: 'Get one or multiple random elements from a sorted set',
    complexity: 'O(N) where N is the number of elements returned',
    tips: ['nondeterministic_output'],
    arguments: [
      KEY_ARG,
      {
        name: 'options',
        type: 'block',
        optional: true,
        arguments: [
          { name: 'count', type: 'integer' },
          { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true },
        ],
      },
    ],
    handler: zrandmember,
  },
] as const satisfies readonly CommandSpec[];
