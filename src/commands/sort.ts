// SORT and SORT_RO, as Redis 7.0's sort.c behaves: the elements of a list, set or sorted set
// sorted by their numeric value, their bytes (ALPHA), or weights read from other keys (BY),
// then a LIMIT window, then either the elements or values fetched through GET patterns,
// returned or stored as a list (STORE).

import type { Client } from '../server/client.js';
import type { CollectionValue } from '../keyspace/types.js';
import type { HashValue } from '../keyspace/hash.js';
import { ListValue } from '../keyspace/list.js';
import type { SetValue } from '../keyspace/set.js';
import type { ZSet } from '../keyspace/zset.js';
import { parseInt64 } from '../resp/numbers.js';
import { isOpt } from './args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from './errors.js';
import { cString, partialQuickSort, sortComparator, sortWeight, type SortItem } from './sort-engine.js';
import type { CommandArg, CommandSpec, KeyReference, KeySpec } from './types.js';

const ERR_SCORES = "ERR One or more scores can't be converted into double";

/** Limits no set fits: SORT turns a listpack sorted set into a skiplist, as Redis does. */
const FORCE_SKIPLIST = { maxListpackEntries: -1, maxListpackValue: 0 };

/** Does a pattern contain '*' where C's strchr finds it (before any NUL)? */
function hasStar(pattern: string): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) return false;
  const nul = pattern.indexOf('\0');
  return nul < 0 || star < nul;
}

/**
 * lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced by the
 * element and the key read as a string, or — with "->field" after the '*' — the field of a
 * hash. Null when the pattern has no '*', the key is missing or of another type, or the field
 * is missing. The searches stop at a NUL as in C; the parts copied are binary-safe.
 */
function lookupByPattern(c: Client, pattern: string, subst: string): string | null {
  if (pattern.charCodeAt(0) === 35 && (pattern.length === 1 || pattern.charCodeAt(1) === 0)) return subst;
  const nul = pattern.indexOf('\0');
  const cLen = nul < 0 ? pattern.length : nul;
  const star = pattern.indexOf('*');
  if (star < 0 || star >= cLen) return null;
  const arrow = pattern.indexOf('->', star + 1);
  const hasField = arrow >= 0 && arrow + 2 < cLen;
  const key = pattern.slice(0, star) + subst + pattern.slice(star + 1, hasField ? arrow : pattern.length);
  const v = c.db.lookupRead(key);
  if (v === undefined) return null;
  if (hasField) {
    if (typeof v === 'string' || v.type !== 'hash') return null;
    return (v as HashValue).get(pattern.slice(arrow + 2)) ?? null;
  }
  return typeof v === 'string' ? v : null;
}

function item(obj: string): SortItem {
  return { obj, score: 0, cmp: null, key: obj };
}

/** getLongFromObjectOrReply (values past 2^53 lose digits, harmless once clamped). */
function limitArg(c: Client, s: string): number | null {
  const v = parseInt64(s);
  if (v === null) {
    c.reply.error(ERR_NOT_INTEGER);
    return null;
  }
  return Number(v);
}

/** SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE destination] */
function sortGeneric(c: Client, readonly: boolean): void {
  const argv = c.argv;
  let desc = false;
  let alpha = false;
  let dontsort = false;
  let limitStart = 0;
  let limitCount = -1;
  let sortby: string | null = null;
  let storekey: string | null = null;
  const gets: string[] = [];
  for (let j = 2; j < argv.length; j++) {
    const a = argv[j]!;
    const left = argv.length - j - 1;
    if (isOpt(a, 'ASC')) {
      desc = false;
    } else if (isOpt(a, 'DESC')) {
      desc = true;
    } else if (isOpt(a, 'ALPHA')) {
      alpha = true;
    } else if (isOpt(a, 'LIMIT') && left >= 2) {
      const start = limitArg(c, argv[j + 1]!);
      if (start === null) return;
      const count = limitArg(c, argv[j + 2]!);
      if (count === null) return;
      limitStart = start;
      limitCount = count;
      j += 2;
    } else if (!readonly && isOpt(a, 'STORE') && left >= 1) {
      storekey = argv[++j]!;
    } else if (isOpt(a, 'BY') && left >= 1) {
      sortby = argv[++j]!;
      // A constant pattern means "don't sort"; a later BY with a '*' does not undo it.
      if (!hasStar(sortby)) dontsort = true;
    } else if (isOpt(a, 'GET') && left >= 1) {
      gets.push(argv[++j]!);
    } else {
      return c.reply.error(ERR_SYNTAX);
    }
  }

  const found = c.db.lookupRead(argv[1]!);
  let source: CollectionValue | undefined;
  if (found !== undefined) {
    if (typeof found === 'string' || (found.type !== 'list' && found.type !== 'set' && found.type !== 'zset')) {
      return c.reply.error(ERR_WRONGTYPE);
    }
    source = found;
  }
  const type = source?.type ?? 'list';
  // A set has no order of its own: stored (replicated) output must not depend on it.
  if (dontsort && type === 'set' && storekey !== null) {
    dontsort = false;
    alpha = true;
    sortby = null;
  }
  if (type === 'zset') (source as ZSet).fitEncoding(FORCE_SKIPLIST);
  const len = source === undefined ? 0 : type === 'list' ? (source as ListValue).length : (source as SetValue | ZSet).size;

  // LIMIT clamped to the collection, as sort.c does.
  let start = Math.min(Math.max(limitStart, 0), len);
  const count = Math.min(Math.max(limitCount, -1), len);
  let end = count < 0 ? len - 1 : start + count - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;

  let vector: SortItem[];
  if (dontsort && (type === 'list' || type === 'zset')) {
    // Native order (reversed by DESC), only the LIMIT window loaded.
    vector = source === undefined ? [] : windowOf(source, start, end, desc);
    if (end >= start) {
      end -= start;
      start = 0;
    }
  } else {
    vector = [];
    if (source !== undefined) {
      const elements = type === 'list' ? (source as ListValue).items() : (source as SetValue | ZSet).members();
      for (const e of elements) vector.push(item(e));
    }
  }

  let badWeight = false;
  if (!dontsort) {
    const strcoll = storekey === null;
    for (const it of vector) {
      let byval: string | null;
      if (sortby !== null) {
        byval = lookupByPattern(c, sortby, it.obj);
        if (byval === null) continue;
      } else {
        byval = it.obj;
      }
      if (alpha) {
        if (sortby !== null) it.cmp = strcoll ? cString(byval) : byval;
        else if (strcoll) it.key = cString(it.obj);
      } else {
        const w = sortWeight(byval);
        if (w === null) badWeight = true;
        else it.score = w;
      }
    }
    const cmp = sortComparator({ alpha, byPattern: sortby !== null, desc });
    if (sortby !== null && (start !== 0 || end !== vector.length - 1)) partialQuickSort(vector, cmp, start, end);
    else vector.sort(cmp);
  }

  const n = end - start + 1;
  const outputlen = gets.length > 0 ? gets.length * n : n;
  if (badWeight) return c.reply.error(ERR_SCORES);
  if (storekey === null) {
    const r = c.reply;
    r.array(outputlen);
    for (let j = start; j <= end; j++) {
      const obj = vector[j]!.obj;
      if (gets.length === 0) r.bulk(obj);
      for (const g of gets) {
        const v = lookupByPattern(c, g, obj);
        if (v === null) r.nullBulk();
        else r.bulk(v);
      }
    }
    return;
  }
  const out: string[] = [];
  for (let j = start; j <= end; j++) {
    const obj = vector[j]!.obj;
    if (gets.length === 0) out.push(obj);
    for (const g of gets) out.push(lookupByPattern(c, g, obj) ?? '');
  }
  if (outputlen > 0) {
    c.db.set(storekey, ListValue.from(out));
    // Redis counts one change per stored element (the set above counted one).
    c.server.keyspace.dirty += outputlen - 1;
  } else {
    c.db.delete(storekey);
  }
  c.reply.integer(outputlen);
}

