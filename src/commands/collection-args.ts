// Arguments shared by the collection commands: the SCAN family's cursor and options (HSCAN,
// SSCAN, ZSCAN), the count of the random-member commands (HRANDFIELD, SRANDMEMBER,
// ZRANDMEMBER), and the encoding limits read from the configuration.

import type { Client } from '../server/client.js';
import type { HashLimits } from '../keyspace/hash.js';
import type { SetLimits } from '../keyspace/set.js';
import { parseInt64 } from '../resp/numbers.js';
import { isOpt } from './args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from './errors.js';
import type { CommandArg } from './types.js';

export const ERR_INVALID_CURSOR = 'ERR invalid cursor';
/** getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX): only -2^63 is refused this way. */
export const ERR_RANGE_LONG = 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';
/** getPositiveLongFromObjectOrReply without a message of its own. */
export const ERR_NOT_POSITIVE = 'ERR value is out of range, must be positive';

const INT64_MIN = -9223372036854775808n;

/**
 * Redis's parseScanCursorOrReply (strtoul): digits with an optional sign, at most 2^64-1, a
 * negative value wrapping around as in C. Cursors past the collection's end simply end the
 * scan, so precision beyond 2^53 does not matter. Replies the error and returns null.
 */
export function scanCursorArg(c: Client, s: string): number | null {
  if (!/^[+-]?[0-9]+$/.test(s)) {
    c.reply.error(ERR_INVALID_CURSOR);
    return null;
  }
  const negative = s[0] === '-';
  let v = BigInt(s[0] === '+' || negative ? s.slice(1) : s);
  if (v > 0xffffffffffffffffn) {
    c.reply.error(ERR_INVALID_CURSOR);
    return null;
  }
  if (negative && v !== 0n) v = (1n << 64n) - v;
  return Number(v);
}

export interface ScanOptions {
  count: number;
  /** null: no MATCH, or MATCH * */
  pattern: string | null;
}

/**
 * scanGenericCommand's options for a key's collection (no TYPE): COUNT n (n >= 1) and MATCH
 * pattern, in any order, the last one winning. Replies the error and returns null.
 */
export function scanOptionsArg(c: Client, from: number): ScanOptions | null {
  const argv = c.argv;
  const opts: ScanOptions = { count: 10, pattern: null };
  for (let i = from; i < argv.length; i += 2) {
    const opt = argv[i]!;
    if (i + 1 < argv.length && isOpt(opt, 'COUNT')) {
      const n = parseInt64(argv[i + 1]!);
      if (n === null) {
        c.reply.error(ERR_NOT_INTEGER);
        return null;
      }
      if (n < 1) {
        c.reply.error(ERR_SYNTAX);
        return null;
      }
      opts.count = typeof n === 'number' ? n : Number.MAX_SAFE_INTEGER;
    } else if (i + 1 < argv.length && isOpt(opt, 'MATCH')) {
      const p = argv[i + 1]!;
      opts.pattern = p === '*' ? null : p;
    } else {
      c.reply.error(ERR_SYNTAX);
      return null;
    }
  }
  return opts;
}

/** The reply of a SCAN-family command: the next cursor and a flat array of elements. */
export function replyScan(c: Client, cursor: number, items: readonly string[]): void {
  c.reply.array(2);
  c.reply.bulk(String(cursor));
  c.reply.bulkArray(items);
}

/** HSCAN / SSCAN / ZSCAN key cursor [MATCH pattern] [COUNT count]. */
export const KEY_SCAN_ARGS = [
  { name: 'key', type: 'key', keySpecIndex: 0 },
  { name: 'cursor', type: 'integer' },
  { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
  { name: 'count', type: 'integer', token: 'COUNT', optional: true },
] as const satisfies readonly CommandArg[];

/**
 * The count of HRANDFIELD / SRANDMEMBER / ZRANDMEMBER: an integer in [-LONG_MAX, LONG_MAX]
 * (beyond the safe integers it only needs to stay huge). Replies the error and returns null.
 */
export function randomCountArg(c: Client, s: string): number | null {
  const v = parseInt64(s);
  if (v === null) {
    c.reply.error(ERR_NOT_INTEGER);
    return null;
  }
  if (v === INT64_MIN) {
    c.reply.error(ERR_RANGE_LONG);
    return null;
  }
  return Number(v);
}

export function hashLimits(c: Client): HashLimits {
  const config = c.server.config;
  return { maxListpackEntries: config.num('hash-max-listpack-entries'), maxListpackValue: config.num('hash-max-listpack-value') };
}

export function setLimits(c: Client): SetLimits {
  return { maxIntsetEntries: c.server.config.num('set-max-intset-entries') };
}
