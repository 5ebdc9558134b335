// What the list command files share: argument parsing with Redis's texts, the typed
// lookups, popping a range with its reply, and the documentation pieces several list
// commands repeat (COMMAND DOCS).

import type { Client } from '../server/client.js';
import { ListValue } from '../keyspace/list.js';
import { parseInt64 } from '../resp/numbers.js';
import { readCollection, writeCollection } from './args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from './errors.js';
import type { CommandArg } from './types.js';

export { ListValue };

/** The list at `key` for a read: null when missing, false after replying WRONGTYPE. */
export function readList(c: Client, key: string): ListValue | null | false {
  return readCollection<ListValue>(c, key, 'list');
}

/** The list at `key` for an in-place write: null when missing, false after replying WRONGTYPE. */
export function writeList(c: Client, key: string): ListValue | null | false {
  return writeCollection<ListValue>(c, key, 'list');
}

/**
 * A C `long` argument (an index, a count): any int64 is accepted, as Redis does. Values past
 * 2^53 lose precision as a number but keep their sign and magnitude, which is all an index
 * or count into a list (far shorter than 2^53) needs.
 */
export function longArg(c: Client, s: string, error = ERR_NOT_INTEGER): number | null {
  const v = parseInt64(s);
  if (v === null) {
    c.reply.error(error);
    return null;
  }
  return Number(v);
}

/**
 * getRangeLongFromObjectOrReply(min, LONG_MAX, msg): a long of at least `min`; a non-integer
 * and an out-of-range value both get `ERR <msg>`.
 */
export function minLongArg(c: Client, s: string, min: number, msg: string): number | null {
  const v = parseInt64(s);
  if (v === null || v < min) {
    c.reply.error(`ERR ${msg}`);
    return null;
  }
  return Number(v);
}

/** LEFT | RIGHT (case-insensitive): true for LEFT (the head); null after the syntax error. */
export function whereArg(c: Client, s: string): boolean | null {
  if (s.length === 4 && s.toLowerCase() === 'left') return true;
  if (s.length === 5 && s.toLowerCase() === 'right') return false;
  c.reply.error(ERR_SYNTAX);
  return null;
}

/**
 * Pops up to `count` elements from one end, replying them as an array in pop order (Redis's
 * addListRangeReply + listTypeDelRange), then deletes the key if the list is now empty.
 * Returns how many were popped.
 */
export function popRangeReply(c: Client, key: string, list: ListValue, head: boolean, count: number): number {
  const n = count > list.length ? list.length : count;
  c.reply.array(n);
  if (head) for (let i = 0; i < n; i++) c.reply.bulk(list.popFront()!);
  else for (let i = 0; i < n; i++) c.reply.bulk(list.popBack()!);
  listChanged(c, key, list);
  return n;
}

/**
 * Redis's range normalisation (LRANGE, LTRIM): negative indexes count from the tail, start is
 * clamped at 0 and stop at the last element. Returns null when the range is empty.
 */
export function normalizeRange(start: number, stop: number, len: number): [number, number] | null {
  if (start < 0) start += len;
  if (stop < 0) stop += len;
  if (start < 0) start = 0;
  if (start > stop || start >= len) return null;
  if (stop >= len) stop = len - 1;
  return [start, stop];
}

/** After elements were removed in place: the key goes when the list is empty (Redis keeps no empty list). */
export function listChanged(c: Client, key: string, list: ListValue): void {
  if (list.length === 0) c.db.delete(key);
  else c.db.modified(key);
}

// ---- documentation (COMMAND DOCS) ---------------------------------------------------------

export const KEY = { name: 'key', type: 'key', keySpecIndex: 0 } as const satisfies CommandArg;
export const ELEMENTS = { name: 'element', type: 'string', multiple: true } as const satisfies CommandArg;

const LEFT_RIGHT = [
  { name: 'left', type: 'pure-token', token: 'LEFT' },
  { name: 'right', type: 'pure-token', token: 'RIGHT' },
] as const satisfies readonly CommandArg[];

export const WHEREFROM = { name: 'wherefrom', type: 'oneof', arguments: LEFT_RIGHT } as const satisfies CommandArg;
export const WHERETO = { name: 'whereto', type: 'oneof', arguments: LEFT_RIGHT } as const satisfies CommandArg;
export const WHERE = { name: 'where', type: 'oneof', arguments: LEFT_RIGHT } as const satisfies CommandArg;
export const SOURCE_DESTINATION = [
  { name: 'source', type: 'key', keySpecIndex: 0 },
  { name: 'destination', type: 'key', keySpecIndex: 1 },
] as const satisfies readonly CommandArg[];
export const TIMEOUT = { name: 'timeout', type: 'double' } as const satisfies CommandArg;
export const TIMEOUT_HISTORY = [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']] as const;
