// List commands that edit or search inside a list: LSET, LINSERT, LREM, LTRIM, LPOS.
//
// Propagation, as Redis 7.0: as received, and only when the list changed (a pivot not found,
// an LTRIM or LREM that removed nothing log nothing). An edit that empties the list deletes
// the key; replaying the same command does the same, so no DEL is logged.

import type { Client } from '../server/client.js';
import { parseInt64 } from '../resp/numbers.js';
import { isOpt } from './args.js';
import { ERR_INDEX_OUT_OF_RANGE, ERR_NOT_INTEGER, ERR_NO_SUCH_KEY, ERR_SYNTAX } from './errors.js';
import { KEY, listChanged, longArg, minLongArg, normalizeRange, readList, writeList } from './lists-common.js';
import type { CommandSpec } from './types.js';

const KEY1 = { first: 1, last: 1, step: 1 } as const;

/** LTRIM key start stop */
function ltrimCommand(c: Client): void {
  const start = longArg(c, c.argv[2]!);
  if (start === null) return;
  const stop = longArg(c, c.argv[3]!);
  if (stop === null) return;
  const key = c.argv[1]!;
  const list = writeList(c, key);
  if (list === false) return;
  if (list === null) return c.reply.ok();
  const len = list.length;
  const range = normalizeRange(start, stop, len);
  const ltrim = range === null ? len : range[0];
  const rtrim = range === null ? 0 : len - range[1] - 1;
  if (ltrim + rtrim > 0) {
    list.dropFront(ltrim);
    list.dropBack(rtrim);
    listChanged(c, key, list);
  } else {
    // Redis signals the key as modified (WATCH) even when nothing was trimmed, without
    // counting a change: nothing is propagated.
    c.server.keyspace.watches.touch(c.db.id, key);
  }
  c.reply.ok();
}

/** LSET key index element */
function lsetCommand(c: Client): void {
  const key = c.argv[1]!;
  const list = writeList(c, key);
  if (list === false) return;
  if (list === null) return c.reply.error(ERR_NO_SUCH_KEY);
  let index = longArg(c, c.argv[2]!);
  if (index === null) return;
  if (index < 0) index += list.length;
  if (index < 0 || index >= list.length) return c.reply.error(ERR_INDEX_OUT_OF_RANGE);
  list.set(index, c.argv[3]!);
  c.db.modified(key);
  c.reply.ok();
}

/** LINSERT key <BEFORE | AFTER> pivot element */
function linsertCommand(c: Client): void {
  const after = isOpt(c.argv[2]!, 'AFTER');
  if (!after && !isOpt(c.argv[2]!, 'BEFORE')) return c.reply.error(ERR_SYNTAX);
  const key = c.argv[1]!;
  const list = writeList(c, key);
  if (list === false) return;
  if (list === null) return c.reply.integer(0);
  const pivot = list.indexOf(c.argv[3]!);
  if (pivot < 0) return c.reply.integer(-1);
  list.insertAt(after ? pivot + 1 : pivot, c.argv[4]!);
  c.db.modified(key);
  c.reply.integer(list.length);
}

/** LREM key count element */
function lremCommand(c: Client): void {
  const count = longArg(c, c.argv[2]!);
  if (count === null) return;
  const key = c.argv[1]!;
  const list = writeList(c, key);
  if (list === false) return;
  if (list === null) return c.reply.integer(0);
  // count > 0: the first `count` from the head; < 0: from the tail; 0: all of them.
  const removed = list.removeValue(c.argv[3]!, Math.abs(count), count < 0);
  if (removed > 0) listChanged(c, key, list);
  c.reply.integer(removed);
}

