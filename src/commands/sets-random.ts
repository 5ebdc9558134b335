// Random members: SPOP (removes them) and SRANDMEMBER. Picks are uniform and O(1) each
// (keyspace/slot-table.ts); what SPOP removed is logged as SREMs of those members, never as
// a random choice to replay.

import type { Client } from '../server/client.js';
import { SetValue } from '../keyspace/set.js';
import { parseInt64 } from '../resp/numbers.js';
import { readCollection, writeCollection } from './args.js';
import { ERR_SYNTAX } from './errors.js';
import { ERR_NOT_POSITIVE, randomCountArg, setLimits } from './collection-args.js';
import { KEY_ARG } from './keys-docs.js';
import type { CommandSpec } from './types.js';

const KEY1 = { first: 1, last: 1, step: 1 } as const;
/**
 * SPOP with a count rebuilds the set from the members it keeps, rather than popping one by
 * one, once fewer than one in SPOP_MOVE_STRATEGY_MUL of the requested count would remain.
 */
const SPOP_MOVE_STRATEGY_MUL = 5;

/** SPOP key [count] */
function spopCommand(c: Client): void {
  const argv = c.argv;
  if (argv.length > 3) return c.reply.error(ERR_SYNTAX);
  if (argv.length === 3) return spopWithCount(c);
  const key = argv[1]!;
  const s = writeCollection<SetValue>(c, key, 'set');
  if (s === false) return;
  if (s === null) return c.reply.nullBulk();
  const member = s.random();
  s.delete(member);
  if (s.size === 0) c.db.delete(key);
  else c.db.modified(key);
  c.reply.bulk(member);
  c.propagateAs(['SREM', key, member]);
}

/** SPOP key count */
function spopWithCount(c: Client): void {
  const key = c.argv[1]!;
  const n = parseInt64(c.argv[2]!);
  if (n === null || n < 0) return c.reply.error(ERR_NOT_POSITIVE);
  const count = Number(n);
  const s = writeCollection<SetValue>(c, key, 'set');
  if (s === false) return;
  if (s === null || count === 0) return c.reply.set(0);
  const size = s.size;
  const limits = setLimits(c);
  if (count >= size) {
    // The whole set, in the order of a set built from it (as Redis replies it through SUNION).
    const all = SetValue.from(s.members(), limits);
    c.reply.set(size);
    for (const m of all.members()) c.reply.bulk(m);
    c.db.delete(key);
    c.propagateAs(['DEL', key]);
    return;
  }
  c.reply.set(count);
  const remaining = size - count;
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    for (let i = 0; i < count; i++) {
      const member = s.random();
      s.delete(member);
      c.reply.bulk(member);
      c.alsoPropagate(['SREM', key, member]);
    }
  } else {
    // Few members stay: pick those, and return (in the set's order) all the others.
    const keep = s.sampleSlots(remaining).map((slot) => s.keyAt(slot));
    const kept = new SetValue();
    for (const m of keep) kept.add(m, limits);
    for (const m of s.members()) {
      if (kept.has(m)) continue;
      c.reply.bulk(m);
      c.alsoPropagate(['SREM', key, m]);
    }
    // Redis stores a new set built from the kept members: its encoding is decided afresh.
    s.reset(keep, limits);
  }
  c.db.modified(key);
  c.preventPropagation();
}

/** SRANDMEMBER key [count] */
function srandmemberCommand(c: Client): void {
  const argv = c.argv;
  if (argv.length > 3) return c.reply.error(ERR_SYNTAX);
  if (argv.length === 2) {
    const s = readCollection<SetValue>(c, argv[1]!, 'set');
    if (s === false) return;
    if (s === null) return c.reply.nullBulk();
    return c.reply.bulk(s.random());
  }
  const count = randomCountArg(c, argv[2]!);
  if (count === null) return;
  const s = readCollection<SetValue>(c, argv[1]!, 'set');
  if (s === false) return;
  if (s === null || count === 0) return c.reply.array(0);
  if (count < 0) {
    // Repetitions allowed: independent uniform picks.
    c.reply.array(-count);
    for (let i = 0; i < -count; i++) c.reply.bulk(s.random());
    return;
  }
  const size = s.size;
  if (count >= size) {
    c.reply.array(size);
    for (const m of s.members()) c.reply.bulk(m);
    return;
  }
  c.reply.array(count);
  for (const slot of s.sampleSlots(count)) c.reply.bulk(s.keyAt(slot));
}

export const setRandomCommands = [
  {
    // SPOP key [count]
    name: 'spop',
    arity: -2,
    flags: ['write', 'fast'],
    keys: KEY1,
    keyFlags: ['RW', 'access', 'delete'],
    categories: ['set'],
    group: 'set',
    since: '1.0.0',
    summary: 'Remove and return one or multiple random members from a set',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.',
    tips: ['nondeterministic_output'],
    history: [['3.2.0', 'Added the `count` argument.']],
    arguments: [KEY_ARG, { name: 'count', type: 'integer', since: '3.2.0', optional: true }],
    handler: spopCommand,
  },
  {
    // SRANDMEMBER key [count]
    name: 'srandmember',
    arity: -2,
    flags: ['readonly'],
    keys: KEY1,
    keyFlags: ['RO', 'access'],
    categories: ['set'],
    group: 'set',
    since: '1.0.0',
    summary: 'Get one or multiple random members from a set',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.',
    tips: ['nondeterministic_output'],
    history: [['2.6.0', 'Added the optional `count` argument.']],
    arguments: [KEY_ARG, { name: 'count', type: 'integer', since: '2.6.0', optional: true }],
    handler: srandmemberCommand,
  },
] as const satisfies readonly CommandSpec[];
