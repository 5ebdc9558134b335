// Hashes, continued: HINCRBY HINCRBYFLOAT (counters in a field), HRANDFIELD (random fields)
// and HSCAN.

import type { Client } from '../server/client.js';
import { HashValue } from '../keyspace/hash.js';
import { globMatch } from '../keyspace/glob.js';
import {
  addLongDouble,
  formatLongDoubleHuman,
  isFiniteLongDouble,
  inInt64Range,
  parseInt64,
  parseLongDouble,
  type LongDouble,
} from '../resp/numbers.js';
import { readCollection, writeCollection } from './args.js';
import { ERR_INCR_NAN, ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_OVERFLOW, ERR_SYNTAX } from './errors.js';
import {
  hashLimits,
  KEY_SCAN_ARGS,
  randomCountArg,
  replyScan,
  scanCursorArg,
  scanOptionsArg,
} from './collection-args.js';
import { isOpt } from './args.js';
import { KEY_ARG } from './keys-docs.js';
import type { CommandSpec } from './types.js';

const KEY1 = { first: 1, last: 1, step: 1 } as const;
const LD_ZERO: LongDouble = { neg: false, m: 0n, e: 0 };
/** LONG_MAX / 2: HRANDFIELD WITHVALUES refuses counts beyond it (twice as many replies). */
const HALF_LONG_MAX = 4611686018427387903n;

/** The hash at `key` for a write, created (not yet added) when absent; false after WRONGTYPE. */
function hashForWrite(c: Client, key: string): { h: HashValue; isNew: boolean } | false {
  const existing = writeCollection<HashValue>(c, key, 'hash');
  if (existing === false) return false;
  return existing === null ? { h: new HashValue(), isNew: true } : { h: existing, isNew: false };
}

/** Stores the new value of a counter field and records the change. */
function storeCounter(c: Client, key: string, target: { h: HashValue; isNew: boolean }, field: string, text: string): void {
  target.h.set(field, text, hashLimits(c));
  if (target.isNew) c.db.add(key, target.h);
  else c.db.modified(key);
}

/** HINCRBY key field increment */
function hincrbyCommand(c: Client): void {
  const [, key, field, incrText] = c.argv as [string, string, string, string];
  const incr = parseInt64(incrText);
  if (incr === null) return c.reply.error(ERR_NOT_INTEGER);
  const target = hashForWrite(c, key);
  if (target === false) return;
  const old = target.h.get(field);
  let current: number | bigint = 0;
  if (old !== undefined) {
    const v = parseInt64(old);
    if (v === null) return c.reply.error('ERR hash value is not an integer');
    current = v;
  }
  let result: number | bigint;
  if (typeof current === 'number' && typeof incr === 'number' && Number.isSafeInteger(current + incr)) {
    result = current + incr;
  } else {
    result = BigInt(current) + BigInt(incr);
    if (!inInt64Range(result)) return c.reply.error(ERR_OVERFLOW);
  }
  storeCounter(c, key, target, field, String(result));
  c.reply.integer(result);
}

/** HINCRBYFLOAT key field increment — in long double arithmetic, as INCRBYFLOAT. */
function hincrbyfloatCommand(c: Client): void {
  const [, key, field, incrText] = c.argv as [string, string, string, string];
  const incrInt = parseInt64(incrText);
  let incr: LongDouble | null = null;
  if (typeof incrInt !== 'number') {
    incr = parseLongDouble(incrText);
    if (incr === null) return c.reply.error(ERR_NOT_FLOAT);
    if (!isFiniteLongDouble(incr)) return c.reply.error('ERR value is NaN or Infinity');
  }
  const target = hashForWrite(c, key);
  if (target === false) return;
  const old = target.h.get(field);
  const oldInt = old === undefined ? 0 : parseInt64(old);
  let text: string;
  if (typeof oldInt === 'number' && typeof incrInt === 'number' && Number.isSafeInteger(oldInt + incrInt)) {
    // Integers: exact in a long double too, and printed without decimals.
    text = String(oldInt + incrInt);
  } else {
    const value = old === undefined ? LD_ZERO : parseLongDouble(old);
    if (value === null) return c.reply.error('ERR hash value is not a float');
    const sum = addLongDouble(value, incr ?? parseLongDouble(incrText)!);
    if (!isFiniteLongDouble(sum)) return c.reply.error(ERR_INCR_NAN);
    text = formatLongDoubleHuman(sum);
  }
  storeCounter(c, key, target, field, text);
  c.reply.bulk(text);
  // The result, not the increment, is logged: replay must not depend on float arithmetic.
  c.propagateAs(['HSET', key, field, text]);
}

/** One field (and its value) of an HRANDFIELD reply with a count. */
function replyField(c: Client, h: HashValue, slot: number, withValues: boolean): void {
  if (!withValues) return c.reply.bulk(h.keyAt(slot));
  if (c.reply.protocol === 3) c.reply.array(2);
  c.reply.bulk(h.keyAt(slot));
  c.reply.bulk(h.valueAt(slot));
}

