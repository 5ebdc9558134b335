// Set algebra: SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE.
//
// A missing key is an empty set, but every key is type-checked first (WRONGTYPE wins, as in
// Redis 7.0). The STORE forms replace the destination (its TTL goes with it) when the result
// is not empty, and delete it otherwise; they change — and log — nothing when the result is
// empty and the destination did not exist. A computed set is built as Redis builds it, by
// adding to an empty intset, so its encoding and, for an intset, its (sorted) order match.

import type { Client } from '../server/client.js';
import { SetValue } from '../keyspace/set.js';
import { parseInt64 } from '../resp/numbers.js';
import { isOpt } from './args.js';
import { ERR_SYNTAX, ERR_WRONGTYPE } from './errors.js';
import { setLimits } from './collection-args.js';
import { keyAt } from './keys-docs.js';
import type { CommandArg, CommandSpec, KeySpec } from './types.js';

const KEYS_ALL = { first: 1, last: -1, step: 1 } as const;
const KEYS_ARG = { name: 'key', type: 'key', keySpecIndex: 0, multiple: true } as const satisfies CommandArg;
const STORE_ARGS = [
  { name: 'destination', type: 'key', keySpecIndex: 0 },
  { name: 'key', type: 'key', keySpecIndex: 1, multiple: true },
] as const satisfies readonly CommandArg[];
const SOURCES_SPEC: KeySpec = { flags: ['RO', 'access'], beginSearch: { index: 2 }, findKeys: { lastKey: -1, keyStep: 1, limit: 0 } };

/**
 * The sets at argv[from..from+count): null for a missing key. With `store`, looked up as a
 * write command does (no hit/miss statistics). Returns false after replying WRONGTYPE.
 */
function lookupSets(c: Client, from: number, count: number, store: boolean): (SetValue | null)[] | false {
  const sets: (SetValue | null)[] = [];
  for (let i = from; i < from + count; i++) {
    const key = c.argv[i]!;
    const v = store ? c.db.getEntry(key)?.value : c.db.lookupRead(key);
    if (v === undefined) {
      sets.push(null);
      continue;
    }
    if (typeof v === 'string' || v.type !== 'set') {
      c.reply.error(ERR_WRONGTYPE);
      return false;
    }
    sets.push(v as SetValue);
  }
  return sets;
}

/** The result of a STORE form: stored when not empty, else the destination is deleted. */
function storeResult(c: Client, dst: string, result: SetValue): void {
  if (result.size > 0) {
    c.db.set(dst, result);
    c.reply.integer(result.size);
  } else {
    c.db.delete(dst);
    c.reply.integer(0);
  }
}

function replySet(c: Client, result: SetValue): void {
  c.reply.set(result.size);
  for (const m of result.members()) c.reply.bulk(m);
}

/**
 * The members of the intersection, in the iteration order of the smallest set; at most
 * `limit` of them (0 = no limit). Null when a set is missing (the result is empty).
 */
