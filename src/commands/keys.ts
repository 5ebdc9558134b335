// Generic key commands: DEL, UNLINK, EXISTS, TYPE, RENAME, RENAMENX, MOVE, COPY, SWAPDB,
// RANDOMKEY, KEYS, SCAN, DBSIZE, FLUSHDB, FLUSHALL, TOUCH, and OBJECT (from object.ts).
//
// Propagation follows Redis 7.0: commands that changed something are logged as received (the
// dispatcher sees `dirty` grow); FLUSHDB/FLUSHALL are always logged, even on empty databases,
// so a replica or the AOF never keeps keys the master dropped. Keys found expired on the way
// are logged as DEL by the keyspace itself.

import type { Client } from '../server/client.js';
import type { Database } from '../keyspace/database.js';
import { globMatch } from '../keyspace/glob.js';
import { parseInt64 } from '../resp/numbers.js';
import { ERR_DB_INDEX, ERR_NO_SUCH_KEY, ERR_NOT_INTEGER, ERR_SYNTAX } from './errors.js';
import { isOpt } from './args.js';
import { objectCommand } from './object.js';
import type { CommandSpec } from './types.js';
import { FLUSH_ARGS, FLUSH_HISTORY, KEY_ARG, KEYS_ARG, keyAt, MULTI_SHARD_SUM, RENAME_ARGS, SCAN_ARGS } from './keys-docs.js';

/** OBJECT ENCODING's rules, for DEBUG OBJECT and the value families. */
export { objectEncoding } from './object.js';

const KEY1 = { first: 1, last: 1, step: 1 } as const;
const KEY1_2 = { first: 1, last: 2, step: 1 } as const;
const KEYS_ALL = { first: 1, last: -1, step: 1 } as const;

const ERR_SAME_OBJECT = 'ERR source and destination objects are the same';
const ERR_INVALID_CURSOR = 'ERR invalid cursor';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/**
 * Redis's getIntFromObjectOrReply: a C int. A command may name its own error (SWAPDB);
 * otherwise a non-integer gets the generic integer error and an integer outside the int
 * range gets Redis's range text.
 */
function int32Arg(c: Client, s: string, message: string | null = null): number | null {
  const v = parseInt64(s);
  if (v === null) {
    c.reply.error(message ?? ERR_NOT_INTEGER);
    return null;
  }
  if (typeof v !== 'number' || v < INT_MIN || v > INT_MAX) {
    c.reply.error(message ?? `ERR value is out of range, value must between ${INT_MIN} and ${INT_MAX}`);
    return null;
  }
  return v;
}

/** A database number argument (MOVE, COPY DB): an int, then a valid index. */
function dbArg(c: Client, s: string): Database | null {
  const id = int32Arg(c, s);
  if (id === null) return null;
  const db = c.server.keyspace.dbs[id];
  if (db === undefined) {
    c.reply.error(ERR_DB_INDEX);
    return null;
  }
  return db;
}

// ---- handlers -------------------------------------------------------------------------------

/** DEL key [key ...] / UNLINK key [key ...] (UNLINK frees in the background in Redis; here both are synchronous). */
function delCommand(c: Client): void {
  let removed = 0;
  for (let i = 1; i < c.argv.length; i++) if (c.db.delete(c.argv[i]!)) removed++;
  c.reply.integer(removed);
}

/** RENAME key newkey / RENAMENX key newkey */
function renameCommand(c: Client, nx: boolean): void {
  const [, src, dst] = c.argv as [string, string, string];
  const db = c.db;
  if (db.lookupWrite(src) === undefined) return c.reply.error(ERR_NO_SUCH_KEY);
  if (src === dst) return nx ? c.reply.integer(0) : c.reply.ok();
  const entry = db.getEntry(src)!;
  if (db.lookupWrite(dst) !== undefined) {
    if (nx) return c.reply.integer(0);
    db.delete(dst);
  }
  db.delete(src);
  db.addMoved(dst, entry);
  if (nx) c.reply.integer(1);
  else c.reply.ok();
}

/** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] */
function scanCommand(c: Client): void {
  const argv = c.argv;
  const cursor = parseScanCursor(argv[1]!);
  if (cursor === null) return c.reply.error(ERR_INVALID_CURSOR);
  let count = 10;
  let pattern: string | null = null;
  let type: string | null = null;
  for (let i = 2; i < argv.length; i += 2) {
    const opt = argv[i]!;
    if (i + 1 >= argv.length) return c.reply.error(ERR_SYNTAX);
    const value = argv[i + 1]!;
    if (isOpt(opt, 'COUNT')) {
      const n = parseInt64(value);
      if (n === null) return c.reply.error(ERR_NOT_INTEGER);
      if (n < 1) return c.reply.error(ERR_SYNTAX);
      count = typeof n === 'number' ? n : Number.MAX_SAFE_INTEGER;
    } else if (isOpt(opt, 'MATCH')) {
      pattern = value === '*' ? null : value;
    } else if (isOpt(opt, 'TYPE')) {
      type = value.toLowerCase();
    } else return c.reply.error(ERR_SYNTAX);
  }
  const db = c.db;
  const candidates: string[] = [];
  const next = db.scan(cursor, count, (e) => candidates.push(e.key));
  const keys: string[] = [];
  for (const key of candidates) {
    if (pattern !== null && !globMatch(pattern, key)) continue;
    if (type !== null) {
      // As in Redis 7.0 the TYPE filter looks the key up (expiring it, counting a hit or
      // miss) and compares names; a key it just expired is "none" and is not looked at again.
      const e = db.readEntry(key);
      if ((e === undefined ? 'none' : e.typeName) !== type) continue;
    } else if (db.getEntry(key) === undefined) continue;
    keys.push(key);
  }
  c.reply.array(2);
  c.reply.bulk(String(next));
  c.reply.bulkArray(keys);
}

/**
 * Redis's parseScanCursorOrReply (strtoul): decimal digits with an optional sign, no
 * leading space, at most 2^64-1; a negative value wraps around as in C. Cursors beyond our
 * sequence numbers simply end the scan.
 */
function parseScanCursor(s: string): number | null {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const negative = s[0] === '-';
  let v = BigInt(s[0] === '+' || negative ? s.slice(1) : s);
  if (v > 0xffffffffffffffffn) return null;
  if (negative && v !== 0n) v = (1n << 64n) - v;
  return Number(v);
}

/** FLUSHDB [ASYNC | SYNC] / FLUSHALL [ASYNC | SYNC]: both modes empty synchronously here. */
function flushMode(c: Client): boolean {
  if (c.argv.length === 1) return true;
  const mode = c.argv[1]!;
  if (c.argv.length === 2 && (isOpt(mode, 'ASYNC') || isOpt(mode, 'SYNC'))) return true;
  c.reply.error(ERR_SYNTAX);
  return false;
}

