// ZUNION ZUNIONSTORE ZINTER ZINTERSTORE ZINTERCARD ZDIFF ZDIFFSTORE — Redis 7.0's
// zunionInterDiffGenericCommand. Inputs are sorted sets or plain sets (every member scoring
// 1), each score multiplied by its WEIGHT (a product that is NaN, 0 * inf, counts as 0), then
// combined by AGGREGATE SUM|MIN|MAX (a sum of inf and -inf is 0). For UNION and INTER the
// inputs are taken smallest first (a stable sort, as glibc's qsort is for these sizes), which
// fixes the order of the floating-point sums. The *STORE forms propagate as received.

import type { Client } from '../server/client.js';
import { ZSet } from '../keyspace/zset.js';
import { NIL } from '../keyspace/skiplist.js';
import { KeyMap, KeySet } from '../keyspace/key-map.js';
import { isOpt } from './args.js';
import { ERR_SYNTAX, ERR_WRONGTYPE } from './errors.js';
import type { CommandSpec } from './types.js';
import { longArg, parseScore, rangeLongArg, zsetLimits } from './zsets-args.js';
import { DESTINATION_SPEC, ZDIFFSTORE_ARGS, ZDIFF_ARGS, ZINTERCARD_ARGS, ZUNIONSTORE_ARGS, ZUNION_ARGS, keysCountedAt } from './zsets-docs.js';
import { storeResult } from './zsets-range.js';

type SetOp = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** A plain set as an input: only its members are read (score 1 each). */
interface SetInput {
  readonly type: 'set';
  members(): Iterable<string>;
}

/** One input key: a sorted set, a set, or nothing (a missing key is an empty input). */
class Source {
  weight = 1;
  private memberSet: KeySet | null = null;
  readonly size: number;

  constructor(
    readonly zset: ZSet | null,
    readonly set: SetInput | null,
  ) {
    if (zset !== null) this.size = zset.size;
    else if (set !== null) this.size = setSize(set);
    else this.size = 0;
  }

  /** Calls `visit(member, score)` for each element (a sorted set from its highest, as Redis walks it). */
  forEach(visit: (member: string, score: number) => boolean | void): void {
    if (this.zset !== null) {
      const z = this.zset;
      for (let h = z.last(); h !== NIL; h = z.prev(h)) if (visit(z.memberOf(h), z.scoreOf(h)) === false) return;
    } else if (this.set !== null) {
      for (const m of this.set.members()) if (visit(m, 1) === false) return;
    }
  }

  /** The unweighted score of `member` here, or undefined. */
  find(member: string): number | undefined {
    if (this.zset !== null) return this.zset.score(member);
    if (this.set === null) return undefined;
    const s = this.set as unknown as { has?: unknown };
    if (typeof s.has === 'function') return (s.has as (m: string) => boolean).call(this.set, member) ? 1 : undefined;
    this.memberSet ??= new KeySet(this.set.members());
    return this.memberSet.has(member) ? 1 : undefined;
  }
}

function setSize(set: SetInput): number {
  const size = (set as unknown as { size?: unknown }).size;
  if (typeof size === 'number') return size;
  let n = 0;
  for (const _ of set.members()) n++;
  return n;
}