const ERR_RANK_ZERO =
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
const LONG_MIN = -9223372036854775808n;

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
function lposCommand(c: Client): void {
  const argv = c.argv;
  let rank = 1;
  let count = -1; // -1: no COUNT option (reply a single index, or nil)
  let maxlen = 0;
  let wrapped = false;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!;
    const more = j + 1 < argv.length;
    if (isOpt(opt, 'RANK') && more) {
      const r = parseInt64(argv[++j]!);
      if (r === null) return c.reply.error(ERR_NOT_INTEGER);
      if (r === 0) return c.reply.error(ERR_RANK_ZERO);
      // Redis negates a C long for a negative rank: -LONG_MIN stays LONG_MIN, so every match
      // then counts as reached and the COUNT limit is never met.
      wrapped = r === LONG_MIN;
      rank = Number(r);
    } else if (isOpt(opt, 'COUNT') && more) {
      const n = minLongArg(c, argv[++j]!, 0, "COUNT can't be negative");
      if (n === null) return;
      count = n;
    } else if (isOpt(opt, 'MAXLEN') && more) {
      const n = minLongArg(c, argv[++j]!, 0, "MAXLEN can't be negative");
      if (n === null) return;
      maxlen = n;
    } else {
      return c.reply.error(ERR_SYNTAX);
    }
  }
  const list = readList(c, argv[1]!);
  if (list === false) return;
  if (list === null) return count !== -1 ? c.reply.array(0) : c.reply.nullBulk();

  // A negative rank scans from the tail.
  const fromTail = rank < 0;
  if (fromTail) rank = wrapped ? 1 : -rank;
  const element = argv[2]!;
  const len = list.length;
  const limit = maxlen === 0 ? len : Math.min(maxlen, len);
  const found: number[] = [];
  let matches = 0;
  for (let i = 0; i < limit; i++) {
    const index = fromTail ? len - 1 - i : i;
    if (list.at(index) !== element) continue;
    matches++;
    if (matches < rank) continue;
    found.push(index);
    if (count === -1) break;
    if (count !== 0 && !wrapped && matches - rank + 1 >= count) break;
  }
  if (count !== -1) {
    c.reply.array(found.length);
    for (const i of found) c.reply.integer(i);
  } else if (found.length > 0) {
    c.reply.integer(found[0]!);
  } else {
    c.reply.nullBulk();
  }
}

export const listEditCommands = [
  {
    // LSET key index element
    name: 'lset',
    arity: 4,
    flags: ['write', 'denyoom'],
    keys: KEY1,
    categories: ['list'],
    group: 'list',
    since: '1.0.0',
    summary: 'Set the value of an element in a list by its index',
    complexity: 'O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).',
    keyFlags: ['RW', 'update'],
    arguments: [KEY, { name: 'index', type: 'integer' }, { name: 'element', type: 'string' }],
    handler: lsetCommand,
  },
  {
    // LINSERT key <BEFORE | AFTER> pivot element
    name: 'linsert',
    arity: 5,
    flags: ['write', 'denyoom'],
    keys: KEY1,
    categories: ['list'],
    group: 'list',
    since: '2.2.0',
    summary: 'Insert an element before or after another element in a list',
    complexity:
      'O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).',
    keyFlags: ['RW', 'insert'],
    arguments: [
      KEY,
      {
        name: 'where',
        type: 'oneof',
        arguments: [
          { name: 'before', type: 'pure-token', token: 'BEFORE' },
          { name: 'after', type: 'pure-token', token: 'AFTER' },
        ],
      },
      { name: 'pivot', type: 'string' },
      { name: 'element', type: 'string' },
    ],
    handler: linsertCommand,
  },
  {
    // LREM key count element
    name: 'lrem',
    arity: 4,
    flags: ['write'],
    keys: KEY1,
    categories: ['list'],
    group: 'list',
    since: '1.0.0',
    summary: 'Remove elements from a list',
    complexity: 'O(N+M) where N is the length of the list and M is the number of elements removed.',
    keyFlags: ['RW', 'delete'],
    arguments: [KEY, { name: 'count', type: 'integer' }, { name: 'element', type: 'string' }],
    handler: lremCommand,
  },
  {
    // LTRIM key start stop
    name: 'ltrim',
    arity: 4,
    flags: ['write'],
    keys: KEY1,
    categories: ['list'],
    group: 'list',
    since: '1.0.0',
    summary: 'Trim a list to the specified range',
    complexity: 'O(N) where N is the number of elements to be removed by the operation.',
    keyFlags: ['RW', 'delete'],
    arguments: [KEY, { name: 'start', type: 'integer' }, { name: 'stop', type: 'integer' }],
    handler: ltrimCommand,
  },
  {
    // LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
    name: 'lpos',
    arity: -3,
    flags: ['readonly'],
    keys: KEY1,
    categories: ['list'],
    group: 'list',
    since: '6.0.6',
    summary: 'Return the index of matching elements on a list',
    complexity:
      'O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.',
    keyFlags: ['RO', 'access'],
    arguments: [
      KEY,
      { name: 'element', type: 'string' },
      { name: 'rank', type: 'integer', token: 'RANK', optional: true },
      { name: 'num-matches', type: 'integer', token: 'COUNT', optional: true },
      { name: 'len', type: 'integer', token: 'MAXLEN', optional: true },
    ],
    handler: lposCommand,
  },
] as const satisfies readonly CommandSpec[];
