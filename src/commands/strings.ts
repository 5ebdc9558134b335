// String commands: reading and writing whole values (GET/SET and their variants, MGET/MSET).
// Partial edits (APPEND, SETRANGE, GETRANGE ...) are in strings-range.ts, counters (INCR ...)
// in strings-incr.ts, LCS in strings-lcs.ts. A string value is a latin1 JS string (one char
// per byte).
//
// Propagation: every relative or non-deterministic form is logged in an absolute one, e.g.
//   SET k v EX 10      -> SET k v PXAT <unix-ms>
//   GETEX k EX 10      -> PEXPIREAT k <unix-ms>
// so replaying the log later gives the same dataset.

import type { Client } from '../server/client.js';
import { ERR_SYNTAX, errWrongArity } from './errors.js';
import { absoluteExpireMs, readString, type ExpireUnit } from './args.js';
import { stringIncrCommands } from './strings-incr.js';
import { stringLcsCommands } from './strings-lcs.js';
import { stringRangeCommands } from './strings-range.js';
import type { CommandSpec, KeyReference } from './types.js';

const KEY1 = { first: 1, last: 1, step: 1 } as const;

/** The options shared by SET and GETEX (Redis's parseExtendedStringArgumentsOrReply). */
interface StringOptions {
  nx: boolean;
  xx: boolean;
  get: boolean;
  keepTtl: boolean;
  persist: boolean;
  unit: ExpireUnit | null;
  expireText: string;
}

/**
 * Parses SET's (forSet) or GETEX's options from argv[start]. An option may repeat, but not
 * combine with a conflicting one (NX with XX, two different expiry forms, KEEPTTL or PERSIST
 * with an expiry); a repeated expiry takes the last value. Replies the syntax error and
 * returns null on anything else.
 */
function parseStringOptions(c: Client, start: number, forSet: boolean): StringOptions | null {
  const argv = c.argv;
  const o: StringOptions = { nx: false, xx: false, get: false, keepTtl: false, persist: false, unit: null, expireText: '' };
  for (let j = start; j < argv.length; j++) {
    const opt = argv[j]!.length <= 7 ? argv[j]!.toUpperCase() : '';
    const hasNext = j + 1 < argv.length;
    if (opt === 'NX' && forSet && !o.xx) o.nx = true;
    else if (opt === 'XX' && forSet && !o.nx) o.xx = true;
    else if (opt === 'GET' && forSet) o.get = true;
    else if (opt === 'KEEPTTL' && forSet && o.unit === null) o.keepTtl = true;
    else if (opt === 'PERSIST' && !forSet && o.unit === null) o.persist = true;
    else if (
      (opt === 'EX' || opt === 'PX' || opt === 'EXAT' || opt === 'PXAT') &&
      (o.unit === null || o.unit === opt) &&
      !o.keepTtl &&
      !o.persist &&
      hasNext
    ) {
      o.unit = opt;
      o.expireText = argv[++j]!;
    } else {
      c.reply.error(ERR_SYNTAX);
      return null;
    }
  }
  return o;
}

/**
 * SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds |
 *     PXAT unix-time-milliseconds | KEEPTTL]
 */
function setCommand(c: Client): void {
  if (c.argv.length === 3) {
    // The common case: no options to parse.
    c.db.set(c.argv[1]!, c.argv[2]!);
    return c.reply.ok();
  }
  const o = parseStringOptions(c, 3, true);
  if (o === null) return;
  let at: bigint | null = null;
  if (o.unit !== null) {
    at = absoluteExpireMs(c, o.expireText, o.unit, 'set');
    if (at === null) return;
  }
  const key = c.argv[1]!;
  const value = c.argv[2]!;
  let old: string | null = null;
  if (o.get) {
    const v = readString(c, key);
    if (v === false) return;
    old = v;
  }
  if (o.nx || o.xx) {
    const exists = o.get ? old !== null : c.db.has(key);
    if (o.nx ? exists : !exists) {
      // With GET the reply is the old value whether or not the write happens.
      if (o.get && old !== null) c.reply.bulk(old);
      else c.reply.nullBulk();
      return;
    }
  }
  if (at !== null) {
    c.db.set(key, value, true);
    c.db.setExpire(key, Number(at));
    // Every expiry form becomes one absolute PXAT (dropping NX/XX/GET, already applied).
    c.propagateAs(['SET', key, value, 'PXAT', String(at)]);
  } else {
    c.db.set(key, value, o.keepTtl);
    // GET does not change what is written: log the command without it.
    if (o.get) c.propagateAs(c.argv.filter((a, i) => i < 3 || !(a.length === 3 && a.toUpperCase() === 'GET')));
  }
  if (!o.get) c.reply.ok();
  else if (old === null) c.reply.nullBulk();
  else c.reply.bulk(old);
}

