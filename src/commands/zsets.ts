// Sorted sets: ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZSCAN here; ranges in
// zsets-range.ts, pops and ZRANDMEMBER in zsets-pop.ts, blocking pops in zsets-block.ts,
// ZUNION/ZINTER/ZDIFF in zsets-setops.ts. Behaviour and texts of Redis 7.0's t_zset.c. Every
// write propagates as received (ZADD INCR and ZINCRBY are deterministic), except the pops.

import type { Client } from '../server/client.js';
import {
  ZSet,
  ZADD_GT,
  ZADD_INCR,
  ZADD_LT,
  ZADD_NX,
  ZADD_OUT_ADDED,
  ZADD_OUT_NAN,
  ZADD_OUT_NOP,
  ZADD_OUT_UPDATED,
  ZADD_XX,
} from '../keyspace/zset.js';
import { globMatch } from '../keyspace/glob.js';
import { isOpt, readCollection, writeCollection } from './args.js';
import { ERR_SYNTAX } from './errors.js';
import { KEY_SCAN_ARGS, replyScan, scanCursorArg, scanOptionsArg } from './collection-args.js';
import { KEY_ARG } from './keys-docs.js';
import type { CommandSpec } from './types.js';
import { addDirty, parseScore, zsetLimits } from './zsets-args.js';
import { ZADD_ARGS } from './zsets-docs.js';
import { zsetRangeCommands } from './zsets-range.js';
import { zsetPopCommands } from './zsets-pop.js';
import { zsetSetopCommands } from './zsets-setops.js';
import { zsetBlockingCommands } from './zsets-block.js';

const ERR_NAN = 'ERR resulting score is not a number (NaN)';

/** zaddGenericCommand: ZADD, and ZINCRBY (which is ZADD INCR with the same parser). */
function zaddGeneric(c: Client, flags: number): void {
  const argv = c.argv;
  const argc = argv.length;
  let ch = false;
  let i = 2;
  // Options come first; the first argument that is not one starts the score-member pairs.
  for (; i < argc; i++) {
    const opt = argv[i]!;
    if (opt.length === 2) {
      const u = opt.toUpperCase();
      if (u === 'NX') flags |= ZADD_NX;
      else if (u === 'XX') flags |= ZADD_XX;
      else if (u === 'CH') ch = true;
      else if (u === 'GT') flags |= ZADD_GT;
      else if (u === 'LT') flags |= ZADD_LT;
      else break;
    } else if (opt.length === 4 && isOpt(opt, 'INCR')) flags |= ZADD_INCR;
    else break;
  }
  const incr = (flags & ZADD_INCR) !== 0;
  const nx = (flags & ZADD_NX) !== 0;
  const xx = (flags & ZADD_XX) !== 0;
  const gt = (flags & ZADD_GT) !== 0;
  const lt = (flags & ZADD_LT) !== 0;
  const pairs = argc - i;
  if (pairs % 2 !== 0 || pairs === 0) return c.reply.error(ERR_SYNTAX);
  const elements = pairs / 2;
  if (nx && xx) return c.reply.error('ERR XX and NX options at the same time are not compatible');
  if ((gt && nx) || (lt && nx) || (gt && lt)) return c.reply.error('ERR GT, LT, and/or NX options at the same time are not compatible');
  if (incr && elements > 1) return c.reply.error('ERR INCR option supports a single increment-element pair');

  // Every score is checked before anything changes: the command applies fully or not at all.
  const scores = new Array<number>(elements);
  for (let j = 0; j < elements; j++) {
    const s = parseScore(argv[i + j * 2]!);
    if (s === null) return c.reply.error('ERR value is not a valid float');
    scores[j] = s;
  }

  const key = argv[1]!;
  let z = writeCollection<ZSet>(c, key, 'zset');
  if (z === false) return;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  if (z === null && xx) return replyZadd(c, incr, ch, added, updated, processed, score);
  const created = z === null;
  if (z === null) z = new ZSet();
  const limits = zsetLimits(c);
  let nan = false;
  for (let j = 0; j < elements; j++) {
    const out = z.add(argv[i + 1 + j * 2]!, scores[j]!, flags, limits);
    if (out === ZADD_OUT_NAN) {
      nan = true;
      break;
    }
    if (out & ZADD_OUT_ADDED) added++;
    if (out & ZADD_OUT_UPDATED) updated++;
    if (!(out & ZADD_OUT_NOP)) {
      processed++;
      score = z.newScore;
    }
  }
  if (added + updated > 0) {
    if (created) c.db.add(key, z);
    else c.db.modified(key);
    addDirty(c, added + updated - 1);
  }
  if (nan) return c.reply.error(ERR_NAN);
  replyZadd(c, incr, ch, added, updated, processed, score);
}

function replyZadd(c: Client, incr: boolean, ch: boolean, added: number, updated: number, processed: number, score: number): void {
  if (incr) {
    if (processed > 0) c.reply.double(score);
    else c.reply.nullBulk();
  } else {
    c.reply.integer(ch ? added + updated : added);
  }
}

/** ZSCAN key cursor [MATCH pattern] [COUNT count] */
function zscan(c: Client): void {
  const argv = c.argv;
  const cursor = scanCursorArg(c, argv[2]!);
  if (cursor === null) return;
  const z = readCollection<ZSet>(c, argv[1]!, 'zset');
  if (z === false) return;
  if (z === null) return replyScan(c, 0, []);
  const opts = scanOptionsArg(c, 3);
  if (opts === null) return;
  const pattern = opts.pattern;
  const out: string[] = [];
  const next = z.scan(cursor, opts.count, (member, score) => {
    if (pattern === null || globMatch(pattern, member)) out.push(member, score);
  });
  replyScan(c, next, out);
}

