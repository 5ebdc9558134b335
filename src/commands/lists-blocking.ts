// The blocking list commands: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP. Each first tries its
// non-blocking form; when every key is missing it parks the client (server/blocking.ts),
// which runs the same command again once a key gets a value, so this normal path serves it.
// Inside MULTI/EXEC (or replaying the AOF) nothing may block: the command then answers as if
// it timed out at once — except BLMOVE and BRPOPLPUSH, which answer the nil bulk of their
// non-blocking forms there, while their real timeout answers a nil array (Redis 7.0 does both).
//
// Propagation, as Redis 7.0: the non-blocking form of what was done — BLPOP/BRPOP as
// `LPOP|RPOP key`, BLMPOP as `LPOP|RPOP key <count popped>`, BLMOVE as `LMOVE` with the
// arguments as sent, BRPOPLPUSH as `RPOPLPUSH`.

import type { Client } from '../server/client.js';
import { blockTimeoutArg } from './args.js';
import { KEY, SOURCE_DESTINATION, TIMEOUT, TIMEOUT_HISTORY, WHERE, WHEREFROM, WHERETO, listChanged, whereArg, writeList } from './lists-common.js';
import { MOVE_KEY_SPECS, moveElement, mpopArgs, mpopFirst } from './lists-move.js';
import type { CommandSpec } from './types.js';

const KEYS_BEFORE_TIMEOUT = { first: 1, last: -2, step: 1 } as const;
const KEY1_2 = { first: 1, last: 2, step: 1 } as const;

function nullArrayReply(c: Client): void {
  c.reply.nullArray();
}

/** BLPOP / BRPOP key [key ...] timeout */
function bpopCommand(c: Client, head: boolean): void {
  const argv = c.argv;
  const last = argv.length - 1;
  const timeoutMs = blockTimeoutArg(c, argv[last]!);
  if (timeoutMs === null) return;
  for (let j = 1; j < last; j++) {
    const key = argv[j]!;
    const list = writeList(c, key);
    if (list === false) return;
    if (list === null) continue;
    const value = head ? list.popFront()! : list.popBack()!;
    c.reply.array(2);
    c.reply.bulk(key);
    c.reply.bulk(value);
    listChanged(c, key, list);
    c.propagateAs([head ? 'LPOP' : 'RPOP', key]);
    return;
  }
  if (!c.canBlock()) return c.reply.nullArray();
  c.block({ keys: argv.slice(1, last), timeoutMs, onTimeout: nullArrayReply });
}

/** BLMOVE and BRPOPLPUSH once their arguments are parsed: `as` is how a move is propagated. */
function bmoveCommand(c: Client, fromHead: boolean, toHead: boolean, timeoutMs: number, as: readonly string[]): void {
  const src = writeList(c, c.argv[1]!);
  if (src === false) return;
  if (src === null) {
    if (!c.canBlock()) return c.reply.nullBulk();
    return c.block({ keys: [c.argv[1]!], timeoutMs, onTimeout: nullArrayReply });
  }
  if (moveElement(c, src, fromHead, toHead)) c.propagateAs(as);
}

export const listBlockingCommands = [
  {
    // BLPOP key [key ...] timeout
    name: 'blpop',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    keys: KEYS_BEFORE_TIMEOUT,
    categories: ['list'],
    group: 'list',
    since: '2.0.0',
    summary: 'Remove and get the first element in a list, or block until one is available',
    complexity: 'O(N) where N is the number of provided keys.',
    keyFlags: ['RW', 'access', 'delete'],
    arguments: [{ ...KEY, multiple: true }, TIMEOUT],
    history: TIMEOUT_HISTORY,
    handler: (c) => bpopCommand(c, true),
  },
  {
    // BRPOP key [key ...] timeout
    name: 'brpop',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    keys: KEYS_BEFORE_TIMEOUT,
    categories: ['list'],
    group: 'list',
    since: '2.0.0',
    summary: 'Remove and get the last element in a list, or block until one is available',
    complexity: 'O(N) where N is the number of provided keys.',
    keyFlags: ['RW', 'access', 'delete'],
    arguments: [{ ...KEY, multiple: true }, TIMEOUT],
    history: TIMEOUT_HISTORY,
    handler: (c) => bpopCommand(c, false),
  },
  {
    // BLMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT> timeout
    name: 'blmove',
    arity: 6,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    keys: KEY1_2,
    categories: ['list'],
    group: 'list',
    since: '6.2.0',
    summary: 'Pop an element from a list, push it to another list and return it; or block until one is available',
    complexity: 'O(1)',
    keySpecs: MOVE_KEY_SPECS,
    arguments: [...SOURCE_DESTINATION, WHEREFROM, WHERETO, TIMEOUT],
    handler(c) {
      const argv = c.argv;
      const from = whereArg(c, argv[3]!);
      if (from === null) return;
      const to = whereArg(c, argv[4]!);
      if (to === null) return;
      const timeoutMs = blockTimeoutArg(c, argv[5]!);
      if (timeoutMs === null) return;
      // Served after waiting, Redis 7.0 logs its shared lower-case `left`/`right` words;
      // served at once, the client's own words.
      const words = c.servedAfterBlocking ? [argv[3]!.toLowerCase(), argv[4]!.toLowerCase()] : [argv[3]!, argv[4]!];
      bmoveCommand(c, from, to, timeoutMs, ['LMOVE', argv[1]!, argv[2]!, ...words]);
    },
  },
  {
    // BRPOPLPUSH source destination timeout
    name: 'brpoplpush',
    arity: 4,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    keys: KEY1_2,
    categories: ['list'],
    group: 'list',
    since: '2.2.0',
    summary: 'Pop an element from a list, push it to another list and return it; or block until one is available',
    complexity: 'O(1)',
    keySpecs: MOVE_KEY_SPECS,
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`BLMOVE` with the `RIGHT` and `LEFT` arguments',
    arguments: [...SOURCE_DESTINATION, TIMEOUT],
    history: TIMEOUT_HISTORY,
    handler(c) {
      const argv = c.argv;
      const timeoutMs = blockTimeoutArg(c, argv[3]!);
      if (timeoutMs === null) return;
      bmoveCommand(c, false, true, timeoutMs, ['RPOPLPUSH', argv[1]!, argv[2]!]);
    },
  },
  {
    // BLMPOP timeout numkeys key [key ...] <LEFT | RIGHT> [COUNT count]
    name: 'blmpop',
    arity: -5,
    flags: ['write', 'blocking'],
    categories: ['list'],
    group: 'list',
    since: '7.0.0',
    summary: 'Pop elements from a list, or block until one is available',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    keySpecs: [{ flags: ['RW', 'access', 'delete'], beginSearch: { index: 2 }, findKeys: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } }],
    arguments: [TIMEOUT, { name: 'numkeys', type: 'integer' }, { ...KEY, multiple: true }, WHERE, { name: 'count', type: 'integer', token: 'COUNT', optional: true }],
    handler(c) {
      // The pop arguments are checked before the timeout, as Redis does.
      const a = mpopArgs(c, 2);
      if (a === null) return;
      const timeoutMs = blockTimeoutArg(c, c.argv[1]!);
      if (timeoutMs === null) return;
      const r = mpopFirst(c, a);
      if (r !== 'empty') return;
      if (!c.canBlock()) return c.reply.nullArray();
      c.block({ keys: a.keys, timeoutMs, onTimeout: nullArrayReply });
    },
  },
] as const satisfies readonly CommandSpec[];
