// String commands that read or edit part of a value: APPEND, STRLEN, GETRANGE (and its old
// name SUBSTR), SETRANGE. Offsets are byte offsets: a value is a latin1 JS string.

import { constants } from 'node:buffer';
import type { Client } from '../server/client.js';
import { parseInt64 } from '../resp/numbers.js';
import { ERR_NOT_INTEGER, ERR_STRING_TOO_LONG, ERR_WRONGTYPE } from './errors.js';
import { readString } from './args.js';
import type { CommandSpec } from './types.js';

const KEY1 = { first: 1, last: 1, step: 1 } as const;
const ERR_OFFSET = 'ERR offset is out of range';

/**
 * Redis's checkStringLength: a value may not grow beyond proto-max-bulk-len (the AOF
 * loading client is exempt, as Redis exempts its master and AOF clients). A JS string also
 * cannot exceed V8's maximum length (just under 512MB), the same error then.
 */
function checkStringLength(c: Client, total: number): boolean {
  const exempt = c.socket === null && c.server.keyspace.loading;
  if ((!exempt && total > c.server.config.num('proto-max-bulk-len')) || total > constants.MAX_STRING_LENGTH) {
    c.reply.error(ERR_STRING_TOO_LONG);
    return false;
  }
  return true;
}

/** GETRANGE key start end (also SUBSTR): inclusive, negative offsets count from the end. */
function getrangeCommand(c: Client): void {
  const start = parseInt64(c.argv[2]!);
  const end = parseInt64(c.argv[3]!);
  if (start === null || end === null) return c.reply.error(ERR_NOT_INTEGER);
  const v = c.db.lookupRead(c.argv[1]!);
  if (v === undefined) return c.reply.bulk('');
  if (typeof v !== 'string') return c.reply.error(ERR_WRONGTYPE);
  // Compared before clamping (number and bigint compare exactly): both from the end, reversed.
  if (start < 0 && end < 0 && start > end) return c.reply.bulk('');
  const len = v.length;
  // A bigint is beyond any string length; infinities keep the clamping below exact.
  let s = typeof start === 'bigint' ? (start < 0n ? -Infinity : Infinity) : start;
  let e = typeof end === 'bigint' ? (end < 0n ? -Infinity : Infinity) : end;
  if (s < 0) s = Math.max(0, len + s);
  if (e < 0) e = Math.max(0, len + e);
  if (e >= len) e = len - 1;
  if (s > e || len === 0) return c.reply.bulk('');
  c.reply.bulk(s === 0 && e === len - 1 ? v : v.slice(s, e + 1));
}

/** SETRANGE key offset value */
function setrangeCommand(c: Client): void {
  const key = c.argv[1]!;
  const piece = c.argv[3]!;
  const offset = parseInt64(c.argv[2]!);
  if (offset === null) return c.reply.error(ERR_NOT_INTEGER);
  if (offset < 0) return c.reply.error(ERR_OFFSET);
  const db = c.db;
  const old = db.lookupWrite(key);
  if (old !== undefined && typeof old !== 'string') return c.reply.error(ERR_WRONGTYPE);
  const oldLen = old === undefined ? 0 : old.length;
  // Writing nothing changes nothing (and creates no key).
  if (piece.length === 0) return c.reply.integer(oldLen);
  const off = typeof offset === 'bigint' ? Infinity : offset;
  if (!checkStringLength(c, off + piece.length)) return;
  let next: string;
  if (old === undefined) {
    next = '\0'.repeat(off) + piece;
    db.add(key, next);
  } else {
    const head = off <= oldLen ? old.slice(0, off) : old + '\0'.repeat(off - oldLen);
    next = head + piece + old.slice(off + piece.length);
    db.set(key, next, true);
  }
  c.reply.integer(next.length);
}

const getrangeComplexity =
  'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.';

export const stringRangeCommands = [
  {
    // APPEND key value
    name: 'append',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY1,
    categories: ['string'],
    group: 'string',
    since: '2.0.0',
    summary: 'Append a value to a key',
    complexity:
      'O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.',
    keyFlags: ['RW', 'insert'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'value', type: 'string' },
    ],
    handler(c) {
      const key = c.argv[1]!;
      const piece = c.argv[2]!;
      const db = c.db;
      const old = db.lookupWrite(key);
      if (old === undefined) {
        // Even an empty value creates the key.
        db.add(key, piece);
        return c.reply.integer(piece.length);
      }
      if (typeof old !== 'string') return c.reply.error(ERR_WRONGTYPE);
      const total = old.length + piece.length;
      if (!checkStringLength(c, total)) return;
      // Redis counts the write (and logs it) even when the piece is empty.
      db.set(key, piece.length === 0 ? old : old + piece, true);
      c.reply.integer(total);
    },
  },
  {
    // STRLEN key
    name: 'strlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: KEY1,
    categories: ['string'],
    group: 'string',
    since: '2.2.0',
    summary: 'Get the length of the value stored in a key',
    complexity: 'O(1)',
    keyFlags: ['RO'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
    ],
    handler(c) {
      const v = readString(c, c.argv[1]!);
      if (v === false) return;
      c.reply.integer(v === null ? 0 : v.length);
    },
  },
  {
    name: 'getrange',
    arity: 4,
    flags: ['readonly'],
    keys: KEY1,
    categories: ['string'],
    group: 'string',
    since: '2.4.0',
    summary: 'Get a substring of the string stored at a key',
    complexity: getrangeComplexity,
    keyFlags: ['RO', 'access'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'start', type: 'integer' },
      { name: 'end', type: 'integer' },
    ],
    handler: getrangeCommand,
  },
  {
    // SUBSTR key start end: GETRANGE's name before 2.0, deprecated.
    name: 'substr',
    arity: 4,
    flags: ['readonly'],
    keys: KEY1,
    categories: ['string'],
    group: 'string',
    since: '1.0.0',
    summary: 'Get a substring of the string stored at a key',
    complexity: getrangeComplexity,
    keyFlags: ['RO', 'access'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'start', type: 'integer' },
      { name: 'end', type: 'integer' },
    ],
    docFlags: ['deprecated'],
    deprecatedSince: '2.0.0',
    replacedBy: '`GETRANGE`',
    handler: getrangeCommand,
  },
  {
    name: 'setrange',
    arity: 4,
    flags: ['write', 'denyoom'],
    keys: KEY1,
    categories: ['string'],
    group: 'string',
    since: '2.2.0',
    summary: 'Overwrite part of a string at key starting at the specified offset',
    complexity:
      'O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.',
    keyFlags: ['RW', 'update'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'offset', type: 'integer' },
      { name: 'value', type: 'string' },
    ],
    handler: setrangeCommand,
  },
] as const satisfies readonly CommandSpec[];