export const keyCommands = [
  {
    // DEL key [key ...]
    name: 'del',
    arity: -2,
    flags: ['write'],
    keys: KEYS_ALL,
    categories: ['keyspace'],
    group: 'generic',
    since: '1.0.0',
    summary: 'Delete a key',
    complexity:
      'O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).',
    tips: MULTI_SHARD_SUM,
    keyFlags: ['RM', 'delete'],
    arguments: [KEYS_ARG],
    handler: delCommand,
  },
  {
    // UNLINK key [key ...]
    name: 'unlink',
    arity: -2,
    flags: ['write', 'fast'],
    keys: KEYS_ALL,
    categories: ['keyspace'],
    group: 'generic',
    since: '4.0.0',
    summary: 'Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.',
    complexity:
      'O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.',
    tips: MULTI_SHARD_SUM,
    keyFlags: ['RM', 'delete'],
    arguments: [KEYS_ARG],
    handler: delCommand,
  },
  {
    // EXISTS key [key ...]  (a key given twice counts twice)
    name: 'exists',
    arity: -2,
    flags: ['readonly', 'fast'],
    keys: KEYS_ALL,
    categories: ['keyspace'],
    group: 'generic',
    since: '1.0.0',
    summary: 'Determine if a key exists',
    complexity: 'O(N) where N is the number of keys to check.',
    tips: MULTI_SHARD_SUM,
    keyFlags: ['RO'],
    arguments: [KEYS_ARG],
    history: [['3.0.3', 'Accepts multiple `key` arguments.']],
    handler(c) {
      let n = 0;
      for (let i = 1; i < c.argv.length; i++) if (c.db.readEntry(c.argv[i]!) !== undefined) n++;
      c.reply.integer(n);
    },
  },
  {
    // TYPE key
    name: 'type',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: KEY1,
    categories: ['keyspace'],
    group: 'generic',
    since: '1.0.0',
    summary: 'Determine the type stored at key',
    complexity: 'O(1)',
    keyFlags: ['RO'],
    arguments: [KEY_ARG],
    handler(c) {
      const e = c.db.readEntry(c.argv[1]!);
      c.reply.simple(e === undefined ? 'none' : e.typeName);
    },
  },
  {
    // RENAME key newkey
    name: 'rename',
    arity: 3,
    flags: ['write'],
    keys: KEY1_2,
    categories: ['keyspace'],
    group: 'generic',
    since: '1.0.0',
    summary: 'Rename a key',
    complexity: 'O(1)',
    keySpecs: [keyAt(1, ['RW', 'access', 'delete']), keyAt(2, ['OW', 'update'])],
    arguments: RENAME_ARGS,
    handler: (c) => renameCommand(c, false),
  },
  {
    // RENAMENX key newkey
    name: 'renamenx',
    arity: 3,
    flags: ['write', 'fast'],
    keys: KEY1_2,
    categories: ['keyspace'],
    group: 'generic',
    since: '1.0.0',
    summary: 'Rename a key, only if the new key does not exist',
    complexity: 'O(1)',
    keySpecs: [keyAt(1, ['RW', 'access', 'delete']), keyAt(2, ['OW', 'insert'])],
    arguments: RENAME_ARGS,
    history: [['3.2.0', 'The command no longer returns an error when source and destination names are the same.']],
    handler: (c) => renameCommand(c, true),
  },
  {
    // MOVE key db
    name: 'move',
    arity: 3,
    flags: ['write', 'fast'],
    keys: KEY1,
    categories: ['keyspace'],
    group: 'generic',
    since: '1.0.0',
    summary: 'Move a key to another database',
    complexity: 'O(1)',
    keyFlags: ['RW', 'access', 'update'],
    arguments: [KEY_ARG, { name: 'db', type: 'integer' }],
    handler(c) {
      const key = c.argv[1]!;
      const dst = dbArg(c, c.argv[2]!);
      if (dst === null) return;
      if (dst === c.db) return c.reply.error(ERR_SAME_OBJECT);
      if (c.db.lookupWrite(key) === undefined) return c.reply.integer(0);
      const entry = c.db.getEntry(key)!;
      if (dst.lookupWrite(key) !== undefined) return c.reply.integer(0);
      c.db.delete(key);
      dst.addMoved(key, entry);
      c.reply.integer(1);
    },
  },
  {
    // COPY source destination [DB destination-db] [REPLACE]
    name: 'copy',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: KEY1_2,
    categories: ['keyspace'],
    group: 'generic',
    since: '6.2.0',
    summary: 'Copy a key',
    complexity: 'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.',
    keySpecs: [keyAt(1, ['RO', 'access']), keyAt(2, ['OW', 'update'])],
    arguments: [
      { name: 'source', type: 'key', keySpecIndex: 0 },
      { name: 'destination', type: 'key', keySpecIndex: 1 },
      { name: 'destination-db', type: 'integer', token: 'DB', optional: true },
      { name: 'replace', type: 'pure-token', token: 'REPLACE', optional: true },
    ],
    handler(c) {
      const [, src, dstKey] = c.argv as [string, string, string];
      let dst = c.db;
      let replace = false;
      for (let i = 3; i < c.argv.length; i++) {
        const opt = c.argv[i]!;
        if (isOpt(opt, 'REPLACE')) replace = true;
        else if (isOpt(opt, 'DB') && i + 1 < c.argv.length) {
          const db = dbArg(c, c.argv[++i]!);
          if (db === null) return;
          dst = db;
        } else return c.reply.error(ERR_SYNTAX);
      }
      if (dst === c.db && src === dstKey) return c.reply.error(ERR_SAME_OBJECT);
      const value = c.db.lookupRead(src);
      if (value === undefined) return c.reply.integer(0);
      const expireAt = c.db.getEntry(src)!.expireAt;
      if (dst.lookupWrite(dstKey) !== undefined) {
        if (!replace) return c.reply.integer(0);
        dst.delete(dstKey);
      }
      dst.add(dstKey, typeof value === 'string' ? value : value.clone());
      if (expireAt !== 0) dst.setExpire(dstKey, expireAt);
      c.reply.integer(1);
    },
  },
  {
    // SWAPDB index1 index2
    name: 'swapdb',
    arity: 3,
    flags: ['write', 'fast'],
    categories: ['keyspace', 'dangerous'],
    group: 'server',
    since: '4.0.0',
    summary: 'Swaps two Redis databases',
    complexity: 'O(N) where N is the count of clients watching or blocking on keys from both databases.',
    arguments: [
      { name: 'index1', type: 'integer' },
      { name: 'index2', type: 'integer' },
    ],
    handler(c) {
      const a = int32Arg(c, c.argv[1]!, 'ERR invalid first DB index');
      if (a === null) return;
      const b = int32Arg(c, c.argv[2]!, 'ERR invalid second DB index');
      if (b === null) return;
      const ks = c.server.keyspace;
      if (a < 0 || a >= ks.dbs.length || b < 0 || b >= ks.dbs.length) return c.reply.error(ERR_DB_INDEX);
      // Swapping a database with itself changes nothing but still counts as a write in Redis.
      if (a === b) c.forcePropagation();
      else ks.swap(a, b);
      c.reply.ok();
    },
  },
  {
    // RANDOMKEY
    name: 'randomkey',
    arity: 1,
    flags: ['readonly'],
    touchesArbitraryKeys: true,
    categories: ['keyspace'],
    group: 'generic',
    since: '1.0.0',
    summary: 'Return a random key from the keyspace',
    complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'nondeterministic_output'],
    handler(c) {
      // An expired pick is deleted (and logged as DEL) and another is drawn; each draw that
      // fails removes a key, so this ends.
      for (;;) {
        const e = c.db.randomEntry();
        if (e === undefined) return c.reply.nullBulk();
        if (c.db.getEntry(e.key) !== undefined) return c.reply.bulk(e.key);
      }
    },
  },
  {
    // KEYS pattern
    name: 'keys',
    arity: 2,
    flags: ['readonly'],
    categories: ['keyspace', 'dangerous'],
    group: 'generic',
    since: '1.0.0',
    summary: 'Find all keys matching the given pattern',
    complexity:
      'O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.',
    tips: ['request_policy:all_shards', 'nondeterministic_output_order'],
    arguments: [{ name: 'pattern', type: 'pattern' }],
    handler(c) {
      const pattern = c.argv[1]!;
      const all = pattern === '*';
      const ks = c.server.keyspace;
      const now = ks.now();
      const out: string[] = [];
      // Expired keys are skipped, not deleted: KEYS only reads (as in Redis).
      for (const e of c.db.entries()) {
        if (e.expireAt !== 0 && e.expireAt <= now && !ks.loading) continue;
        if (all || globMatch(pattern, e.key)) out.push(e.key);
      }
      c.reply.bulkArray(out);
    },
  },
  {
    // SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
    name: 'scan',
    arity: -2,
    flags: ['readonly'],
    touchesArbitraryKeys: true,
    categories: ['keyspace'],
    group: 'generic',
    since: '2.8.0',
    summary: 'Incrementally iterate the keys space',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    tips: ['nondeterministic_output', 'request_policy:special'],
    arguments: SCAN_ARGS,
    history: [['6.0.0', 'Added the `TYPE` subcommand.']],
    handler: scanCommand,
  },
  {
    // DBSIZE
    name: 'dbsize',
    arity: 1,
    flags: ['readonly', 'fast'],
    categories: ['keyspace'],
    group: 'server',
    since: '1.0.0',
    summary: 'Return the number of keys in the selected database',
    complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'response_policy:agg_sum'],
    handler(c) {
      c.reply.integer(c.db.size);
    },
  },
  {
    // FLUSHDB [ASYNC | SYNC]
    name: 'flushdb',
    arity: -1,
    flags: ['write'],
    categories: ['keyspace', 'dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Remove all keys from the current database',
    complexity: 'O(N) where N is the number of keys in the selected database',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    arguments: FLUSH_ARGS,
    history: FLUSH_HISTORY,
    handler(c) {
      if (!flushMode(c)) return;
      c.server.keyspace.flushDb(c.db);
      c.forcePropagation();
      c.reply.ok();
    },
  },
  {
    // FLUSHALL [ASYNC | SYNC]
    name: 'flushall',
    arity: -1,
    flags: ['write'],
    categories: ['keyspace', 'dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Remove all keys from all databases',
    complexity: 'O(N) where N is the total number of keys in all databases',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    arguments: FLUSH_ARGS,
    history: FLUSH_HISTORY,
    handler(c) {
      if (!flushMode(c)) return;
      c.server.keyspace.flushAll();
      c.forcePropagation();
      c.reply.ok();
    },
  },
  {
    // TOUCH key [key ...]
    name: 'touch',
    arity: -2,
    flags: ['readonly', 'fast'],
    keys: KEYS_ALL,
    categories: ['keyspace'],
    group: 'generic',
    since: '3.2.1',
    summary: 'Alters the last access time of a key(s). Returns the number of existing keys specified.',
    complexity: 'O(N) where N is the number of keys that will be touched.',
    tips: MULTI_SHARD_SUM,
    keyFlags: ['RO'],
    arguments: [KEYS_ARG],
    handler(c) {
      let n = 0;
      for (let i = 1; i < c.argv.length; i++) if (c.db.lookupRead(c.argv[i]!) !== undefined) n++;
      c.reply.integer(n);
    },
  },
  objectCommand,
] as const satisfies readonly CommandSpec[];
