// BZPOPMIN BZPOPMAX BZMPOP: the pops of zsets-pop.ts that wait for a sorted set to get
// members (server/blocking.ts re-runs the command when one of the keys changes). Served, they
// propagate as their non-blocking form: ZPOPMIN|ZPOPMAX key (BZPOP*), ZPOPMIN|ZPOPMAX key
// count (BZMPOP); inside MULTI/EXEC they do not wait and time out at once (a nil array).

import type { Client } from '../server/client.js';
import type { ZSet } from '../keyspace/zset.js';
import { blockTimeoutArg, writeCollection } from './args.js';
import type { CommandSpec } from './types.js';
import { genericZpop, parseZmpop, popArgv } from './zsets-pop.js';
import { WHERE_ARG, keysCountedAt } from './zsets-docs.js';

const nullArrayReply = (c: Client): void => c.reply.nullArray();

/**
 * blockingGenericZpopCommand: pops from the first of `keys` holding a sorted set, or waits.
 * `count` -1 is BZPOPMIN/BZPOPMAX's single flat [key, member, score]; otherwise BZMPOP's
 * [key, [[member, score] ...]].
 */
function blockingZpop(c: Client, keys: readonly string[], max: boolean, timeoutIdx: number, count: number): void {
  const timeoutMs = blockTimeoutArg(c, c.argv[timeoutIdx]!);
  if (timeoutMs === null) return;
  for (const key of keys) {
    const z = writeCollection<ZSet>(c, key, 'zset');
    if (z === false) return;
    if (z === null || z.size === 0) continue;
    const nested = count !== -1;
    const popped = genericZpop(c, [key], max, true, count, nested, nested);
    if (popped !== null) c.propagateAs(nested ? popArgv(max, popped, count) : [max ? 'ZPOPMAX' : 'ZPOPMIN', key]);
    return;
  }
  if (!c.canBlock()) return c.reply.nullArray();
  c.block({ keys, timeoutMs, onTimeout: nullArrayReply });
}

/** BZPOPMIN / BZPOPMAX key [key ...] timeout */
function bzpop(c: Client, max: boolean): void {
  const argc = c.argv.length;
  blockingZpop(c, c.argv.slice(1, argc - 1), max, argc - 1, -1);
}

const BZPOP_ARGS = [
  { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
  { name: 'timeout', type: 'double' },
] as const;

export const zsetBlockingCommands = [
  {
    // BZPOPMIN key [key ...] timeout
    name: 'bzpopmin',
    arity: -3,
    flags: ['write', 'noscript', 'blocking', 'fast'],
    keys: { first: 1, last: -2, step: 1 },
    keyFlags: ['RW', 'access', 'delete'],
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '5.0.0',
    summary: 'Remove and return the member with the lowest score from one or more sorted sets, or block until one is available',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    arguments: BZPOP_ARGS,
    handler: (c) => bzpop(c, false),
  },
  {
    // BZPOPMAX key [key ...] timeout
    name: 'bzpopmax',
    arity: -3,
    flags: ['write', 'noscript', 'blocking', 'fast'],
    keys: { first: 1, last: -2, step: 1 },
    keyFlags: ['RW', 'access', 'delete'],
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '5.0.0',
    summary: 'Remove and return the member with the highest score from one or more sorted sets, or block until one is available',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    arguments: BZPOP_ARGS,
    handler: (c) => bzpop(c, true),
  },
  {
    // BZMPOP timeout numkeys key [key ...] <MIN | MAX> [COUNT count]
    name: 'bzmpop',
    arity: -5,
    flags: ['write', 'blocking'],
    keySpecs: [keysCountedAt(2, ['RW', 'access', 'delete'])],
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '7.0.0',
    summary: 'Remove and return members with scores in a sorted set or block until one is available',
    complexity:
      'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.',
    arguments: [
      { name: 'timeout', type: 'double' },
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
      WHERE_ARG,
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
    handler(c) {
      // The keys and options are checked before the timeout, as in Redis.
      const p = parseZmpop(c, 2);
      if (p !== null) blockingZpop(c, p.keys, p.max, 1, p.count);
    },
  },
] as const satisfies readonly CommandSpec[];
