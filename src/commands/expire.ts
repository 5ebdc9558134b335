// Expiry commands: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (with NX | XX | GT | LT), TTL, PTTL,
// EXPIRETIME, PEXPIRETIME, PERSIST.
//
// Propagation: every form that sets a TTL is logged as the absolute
//   PEXPIREAT key <unix-ms> [the options as given]
// so a replay reaches the same instant whenever it runs; a time already in the past deletes
// the key at once and is logged as `DEL key` (except while loading the AOF, where the key
// keeps its past expiry: the log's own DEL, if any, follows).

import type { Client } from '../server/client.js';
import { parseInt64 } from '../resp/numbers.js';
import { ERR_NOT_INTEGER, errInvalidExpire } from './errors.js';
import { isOpt } from './args.js';
import type { CommandArg, CommandSpec } from './types.js';
import { KEY_ARG } from './keys-docs.js';

const KEY1 = { first: 1, last: 1, step: 1 } as const;

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

type ExpireFlags = { nx: boolean; xx: boolean; gt: boolean; lt: boolean };

/** Redis's parseExtendedExpireArgumentsOrReply: the options after the time, checked first. */
function parseExpireFlags(c: Client): ExpireFlags | null {
  const f: ExpireFlags = { nx: false, xx: false, gt: false, lt: false };
  for (let i = 3; i < c.argv.length; i++) {
    const opt = c.argv[i]!;
    if (isOpt(opt, 'NX')) f.nx = true;
    else if (isOpt(opt, 'XX')) f.xx = true;
    else if (isOpt(opt, 'GT')) f.gt = true;
    else if (isOpt(opt, 'LT')) f.lt = true;
    else {
      c.reply.error(`ERR Unsupported option ${opt}`);
      return null;
    }
  }
  if (f.nx && (f.xx || f.gt || f.lt)) {
    c.reply.error('ERR NX and XX, GT or LT options at the same time are not compatible');
    return null;
  }
  if (f.gt && f.lt) {
    c.reply.error('ERR GT and LT options at the same time are not compatible');
    return null;
  }
  return f;
}

/**
 * EXPIRE key seconds [NX | XX | GT | LT]      (relative, seconds)
 * PEXPIRE key milliseconds [NX | XX | GT | LT] (relative, ms)
 * EXPIREAT key unix-time-seconds [...]         (absolute, seconds)
 * PEXPIREAT key unix-time-milliseconds [...]   (absolute, ms)
 */
function expireGeneric(c: Client, relative: boolean, seconds: boolean): void {
  const name = c.argv[0]!.toLowerCase();
  const key = c.argv[1]!;
  const flags = parseExpireFlags(c);
  if (flags === null) return;
  const parsed = parseInt64(c.argv[2]!);
  if (parsed === null) return c.reply.error(ERR_NOT_INTEGER);
  // Negative times are allowed (they delete the key); only overflow is an error.
  let when = BigInt(parsed);
  const ks = c.server.keyspace;
  const base = relative ? BigInt(ks.now()) : 0n;
  if (seconds) {
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) return c.reply.error(errInvalidExpire(name));
    when *= 1000n;
  }
  if (when > INT64_MAX - base) return c.reply.error(errInvalidExpire(name));
  when += base;

  const db = c.db;
  if (db.lookupWrite(key) === undefined) return c.reply.integer(0);
  const current = db.getEntry(key)!.expireAt;
  const hasTtl = current !== 0;
  // A key without a TTL counts as expiring never: GT always fails on it, LT always passes.
  if (flags.nx && hasTtl) return c.reply.integer(0);
  if (flags.xx && !hasTtl) return c.reply.integer(0);
  if (flags.gt && (!hasTtl || when <= BigInt(current))) return c.reply.integer(0);
  if (flags.lt && hasTtl && when >= BigInt(current)) return c.reply.integer(0);

  if (when <= BigInt(ks.now()) && !ks.loading) {
    db.delete(key);
    c.propagateAs(['DEL', key]);
    return c.reply.integer(1);
  }
  // expireAt 0 means "persistent", so an absolute time of exactly 0 (only possible while
  // loading) is kept as another instant in the past.
  db.setExpire(key, when === 0n ? -1 : Number(when));
  if (relative || seconds) c.propagateAs(['PEXPIREAT', key, String(when), ...c.argv.slice(3)]);
  c.reply.integer(1);
}

/** TTL key / PTTL key / EXPIRETIME key / PEXPIRETIME key */
function ttlGeneric(c: Client, ms: boolean, absolute: boolean): void {
  const e = c.db.readEntry(c.argv[1]!);
  if (e === undefined) return c.reply.integer(-2);
  if (e.expireAt === 0) return c.reply.integer(-1);
  let ttl = absolute ? e.expireAt : e.expireAt - c.server.keyspace.now();
  if (ttl < 0) ttl = 0;
  // Seconds are rounded to the nearest, as Redis's (ttl+500)/1000.
  c.reply.integer(ms ? ttl : Math.floor((ttl + 500) / 1000));
}

const EXPIRE_FLAGS = ['write', 'fast'] as const;
const TTL_FLAGS = ['readonly', 'fast'] as const;

