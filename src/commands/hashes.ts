// Hashes: HSET HSETNX HMSET HGET HMGET HGETALL HDEL HLEN HSTRLEN HEXISTS HKEYS HVALS, plus
// the counters, random fields and HSCAN from hashes-more.ts. The value type is
// keyspace/hash.ts; a hash that loses its last field is deleted, as Redis never keeps an
// empty collection.

import type { Client } from '../server/client.js';
import { HashValue } from '../keyspace/hash.js';
import { readCollection, writeCollection } from './args.js';
import { errWrongArity } from './errors.js';
import { hashLimits } from './collection-args.js';
import { hashMoreCommands } from './hashes-more.js';
import { KEY_ARG } from './keys-docs.js';
import type { CommandArg, CommandSpec } from './types.js';

const KEY1 = { first: 1, last: 1, step: 1 } as const;
const FIELD_ARG = { name: 'field', type: 'string' } as const satisfies CommandArg;
const FIELDS_ARG = { name: 'field', type: 'string', multiple: true } as const satisfies CommandArg;
const FIELD_VALUE_ARGS = [
  KEY_ARG,
  {
    name: 'field_value',
    type: 'block',
    multiple: true,
    arguments: [
      { name: 'field', type: 'string' },
      { name: 'value', type: 'string' },
    ],
  },
] as const satisfies readonly CommandArg[];

/** HSET / HMSET key field value [field value ...]: returns the number of new fields, or null after an error. */
function setFields(c: Client, name: string): number | null {
  const argv = c.argv;
  if (argv.length % 2 === 1) {
    c.reply.error(errWrongArity(name));
    return null;
  }
  const key = argv[1]!;
  const existing = writeCollection<HashValue>(c, key, 'hash');
  if (existing === false) return null;
  const h = existing ?? new HashValue();
  const limits = hashLimits(c);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) if (h.set(argv[i]!, argv[i + 1]!, limits)) created++;
  // Even an update to the same value counts as a change (and is logged), as in Redis.
  if (existing === null) c.db.add(key, h);
  else c.db.modified(key);
  return created;
}

/** The hash at argv[1] for a read: null when absent, false after WRONGTYPE. */
function readHash(c: Client): HashValue | null | false {
  return readCollection<HashValue>(c, c.argv[1]!, 'hash');
}