/** The LIMIT window [start, end] of a list or sorted set in its own order (DESC: from the tail). */
function windowOf(source: CollectionValue, start: number, end: number, desc: boolean): SortItem[] {
  const out: SortItem[] = [];
  if (end < start) return out;
  if (source.type === 'list') {
    const list = source as ListValue;
    const len = list.length;
    for (let j = start; j <= end; j++) out.push(item(list.at(desc ? len - 1 - j : j)));
    return out;
  }
  // A sorted set through its entries() hook (rank order): ranks [lo, hi] of the ascending order.
  const zset = source as ZSet;
  const lo = desc ? zset.size - 1 - end : start;
  const hi = desc ? zset.size - 1 - start : end;
  let rank = 0;
  for (const [member] of zset.entries()) {
    if (rank > hi) break;
    if (rank >= lo) out.push(item(member));
    rank++;
  }
  if (desc) out.reverse();
  return out;
}

/**
 * sortGetKeys: the sorted key, and the destination of the last STORE, skipping the arguments
 * of LIMIT, GET and BY (so `GET store` names no destination); other words are skipped alone.
 */
function sortGetKeys(argv: readonly string[]): readonly KeyReference[] {
  const keys: KeyReference[] = [{ pos: 1, flags: ['RO', 'access'] }];
  let store: KeyReference | null = null;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    if (isOpt(a, 'LIMIT')) i += 2;
    else if (isOpt(a, 'GET') || isOpt(a, 'BY')) i += 1;
    else if (isOpt(a, 'STORE') && i + 1 < argv.length) store = { pos: i + 1, flags: ['OW', 'update'] };
  }
  if (store !== null) keys.push(store);
  return keys;
}

const SOURCE_SPEC: KeySpec = { flags: ['RO', 'access'], beginSearch: { index: 1 }, findKeys: { lastKey: 0, keyStep: 1, limit: 0 } };
const PATTERN_SPEC: KeySpec = {
  notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
  flags: ['RO', 'access'],
  beginSearch: { unknown: true },
  findKeys: { unknown: true },
};
const STORE_SPEC: KeySpec = {
  notes: "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
  flags: ['OW', 'update'],
  beginSearch: { unknown: true },
  findKeys: { unknown: true },
};

const SORT_RO_ARGS: readonly CommandArg[] = [
  { name: 'key', type: 'key', keySpecIndex: 0 },
  { name: 'pattern', type: 'pattern', keySpecIndex: 1, token: 'BY', optional: true },
  {
    name: 'offset_count',
    type: 'block',
    token: 'LIMIT',
    optional: true,
    arguments: [
      { name: 'offset', type: 'integer' },
      { name: 'count', type: 'integer' },
    ],
  },
  { name: 'pattern', type: 'pattern', keySpecIndex: 1, token: 'GET', optional: true, multiple: true, multipleToken: true },
  {
    name: 'order',
    type: 'oneof',
    optional: true,
    arguments: [
      { name: 'asc', type: 'pure-token', token: 'ASC' },
      { name: 'desc', type: 'pure-token', token: 'DESC' },
    ],
  },
  { name: 'sorting', type: 'pure-token', token: 'ALPHA', optional: true },
];

const COMPLEXITY =
  'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).';

export const sortCommands = [
  {
    // SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE destination]
    name: 'sort',
    arity: -2,
    flags: ['write', 'denyoom'],
    keySpecs: [SOURCE_SPEC, PATTERN_SPEC, STORE_SPEC],
    getKeys: sortGetKeys,
    categories: ['set', 'sortedset', 'list', 'dangerous'],
    group: 'generic',
    since: '1.0.0',
    summary: 'Sort the elements in a list, set or sorted set',
    complexity: COMPLEXITY,
    arguments: [...SORT_RO_ARGS, { name: 'destination', type: 'key', keySpecIndex: 2, token: 'STORE', optional: true }],
    handler: (c) => sortGeneric(c, false),
  },
  {
    // SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]
    name: 'sort_ro',
    arity: -2,
    flags: ['readonly'],
    keySpecs: [SOURCE_SPEC, PATTERN_SPEC],
    getKeys: () => [{ pos: 1, flags: ['RO', 'access'] }],
    categories: ['set', 'sortedset', 'list', 'dangerous'],
    group: 'generic',
    since: '7.0.0',
    summary: 'Sort the elements in a list, set or sorted set. Read-only variant of SORT.',
    complexity: COMPLEXITY,
    arguments: SORT_RO_ARGS,
    handler: (c) => sortGeneric(c, true),
  },
] as const satisfies readonly CommandSpec[];