/** HRANDFIELD key [count [WITHVALUES]] */
function hrandfieldCommand(c: Client): void {
  const argv = c.argv;
  if (argv.length === 2) {
    const h = readCollection<HashValue>(c, argv[1]!, 'hash');
    if (h === false) return;
    if (h === null) return c.reply.nullBulk();
    return c.reply.bulk(h.keyAt(h.randomSlot()));
  }
  const count = randomCountArg(c, argv[2]!);
  if (count === null) return;
  if (argv.length > 4 || (argv.length === 4 && !isOpt(argv[3]!, 'WITHVALUES'))) return c.reply.error(ERR_SYNTAX);
  const withValues = argv.length === 4;
  if (withValues) {
    const exact = BigInt(parseInt64(argv[2]!)!);
    if (exact < -HALF_LONG_MAX || exact > HALF_LONG_MAX) return c.reply.error('ERR value is out of range');
  }
  const h = readCollection<HashValue>(c, argv[1]!, 'hash');
  if (h === false) return;
  if (h === null || count === 0) return c.reply.array(0);
  // RESP2 flattens field-value pairs; RESP3 nests each pair in an array of its own.
  const flat = withValues && c.reply.protocol === 2;
  const size = h.size;
  if (count < 0 || count === 1) {
    // Repetitions allowed: independent uniform picks.
    const n = Math.abs(count);
    c.reply.array(flat ? n * 2 : n);
    for (let i = 0; i < n; i++) replyField(c, h, h.randomSlot(), withValues);
    return;
  }
  if (count >= size) {
    c.reply.array(flat ? size * 2 : size);
    for (const slot of h.liveSlots()) replyField(c, h, slot, withValues);
    return;
  }
  c.reply.array(flat ? count * 2 : count);
  for (const slot of h.sampleSlots(count)) replyField(c, h, slot, withValues);
}

/** HSCAN key cursor [MATCH pattern] [COUNT count] */
function hscanCommand(c: Client): void {
  const cursor = scanCursorArg(c, c.argv[2]!);
  if (cursor === null) return;
  const h = readCollection<HashValue>(c, c.argv[1]!, 'hash');
  if (h === false) return;
  if (h === null) return replyScan(c, 0, []);
  const opts = scanOptionsArg(c, 3);
  if (opts === null) return;
  const items: string[] = [];
  const pattern = opts.pattern;
  const next = h.scan(cursor, opts.count, (field, value) => {
    if (pattern !== null && !globMatch(pattern, field)) return;
    items.push(field, value);
  });
  replyScan(c, next, items);
}

export const hashMoreCommands = [
  {
    // HINCRBY key field increment
    name: 'hincrby',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY1,
    keyFlags: ['RW', 'access', 'update'],
    categories: ['hash'],
    group: 'hash',
    since: '2.0.0',
    summary: 'Increment the integer value of a hash field by the given number',
    complexity: 'O(1)',
    arguments: [KEY_ARG, { name: 'field', type: 'string' }, { name: 'increment', type: 'integer' }],
    handler: hincrbyCommand,
  },
  {
    // HINCRBYFLOAT key field increment
    name: 'hincrbyfloat',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY1,
    keyFlags: ['RW', 'access', 'update'],
    categories: ['hash'],
    group: 'hash',
    since: '2.6.0',
    summary: 'Increment the float value of a hash field by the given amount',
    complexity: 'O(1)',
    arguments: [KEY_ARG, { name: 'field', type: 'string' }, { name: 'increment', type: 'double' }],
    handler: hincrbyfloatCommand,
  },
  {
    // HRANDFIELD key [count [WITHVALUES]]
    name: 'hrandfield',
    arity: -2,
    flags: ['readonly'],
    keys: KEY1,
    keyFlags: ['RO', 'access'],
    categories: ['hash'],
    group: 'hash',
    since: '6.2.0',
    summary: 'Get one or multiple random fields from a hash',
    complexity: 'O(N) where N is the number of fields returned',
    tips: ['nondeterministic_output'],
    arguments: [
      KEY_ARG,
      {
        name: 'options',
        type: 'block',
        optional: true,
        arguments: [
          { name: 'count', type: 'integer' },
          { name: 'withvalues', type: 'pure-token', token: 'WITHVALUES', optional: true },
        ],
      },
    ],
    handler: hrandfieldCommand,
  },
  {
    // HSCAN key cursor [MATCH pattern] [COUNT count]
    name: 'hscan',
    arity: -3,
    flags: ['readonly'],
    keys: KEY1,
    keyFlags: ['RO', 'access'],
    categories: ['hash'],
    group: 'hash',
    since: '2.8.0',
    summary: 'Incrementally iterate hash fields and associated values',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    tips: ['nondeterministic_output'],
    arguments: KEY_SCAN_ARGS,
    handler: hscanCommand,
  },
] as const satisfies readonly CommandSpec[];
