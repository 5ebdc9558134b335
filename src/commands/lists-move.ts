// Commands between lists and over several keys: LMOVE, RPOPLPUSH (an element from the end
// of one list onto an end of another, possibly the same) and LMPOP (elements from the first
// non-empty list of several). Their blocking forms (lists-blocking.ts) share the code here.
//
// Propagation, as Redis 7.0: LMOVE and RPOPLPUSH as received (the blocking forms as these),
// LMPOP as `LPOP|RPOP key <count popped>` — deterministic whichever keys were empty.

import type { Client } from '../server/client.js';
import { isOpt } from './args.js';
import { ERR_SYNTAX, ERR_WRONGTYPE } from './errors.js';
import {
  KEY,
  ListValue,
  SOURCE_DESTINATION,
  WHERE,
  WHEREFROM,
  WHERETO,
  listChanged,
  minLongArg,
  popRangeReply,
  whereArg,
  writeList,
} from './lists-common.js';
import type { CommandSpec, KeySpec } from './types.js';

const KEY1_2 = { first: 1, last: 2, step: 1 } as const;

/** The two key specs of LMOVE, RPOPLPUSH and their blocking forms: source then destination. */
export const MOVE_KEY_SPECS: readonly KeySpec[] = [
  { flags: ['RW', 'access', 'delete'], beginSearch: { index: 1 }, findKeys: { lastKey: 0, keyStep: 1, limit: 0 } },
  { flags: ['RW', 'insert'], beginSearch: { index: 2 }, findKeys: { lastKey: 0, keyStep: 1, limit: 0 } },
];

/**
 * Redis's lmoveGenericCommand once the source list `src` (at argv[1]) was found: pops from its
 * `fromHead` end and pushes onto the `toHead` end of argv[2], replying the element. Replies
 * WRONGTYPE (moving nothing) when the destination holds another type. Returns whether an
 * element moved.
 */
export function moveElement(c: Client, src: ListValue, fromHead: boolean, toHead: boolean): boolean {
  const srcKey = c.argv[1]!;
  const dstKey = c.argv[2]!;
  const dstValue = c.db.lookupWrite(dstKey);
  if (dstValue !== undefined && (typeof dstValue === 'string' || dstValue.type !== 'list')) {
    c.reply.error(ERR_WRONGTYPE);
    return false;
  }
  const dst = dstValue as ListValue | undefined;
  const value = fromHead ? src.popFront()! : src.popBack()!;
  // Push before looking at the source's length: with source = destination the element goes
  // back into the same list, which therefore never empties.
  if (dst === undefined) {
    const created = new ListValue();
    created.pushBack(value);
    c.db.add(dstKey, created);
  } else {
    if (toHead) dst.pushFront(value);
    else dst.pushBack(value);
    c.db.modified(dstKey);
  }
  if (src !== dst) listChanged(c, srcKey, src);
  c.reply.bulk(value);
  return true;
}

/** LMOVE / RPOPLPUSH: the source missing, nil; otherwise moveElement. */
function moveCommand(c: Client, fromHead: boolean, toHead: boolean): void {
  const src = writeList(c, c.argv[1]!);
  if (src === false) return;
  if (src === null) return c.reply.nullBulk();
  moveElement(c, src, fromHead, toHead);
}

/** Parsed LMPOP / BLMPOP arguments after numkeys. */
export interface MpopArgs {
  readonly keys: readonly string[];
  readonly head: boolean;
  readonly count: number;
}

/**
 * Redis's lmpopGenericCommand parsing, numkeys at argv[numkeysIndex]: numkeys >= 1, the keys,
 * LEFT | RIGHT, then an optional COUNT >= 1 given at most once. Replies the error and
 * returns null on failure.
 */
export function mpopArgs(c: Client, numkeysIndex: number): MpopArgs | null {
  const argv = c.argv;
  const numkeys = minLongArg(c, argv[numkeysIndex]!, 1, 'numkeys should be greater than 0');
  if (numkeys === null) return null;
  const whereIndex = numkeysIndex + numkeys + 1;
  if (whereIndex >= argv.length) {
    c.reply.error(ERR_SYNTAX);
    return null;
  }
  const head = whereArg(c, argv[whereIndex]!);
  if (head === null) return null;
  let count = -1;
  for (let j = whereIndex + 1; j < argv.length; j++) {
    if (count === -1 && isOpt(argv[j]!, 'COUNT') && j + 1 < argv.length) {
      const n = minLongArg(c, argv[++j]!, 1, 'count should be greater than 0');
      if (n === null) return null;
      count = n;
    } else {
      c.reply.error(ERR_SYNTAX);
      return null;
    }
  }
  return { keys: argv.slice(numkeysIndex + 1, whereIndex), head, count: count === -1 ? 1 : count };
}

/**
 * Pops from the first of `keys` holding a non-empty list: replies [key, [elements]] and
 * declares the propagation `LPOP|RPOP key n`. Stops at the first non-list key met before that
 * (WRONGTYPE). Returns 'served', 'error', or 'empty' (nothing replied) when no key holds a list.
 */
export function mpopFirst(c: Client, a: MpopArgs): 'served' | 'error' | 'empty' {
  for (const key of a.keys) {
    const list = writeList(c, key);
    if (list === false) return 'error';
    if (list === null) continue;
    c.reply.array(2);
    c.reply.bulk(key);
    const n = popRangeReply(c, key, list, a.head, a.count);
    c.propagateAs([a.head ? 'LPOP' : 'RPOP', key, String(n)]);
    return 'served';
  }
  return 'empty';
}

export const listMoveCommands = [
  {
    // LMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT>
    name: 'lmove',
    arity: 5,
    flags: ['write', 'denyoom'],
    keys: KEY1_2,
    categories: ['list'],
    group: 'list',
    since: '6.2.0',
    summary: 'Pop an element from a list, push it to another list and return it',
    complexity: 'O(1)',
    keySpecs: MOVE_KEY_SPECS,
    arguments: [...SOURCE_DESTINATION, WHEREFROM, WHERETO],
    handler(c) {
      const from = whereArg(c, c.argv[3]!);
      if (from === null) return;
      const to = whereArg(c, c.argv[4]!);
      if (to === null) return;
      moveCommand(c, from, to);
    },
  },
  {
    // RPOPLPUSH source destination
    name: 'rpoplpush',
    arity: 3,
    flags: ['write', 'denyoom'],
    keys: KEY1_2,
    categories: ['list'],
    group: 'list',
    since: '1.2.0',
    summary: 'Remove the last element in a list, prepend it to another list and return it',
    complexity: 'O(1)',
    keySpecs: MOVE_KEY_SPECS,
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`LMOVE` with the `RIGHT` and `LEFT` arguments',
    arguments: SOURCE_DESTINATION,
    handler: (c) => moveCommand(c, false, true),
  },
  {
    // LMPOP numkeys key [key ...] <LEFT | RIGHT> [COUNT count]
    name: 'lmpop',
    arity: -4,
    flags: ['write'],
    categories: ['list'],
    group: 'list',
    since: '7.0.0',
    summary: 'Pop elements from a list',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    keySpecs: [{ flags: ['RW', 'access', 'delete'], beginSearch: { index: 1 }, findKeys: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } }],
    arguments: [{ name: 'numkeys', type: 'integer' }, { ...KEY, multiple: true }, WHERE, { name: 'count', type: 'integer', token: 'COUNT', optional: true }],
    handler(c) {
      const a = mpopArgs(c, 1);
      if (a === null) return;
      if (mpopFirst(c, a) === 'empty') c.reply.nullArray();
    },
  },
] as const satisfies readonly CommandSpec[];