export const hashCommands = [
  {
    // HSET key field value [field value ...]
    name: 'hset',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY1,
    keyFlags: ['RW', 'update'],
    categories: ['hash'],
    group: 'hash',
    since: '2.0.0',
    summary: 'Set the string value of a hash field',
    complexity:
      'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.',
    history: [['4.0.0', 'Accepts multiple `field` and `value` arguments.']],
    arguments: FIELD_VALUE_ARGS,
    handler(c) {
      const created = setFields(c, 'hset');
      if (created !== null) c.reply.integer(created);
    },
  },
  {
    // HSETNX key field value
    name: 'hsetnx',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY1,
    keyFlags: ['RW', 'insert'],
    categories: ['hash'],
    group: 'hash',
    since: '2.0.0',
    summary: 'Set the value of a hash field, only if the field does not exist',
    complexity: 'O(1)',
    arguments: [KEY_ARG, FIELD_ARG, { name: 'value', type: 'string' }],
    handler(c) {
      const [, key, field, value] = c.argv as [string, string, string, string];
      const existing = writeCollection<HashValue>(c, key, 'hash');
      if (existing === false) return;
      if (existing !== null && existing.has(field)) return c.reply.integer(0);
      const h = existing ?? new HashValue();
      h.set(field, value, hashLimits(c));
      if (existing === null) c.db.add(key, h);
      else c.db.modified(key);
      c.reply.integer(1);
    },
  },
  {
    // HMSET key field value [field value ...]
    name: 'hmset',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY1,
    keyFlags: ['RW', 'update'],
    categories: ['hash'],
    group: 'hash',
    since: '2.0.0',
    summary: 'Set multiple hash fields to multiple values',
    complexity: 'O(N) where N is the number of fields being set.',
    docFlags: ['deprecated'],
    deprecatedSince: '4.0.0',
    replacedBy: '`HSET` with multiple field-value pairs',
    arguments: FIELD_VALUE_ARGS,
    handler(c) {
      if (setFields(c, 'hmset') !== null) c.reply.ok();
    },
  },
  {
    // HGET key field
    name: 'hget',
    arity: 3,
    flags: ['readonly', 'fast'],
    keys: KEY1,
    keyFlags: ['RO', 'access'],
    categories: ['hash'],
    group: 'hash',
    since: '2.0.0',
    summary: 'Get the value of a hash field',
    complexity: 'O(1)',
    arguments: [KEY_ARG, FIELD_ARG],
    handler(c) {
      const h = readHash(c);
      if (h === false) return;
      const v = h === null ? undefined : h.get(c.argv[2]!);
      if (v === undefined) c.reply.nullBulk();
      else c.reply.bulk(v);
    },
  },
  {
    // HMGET key field [field ...]
    name: 'hmget',
    arity: -3,
    flags: ['readonly', 'fast'],
    keys: KEY1,
    keyFlags: ['RO', 'access'],
    categories: ['hash'],
    group: 'hash',
    since: '2.0.0',
    summary: 'Get the values of all the given hash fields',
    complexity: 'O(N) where N is the number of fields being requested.',
    arguments: [KEY_ARG, FIELDS_ARG],
    handler(c) {
      const h = readHash(c);
      if (h === false) return;
      const argv = c.argv;
      c.reply.array(argv.length - 2);
      for (let i = 2; i < argv.length; i++) {
        const v = h === null ? undefined : h.get(argv[i]!);
        if (v === undefined) c.reply.nullBulk();
        else c.reply.bulk(v);
      }
    },
  },
  {
    // HGETALL key
    name: 'hgetall',
    arity: 2,
    flags: ['readonly'],
    keys: KEY1,
    keyFlags: ['RO', 'access'],
    categories: ['hash'],
    group: 'hash',
    since: '2.0.0',
    summary: 'Get all the fields and values in a hash',
    complexity: 'O(N) where N is the size of the hash.',
    tips: ['nondeterministic_output_order'],
    arguments: [KEY_ARG],
    handler(c) {
      const h = readHash(c);
      if (h === false) return;
      if (h === null) return c.reply.map(0);
      c.reply.map(h.size);
      for (const [k, v] of h.entries()) {
        c.reply.bulk(k);
        c.reply.bulk(v);
      }
    },
  },
  {
    // HDEL key field [field ...]
    name: 'hdel',
    arity: -3,
    flags: ['write', 'fast'],
    keys: KEY1,
    keyFlags: ['RW', 'delete'],
    categories: ['hash'],
    group: 'hash',
    since: '2.0.0',
    summary: 'Delete one or more hash fields',
    complexity: 'O(N) where N is the number of fields to be removed.',
    history: [['2.4.0', 'Accepts multiple `field` arguments.']],
    arguments: [KEY_ARG, FIELDS_ARG],
    handler(c) {
      const argv = c.argv;
      const key = argv[1]!;
      const h = writeCollection<HashValue>(c, key, 'hash');
      if (h === false) return;
      if (h === null) return c.reply.integer(0);
      let deleted = 0;
      for (let i = 2; i < argv.length && h.size > 0; i++) if (h.delete(argv[i]!)) deleted++;
      if (h.size === 0) c.db.delete(key);
      else if (deleted > 0) c.db.modified(key);
      c.reply.integer(deleted);
    },
  },
  {
    // HLEN key
    name: 'hlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: KEY1,
    keyFlags: ['RO'],
    categories: ['hash'],
    group: 'hash',
    since: '2.0.0',
    summary: 'Get the number of fields in a hash',
    complexity: 'O(1)',
    arguments: [KEY_ARG],
    handler(c) {
      const h = readHash(c);
      if (h !== false) c.reply.integer(h === null ? 0 : h.size);
    },
  },
  {
    // HSTRLEN key field
    name: 'hstrlen',
    arity: 3,
    flags: ['readonly', 'fast'],
    keys: KEY1,
    keyFlags: ['RO'],
    categories: ['hash'],
    group: 'hash',
    since: '3.2.0',
    summary: 'Get the length of the value of a hash field',
    complexity: 'O(1)',
    arguments: [KEY_ARG, FIELD_ARG],
    handler(c) {
      const h = readHash(c);
      if (h !== false) c.reply.integer(h?.get(c.argv[2]!)?.length ?? 0);
    },
  },
  {
    // HEXISTS key field
    name: 'hexists',
    arity: 3,
    flags: ['readonly', 'fast'],
    keys: KEY1,
    keyFlags: ['RO'],
    categories: ['hash'],
    group: 'hash',
    since: '2.0.0',
    summary: 'Determine if a hash field exists',
    complexity: 'O(1)',
    arguments: [KEY_ARG, FIELD_ARG],
    handler(c) {
      const h = readHash(c);
      if (h !== false) c.reply.integer(h !== null && h.has(c.argv[2]!) ? 1 : 0);
    },
  },
  {
    // HKEYS key
    name: 'hkeys',
    arity: 2,
    flags: ['readonly'],
    keys: KEY1,
    keyFlags: ['RO', 'access'],
    categories: ['hash'],
    group: 'hash',
    since: '2.0.0',
    summary: 'Get all the fields in a hash',
    complexity: 'O(N) where N is the size of the hash.',
    tips: ['nondeterministic_output_order'],
    arguments: [KEY_ARG],
    handler(c) {
      const h = readHash(c);
      if (h === false) return;
      if (h === null) return c.reply.array(0);
      c.reply.array(h.size);
      for (const k of h.fields()) c.reply.bulk(k);
    },
  },
  {
    // HVALS key
    name: 'hvals',
    arity: 2,
    flags: ['readonly'],
    keys: KEY1,
    keyFlags: ['RO', 'access'],
    categories: ['hash'],
    group: 'hash',
    since: '2.0.0',
    summary: 'Get all the values in a hash',
    complexity: 'O(N) where N is the size of the hash.',
    tips: ['nondeterministic_output_order'],
    arguments: [KEY_ARG],
    handler(c) {
      const h = readHash(c);
      if (h === false) return;
      if (h === null) return c.reply.array(0);
      c.reply.array(h.size);
      for (const v of h.values()) c.reply.bulk(v);
    },
  },
  ...hashMoreCommands,
] as const satisfies readonly CommandSpec[];
