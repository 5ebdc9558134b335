// The list family's table, and the commands at the ends of a list: pushing and popping,
// reading by index and range. Editing and searching inside a list (LSET LINSERT LREM LTRIM
// LPOS) are in lists-edit.ts, moving between lists and popping from several keys (LMOVE
// RPOPLPUSH LMPOP) in lists-move.ts, the blocking forms in lists-blocking.ts. The value is a
// ListValue (keyspace/list.ts).
//
// Propagation, as Redis 7.0: pushes and pops are logged as received, and only when they
// changed the list (LPOP key 0 logs nothing). A pop that empties a list deletes the key;
// replaying the same command does the same, so no DEL is logged.

import type { Client } from '../server/client.js';
import { errWrongArity } from './errors.js';
import { ELEMENTS, KEY, ListValue, listChanged, longArg, minLongArg, normalizeRange, popRangeReply, readList, writeList } from './lists-common.js';
import { listEditCommands } from './lists-edit.js';
import { listMoveCommands } from './lists-move.js';
import { listBlockingCommands } from './lists-blocking.js';
import type { CommandSpec } from './types.js';

const KEY1 = { first: 1, last: 1, step: 1 } as const;
const PUSH_COMPLEXITY = 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.';

/** LPUSH / RPUSH / LPUSHX / RPUSHX key element [element ...] */
function pushCommand(c: Client, head: boolean, onlyIfExists: boolean): void {
  const argv = c.argv;
  const key = argv[1]!;
  const list = writeList(c, key);
  if (list === false) return;
  if (list === null) {
    if (onlyIfExists) return c.reply.integer(0);
    const created = new ListValue(argv.length - 2);
    if (head) for (let j = 2; j < argv.length; j++) created.pushFront(argv[j]!);
    else for (let j = 2; j < argv.length; j++) created.pushBack(argv[j]!);
    c.db.add(key, created);
    return c.reply.integer(created.length);
  }
  if (head) for (let j = 2; j < argv.length; j++) list.pushFront(argv[j]!);
  else for (let j = 2; j < argv.length; j++) list.pushBack(argv[j]!);
  c.db.modified(key);
  c.reply.integer(list.length);
}

/** LPOP / RPOP key [count] */
function popCommand(c: Client, head: boolean): void {
  const argv = c.argv;
  if (argv.length > 3) return c.reply.error(errWrongArity(head ? 'lpop' : 'rpop'));
  const hasCount = argv.length === 3;
  let count = 0;
  if (hasCount) {
    const n = minLongArg(c, argv[2]!, 0, 'value is out of range, must be positive');
    if (n === null) return;
    count = n;
  }
  const key = argv[1]!;
  const list = writeList(c, key);
  if (list === false) return;
  if (list === null) return hasCount ? c.reply.nullArray() : c.reply.nullBulk();
  if (!hasCount) {
    const v = head ? list.popFront()! : list.popBack()!;
    c.reply.bulk(v);
    listChanged(c, key, list);
    return;
  }
  // LPOP key 0 on an existing list: an empty array, and nothing changes.
  if (count === 0) return c.reply.array(0);
  popRangeReply(c, key, list, head, count);
}

/** LRANGE key start stop */
function lrangeCommand(c: Client): void {
  const start = longArg(c, c.argv[2]!);
  if (start === null) return;
  const stop = longArg(c, c.argv[3]!);
  if (stop === null) return;
  const list = readList(c, c.argv[1]!);
  if (list === false) return;
  if (list === null) return c.reply.array(0);
  const range = normalizeRange(start, stop, list.length);
  if (range === null) return c.reply.array(0);
  const reply = c.reply;
  reply.array(range[1] - range[0] + 1);
  for (let i = range[0]; i <= range[1]; i++) reply.bulk(list.at(i));
}

/** LINDEX key index */
function lindexCommand(c: Client): void {
  // The key is looked up before the index is parsed: a missing key answers nil to anything.
  const list = readList(c, c.argv[1]!);
  if (list === false) return;
  if (list === null) return c.reply.nullBulk();
  let index = longArg(c, c.argv[2]!);
  if (index === null) return;
  if (index < 0) index += list.length;
  if (index < 0 || index >= list.length) return c.reply.nullBulk();
  c.reply.bulk(list.at(index));
}