const KEY_MEMBER_ARGS = [KEY_ARG, { name: 'member', type: 'string' }] as const;
const KEY_MEMBERS_ARGS = [KEY_ARG, { name: 'member', type: 'string', multiple: true }] as const;

const zsetBasicCommands = [
  {
    // ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]
    name: 'zadd',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '1.2.0',
    summary: 'Add one or more members to a sorted set, or update its score if it already exists',
    complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
    history: [
      ['2.4.0', 'Accepts multiple elements.'],
      ['3.0.2', 'Added the `XX`, `NX`, `CH` and `INCR` options.'],
      ['6.2.0', 'Added the `GT` and `LT` options.'],
    ],
    arguments: ZADD_ARGS,
    handler: (c) => zaddGeneric(c, 0),
  },
  {
    // ZINCRBY key increment member
    name: 'zincrby',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    keyFlags: ['RW', 'access', 'update'],
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '1.2.0',
    summary: 'Increment the score of a member in a sorted set',
    complexity: 'O(log(N)) where N is the number of elements in the sorted set.',
    arguments: [KEY_ARG, { name: 'increment', type: 'integer' }, { name: 'member', type: 'string' }],
    handler: (c) => zaddGeneric(c, ZADD_INCR),
  },
  {
    // ZREM key member [member ...]
    name: 'zrem',
    arity: -3,
    flags: ['write', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    keyFlags: ['RW', 'delete'],
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '1.2.0',
    summary: 'Remove one or more members from a sorted set',
    complexity: 'O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.',
    history: [['2.4.0', 'Accepts multiple elements.']],
    arguments: KEY_MEMBERS_ARGS,
    handler(c) {
      const argv = c.argv;
      const key = argv[1]!;
      const z = writeCollection<ZSet>(c, key, 'zset');
      if (z === false) return;
      if (z === null) return c.reply.integer(0);
      let deleted = 0;
      for (let j = 2; j < argv.length; j++) {
        if (z.remove(argv[j]!)) deleted++;
        if (z.size === 0) break;
      }
      if (deleted > 0) {
        if (z.size === 0) c.db.delete(key);
        else c.db.modified(key);
        addDirty(c, deleted - 1);
      }
      c.reply.integer(deleted);
    },
  },
  {
    // ZCARD key
    name: 'zcard',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    keyFlags: ['RO'],
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '1.2.0',
    summary: 'Get the number of members in a sorted set',
    complexity: 'O(1)',
    arguments: [KEY_ARG],
    handler(c) {
      const z = readCollection<ZSet>(c, c.argv[1]!, 'zset');
      if (z !== false) c.reply.integer(z === null ? 0 : z.size);
    },
  },
  {
    // ZSCORE key member
    name: 'zscore',
    arity: 3,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '1.2.0',
    summary: 'Get the score associated with the given member in a sorted set',
    complexity: 'O(1)',
    arguments: KEY_MEMBER_ARGS,
    handler(c) {
      const z = readCollection<ZSet>(c, c.argv[1]!, 'zset');
      if (z === false) return;
      const score = z === null ? undefined : z.score(c.argv[2]!);
      if (score === undefined) c.reply.nullBulk();
      else c.reply.double(score);
    },
  },
  {
    // ZMSCORE key member [member ...]
    name: 'zmscore',
    arity: -3,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '6.2.0',
    summary: 'Get the score associated with the given members in a sorted set',
    complexity: 'O(N) where N is the number of members being requested.',
    arguments: KEY_MEMBERS_ARGS,
    handler(c) {
      const argv = c.argv;
      const z = readCollection<ZSet>(c, argv[1]!, 'zset');
      if (z === false) return;
      c.reply.array(argv.length - 2);
      for (let j = 2; j < argv.length; j++) {
        const score = z === null ? undefined : z.score(argv[j]!);
        if (score === undefined) c.reply.nullBulk();
        else c.reply.double(score);
      }
    },
  },
  {
    // ZRANK key member
    name: 'zrank',
    arity: 3,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '2.0.0',
    summary: 'Determine the index of a member in a sorted set',
    complexity: 'O(log(N))',
    arguments: KEY_MEMBER_ARGS,
    handler: (c) => zrank(c, false),
  },
  {
    // ZREVRANK key member
    name: 'zrevrank',
    arity: 3,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '2.0.0',
    summary: 'Determine the index of a member in a sorted set, with scores ordered from high to low',
    complexity: 'O(log(N))',
    arguments: KEY_MEMBER_ARGS,
    handler: (c) => zrank(c, true),
  },
  {
    // ZSCAN key cursor [MATCH pattern] [COUNT count]
    name: 'zscan',
    arity: -3,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '2.8.0',
    summary: 'Incrementally iterate sorted sets elements and associated scores',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    tips: ['nondeterministic_output'],
    arguments: KEY_SCAN_ARGS,
    handler: zscan,
  },
] as const satisfies readonly CommandSpec[];

/** ZRANK / ZREVRANK key member */
function zrank(c: Client, reverse: boolean): void {
  const z = readCollection<ZSet>(c, c.argv[1]!, 'zset');
  if (z === false) return;
  const rank = z === null ? -1 : z.rank(c.argv[2]!, reverse);
  if (rank < 0) c.reply.nullBulk();
  else c.reply.integer(rank);
}

export const zsetCommands = [
  ...zsetBasicCommands,
  ...zsetRangeCommands,
  ...zsetPopCommands,
  ...zsetBlockingCommands,
  ...zsetSetopCommands,
] as const satisfies readonly CommandSpec[];