/**
 * SET's key flags depend on its arguments (Redis's setGetKeys): with GET it reads the old
 * value (RW access update), without it only overwrites (OW update). Like Redis, any
 * argument spelled GET counts, even one that is an expiry's value.
 */
function setGetKeys(argv: readonly string[]): readonly KeyReference[] {
  for (let i = 3; i < argv.length; i++) {
    if (argv[i]!.length === 3 && argv[i]!.toUpperCase() === 'GET') return [{ pos: 1, flags: ['RW', 'access', 'update'] }];
  }
  return [{ pos: 1, flags: ['OW', 'update'] }];
}

/** SETEX key seconds value / PSETEX key milliseconds value */
function setWithExpire(c: Client, unit: 'EX' | 'PX', name: string): void {
  const key = c.argv[1]!;
  const value = c.argv[3]!;
  const at = absoluteExpireMs(c, c.argv[2]!, unit, name);
  if (at === null) return;
  c.db.set(key, value, true);
  c.db.setExpire(key, Number(at));
  c.propagateAs(['SET', key, value, 'PXAT', String(at)]);
  c.reply.ok();
}

/** GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST] */
function getexCommand(c: Client): void {
  const o = parseStringOptions(c, 2, false);
  if (o === null) return;
  const key = c.argv[1]!;
  const v = readString(c, key);
  if (v === false) return;
  if (v === null) return c.reply.nullBulk();
  let at: bigint | null = null;
  if (o.unit !== null) {
    at = absoluteExpireMs(c, o.expireText, o.unit, 'getex');
    if (at === null) return;
  }
  c.reply.bulk(v);
  const db = c.db;
  const ks = c.server.keyspace;
  if (at !== null && (o.unit === 'EXAT' || o.unit === 'PXAT') && at <= BigInt(ks.time) && !ks.loading) {
    // An absolute time already past: the key is deleted now, as its expiry would.
    db.delete(key);
    c.propagateAs(['DEL', key]);
  } else if (at !== null) {
    db.setExpire(key, Number(at));
    c.propagateAs(['PEXPIREAT', key, String(at)]);
  } else if (o.persist && db.persist(key)) {
    c.propagateAs(['PERSIST', key]);
  }
}

/** MSET key value [key value ...] / MSETNX key value [key value ...] */
function msetGeneric(c: Client, nx: boolean): void {
  const argv = c.argv;
  if (argv.length % 2 === 0) return c.reply.error(errWrongArity(nx ? 'msetnx' : 'mset'));
  const db = c.db;
  if (nx) {
    for (let j = 1; j < argv.length; j += 2) {
      if (db.has(argv[j]!)) return c.reply.integer(0);
    }
  }
  for (let j = 1; j < argv.length; j += 2) db.set(argv[j]!, argv[j + 1]!);
  if (nx) c.reply.integer(1);
  else c.reply.ok();
}