export const listCommands = [
  {
    // LPUSH key element [element ...]
    name: 'lpush',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY1,
    categories: ['list'],
    group: 'list',
    since: '1.0.0',
    summary: 'Prepend one or multiple elements to a list',
    complexity: PUSH_COMPLEXITY,
    keyFlags: ['RW', 'insert'],
    arguments: [KEY, ELEMENTS],
    history: [['2.4.0', 'Accepts multiple `element` arguments.']],
    handler: (c) => pushCommand(c, true, false),
  },
  {
    // RPUSH key element [element ...]
    name: 'rpush',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY1,
    categories: ['list'],
    group: 'list',
    since: '1.0.0',
    summary: 'Append one or multiple elements to a list',
    complexity: PUSH_COMPLEXITY,
    keyFlags: ['RW', 'insert'],
    arguments: [KEY, ELEMENTS],
    history: [['2.4.0', 'Accepts multiple `element` arguments.']],
    handler: (c) => pushCommand(c, false, false),
  },
  {
    // LPUSHX key element [element ...]
    name: 'lpushx',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY1,
    categories: ['list'],
    group: 'list',
    since: '2.2.0',
    summary: 'Prepend an element to a list, only if the list exists',
    complexity: PUSH_COMPLEXITY,
    keyFlags: ['RW', 'insert'],
    arguments: [KEY, ELEMENTS],
    history: [['4.0.0', 'Accepts multiple `element` arguments.']],
    handler: (c) => pushCommand(c, true, true),
  },
  {
    // RPUSHX key element [element ...]
    name: 'rpushx',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY1,
    categories: ['list'],
    group: 'list',
    since: '2.2.0',
    summary: 'Append an element to a list, only if the list exists',
    complexity: PUSH_COMPLEXITY,
    keyFlags: ['RW', 'insert'],
    arguments: [KEY, ELEMENTS],
    history: [['4.0.0', 'Accepts multiple `element` arguments.']],
    handler: (c) => pushCommand(c, false, true),
  },
  {
    // LPOP key [count]
    name: 'lpop',
    arity: -2,
    flags: ['write', 'fast'],
    keys: KEY1,
    categories: ['list'],
    group: 'list',
    since: '1.0.0',
    summary: 'Remove and get the first elements in a list',
    complexity: 'O(N) where N is the number of elements returned',
    keyFlags: ['RW', 'access', 'delete'],
    arguments: [KEY, { name: 'count', type: 'integer', since: '6.2.0', optional: true }],
    history: [['6.2.0', 'Added the `count` argument.']],
    handler: (c) => popCommand(c, true),
  },
  {
    // RPOP key [count]
    name: 'rpop',
    arity: -2,
    flags: ['write', 'fast'],
    keys: KEY1,
    categories: ['list'],
    group: 'list',
    since: '1.0.0',
    summary: 'Remove and get the last elements in a list',
    complexity: 'O(N) where N is the number of elements returned',
    keyFlags: ['RW', 'access', 'delete'],
    arguments: [KEY, { name: 'count', type: 'integer', since: '6.2.0', optional: true }],
    history: [['6.2.0', 'Added the `count` argument.']],
    handler: (c) => popCommand(c, false),
  },
  {
    // LLEN key
    name: 'llen',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: KEY1,
    categories: ['list'],
    group: 'list',
    since: '1.0.0',
    summary: 'Get the length of a list',
    complexity: 'O(1)',
    keyFlags: ['RO'],
    arguments: [KEY],
    handler(c) {
      const list = readList(c, c.argv[1]!);
      if (list !== false) c.reply.integer(list === null ? 0 : list.length);
    },
  },
  {
    // LRANGE key start stop
    name: 'lrange',
    arity: 4,
    flags: ['readonly'],
    keys: KEY1,
    categories: ['list'],
    group: 'list',
    since: '1.0.0',
    summary: 'Get a range of elements from a list',
    complexity:
      'O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.',
    keyFlags: ['RO', 'access'],
    arguments: [KEY, { name: 'start', type: 'integer' }, { name: 'stop', type: 'integer' }],
    handler: lrangeCommand,
  },
  {
    // LINDEX key index
    name: 'lindex',
    arity: 3,
    flags: ['readonly'],
    keys: KEY1,
    categories: ['list'],
    group: 'list',
    since: '1.0.0',
    summary: 'Get an element from a list by its index',
    complexity:
      'O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).',
    keyFlags: ['RO', 'access'],
    arguments: [KEY, { name: 'index', type: 'integer' }],
    handler: lindexCommand,
  },
  ...listEditCommands,
  ...listMoveCommands,
  ...listBlockingCommands,
] as const satisfies readonly CommandSpec[];