/** zunionInterAggregate. */
function aggregate(target: number, value: number, how: Aggregate): number {
  if (how === 'sum') {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (how === 'min') return value < target ? value : target;
  return value > target ? value : target;
}

/** weight * score, 0 when that is NaN (0 * inf). */
function weighted(weight: number, score: number): number {
  const v = weight * score;
  return Number.isNaN(v) ? 0 : v;
}

interface SetopOptions {
  readonly op: SetOp;
  /** The command's name for the "at least 1 input key" error. */
  readonly name: string;
  readonly store: boolean;
  readonly cardinalityOnly: boolean;
}

/** zunionInterDiffGenericCommand. */
function zsetop(c: Client, o: SetopOptions): void {
  const argv = c.argv;
  const argc = argv.length;
  const numkeysIdx = o.store ? 2 : 1;
  const setnum = longArg(c, argv[numkeysIdx]!);
  if (setnum === null) return;
  if (setnum < 1) return c.reply.error(`ERR at least 1 input key is needed for '${o.name}' command`);
  if (setnum > argc - (numkeysIdx + 1)) return c.reply.error(ERR_SYNTAX);

  // The inputs are looked up (and type-checked) before the options are parsed.
  const src: Source[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const v = c.db.lookupRead(argv[j]!);
    if (v === undefined) src.push(new Source(null, null));
    else if (typeof v === 'string') return c.reply.error(ERR_WRONGTYPE);
    else if (v.type === 'zset') src.push(new Source(v as ZSet, null));
    else if (v.type === 'set') src.push(new Source(null, v as unknown as SetInput));
    else return c.reply.error(ERR_WRONGTYPE);
  }

  let how: Aggregate = 'sum';
  let withScores = false;
  let limit = 0;
  while (j < argc) {
    const remaining = argc - j;
    const opt = argv[j]!;
    if (o.op !== 'diff' && !o.cardinalityOnly && remaining >= setnum + 1 && isOpt(opt, 'WEIGHTS')) {
      j++;
      for (let i = 0; i < setnum; i++, j++) {
        const w = parseScore(argv[j]!);
        if (w === null) return c.reply.error('ERR weight value is not a float');
        src[i]!.weight = w;
      }
    } else if (o.op !== 'diff' && !o.cardinalityOnly && remaining >= 2 && isOpt(opt, 'AGGREGATE')) {
      const a = argv[j + 1]!;
      if (isOpt(a, 'SUM')) how = 'sum';
      else if (isOpt(a, 'MIN')) how = 'min';
      else if (isOpt(a, 'MAX')) how = 'max';
      else return c.reply.error(ERR_SYNTAX);
      j += 2;
    } else if (remaining >= 1 && !o.store && !o.cardinalityOnly && isOpt(opt, 'WITHSCORES')) {
      withScores = true;
      j++;
    } else if (o.cardinalityOnly && remaining >= 2 && isOpt(opt, 'LIMIT')) {
      const l = rangeLongArg(c, argv[j + 1]!, 0, Infinity, "ERR LIMIT can't be negative");
      if (l === null) return;
      limit = l;
      j += 2;
    } else {
      return c.reply.error(ERR_SYNTAX);
    }
  }

  // Smallest first (stable: equal sizes keep their order).
  if (o.op !== 'diff') src.sort((a, b) => a.size - b.size);

  const result = ZSet.large();
  if (o.op === 'inter') {
    let cardinality = 0;
    const first = src[0]!;
    if (first.size > 0) {
      first.forEach((member, s) => {
        let score = weighted(first.weight, s);
        for (let k = 1; k < src.length; k++) {
          const other = src[k]!;
          const found = other.find(member);
          if (found === undefined) return;
          score = aggregate(score, other.weight * found, how);
        }
        if (o.cardinalityOnly) {
          cardinality++;
          if (limit > 0 && cardinality >= limit) return false;
        } else {
          result.insertNew(member, score);
        }
      });
    }
    if (o.cardinalityOnly) return c.reply.integer(cardinality);
  } else if (o.op === 'union') {
    const acc = new KeyMap<number>();
    for (const s of src) {
      if (s.size === 0) continue;
      s.forEach((member, score) => {
        const v = weighted(s.weight, score);
        const cur = acc.get(member);
        acc.set(member, cur === undefined ? v : aggregate(cur, v, how));
      });
    }
    for (const [member, score] of acc.entries()) result.insertNew(member, score);
  } else {
    const first = src[0]!;
    if (first.size > 0) {
      first.forEach((member, score) => {
        for (let k = 1; k < src.length; k++) if (src[k]!.find(member) !== undefined) return;
        result.insertNew(member, score);
      });
    }
  }

  if (o.store) {
    result.fitEncoding(zsetLimits(c));
    return storeResult(c, argv[1]!, result);
  }
  const r = c.reply;
  const resp3 = r.protocol === 3;
  r.array(withScores && !resp3 ? result.size * 2 : result.size);
  for (let h = result.first(); h !== NIL; h = result.next(h)) {
    if (withScores && resp3) r.array(2);
    r.bulk(result.memberOf(h));
    if (withScores) r.double(result.scoreOf(h));
  }
}

const NUMKEYS_SPEC = keysCountedAt(1, ['RO', 'access']);
const STORE_SPECS = [DESTINATION_SPEC, keysCountedAt(2, ['RO', 'access'])];

export const zsetSetopCommands = [
  {
    // ZUNION numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX] [WITHSCORES]
    name: 'zunion',
    arity: -3,
    flags: ['readonly'],
    keySpecs: [NUMKEYS_SPEC],
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '6.2.0',
    summary: 'Add multiple sorted sets',
    complexity: 'O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.',
    arguments: ZUNION_ARGS,
    handler: (c) => zsetop(c, { op: 'union', name: 'zunion', store: false, cardinalityOnly: false }),
  },
  {
    // ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX]
    name: 'zunionstore',
    arity: -4,
    flags: ['write', 'denyoom'],
    keySpecs: STORE_SPECS,
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '2.0.0',
    summary: 'Add multiple sorted sets and store the resulting sorted set in a new key',
    complexity: 'O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.',
    arguments: ZUNIONSTORE_ARGS,
    handler: (c) => zsetop(c, { op: 'union', name: 'zunionstore', store: true, cardinalityOnly: false }),
  },
  {
    // ZINTER numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX] [WITHSCORES]
    name: 'zinter',
    arity: -3,
    flags: ['readonly'],
    keySpecs: [NUMKEYS_SPEC],
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '6.2.0',
    summary: 'Intersect multiple sorted sets',
    complexity:
      'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.',
    arguments: ZUNION_ARGS,
    handler: (c) => zsetop(c, { op: 'inter', name: 'zinter', store: false, cardinalityOnly: false }),
  },
  {
    // ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX]
    name: 'zinterstore',
    arity: -4,
    flags: ['write', 'denyoom'],
    keySpecs: STORE_SPECS,
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '2.0.0',
    summary: 'Intersect multiple sorted sets and store the resulting sorted set in a new key',
    complexity:
      'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.',
    arguments: ZUNIONSTORE_ARGS,
    handler: (c) => zsetop(c, { op: 'inter', name: 'zinterstore', store: true, cardinalityOnly: false }),
  },
  {
    // ZINTERCARD numkeys key [key ...] [LIMIT limit]
    name: 'zintercard',
    arity: -3,
    flags: ['readonly'],
    keySpecs: [NUMKEYS_SPEC],
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '7.0.0',
    summary: 'Intersect multiple sorted sets and return the cardinality of the result',
    complexity: 'O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.',
    arguments: ZINTERCARD_ARGS,
    handler: (c) => zsetop(c, { op: 'inter', name: 'zintercard', store: false, cardinalityOnly: true }),
  },
  {
    // ZDIFF numkeys key [key ...] [WITHSCORES]
    name: 'zdiff',
    arity: -3,
    flags: ['readonly'],
    keySpecs: [NUMKEYS_SPEC],
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '6.2.0',
    summary: 'Subtract multiple sorted sets',
    complexity:
      'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.',
    arguments: ZDIFF_ARGS,
    handler: (c) => zsetop(c, { op: 'diff', name: 'zdiff', store: false, cardinalityOnly: false }),
  },
  {
    // ZDIFFSTORE destination numkeys key [key ...]
    name: 'zdiffstore',
    arity: -4,
    flags: ['write', 'denyoom'],
    keySpecs: STORE_SPECS,
    categories: ['sortedset'],
    group: 'sorted-set',
    since: '6.2.0',
    summary: 'Subtract multiple sorted sets and store the resulting sorted set in a new key',
    complexity:
      'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.',
    arguments: ZDIFFSTORE_ARGS,
    handler: (c) => zsetop(c, { op: 'diff', name: 'zdiffstore', store: true, cardinalityOnly: false }),
  },
] as const satisfies readonly CommandSpec[];