export const stringCommands = [
  {
    // GET key
    name: 'get',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: KEY1,
    categories: ['string'],
    group: 'string',
    since: '1.0.0',
    summary: 'Get the value of a key',
    complexity: 'O(1)',
    keyFlags: ['RO', 'access'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
    ],
    handler(c) {
      const v = readString(c, c.argv[1]!);
      if (v === false) return;
      if (v === null) c.reply.nullBulk();
      else c.reply.bulk(v);
    },
  },
  {
    name: 'set',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: KEY1,
    categories: ['string'],
    group: 'string',
    since: '1.0.0',
    summary: 'Set the string value of a key',
    complexity: 'O(1)',
    keySpecs: [
      {
        notes: 'RW and ACCESS due to the optional `GET` argument',
        flags: ['RW', 'access', 'update', 'variable_flags'],
        beginSearch: { index: 1 },
        findKeys: { lastKey: 0, keyStep: 1, limit: 0 },
      },
    ],
    getKeys: setGetKeys,
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'value', type: 'string' },
      {
        name: 'condition',
        type: 'oneof',
        since: '2.6.12',
        optional: true,
        arguments: [
          { name: 'nx', type: 'pure-token', token: 'NX' },
          { name: 'xx', type: 'pure-token', token: 'XX' },
        ],
      },
      { name: 'get', type: 'pure-token', token: 'GET', since: '6.2.0', optional: true },
      {
        name: 'expiration',
        type: 'oneof',
        optional: true,
        arguments: [
          { name: 'seconds', type: 'integer', token: 'EX', since: '2.6.12' },
          { name: 'milliseconds', type: 'integer', token: 'PX', since: '2.6.12' },
          { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT', since: '6.2.0' },
          { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT', since: '6.2.0' },
          { name: 'keepttl', type: 'pure-token', token: 'KEEPTTL', since: '6.0.0' },
        ],
      },
    ],
    history: [
      ['2.6.12', 'Added the `EX`, `PX`, `NX` and `XX` options.'],
      ['6.0.0', 'Added the `KEEPTTL` option.'],
      ['6.2.0', 'Added the `GET`, `EXAT` and `PXAT` option.'],
      ['7.0.0', 'Allowed the `NX` and `GET` options to be used together.'],
    ],
    handler: setCommand,
  },
  {
    // SETNX key value
    name: 'setnx',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY1,
    categories: ['string'],
    group: 'string',
    since: '1.0.0',
    summary: 'Set the value of a key, only if the key does not exist',
    complexity: 'O(1)',
    keyFlags: ['OW', 'insert'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'value', type: 'string' },
    ],
    handler(c) {
      const key = c.argv[1]!;
      if (c.db.has(key)) return c.reply.integer(0);
      c.db.set(key, c.argv[2]!);
      c.reply.integer(1);
    },
  },
  {
    name: 'setex',
    arity: 4,
    flags: ['write', 'denyoom'],
    keys: KEY1,
    categories: ['string'],
    group: 'string',
    since: '2.0.0',
    summary: 'Set the value and expiration of a key',
    complexity: 'O(1)',
    keyFlags: ['OW', 'update'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'seconds', type: 'integer' },
      { name: 'value', type: 'string' },
    ],
    handler: (c) => setWithExpire(c, 'EX', 'setex'),
  },
  {
    name: 'psetex',
    arity: 4,
    flags: ['write', 'denyoom'],
    keys: KEY1,
    categories: ['string'],
    group: 'string',
    since: '2.6.0',
    summary: 'Set the value and expiration in milliseconds of a key',
    complexity: 'O(1)',
    keyFlags: ['OW', 'update'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'milliseconds', type: 'integer' },
      { name: 'value', type: 'string' },
    ],
    handler: (c) => setWithExpire(c, 'PX', 'psetex'),
  },
  {
    // GETSET key value
    name: 'getset',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY1,
    categories: ['string'],
    group: 'string',
    since: '1.0.0',
    summary: 'Set the string value of a key and return its old value',
    complexity: 'O(1)',
    keyFlags: ['RW', 'access', 'update'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'value', type: 'string' },
    ],
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`SET` with the `!GET` argument',
    handler(c) {
      const key = c.argv[1]!;
      const value = c.argv[2]!;
      const old = readString(c, key);
      if (old === false) return;
      c.db.set(key, value);
      if (old === null) c.reply.nullBulk();
      else c.reply.bulk(old);
      c.propagateAs(['SET', key, value]);
    },
  },
  {
    // GETDEL key
    name: 'getdel',
    arity: 2,
    flags: ['write', 'fast'],
    keys: KEY1,
    categories: ['string'],
    group: 'string',
    since: '6.2.0',
    summary: 'Get the value of a key and delete the key',
    complexity: 'O(1)',
    keyFlags: ['RW', 'access', 'delete'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
    ],
    handler(c) {
      const key = c.argv[1]!;
      const v = readString(c, key);
      if (v === false) return;
      if (v === null) return c.reply.nullBulk();
      c.reply.bulk(v);
      c.db.delete(key);
      c.propagateAs(['DEL', key]);
    },
  },
  {
    name: 'getex',
    arity: -2,
    flags: ['write', 'fast'],
    keys: KEY1,
    categories: ['string'],
    group: 'string',
    since: '6.2.0',
    summary: 'Get the value of a key and optionally set its expiration',
    complexity: 'O(1)',
    keySpecs: [
      {
        notes: 'RW and UPDATE because it changes the TTL',
        flags: ['RW', 'access', 'update'],
        beginSearch: { index: 1 },
        findKeys: { lastKey: 0, keyStep: 1, limit: 0 },
      },
    ],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      {
        name: 'expiration',
        type: 'oneof',
        optional: true,
        arguments: [
          { name: 'seconds', type: 'integer', token: 'EX' },
          { name: 'milliseconds', type: 'integer', token: 'PX' },
          { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT' },
          { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT' },
          { name: 'persist', type: 'pure-token', token: 'PERSIST' },
        ],
      },
    ],
    handler: getexCommand,
  },
  {
    // MGET key [key ...]
    name: 'mget',
    arity: -2,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: -1, step: 1 },
    categories: ['string'],
    group: 'string',
    since: '1.0.0',
    summary: 'Get the values of all the given keys',
    complexity: 'O(N) where N is the number of keys to retrieve.',
    keyFlags: ['RO', 'access'],
    tips: ['request_policy:multi_shard'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
    ],
    handler(c) {
      const argv = c.argv;
      c.reply.array(argv.length - 1);
      for (let j = 1; j < argv.length; j++) {
        const v = c.db.lookupRead(argv[j]!);
        // A key of another type reads as nil here, not as WRONGTYPE.
        if (typeof v === 'string') c.reply.bulk(v);
        else c.reply.nullBulk();
      }
    },
  },
  {
    name: 'mset',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: -1, step: 2 },
    categories: ['string'],
    group: 'string',
    since: '1.0.1',
    summary: 'Set multiple keys to multiple values',
    complexity: 'O(N) where N is the number of keys to set.',
    keyFlags: ['OW', 'update'],
    tips: ['request_policy:multi_shard', 'response_policy:all_succeeded'],
    arguments: [
      {
        name: 'key_value',
        type: 'block',
        multiple: true,
        arguments: [
          { name: 'key', type: 'key', keySpecIndex: 0 },
          { name: 'value', type: 'string' },
        ],
      },
    ],
    handler: (c) => msetGeneric(c, false),
  },
  {
    name: 'msetnx',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: -1, step: 2 },
    categories: ['string'],
    group: 'string',
    since: '1.0.1',
    summary: 'Set multiple keys to multiple values, only if none of the keys exist',
    complexity: 'O(N) where N is the number of keys to set.',
    keyFlags: ['OW', 'insert'],
    tips: ['request_policy:multi_shard', 'response_policy:agg_min'],
    arguments: [
      {
        name: 'key_value',
        type: 'block',
        multiple: true,
        arguments: [
          { name: 'key', type: 'key', keySpecIndex: 0 },
          { name: 'value', type: 'string' },
        ],
      },
    ],
    handler: (c) => msetGeneric(c, true),
  },
  ...stringRangeCommands,
  ...stringIncrCommands,
  ...stringLcsCommands,
] as const satisfies readonly CommandSpec[];