function intersect(sets: (SetValue | null)[], limit: number): string[] | null {
  if (sets.some((s) => s === null)) return null;
  const ordered = (sets as SetValue[]).slice().sort((a, b) => a.size - b.size);
  const first = ordered[0]!;
  const out: string[] = [];
  outer: for (const m of first.members()) {
    for (let j = 1; j < ordered.length; j++) {
      const other = ordered[j]!;
      if (other !== first && !other.has(m)) continue outer;
    }
    out.push(m);
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}

/** SINTER key [key ...] / SINTERSTORE destination key [key ...] */
function sinterGeneric(c: Client, dst: string | null): void {
  const from = dst === null ? 1 : 2;
  const sets = lookupSets(c, from, c.argv.length - from, dst !== null);
  if (sets === false) return;
  const members = intersect(sets, 0) ?? [];
  if (dst !== null) return storeResult(c, dst, SetValue.from(members, setLimits(c)));
  c.reply.set(members.length);
  for (const m of members) c.reply.bulk(m);
}

/** SINTERCARD numkeys key [key ...] [LIMIT limit] */
function sintercardCommand(c: Client): void {
  const argv = c.argv;
  const numkeys = parseInt64(argv[1]!);
  if (numkeys === null || numkeys < 1) return c.reply.error('ERR numkeys should be greater than 0');
  if (numkeys > argv.length - 2) return c.reply.error("ERR Number of keys can't be greater than number of args");
  const n = Number(numkeys);
  let limit = 0;
  for (let i = 2 + n; i < argv.length; i++) {
    if (isOpt(argv[i]!, 'LIMIT') && i + 1 < argv.length) {
      const l = parseInt64(argv[++i]!);
      if (l === null || l < 0) return c.reply.error("ERR LIMIT can't be negative");
      limit = Number(l);
    } else {
      return c.reply.error(ERR_SYNTAX);
    }
  }
  const sets = lookupSets(c, 2, n, false);
  if (sets === false) return;
  c.reply.integer(intersect(sets, limit)?.length ?? 0);
}

/** SUNION/SDIFF and their STORE forms. */
function sunionDiffGeneric(c: Client, dst: string | null, op: 'union' | 'diff'): void {
  const from = dst === null ? 1 : 2;
  const sets = lookupSets(c, from, c.argv.length - from, dst !== null);
  if (sets === false) return;
  const limits = setLimits(c);
  const result = new SetValue();
  if (op === 'union') {
    for (const s of sets) if (s !== null) for (const m of s.members()) result.add(m, limits);
  } else {
    const first = sets[0];
    if (first != null) {
      outer: for (const m of first.members()) {
        for (let j = 1; j < sets.length; j++) {
          const other = sets[j];
          // The first set named again removes everything.
          if (other === first || (other != null && other.has(m))) continue outer;
        }
        result.add(m, limits);
      }
    }
  }
  if (dst !== null) storeResult(c, dst, result);
  else replySet(c, result);
}

export const setAlgebraCommands = [
  {
    // SINTER key [key ...]
    name: 'sinter',
    arity: -2,
    flags: ['readonly'],
    keys: KEYS_ALL,
    keyFlags: ['RO', 'access'],
    categories: ['set'],
    group: 'set',
    since: '1.0.0',
    summary: 'Intersect multiple sets',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    tips: ['nondeterministic_output_order'],
    arguments: [KEYS_ARG],
    handler: (c) => sinterGeneric(c, null),
  },
  {
    // SINTERCARD numkeys key [key ...] [LIMIT limit]
    name: 'sintercard',
    arity: -3,
    flags: ['readonly'],
    keySpecs: [{ flags: ['RO', 'access'], beginSearch: { index: 1 }, findKeys: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } }],
    categories: ['set'],
    group: 'set',
    since: '7.0.0',
    summary: 'Intersect multiple sets and return the cardinality of the result',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    arguments: [
      { name: 'numkeys', type: 'integer' },
      KEYS_ARG,
      { name: 'limit', type: 'integer', token: 'LIMIT', optional: true },
    ],
    handler: sintercardCommand,
  },
  {
    // SINTERSTORE destination key [key ...]
    name: 'sinterstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['RW', 'update']), SOURCES_SPEC],
    categories: ['set'],
    group: 'set',
    since: '1.0.0',
    summary: 'Intersect multiple sets and store the resulting set in a key',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    arguments: STORE_ARGS,
    handler: (c) => sinterGeneric(c, c.argv[1]!),
  },
  {
    // SUNION key [key ...]
    name: 'sunion',
    arity: -2,
    flags: ['readonly'],
    keys: KEYS_ALL,
    keyFlags: ['RO', 'access'],
    categories: ['set'],
    group: 'set',
    since: '1.0.0',
    summary: 'Add multiple sets',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    tips: ['nondeterministic_output_order'],
    arguments: [KEYS_ARG],
    handler: (c) => sunionDiffGeneric(c, null, 'union'),
  },
  {
    // SUNIONSTORE destination key [key ...]
    name: 'sunionstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['OW', 'update']), SOURCES_SPEC],
    categories: ['set'],
    group: 'set',
    since: '1.0.0',
    summary: 'Add multiple sets and store the resulting set in a key',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    arguments: STORE_ARGS,
    handler: (c) => sunionDiffGeneric(c, c.argv[1]!, 'union'),
  },
  {
    // SDIFF key [key ...]
    name: 'sdiff',
    arity: -2,
    flags: ['readonly'],
    keys: KEYS_ALL,
    keyFlags: ['RO', 'access'],
    categories: ['set'],
    group: 'set',
    since: '1.0.0',
    summary: 'Subtract multiple sets',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    tips: ['nondeterministic_output_order'],
    arguments: [KEYS_ARG],
    handler: (c) => sunionDiffGeneric(c, null, 'diff'),
  },
  {
    // SDIFFSTORE destination key [key ...]
    name: 'sdiffstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['OW', 'update']), SOURCES_SPEC],
    categories: ['set'],
    group: 'set',
    since: '1.0.0',
    summary: 'Subtract multiple sets and store the resulting set in a key',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    arguments: STORE_ARGS,
    handler: (c) => sunionDiffGeneric(c, c.argv[1]!, 'diff'),
  },
] as const satisfies readonly CommandSpec[];
