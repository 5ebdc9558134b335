// Sets: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SMOVE SSCAN, plus SPOP/SRANDMEMBER
// (sets-random.ts) and the set algebra (sets-algebra.ts). The value type is keyspace/set.ts;
// a set that loses its last member is deleted, as Redis never keeps an empty collection.

import type { Client } from '../server/client.js';
import { SetValue } from '../keyspace/set.js';
import { globMatch } from '../keyspace/glob.js';
import { readCollection, writeCollection } from './args.js';
import { ERR_WRONGTYPE } from './errors.js';
import { KEY_SCAN_ARGS, replyScan, scanCursorArg, scanOptionsArg, setLimits } from './collection-args.js';
import { setRandomCommands } from './sets-random.js';
import { setAlgebraCommands } from './sets-algebra.js';
import { KEY_ARG, keyAt } from './keys-docs.js';
import type { CommandArg, CommandSpec } from './types.js';

const KEY1 = { first: 1, last: 1, step: 1 } as const;
const MEMBER_ARG = { name: 'member', type: 'string' } as const satisfies CommandArg;
const MEMBERS_ARG = { name: 'member', type: 'string', multiple: true } as const satisfies CommandArg;

/** The set at argv[1] for a read: null when absent, false after WRONGTYPE. */
function readSet(c: Client): SetValue | null | false {
  return readCollection<SetValue>(c, c.argv[1]!, 'set');
}

/** SADD key member [member ...] */
function saddCommand(c: Client): void {
  const argv = c.argv;
  const key = argv[1]!;
  const existing = writeCollection<SetValue>(c, key, 'set');
  if (existing === false) return;
  const s = existing ?? new SetValue();
  const limits = setLimits(c);
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (s.add(argv[i]!, limits)) added++;
  if (existing === null) c.db.add(key, s);
  else if (added > 0) c.db.modified(key);
  c.reply.integer(added);
}

/** SREM key member [member ...] */
function sremCommand(c: Client): void {
  const argv = c.argv;
  const key = argv[1]!;
  const s = writeCollection<SetValue>(c, key, 'set');
  if (s === false) return;
  if (s === null) return c.reply.integer(0);
  let removed = 0;
  for (let i = 2; i < argv.length && s.size > 0; i++) if (s.delete(argv[i]!)) removed++;
  if (s.size === 0) c.db.delete(key);
  else if (removed > 0) c.db.modified(key);
  c.reply.integer(removed);
}

/** SMOVE source destination member */
function smoveCommand(c: Client): void {
  const [, srcKey, dstKey, member] = c.argv as [string, string, string, string];
  const db = c.db;
  const src = db.lookupWrite(srcKey);
  const dst = db.lookupWrite(dstKey);
  if (src === undefined) return c.reply.integer(0);
  // Both types are checked before anything else, the destination's included.
  if (typeof src === 'string' || src.type !== 'set') return c.reply.error(ERR_WRONGTYPE);
  if (dst !== undefined && (typeof dst === 'string' || dst.type !== 'set')) return c.reply.error(ERR_WRONGTYPE);
  const from = src as SetValue;
  if (src === dst) return c.reply.integer(from.has(member) ? 1 : 0);
  if (!from.delete(member)) return c.reply.integer(0);
  if (from.size === 0) db.delete(srcKey);
  else db.modified(srcKey);
  const limits = setLimits(c);
  if (dst === undefined) {
    db.add(dstKey, SetValue.from([member], limits));
  } else if ((dst as SetValue).add(member, limits)) {
    db.modified(dstKey);
  }
  c.reply.integer(1);
}

/** SSCAN key cursor [MATCH pattern] [COUNT count] */
function sscanCommand(c: Client): void {
  const cursor = scanCursorArg(c, c.argv[2]!);
  if (cursor === null) return;
  const s = readSet(c);
  if (s === false) return;
  if (s === null) return replyScan(c, 0, []);
  const opts = scanOptionsArg(c, 3);
  if (opts === null) return;
  const items: string[] = [];
  const pattern = opts.pattern;
  const next = s.scan(cursor, opts.count, (m) => {
    if (pattern === null || globMatch(pattern, m)) items.push(m);
  });
  replyScan(c, next, items);
}