/** EXPIRE's NX | XX | GT | LT (7.0). */
const CONDITION_ARG = {
  name: 'condition',
  type: 'oneof',
  since: '7.0.0',
  optional: true,
  arguments: [
    { name: 'nx', type: 'pure-token', token: 'NX' },
    { name: 'xx', type: 'pure-token', token: 'XX' },
    { name: 'gt', type: 'pure-token', token: 'GT' },
    { name: 'lt', type: 'pure-token', token: 'LT' },
  ],
} as const satisfies CommandArg;
const CONDITION_HISTORY = [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']] as const;

export const expireCommands = [
  {
    // EXPIRE key seconds [NX | XX | GT | LT]
    name: 'expire',
    arity: -3,
    flags: EXPIRE_FLAGS,
    keys: KEY1,
    categories: ['keyspace'],
    group: 'generic',
    since: '1.0.0',
    summary: "Set a key's time to live in seconds",
    complexity: 'O(1)',
    arguments: [KEY_ARG, { name: 'seconds', type: 'integer' }, CONDITION_ARG],
    history: CONDITION_HISTORY,
    handler: (c) => expireGeneric(c, true, true),
  },
  {
    // PEXPIRE key milliseconds [NX | XX | GT | LT]
    name: 'pexpire',
    arity: -3,
    flags: EXPIRE_FLAGS,
    keys: KEY1,
    categories: ['keyspace'],
    group: 'generic',
    since: '2.6.0',
    summary: "Set a key's time to live in milliseconds",
    complexity: 'O(1)',
    arguments: [KEY_ARG, { name: 'milliseconds', type: 'integer' }, CONDITION_ARG],
    history: CONDITION_HISTORY,
    handler: (c) => expireGeneric(c, true, false),
  },
  {
    // EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
    name: 'expireat',
    arity: -3,
    flags: EXPIRE_FLAGS,
    keys: KEY1,
    categories: ['keyspace'],
    group: 'generic',
    since: '1.2.0',
    summary: 'Set the expiration for a key as a UNIX timestamp',
    complexity: 'O(1)',
    arguments: [KEY_ARG, { name: 'unix-time-seconds', type: 'unix-time' }, CONDITION_ARG],
    history: CONDITION_HISTORY,
    handler: (c) => expireGeneric(c, false, true),
  },
  {
    // PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
    name: 'pexpireat',
    arity: -3,
    flags: EXPIRE_FLAGS,
    keys: KEY1,
    categories: ['keyspace'],
    group: 'generic',
    since: '2.6.0',
    summary: 'Set the expiration for a key as a UNIX timestamp specified in milliseconds',
    complexity: 'O(1)',
    arguments: [KEY_ARG, { name: 'unix-time-milliseconds', type: 'unix-time' }, CONDITION_ARG],
    history: CONDITION_HISTORY,
    handler: (c) => expireGeneric(c, false, false),
  },
  {
    // TTL key
    name: 'ttl',
    arity: 2,
    flags: TTL_FLAGS,
    keys: KEY1,
    categories: ['keyspace'],
    group: 'generic',
    since: '1.0.0',
    summary: 'Get the time to live for a key in seconds',
    complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    arguments: [KEY_ARG],
    history: [['2.8.0', 'Added the -2 reply.']],
    handler: (c) => ttlGeneric(c, false, false),
  },
  {
    // PTTL key
    name: 'pttl',
    arity: 2,
    flags: TTL_FLAGS,
    keys: KEY1,
    categories: ['keyspace'],
    group: 'generic',
    since: '2.6.0',
    summary: 'Get the time to live for a key in milliseconds',
    complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    arguments: [KEY_ARG],
    history: [['2.8.0', 'Added the -2 reply.']],
    handler: (c) => ttlGeneric(c, true, false),
  },
  {
    // EXPIRETIME key
    name: 'expiretime',
    arity: 2,
    flags: TTL_FLAGS,
    keys: KEY1,
    categories: ['keyspace'],
    group: 'generic',
    since: '7.0.0',
    summary: 'Get the expiration Unix timestamp for a key',
    complexity: 'O(1)',
    arguments: [KEY_ARG],
    handler: (c) => ttlGeneric(c, false, true),
  },
  {
    // PEXPIRETIME key
    name: 'pexpiretime',
    arity: 2,
    flags: TTL_FLAGS,
    keys: KEY1,
    categories: ['keyspace'],
    group: 'generic',
    since: '7.0.0',
    summary: 'Get the expiration Unix timestamp for a key in milliseconds',
    complexity: 'O(1)',
    arguments: [KEY_ARG],
    handler: (c) => ttlGeneric(c, true, true),
  },
  {
    // PERSIST key
    name: 'persist',
    arity: 2,
    flags: EXPIRE_FLAGS,
    keys: KEY1,
    categories: ['keyspace'],
    group: 'generic',
    since: '2.2.0',
    summary: 'Remove the expiration from a key',
    complexity: 'O(1)',
    arguments: [KEY_ARG],
    handler(c) {
      const key = c.argv[1]!;
      c.reply.integer(c.db.lookupWrite(key) !== undefined && c.db.persist(key) ? 1 : 0);
    },
  },
] as const satisfies readonly CommandSpec[];
