// Counters on string values: INCR, DECR, INCRBY, DECRBY over the whole signed 64-bit range,
// and INCRBYFLOAT in Redis's long double arithmetic. A counter keeps its TTL.
//
// Small values take a plain number path; BigInt is used only once a value or a result leaves
// the safe-integer range.

import type { Client } from '../server/client.js';
import {
  addLongDouble,
  formatLongDoubleHuman,
  inInt64Range,
  isFiniteLongDouble,
  parseInt64,
  parseLongDouble,
  type LongDouble,
} from '../resp/numbers.js';
import { ERR_INCR_NAN, ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_OVERFLOW, ERR_WRONGTYPE } from './errors.js';
import type { CommandSpec } from './types.js';

const KEY1 = { first: 1, last: 1, step: 1 } as const;
const INT64_MIN = -9223372036854775808n;
const LD_ZERO: LongDouble = { neg: false, m: 0n, e: 0 };

/** Adds `incr` to the integer at argv[1] (0 if absent) and replies the result. */
function incrDecr(c: Client, incr: number | bigint): void {
  const key = c.argv[1]!;
  const db = c.db;
  const old = db.lookupWrite(key);
  let current: number | bigint = 0;
  if (old !== undefined) {
    if (typeof old !== 'string') return c.reply.error(ERR_WRONGTYPE);
    const v = parseInt64(old);
    if (v === null) return c.reply.error(ERR_NOT_INTEGER);
    current = v;
  }
  let result: number | bigint;
  // Both safe: the double sum is exact whenever it is itself a safe integer.
  if (typeof current === 'number' && typeof incr === 'number' && Number.isSafeInteger(current + incr)) {
    result = current + incr;
  } else {
    result = BigInt(current) + BigInt(incr);
    if (!inInt64Range(result)) return c.reply.error(ERR_OVERFLOW);
  }
  const text = String(result);
  if (old === undefined) db.add(key, text);
  else db.set(key, text, true);
  c.reply.integer(result);
}

/** The increment argument of INCRBY/DECRBY, or null after replying the error. */
function incrementArg(c: Client): number | bigint | null {
  const v = parseInt64(c.argv[2]!);
  if (v === null) c.reply.error(ERR_NOT_INTEGER);
  return v;
}

/** INCRBYFLOAT key increment */
function incrbyfloatCommand(c: Client): void {
  const key = c.argv[1]!;
  const db = c.db;
  const old = db.lookupWrite(key);
  if (old !== undefined && typeof old !== 'string') return c.reply.error(ERR_WRONGTYPE);
  const incrText = c.argv[2]!;
  let text: string;
  const a = old === undefined ? 0 : parseInt64(old);
  const b = parseInt64(incrText);
  if (typeof a === 'number' && typeof b === 'number' && Number.isSafeInteger(a + b)) {
    // Integers: exact in a long double too, and printed without decimals.
    text = String(a + b);
  } else {
    const value = old === undefined ? LD_ZERO : parseLongDouble(old);
    if (value === null) return c.reply.error(ERR_NOT_FLOAT);
    const incr = parseLongDouble(incrText);
    if (incr === null) return c.reply.error(ERR_NOT_FLOAT);
    const sum = addLongDouble(value, incr);
    if (!isFiniteLongDouble(sum)) return c.reply.error(ERR_INCR_NAN);
    text = formatLongDoubleHuman(sum);
  }
  if (old === undefined) db.add(key, text);
  else db.set(key, text, true);
  c.reply.bulk(text);
  // The result, not the increment, is logged: replay must not depend on float arithmetic.
  c.propagateAs(['SET', key, text, 'KEEPTTL']);
}

export const stringIncrCommands = [
  {
    // INCR key
    name: 'incr',
    arity: 2,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY1,
    categories: ['string'],
    group: 'string',
    since: '1.0.0',
    summary: 'Increment the integer value of a key by one',
    complexity: 'O(1)',
    keyFlags: ['RW', 'access', 'update'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
    ],
    handler: (c) => incrDecr(c, 1),
  },
  {
    // DECR key
    name: 'decr',
    arity: 2,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY1,
    categories: ['string'],
    group: 'string',
    since: '1.0.0',
    summary: 'Decrement the integer value of a key by one',
    complexity: 'O(1)',
    keyFlags: ['RW', 'access', 'update'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
    ],
    handler: (c) => incrDecr(c, -1),
  },
  {
    // INCRBY key increment
    name: 'incrby',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY1,
    categories: ['string'],
    group: 'string',
    since: '1.0.0',
    summary: 'Increment the integer value of a key by the given amount',
    complexity: 'O(1)',
    keyFlags: ['RW', 'access', 'update'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'increment', type: 'integer' },
    ],
    handler(c) {
      const incr = incrementArg(c);
      if (incr !== null) incrDecr(c, incr);
    },
  },
  {
    // DECRBY key decrement
    name: 'decrby',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY1,
    categories: ['string'],
    group: 'string',
    since: '1.0.0',
    summary: 'Decrement the integer value of a key by the given number',
    complexity: 'O(1)',
    keyFlags: ['RW', 'access', 'update'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'decrement', type: 'integer' },
    ],
    handler(c) {
      const decr = incrementArg(c);
      if (decr === null) return;
      // -INT64_MIN is not an int64.
      if (decr === INT64_MIN) return c.reply.error('ERR decrement would overflow');
      incrDecr(c, -decr);
    },
  },
  {
    name: 'incrbyfloat',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY1,
    categories: ['string'],
    group: 'string',
    since: '2.6.0',
    summary: 'Increment the float value of a key by the given amount',
    complexity: 'O(1)',
    keyFlags: ['RW', 'access', 'update'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'increment', type: 'double' },
    ],
    handler: incrbyfloatCommand,
  },
] as const satisfies readonly CommandSpec[];