export const setCommands = [
  {
    // SADD key member [member ...]
    name: 'sadd',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY1,
    keyFlags: ['RW', 'insert'],
    categories: ['set'],
    group: 'set',
    since: '1.0.0',
    summary: 'Add one or more members to a set',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    history: [['2.4.0', 'Accepts multiple `member` arguments.']],
    arguments: [KEY_ARG, MEMBERS_ARG],
    handler: saddCommand,
  },
  {
    // SREM key member [member ...]
    name: 'srem',
    arity: -3,
    flags: ['write', 'fast'],
    keys: KEY1,
    keyFlags: ['RW', 'delete'],
    categories: ['set'],
    group: 'set',
    since: '1.0.0',
    summary: 'Remove one or more members from a set',
    complexity: 'O(N) where N is the number of members to be removed.',
    history: [['2.4.0', 'Accepts multiple `member` arguments.']],
    arguments: [KEY_ARG, MEMBERS_ARG],
    handler: sremCommand,
  },
  {
    // SMEMBERS key
    name: 'smembers',
    arity: 2,
    flags: ['readonly'],
    keys: KEY1,
    keyFlags: ['RO', 'access'],
    categories: ['set'],
    group: 'set',
    since: '1.0.0',
    summary: 'Get all the members in a set',
    complexity: 'O(N) where N is the set cardinality.',
    tips: ['nondeterministic_output_order'],
    arguments: [KEY_ARG],
    handler(c) {
      const s = readSet(c);
      if (s === false) return;
      if (s === null) return c.reply.set(0);
      c.reply.set(s.size);
      for (const m of s.members()) c.reply.bulk(m);
    },
  },
  {
    // SISMEMBER key member
    name: 'sismember',
    arity: 3,
    flags: ['readonly', 'fast'],
    keys: KEY1,
    keyFlags: ['RO'],
    categories: ['set'],
    group: 'set',
    since: '1.0.0',
    summary: 'Determine if a given value is a member of a set',
    complexity: 'O(1)',
    arguments: [KEY_ARG, MEMBER_ARG],
    handler(c) {
      const s = readSet(c);
      if (s !== false) c.reply.integer(s !== null && s.has(c.argv[2]!) ? 1 : 0);
    },
  },
  {
    // SMISMEMBER key member [member ...]
    name: 'smismember',
    arity: -3,
    flags: ['readonly', 'fast'],
    keys: KEY1,
    keyFlags: ['RO', 'access'],
    categories: ['set'],
    group: 'set',
    since: '6.2.0',
    summary: 'Returns the membership associated with the given elements for a set',
    complexity: 'O(N) where N is the number of elements being checked for membership',
    arguments: [KEY_ARG, MEMBERS_ARG],
    handler(c) {
      const s = readSet(c);
      if (s === false) return;
      const argv = c.argv;
      c.reply.array(argv.length - 2);
      for (let i = 2; i < argv.length; i++) c.reply.integer(s !== null && s.has(argv[i]!) ? 1 : 0);
    },
  },
  {
    // SCARD key
    name: 'scard',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: KEY1,
    keyFlags: ['RO'],
    categories: ['set'],
    group: 'set',
    since: '1.0.0',
    summary: 'Get the number of members in a set',
    complexity: 'O(1)',
    arguments: [KEY_ARG],
    handler(c) {
      const s = readSet(c);
      if (s !== false) c.reply.integer(s === null ? 0 : s.size);
    },
  },
  {
    // SMOVE source destination member
    name: 'smove',
    arity: 4,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'access', 'delete']), keyAt(2, ['RW', 'insert'])],
    categories: ['set'],
    group: 'set',
    since: '1.0.0',
    summary: 'Move a member from one set to another',
    complexity: 'O(1)',
    arguments: [
      { name: 'source', type: 'key', keySpecIndex: 0 },
      { name: 'destination', type: 'key', keySpecIndex: 1 },
      MEMBER_ARG,
    ],
    handler: smoveCommand,
  },
  {
    // SSCAN key cursor [MATCH pattern] [COUNT count]
    name: 'sscan',
    arity: -3,
    flags: ['readonly'],
    keys: KEY1,
    keyFlags: ['RO', 'access'],
    categories: ['set'],
    group: 'set',
    since: '2.8.0',
    summary: 'Incrementally iterate Set elements',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    tips: ['nondeterministic_output'],
    arguments: KEY_SCAN_ARGS,
    handler: sscanCommand,
  },
  ...setRandomCommands,
  ...setAlgebraCommands,
] as const satisfies readonly CommandSpec[];
