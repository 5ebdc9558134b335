// OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT | HELP: introspection of the value at a key.
// Every subcommand looks the key up without counting as an access (Redis's LOOKUP_NOTOUCH),
// but still expires it lazily and counts a keyspace hit or miss.

import type { Client } from '../server/client.js';
import type { Value } from '../keyspace/types.js';
import { parseInt64 } from '../resp/numbers.js';
import type { CommandSpec } from './types.js';
import { KEY_ARG } from './keys-docs.js';

const OBJECT_KEY = { first: 2, last: 2, step: 1 } as const;
const INT_MAX = 2147483647;

const ERR_LFU_NOT_SELECTED =
  'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';
const ERR_LFU_SELECTED =
  'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';

/** A value that knows its own encoding (a collection still in its compact form or not). */
interface SelfEncoding {
  encoding(): string;
}

function hasEncoding(v: object): v is SelfEncoding {
  return typeof (v as Partial<SelfEncoding>).encoding === 'function';
}

/** What Redis 7.0 uses for a collection once it outgrew its compact form (lists: always quicklist). */
const LARGE_ENCODING: Readonly<Record<string, string>> = {
  list: 'quicklist',
  hash: 'hashtable',
  set: 'hashtable',
  zset: 'skiplist',
};

/**
 * OBJECT ENCODING of a value. Strings follow Redis's tryObjectEncoding: an integer that
 * string2l accepts is stored as a long ('int'), short strings are embedded ('embstr', up
 * to 44 bytes), longer ones 'raw'. A collection class reports its own encoding through an
 * `encoding()` method (only it knows whether it is still a listpack/intset); without one it
 * gets the large encoding.
 */
export function objectEncoding(v: Value): string {
  if (typeof v === 'string') {
    if (parseInt64(v) !== null) return 'int';
    return v.length <= 44 ? 'embstr' : 'raw';
  }
  if (hasEncoding(v)) return v.encoding();
  return LARGE_ENCODING[v.type] ?? 'raw';
}

/**
 * OBJECT REFCOUNT: Redis shares the objects of the integers 0..9999 (refcount INT_MAX)
 * unless an LRU/LFU maxmemory policy is in force with a maxmemory limit; every other value
 * has a single reference.
 */
function objectRefcount(c: Client, v: Value): number {
  if (typeof v !== 'string') return 1;
  const n = parseInt64(v);
  if (typeof n !== 'number' || n < 0 || n >= 10000) return 1;
  const policy = c.server.config.str('maxmemory-policy');
  const noShared = c.server.config.num('maxmemory') !== 0 && (policy.endsWith('lru') || policy.endsWith('lfu'));
  return noShared ? 1 : INT_MAX;
}

const OBJECT_HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

export const objectCommand = {
  name: 'object',
  arity: -2,
  flags: [],
  group: 'generic',
  since: '2.2.3',
  summary: 'A container for object introspection commands',
  complexity: 'Depends on subcommand.',
  subcommands: [
    {
      // OBJECT ENCODING key
      name: 'encoding',
      arity: 3,
      flags: ['readonly'],
      keys: OBJECT_KEY,
      categories: ['keyspace'],
      group: 'generic',
      since: '2.2.3',
      summary: 'Inspect the internal encoding of a Redis object',
      complexity: 'O(1)',
      tips: ['nondeterministic_output'],
      keyFlags: ['RO'],
      arguments: [KEY_ARG],
      handler(c) {
        const e = c.db.readEntry(c.argv[2]!);
        if (e === undefined) c.reply.nullBulk();
        else c.reply.bulk(objectEncoding(e.value));
      },
    },
    {
      // OBJECT FREQ key
      name: 'freq',
      arity: 3,
      flags: ['readonly'],
      keys: OBJECT_KEY,
      categories: ['keyspace'],
      group: 'generic',
      since: '4.0.0',
      summary: 'Get the logarithmic access frequency counter of a Redis object',
      complexity: 'O(1)',
      tips: ['nondeterministic_output'],
      keyFlags: ['RO'],
      arguments: [KEY_ARG],
      handler(c) {
        const e = c.db.readEntry(c.argv[2]!);
        if (e === undefined) return c.reply.nullBulk();
        if (!c.server.keyspace.lfu) return c.reply.error(ERR_LFU_NOT_SELECTED);
        // The counter decays by one per minute since the last access (lfu-decay-time 1),
        // computed on read as Redis's LFUDecrAndReturn does, without storing it.
        const minutes = Math.floor((c.server.keyspace.now() - e.access) / 60000);
        c.reply.integer(Math.max(0, e.freq - Math.max(0, minutes)));
      },
    },
    {
      // OBJECT IDLETIME key
      name: 'idletime',
      arity: 3,
      flags: ['readonly'],
      keys: OBJECT_KEY,
      categories: ['keyspace'],
      group: 'generic',
      since: '2.2.3',
      summary: 'Get the time since a Redis object was last accessed',
      complexity: 'O(1)',
      tips: ['nondeterministic_output'],
      keyFlags: ['RO'],
      arguments: [KEY_ARG],
      handler(c) {
        const e = c.db.readEntry(c.argv[2]!);
        if (e === undefined) return c.reply.nullBulk();
        if (c.server.keyspace.lfu) return c.reply.error(ERR_LFU_SELECTED);
        c.reply.integer(Math.max(0, Math.floor((c.server.keyspace.now() - e.access) / 1000)));
      },
    },
    {
      // OBJECT REFCOUNT key
      name: 'refcount',
      arity: 3,
      flags: ['readonly'],
      keys: OBJECT_KEY,
      categories: ['keyspace'],
      group: 'generic',
      since: '2.2.3',
      summary: 'Get the number of references to the value of the key',
      complexity: 'O(1)',
      tips: ['nondeterministic_output'],
      keyFlags: ['RO'],
      arguments: [KEY_ARG],
      handler(c) {
        const e = c.db.readEntry(c.argv[2]!);
        if (e === undefined) c.reply.nullBulk();
        else c.reply.integer(objectRefcount(c, e.value));
      },
    },
    {
      // OBJECT HELP
      name: 'help',
      arity: 2,
      flags: ['loading', 'stale'],
      categories: ['keyspace'],
      group: 'generic',
      since: '6.2.0',
      summary: 'Show helpful text about the different subcommands',
      complexity: 'O(1)',
      handler(c) {
        c.reply.array(OBJECT_HELP.length);
        for (const line of OBJECT_HELP) c.reply.simple(line);
      },
    },
  ],
} as const satisfies CommandSpec;
